"""Hybrid search, filters, permissions and hostile queries."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from integrations.docs.base import EVERYONE, SearchFilters, Viewer
from integrations.docs.index import SqliteDocsIndex

CHANNEL = Viewer(user_id="U0TOM", email="tom@example.com", private_context=False)


def ids(index: SqliteDocsIndex, query: str, viewer: Viewer = CHANNEL, **kw: object) -> list[str]:
    return [h.doc_id for h in index.search(query, viewer=viewer, **kw).hits]  # type: ignore[arg-type]


def test_keyword_and_paraphrase(index: SqliteDocsIndex) -> None:
    """Exact words (BM25) and differently worded questions (dense + BM25) both find the right document first."""
    assert ids(index, "WireGuard profile")[0] == "vpn.md"
    assert ids(index, "how many vacation days do I get")[0] == "leave.md"
    assert ids(index, "what can I spend taking a customer to dinner")[0] == "expenses.md"


def test_hits_carry_chunks_scores_and_links(index: SqliteDocsIndex) -> None:
    """Each hit has its best chunks with ids doc#n, a fused score, the link and the heading path."""
    hit = index.search("vpn drops every hour", viewer=CHANNEL, k=3).hits[0]
    assert hit.doc_id == "vpn.md" and hit.link == "https://wiki.example/vpn.md" and hit.score > 0
    assert hit.chunks[0].chunk_id.startswith("vpn.md#") and "2.4.1" in hit.chunks[0].text
    assert hit.chunks[0].heading == "Drops every hour"


def test_channel_sees_public_only(index: SqliteDocsIndex) -> None:
    """In a channel even a listed reader gets no private document: everyone there would see it."""
    reader_in_channel = Viewer(user_id="U0BOSS", email="lena@example.com", private_context=False)
    assert "bands.md" not in ids(index, "salary bands senior engineer", reader_in_channel)


def test_dm_uses_own_access(index: SqliteDocsIndex) -> None:
    """In a DM a reader (by email or by user id) retrieves the private document; anyone else never does."""
    by_email = Viewer(user_id="U0LENA", email="Lena@example.com", private_context=True)
    by_id = Viewer(user_id="U0BOSS", private_context=True)
    other = Viewer(user_id="U0TOM", email="tom@example.com", private_context=True)
    assert ids(index, "salary bands senior engineer", by_email)[0] == "bands.md"
    assert ids(index, "salary bands senior engineer", by_id)[0] == "bands.md"
    assert "bands.md" not in ids(index, "salary bands senior engineer 72,000", other, k=10)
    assert index.get_document("bands.md", viewer=other) is None


def test_metadata_filters(index: SqliteDocsIndex) -> None:
    """Source, path prefix and updated-after filters restrict both retrievers."""
    assert ids(index, "days", filters=SearchFilters(source="drive"), k=10) in ([], ["expenses.md"])
    assert set(ids(index, "profile leave dinner", filters=SearchFilters(path_prefix="it"), k=10)) == {"vpn.md"}
    after = SearchFilters(updated_after=datetime(2026, 7, 1, tzinfo=UTC))
    assert set(ids(index, "leave vpn expenses dinner", filters=after, k=10)) <= {"leave.md", "vpn.md"}


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "NEAR(a b) AND OR NOT *", "title: {body}", "-- DROP TABLE chunks; --", "^ carry + over"],
)
def test_fts_syntax_in_queries_is_harmless(index: SqliteDocsIndex, query: str) -> None:
    """FTS5 operators and quotes in a question are searched as words, never parsed or executed."""
    index.search(query, viewer=CHANNEL)
    assert index.count_chunks() > 0


def test_punctuation_only_and_huge_queries(index: SqliteDocsIndex) -> None:
    """A query of only punctuation returns nothing; a 10,000-character query still answers, quickly."""
    assert index.search("?!?! ... ---", viewer=CHANNEL).hits == []
    long_query = ("I have a question about my annual leave and how many days carry over. " * 140)[:10_000]
    result = index.search(long_query, viewer=CHANNEL)
    assert result.hits[0].doc_id == "leave.md" and result.took_ms < 2000


