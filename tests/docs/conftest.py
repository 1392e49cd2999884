"""Docs fixtures: small corpora in fresh in-memory indexes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from integrations.docs.base import Access, SourceDocument
from integrations.docs.index import SqliteDocsIndex
from integrations.docs.ingest import ingest
from integrations.docs.sources import InlineSource

HANDBOOK = Path(__file__).resolve().parents[2] / "demo" / "handbook"


def doc(doc_id: str, title: str, text: str, **extra: object) -> SourceDocument:
    """A document for tests."""
    return SourceDocument(id=doc_id, title=title, text=text, link=f"https://wiki.example/{doc_id}", **extra)  # type: ignore[arg-type]


CORPUS = [
    doc(
        "leave.md",
        "Annual leave",
        "# Annual leave\n\n## Entitlement\n\nEveryone gets 27 days of paid annual leave per year.\n\n"
        "## Carry over\n\nUp to 5 unused days can be carried over until 31 March.",
        path="people/leave.md",
        updated_at=datetime(2026, 8, 1, tzinfo=UTC),
    ),
    doc(
        "vpn.md",
        "VPN setup",
        "# VPN setup\n\nInstall WireGuard from Self Service and pick the Kestrel-EU profile.\n\n"
        "## Drops every hour\n\nUpdate the client to version 2.4.1 or later.",
        path="it/vpn.md",
        updated_at=datetime(2026, 10, 1, tzinfo=UTC),
    ),
    doc(
        "expenses.md",
        "Expenses",
        "# Expenses\n\nClient dinners are covered up to 75 EUR per person. Submit receipts within 30 days.",
        path="finance/expenses.md",
        source="drive",
        updated_at=datetime(2026, 3, 1, tzinfo=UTC),
    ),
    doc(
        "bands.md",
        "Salary bands",
        "# Salary bands\n\nSenior engineers earn between 72,000 and 90,000 EUR.",
        path="people/bands.md",
        access=Access.private(["lena@example.com", "U0BOSS"]),
    ),
]


@pytest.fixture
def index() -> SqliteDocsIndex:
    """The small corpus above, indexed in memory."""
    idx = SqliteDocsIndex(None)
    ingest(idx, InlineSource(list(CORPUS)))
    return idx
