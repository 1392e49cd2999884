"""Where digest content comes from: the ticket, calendar, approval and docs backends, plus two small read-only
capabilities the backends' Protocols do not offer (counting tickets; docs changed since a time).

Both capabilities are optional. Without a counter, ticket figures come from searches and are capped at the
search limit (shown as "500+"); without a docs feed, the docs section is not offered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import Engine, and_, case, func, select

from integrations.approvals.base import ApprovalStore
from integrations.calendar.base import CalendarBackend
from integrations.directory.base import Directory
from integrations.tickets.base import TicketBackend
from integrations.tickets.local import TicketRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketScope:
    """Which tickets a digest covers: one project, one assignee, both, or (neither) all of them."""

    project: str | None = None
    assignee_id: str | None = None


@dataclass
class TicketFigures:
    """Counts for a scope: open tickets by status, overdue, due soon, closed recently."""

    open_by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    due_soon: int = 0
    closed: int = 0
    capped: bool = False
    """True when a count hit a search limit and is a lower bound."""

    @property
    def open_total(self) -> int:
        """Every open ticket in scope."""
        return sum(self.open_by_status.values())


class TicketCounter(Protocol):
    """Exact ticket counts without fetching the tickets."""

    def figures(
        self, scope: TicketScope, *, today: date, due_by: date, closed_since: datetime, final_status: str
    ) -> TicketFigures:
        """Open by status; overdue (due before ``today``); due from ``today`` to ``due_by``; final since."""
        ...


class LocalTicketCounter:
    """One GROUP BY over the local tracker's table (a few milliseconds at 10k tickets, instead of a search
    that builds every open ticket)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def figures(
        self, scope: TicketScope, *, today: date, due_by: date, closed_since: datetime, final_status: str
    ) -> TicketFigures:
        """Counts for ``scope`` in one query."""
        t = TicketRow.__table__  # type: ignore[attr-defined]
        is_open = t.c.status != final_status
        since = closed_since.astimezone(UTC)
        stmt = select(
            t.c.status,
            func.count(),
            func.sum(case((and_(is_open, t.c.due_date < today), 1), else_=0)),
            func.sum(case((and_(is_open, t.c.due_date >= today, t.c.due_date <= due_by), 1), else_=0)),
            func.sum(case((and_(t.c.status == final_status, t.c.updated_at >= since), 1), else_=0)),
        ).group_by(t.c.status)
        if scope.project:
            stmt = stmt.where(t.c.project == scope.project.upper())
        if scope.assignee_id:
            stmt = stmt.where(t.c.assignee_id == scope.assignee_id)
        figures = TicketFigures()
        with self._engine.connect() as conn:
            for status, count, overdue, soon, closed in conn.execute(stmt):
                if status != final_status:
                    figures.open_by_status[str(status)] = int(count)
                figures.overdue += int(overdue or 0)
                figures.due_soon += int(soon or 0)
                figures.closed += int(closed or 0)
        return figures


@dataclass(frozen=True)
class DocChange:
    """A document added to or updated in the docs index."""

    title: str
    link: str
    updated_at: datetime


class DocsChangeFeed(Protocol):
    """Docs that changed recently (public ones: a digest can land in a channel)."""

    def changed_since(self, since: datetime, *, limit: int = 10) -> list[DocChange]:
        """Documents updated at or after ``since``, newest first."""
        ...


class IndexDocsFeed:
    """A ``DocsChangeFeed`` over the docs index's public ``documents()`` listing."""

    def __init__(self, index: Any) -> None:
        self._index = index

    def changed_since(self, since: datetime, *, limit: int = 10) -> list[DocChange]:
        """Public documents whose ``updated_at`` is at or after ``since``."""
        found: list[DocChange] = []
        for doc in self._index.documents():
            updated = _as_datetime(doc.get("updated_at"))
            if updated is None or updated < since or not doc.get("public", True):
                continue
            title = str(doc.get("title") or doc.get("id"))
            found.append(DocChange(title=title, link=str(doc.get("link") or ""), updated_at=updated))
        found.sort(key=lambda d: d.updated_at, reverse=True)
        return found[:limit]


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def docs_feed_for(index: Any) -> DocsChangeFeed | None:
    """A feed for whatever docs backend is wired: its own ``changed_since`` if it has one, else an adapter over
    ``documents()``, else None (the digest then offers no docs section)."""
    if index is None:
        return None
    if callable(getattr(index, "changed_since", None)):
        feed: DocsChangeFeed = index
        return feed
    if callable(getattr(index, "documents", None)):
        return IndexDocsFeed(index)
    return None


@dataclass
class DigestSources:
    """Everything a digest or the App Home reads."""

    directory: Directory
    tickets: TicketBackend | None = None
    ticket_counter: TicketCounter | None = None
    calendar: CalendarBackend | None = None
    approvals: ApprovalStore | None = None
    docs: DocsChangeFeed | None = None
    due_soon_days: int = 3
