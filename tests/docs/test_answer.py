"""Extractive answers: which sentence of the retrieved passages is quoted (graph/local_model/docs_answer.py)."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from graph.local_model.docs_answer import answer_from_results


def _reply(question: str, hits: list[dict[str, Any]]) -> str:
    call = {"name": "search_docs", "args": {"query": question}, "id": "call_1", "type": "tool_call"}
    messages = [
        HumanMessage(content=question),
        AIMessage(content="", tool_calls=[call]),
        ToolMessage(
            content="results",
            name="search_docs",
            tool_call_id="call_1",
            artifact={"query": question, "confident": True, "results": hits},
        ),
    ]
    return str(answer_from_results(messages).content)


def _hit(doc_id: str, title: str, chunks: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "title": title,
        "link": f"https://wiki.example/{doc_id}",
        "score": 1.0,
        "chunks": [
            {"chunk_id": f"{doc_id}#{n}", "heading": heading, "text": text} for n, (heading, text) in enumerate(chunks)
        ],
    }


SICK = _hit(
    "sick.md",
    "Sick leave",
    [
        (
            "Paid sick leave",
            "Kestrel pays your full salary while you are sick. Payments last for up to six weeks per illness. "
            "Statutory rules of your country apply afterwards.",
        )
    ],
)


def test_how_long_question_quotes_the_sentence_with_a_duration() -> None:
    """A "how long" question gets the sentence holding a duration, not the one sharing more of its words."""
    reply = _reply("how long does the company keep paying my salary when I'm sick?", [SICK])
    assert "six weeks" in reply.split("\n\n")[0]
    assert "Statutory rules" not in reply


def test_sentence_in_a_later_passage_of_the_same_document_can_answer() -> None:
    """Within the top document, the passage holding the asked-for time wins over one repeating the topic."""
    doc = _hit(
        "timesheets.md",
        "Timesheets",
        [
            ("Timesheets", "Timesheets record your project hours. Your manager reviews timesheets every month."),
            ("Timesheets > Deadline", "Submit your timesheet by Friday 17:00 each week."),
        ],
    )
    reply = _reply("when do I have to submit my timesheet?", [doc])
    assert "Friday 17:00" in reply


def test_request_verbs_choose_the_sentence_inside_a_found_document() -> None:
    """Words like "tell" pick the notification rule even though the leave length shares the topic words."""
    doc = _hit(
        "parental.md",
        "Parental leave",
        [
            ("Parental leave > What you get", "Every employee gets 16 weeks of paid parental leave."),
            ("Parental leave > Notice", "Tell your manager and People at least 8 weeks before your leave starts."),
        ],
    )
    reply = _reply("how far ahead do I tell my manager about parental leave?", [doc])
    assert "8 weeks" in reply
    assert "16 weeks" not in reply


def test_a_following_condition_is_quoted_with_its_rule() -> None:
    """The sentence starting "If ..." after the best one completes it and is quoted too; unrelated ones are not."""
    doc = _hit(
        "wifi.md",
        "Office Wi-Fi",
        [
            (
                "Office Wi-Fi > Guests",
                "Guests can join the Kestrel-Guest network with the code at reception. "
                "If they need internal systems, they must borrow a Kestrel laptop from IT. "
                "The printers are on the third floor.",
            )
        ],
    )
    reply = _reply("can my guests use the office wifi?", [doc])
    assert "Kestrel-Guest" in reply and "If they need internal systems" in reply
    assert "printers" not in reply


def test_permission_words_do_not_outweigh_the_question_topic() -> None:
    """A "can I" question still quotes the sentence about its topic, not any sentence saying "need" or "must"."""
    doc = _hit(
        "travel.md",
        "Business travel",
        [
            (
                "Business travel > Train or plane",
                "Rail first: if the journey takes under five hours by train, take the train. "
                "Hotel bookings need approval from your manager.",
            )
        ],
    )
    reply = _reply("can I take a plane to Hamburg or must I go by train?", [doc])
    assert "five hours by train" in reply


def test_a_passages_opening_sentences_belong_to_its_own_heading() -> None:
    """Sentences before a passage's first sub-heading sit under the passage's own heading, later ones under theirs."""
    from graph.local_model.docs_answer import _units

    units = _units("This happens after a cartridge swap.\n\n### Paper jams\n\nOpen tray 2.", "Printouts come out blank")
    assert [(u.heading, u.text) for u in units] == [
        ("Printouts come out blank", "This happens after a cartridge swap."),
        ("Paper jams", "Open tray 2."),
    ]


def test_a_section_sharing_few_words_still_answers_when_it_holds_the_asked_fact() -> None:
    """Every section of the chosen page competes: the opening hours answer "what time", not a badge rule."""
    doc = _hit(
        "offices.md",
        "Our offices",
        [
            ("Our offices > Lost badge", "A replacement badge for the London office costs 15 EUR."),
            ("Our offices > London", "Open 07:30 to 20:00 on working days."),
        ],
    )
    reply = _reply("what time can I get into the London office in the morning?", [doc])
    assert "07:30" in reply.split("\n\n")[0]


def test_how_much_leave_asks_for_an_amount_of_time_not_money() -> None:
    """ "How much annual leave" is answered with the days, not with a sentence about a payout in euros."""
    doc = _hit(
        "annual.md",
        "Annual leave",
        [
            (
                "Annual leave > Entitlement",
                "Unused annual leave is paid out when you leave, up to 2,000 EUR. "
                "Everyone gets 27 days of annual leave per year.",
            )
        ],
    )
    reply = _reply("how much annual leave do I get?", [doc])
    assert "27 days" in reply.split("\n\n")[0]
    assert "2,000 EUR" not in reply


def test_the_top_document_answers_before_a_lower_one_sharing_more_words() -> None:
    """Retrieval's first page answers when it supports the question, even if a later page repeats more of its words."""
    annual = _hit(
        "annual.md",
        "Annual leave",
        [("Annual leave > Carrying over unused days", "Up to 5 unused days carry over to the next year.")],
    )
    parental = _hit(
        "parental.md",
        "Parental leave",
        [
            (
                "Parental leave > During leave",
                "You never lose annual leave accrued during parental leave, even at the end of the year.",
            )
        ],
    )
    reply = _reply("do I lose unused annual leave at the end of the year?", [annual, parental])
    assert "5 unused days" in reply.split("\n")[0]