def test_confidence_flags_unrelated_questions(index: SqliteDocsIndex) -> None:
    """A question sharing nothing with the documents is marked not confident."""
    assert index.search("how many vacation days do I get", viewer=CHANNEL).confident
    assert not index.search("who won the football match", viewer=CHANNEL).confident


def test_index_file_is_reopened_and_refreshed(tmp_path: object) -> None:
    """The index lives in its own SQLite file; another connection sees new documents without a restart."""
    from pathlib import Path

    from integrations.docs.ingest import ingest
    from integrations.docs.sources import InlineSource
    from tests.docs.conftest import CORPUS

    path = Path(str(tmp_path)) / "docs.db"
    reader = SqliteDocsIndex(path)
    assert reader.search("WireGuard", viewer=EVERYONE).hits == []  # empty index
    writer = SqliteDocsIndex(path)
    ingest(writer, InlineSource(list(CORPUS)))
    assert reader.search("WireGuard", viewer=EVERYONE).hits[0].doc_id == "vpn.md"


def _family_index() -> SqliteDocsIndex:
    """Three products with five look-alike pages each, and one page (titled otherwise) that states a fee."""
    from integrations.docs.ingest import ingest
    from integrations.docs.sources import InlineSource
    from tests.docs.conftest import doc

    pages = {
        "getting started": "apply online and activate the card when it arrives.",
        "rewards": "purchases earn points you can swap for vouchers.",
        "travel benefits": "use the card abroad with no foreign fees.",
        "referral program": "invite a friend and both of you get bonus points.",
        "payments": "pay your statement by direct debit or bank transfer.",
    }
    docs = [
        doc(
            f"{product}-{topic}",
            f"{product} card: {topic}",
            f"# {product} card: {topic}\n\nWith the {product} card, {text}",
        )
        for product in ("Silver", "Gold", "Bronze")
        for topic, text in pages.items()
    ]
    docs.append(
        doc(
            "fees",
            "Fee schedule",
            "# Fee schedule\n\n## Replacements\n\nA replacement for a lost Gold card costs 25 EUR; Silver and "
            "Bronze replacements are free.",
        )
    )
    index = SqliteDocsIndex(None)
    ingest(index, InlineSource(docs))
    return index


def test_short_question_prefers_the_page_stating_it_over_title_lookalikes() -> None:
    """A short question finds the page that states the answer, not pages whose titles merely share its words."""
    assert ids(_family_index(), "how much is a replacement gold card?", EVERYONE)[0] == "fees"


def test_top_hit_carries_its_whole_page_for_the_answer() -> None:
    """The first hit carries its page's other sections too (the answer may share no word with the question)."""
    from integrations.docs.ingest import ingest
    from integrations.docs.sources import InlineSource
    from tests.docs.conftest import doc

    filler = "This section explains the background in some detail for new colleagues. " * 6
    sections = ["Overview", "Timing", "Calibration", "Appeals", "Promotions", "Feedback"]
    text = "# Reviews\n\n" + "\n\n".join(f"## {name}\n\n{filler}" for name in sections)
    text = text.replace("## Timing\n\n", "## Timing\n\nCycles run in April and October. ")
    index = SqliteDocsIndex(None)
    ingest(index, InlineSource([doc("reviews", "Performance reviews", text)]))
    # Each retriever ranks only two chunks here, so the rest of the page must come from the page itself.
    index.searcher.options = dataclasses.replace(index.searcher.options, candidates=2)
    hits = index.search("when are performance reviews?", viewer=EVERYONE, k=3).hits
    assert hits[0].doc_id == "reviews"
    assert any("April and October" in c.text for c in hits[0].chunks)
    assert len(hits[0].chunks) > index.options.chunks_per_hit
