"""Structure-aware chunking."""

from __future__ import annotations

import itertools

from integrations.docs.base import SourceDocument
from integrations.docs.chunking import ChunkingOptions, chunk_document, chunk_text


def test_headings_become_paths() -> None:
    """Each chunk knows the heading path it sits under; the document's single title heading is left out."""
    text = "# Travel\n\nIntro.\n\n## Trains\n\nTake the train.\n\n### Night trains\n\nSleeper cars are fine.\n"
    pieces = chunk_text(text, title="Travel policy", options=ChunkingOptions(min_chars=0))
    assert [p for p, _ in pieces] == [[], ["Trains"], ["Trains", "Night trains"]]


def test_tables_stay_whole() -> None:
    """A table longer than the size limit is kept in one chunk (up to the hard cap)."""
    rows = "\n".join(f"| City {i} | {100 + i} EUR |" for i in range(40))
    text = f"# Hotels\n\nLimits:\n\n| City | Max |\n|---|---|\n{rows}\n\nAfter the table."
    pieces = chunk_text(text, options=ChunkingOptions(max_chars=300, min_chars=0, hard_max_chars=4000))
    tables = [t for _, t in pieces if "| City 0 |" in t]
    assert len(tables) == 1 and "| City 39 |" in tables[0]


def test_huge_table_split_by_rows_with_header() -> None:
    """A table beyond the hard cap is cut between rows, each piece repeating the header."""
    rows = "\n".join(f"| Row {i} | {'x' * 50} |" for i in range(100))
    text = f"| Name | Value |\n|---|---|\n{rows}"
    pieces = chunk_text(text, options=ChunkingOptions(max_chars=500, min_chars=0, hard_max_chars=1000))
    assert len(pieces) > 1
    assert all(t.startswith("| Name | Value |") for _, t in pieces)


def test_size_limit_and_overlap() -> None:
    """Long sections are cut under the limit at paragraph or sentence ends, repeating a little of the previous chunk."""
    paragraphs = "\n\n".join(
        f"Paragraph {i} says something useful about rule {i}. It has a second sentence." for i in range(30)
    )
    pieces = chunk_text(f"# Rules\n\n{paragraphs}", options=ChunkingOptions(max_chars=400, overlap_chars=120))
    assert len(pieces) > 3
    assert all(len(t) <= 400 + 120 for _, t in pieces)
    for (_, a), (_, b) in itertools.pairwise(pieces):
        last_sentence = a.split(". ")[-1].strip()
        assert last_sentence[:20] in b


def test_lists_break_between_items() -> None:
    """A long list is split between its items, never inside one."""
    items = "\n".join(f"- item number {i} with some words to make it longer" for i in range(40))
    pieces = chunk_text(f"## Steps\n\n{items}", options=ChunkingOptions(max_chars=300, overlap_chars=0))
    for _, text in pieces:
        for line in text.splitlines():
            assert line.startswith("- item number")


def test_code_blocks_are_kept() -> None:
    """A fenced code block is one unit: a heading-like line inside it is not a heading."""
    text = "# Setup\n\n```bash\n# not a heading\nmake run\n```\n\nDone."
    pieces = chunk_text(text, options=ChunkingOptions(min_chars=0))
    joined = "\n".join(t for _, t in pieces)
    assert "# not a heading" in joined and all(p == [] for p, _ in pieces)


def test_chunks_carry_metadata() -> None:
    """Chunks keep doc id, title, link, updated time and access, and number from 0."""
    doc = SourceDocument(id="a.md", title="A", text="# A\n\n## One\n\nx " * 200, link="https://x/a")
    chunks = chunk_document(doc, ChunkingOptions(max_chars=300))
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert all(c.doc_id == "a.md" and c.title == "A" and c.link == "https://x/a" for c in chunks)
    assert chunks[0].id == "a.md#0"


def test_small_sections_merge_under_one_top_heading() -> None:
    """Tiny neighbouring sections under the same top-level heading share a chunk; their heading stays as a line."""
    text = "## Leave\n\n### Sick\n\nCall in.\n\n### Holidays\n\nBook ahead.\n\n## Money\n\nExpenses."
    pieces = chunk_text(text, options=ChunkingOptions(min_chars=100))
    assert len(pieces) == 2
    assert "### Holidays" in pieces[0][1] and pieces[1][0] == ["Money"]
