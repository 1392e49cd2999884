"""Sources and ingest: formats, bad input, change detection, deletions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from integrations.docs.base import EVERYONE, Viewer
from integrations.docs.formats import parse_html, parse_pdf
from integrations.docs.index import SqliteDocsIndex
from integrations.docs.ingest import ingest
from integrations.docs.sources import FolderSource, JsonlSource
from tests.docs.conftest import HANDBOOK


def _statuses(report: object) -> dict[str, str]:
    return {line.doc_id: line.status for line in report.lines}  # type: ignore[attr-defined]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small folder of good documents."""
    root = tmp_path / "docs"
    (root / "it").mkdir(parents=True)
    (root / "it" / "vpn.md").write_text("# VPN\n\nUse WireGuard with the Kestrel-EU profile.\n", encoding="utf-8")
    (root / "leave.txt").write_text("Leave\n=====\n\nEveryone gets 27 days of leave.\n", encoding="utf-8")
    (root / ".hidden.md").write_text("# Secret\n\nignored", encoding="utf-8")
    return root


def test_bad_input_is_skipped_with_a_reason(folder: Path) -> None:
    """Corrupt PDF, binary, 50 MB, empty and non-UTF-8 files are reported as skipped; the good ones are indexed."""
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without xref")
    (folder / "blob.md").write_bytes(bytes(range(256)) * 40)
    with (folder / "huge.md").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (folder / "empty.md").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("Caf\xe9 au lait, cr\xe8me br\xfbl\xe9e".encode("latin-1"))
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    index = SqliteDocsIndex(None)
    report = ingest(index, FolderSource(folder))
    lines = {line.doc_id: line for line in report.lines}
    assert lines["it/vpn.md"].status == "added" and lines["leave.txt"].status == "added"
    assert "corrupt PDF" in lines["broken.pdf"].detail
    assert "binary" in lines["blob.md"].detail
    assert "too large (50.0 MB" in lines["huge.md"].detail
    assert "empty" in lines["empty.md"].detail
    assert "not UTF-8" in lines["latin1.txt"].detail
    assert "unsupported file type .png" in lines["photo.png"].detail
    assert report.count("skipped") == 6
    assert ".hidden.md" not in lines
    assert index.count_documents() == 2


def test_reingest_only_changes_and_propagates_deletions(folder: Path) -> None:
    """A second ingest skips unchanged files by hash, re-indexes edited ones and deletes removed ones."""
    index = SqliteDocsIndex(None)
    first = ingest(index, FolderSource(folder))
    assert first.count("added") == 2
    again = ingest(index, FolderSource(folder))
    assert _statuses(again) == {"it/vpn.md": "unchanged", "leave.txt": "unchanged"} and again.chunks == 0
    (folder / "leave.txt").write_text("Leave\n=====\n\nEveryone gets 30 days of leave now.\n", encoding="utf-8")
    (folder / "it" / "vpn.md").unlink()
    third = ingest(index, FolderSource(folder))
    assert _statuses(third) == {"leave.txt": "updated", "it/vpn.md": "deleted"}
    assert index.count_documents() == 1
    assert "30 days" in index.search("how many days of leave", viewer=EVERYONE).hits[0].chunks[0].text
    assert "it/vpn.md" not in [h.doc_id for h in index.search("WireGuard", viewer=EVERYONE).hits]


def test_file_turning_bad_removes_its_old_version(folder: Path) -> None:
    """A document that becomes unreadable is skipped and its stale indexed version is removed."""
    index = SqliteDocsIndex(None)
    ingest(index, FolderSource(folder))
    (folder / "leave.txt").write_bytes(b"")
    report = ingest(index, FolderSource(folder))
    assert _statuses(report)["leave.txt"] in {"skipped", "deleted"}
    assert "leave.txt" not in index.known_documents()


def test_deletions_stay_within_one_origin(folder: Path, tmp_path: Path) -> None:
    """Ingesting another folder never deletes documents that came from the first one."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "travel.md").write_text("# Travel\n\nTake the train.", encoding="utf-8")
    index = SqliteDocsIndex(None)
    ingest(index, FolderSource(folder))
    report = ingest(index, FolderSource(other))
    assert report.count("deleted") == 0 and index.count_documents() == 3


def test_front_matter_sets_title_access_and_updated(tmp_path: Path) -> None:
    """Front matter gives the title, the readers (private document) and the updated date."""
    (tmp_path / "bands.md").write_text(
        "---\ntitle: Salary bands\naccess: private\nreaders: [Lena@Example.com, U0BOSS]\nupdated: 2026-01-02\n---\n"
        "# Bands\n\nSenior: 72,000 EUR.\n",
        encoding="utf-8",
    )
    index = SqliteDocsIndex(None)
    ingest(index, FolderSource(tmp_path))
    stored = index.get_document("bands.md", viewer=EVERYONE)
    assert stored is not None and stored.title == "Salary bands"
    assert stored.access.public is False and stored.access.readers == ["U0BOSS", "lena@example.com"]
    assert stored.updated_at is not None and stored.updated_at.year == 2026


def test_jsonl_source(tmp_path: Path) -> None:
    """A JSONL file of {id, title, content} records is indexed; malformed lines are reported with their number."""
    path = tmp_path / "kb.jsonl"
    records = [
        {"id": "a", "title": "Opening accounts", "content": "## Eligibility\n\nCustomers must be 18."},
        {"id": "b", "title": "Closing accounts", "content": "Balance must be zero.", "readers": ["U1"]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + '\nnot json\n{"id": "c"}\n', encoding="utf-8")
    index = SqliteDocsIndex(None)
    report = ingest(index, JsonlSource(path))
    assert report.count("added") == 2 and report.count("skipped") == 2
    assert any("kb.jsonl:3" in line.doc_id for line in report.lines)
    assert [h.doc_id for h in index.search("close account balance", viewer=Viewer(user_id="U2")).hits] == ["a"]


def test_html_becomes_structured_text() -> None:
    """HTML headings, lists and tables become Markdown-ish text; scripts and navigation are dropped."""
    html = (
        b"<html><head><title>Benefits</title><script>x()</script></head><body><nav>menu</nav>"
        b"<h1>Benefits</h1><p>Intro.</p><h2>Money</h2><ul><li>Pension 5%</li><li>Stock</li></ul>"
        b"<table><tr><th>Perk</th><th>Amount</th></tr><tr><td>Gym</td><td>40 EUR</td></tr></table></body></html>"
    )
    parsed = parse_html(html)
    assert parsed.title == "Benefits"
    assert "## Money" in parsed.text and "- Pension 5%" in parsed.text
    assert "| Gym | 40 EUR |" in parsed.text and "menu" not in parsed.text and "x()" not in parsed.text


def test_pdf_text_layer_is_read() -> None:
    """The handbook's PDF is read with its headings and paragraphs."""
    parsed = parse_pdf((HANDBOOK / "finance" / "purchasing-and-software.pdf").read_bytes())
    assert parsed.title == "Purchasing, software and vendors"
    assert "## Company cards" in parsed.text
    assert "Personal purchases on a company card are not allowed" in parsed.text


def test_demo_handbook_ingests_cleanly() -> None:
    """Every file of the demo handbook (Markdown, HTML, PDF) is indexed without a skip."""
    index = SqliteDocsIndex(None)
    report = ingest(index, FolderSource(HANDBOOK))
    assert report.count("skipped") == 0 and report.count("added") >= 15
    assert {"people/benefits.html", "finance/purchasing-and-software.pdf"} <= set(index.known_documents())
