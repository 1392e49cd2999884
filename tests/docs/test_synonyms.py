"""Everyday workplace words reach the handbook's formal terms, and only in that direction."""

from __future__ import annotations

from graph.docs_synonyms import expand_query, formal_alternatives


def test_everyday_word_adds_the_formal_term() -> None:
    """ "PTO" and "WFH" questions also search for "annual leave" and "remote work"."""
    assert expand_query("how much PTO is left and can I WFH?") == (
        "how much PTO is left and can I WFH? (annual leave, remote work)"
    )


def test_formal_or_unrelated_questions_are_unchanged() -> None:
    """A question already in handbook language, or about something else, is searched as asked."""
    for query in ("how early must I announce parental leave?", "do I get a day back for a bank holiday?"):
        assert expand_query(query) == query


def test_words_inside_other_words_do_not_expand() -> None:
    """Only whole words count: "notebooks" in a sentence about paper, or "mfa" inside a word, expand nothing."""
    assert expand_query("order paper notebooks for the workshop") == "order paper notebooks for the workshop"


def test_incident_and_rota_vocabulary_reaches_the_handbook_terms() -> None:
    """A "retro" is a postmortem, a "pager rota" is on-call and a "training budget" is the learning budget."""
    assert expand_query("when is the retro due?").endswith("(postmortem)")
    assert expand_query("who is on the pager rota this week?").endswith("(on-call)")
    assert expand_query("is there a training budget?").endswith("(learning budget)")
    assert expand_query("book the conference room") == "book the conference room"


def test_hyphenated_everyday_phrases_map_each_word_the_way_questions_are_split() -> None:
    """ "write-up" and "post-mortem" map word by word ("write", "post") to their formal term, as the answerer splits
    a question into words; a phrase kept whole would never meet those words."""
    found = formal_alternatives("is the write-up late? ask about the post-mortem")
    assert found["write"] == "postmortem" and found["post"] == "postmortem"
    assert "write-up" not in found


def test_travel_and_working_time_vocabulary_reaches_the_handbook_terms() -> None:
    """A "parking ticket" is a fine, "mileage" is paid per km and "four days a week" is pro rata part-time."""
    assert expand_query("can I claim a parking ticket?").endswith("(fines)")
    assert expand_query("what's the mileage rate?").endswith("(per km)")
    assert expand_query("going down to 4 days a week, does my leave change?").endswith("(pro rata)")