def test_everyday_word_finds_support_in_the_formal_term() -> None:
    """ "Vacation" is supported by a passage that only says "annual leave" (the synonym table), so it is answered."""
    doc = _hit(
        "annual.md",
        "Holidays",
        [("Holidays > Booking", "Book annual leave in the HR system at least two weeks ahead.")],
    )
    reply = _reply("how far ahead must vacation be requested?", [doc])
    assert "two weeks ahead" in reply
    assert "couldn't find" not in reply


def test_negated_word_counts_as_the_word() -> None:
    """ "Unused" supports a question about days you didn't "use" (the un- prefix is stripped for matching)."""
    doc = _hit(
        "annual.md",
        "Leave",
        [("Leave > Year end", "Unused days expire on 31 March of the following year.")],
    )
    reply = _reply("what if I don't use my leave?", [doc])
    assert "31 March" in reply


def test_a_question_about_money_asks_for_an_amount() -> None:
    """Money, compensation and reimbursement questions want an amount; "how much leave" wants a length of time."""
    from graph.local_model.docs_answer import _DURATION, _MONEY, _wanted

    assert _MONEY in _wanted("if I join the rota is there extra money in it?")
    assert _MONEY in _wanted("what compensation do I get for weekend work?")
    assert _DURATION in _wanted("how much annual leave do I get?") and _MONEY not in _wanted("how much annual leave?")


def test_a_situation_described_in_other_words_is_still_answered_from_the_page() -> None:
    """A question sharing a few key words with the page (two of five) is answered, not "couldn't find"."""
    doc = _hit(
        "sick.md",
        "Sick leave",
        [("Sick leave > Paid sick leave", "Kestrel pays your full salary for up to six weeks per illness.")],
    )
    reply = _reply("facing surgery and a long recovery, how long will my salary keep coming per illness?", [doc])
    assert "six weeks" in reply and "couldn't find" not in reply


def test_hyphenated_everyday_word_finds_the_formal_terms_sentence() -> None:
    """ "the write-up" is the postmortem: the sentence naming the postmortem answers, not "couldn't find"."""
    page = _hit(
        "incidents.md",
        "Incident response",
        [
            ("Severity", "SEV1 means customers cannot work. SEV3 is a minor bug with a workaround."),
            ("Afterwards", "Every SEV1 gets a blameless postmortem within five working days."),
        ],
    )
    reply = _reply("we closed a sev1 this morning, by when is the write-up expected?", [page])
    assert "five working days" in reply
