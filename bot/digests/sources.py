"""Where digest content comes from: the ticket, calendar, approval and docs backends, plus two small read-only
capabilities the backends' Protocols do not offer (counting tickets; docs changed since a time).

Both capabilities are optional. Without a counter, ticket figures come from searches and are capped at the
search limit (shown as "500+"); without a docs feed, the docs section is not offered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import Date, Engine, Integer, Select, String, and_, bindparam, case, func, select

from integrations.approvals.base import ApprovalRecord, ApprovalStore
from integrations.calendar.base import CalendarBackend
from integrations.directory.base import Directory
from integrations.tickets.base import TicketBackend
from integrations.tickets.local import SEARCH_ORDER, TicketRow

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


@dataclass(frozen=True)
class TicketSample:
    """A ticket as a digest lists it (read without building the whole ticket)."""

    key: str
    title: str
    status: str
    due_date: date | None
    assignee_id: str | None
    url: str = ""


@dataclass
class TicketSamples:
    """The first few tickets of each list in a digest's tickets section."""

    overdue: list[TicketSample] = field(default_factory=list)
    due_soon: list[TicketSample] = field(default_factory=list)
    closed: list[TicketSample] = field(default_factory=list)


class TicketCounter(Protocol):
    """Exact ticket counts without fetching the tickets."""

    def figures(
        self, scope: TicketScope, *, today: date, due_by: date, closed_since: datetime, final_status: str
    ) -> TicketFigures:
        """Open by status; overdue (due before ``today``); due from ``today`` to ``due_by``; final since."""
        ...


class TicketSampler(Protocol):
    """The first ``limit`` overdue, due soon and recently closed tickets, cheaper than three searches."""

    def samples(
        self,
        scope: TicketScope,
        *,
        today: date,
        due_by: date,
        closed_since: datetime,
        final_status: str,
        limit: int,
    ) -> TicketSamples:
        """The same tickets, in the same order, as the tracker's searches for the three lists would return."""
        ...


ScopeShape = tuple[bool, bool]
"""Which filters a scope sets: (project, assignee). Each shape has its own prepared statements."""


class LocalTicketCounter:
    """Counts in one GROUP BY over the local tracker's table, and the listed tickets in three plain queries on
    one connection (a few milliseconds at 10k tickets, instead of searches that build full tickets and their
    links: at 1,000 digests a 9 o'clock that is seconds).

    The statements are built once per scope shape with bound parameters: building and cache-keying a fresh
    SQLAlchemy statement costs about as much as SQLite running it.
    """

    def __init__(self, engine: Engine, *, url_for: Callable[[str], str] | None = None) -> None:
        self._engine = engine
        self._url_for = url_for
        self._figures: dict[ScopeShape, Select[Any]] = {}
        self._samples: dict[ScopeShape, tuple[Select[Any], Select[Any], Select[Any]]] = {}
        self._lock = threading.Lock()

    def figures(
        self, scope: TicketScope, *, today: date, due_by: date, closed_since: datetime, final_status: str
    ) -> TicketFigures:
        """Counts for ``scope`` in one query."""
        params = _params(scope, today=today, due_by=due_by, since=closed_since, final=final_status)
        figures = TicketFigures()
        with self._engine.connect() as conn:
            for status, count, overdue, soon, closed in conn.execute(self._figures_stmt(_shape(scope)), params):
                if status != final_status:
                    figures.open_by_status[str(status)] = int(count)
                figures.overdue += int(overdue or 0)
                figures.due_soon += int(soon or 0)
                figures.closed += int(closed or 0)
        return figures

    def samples(
        self,
        scope: TicketScope,
        *,
        today: date,
        due_by: date,
        closed_since: datetime,
        final_status: str,
        limit: int,
    ) -> TicketSamples:
        """Filters and order as ``LocalTicketBackend.search`` applies them for the digest's three queries."""
        params = _params(scope, today=today, due_by=due_by, since=closed_since, final=final_status)
        params["limit"] = limit
        found = TicketSamples()
        overdue, due_soon, closed = self._samples_stmts(_shape(scope))
        with self._engine.connect() as conn:
            for stmt, into in ((overdue, found.overdue), (due_soon, found.due_soon), (closed, found.closed)):
                for key, title, status, due, assignee in conn.execute(stmt, params):
                    url = self._url_for(key) if self._url_for else ""
                    into.append(TicketSample(key, title, status, due, assignee, url))
        return found

    def _figures_stmt(self, shape: ScopeShape) -> Select[Any]:
        with self._lock:
            if shape not in self._figures:
                t = TicketRow.__table__  # type: ignore[attr-defined]
                final = bindparam("final", type_=String)
                today, due_by = bindparam("today", type_=Date), bindparam("due_by", type_=Date)
                is_open = t.c.status != final
                stmt = select(
                    t.c.status,
                    func.count(),
                    func.sum(case((and_(is_open, t.c.due_date < today), 1), else_=0)),
                    func.sum(case((and_(is_open, t.c.due_date >= today, t.c.due_date <= due_by), 1), else_=0)),
                    func.sum(case((and_(t.c.status == final, t.c.updated_at >= bindparam("since")), 1), else_=0)),
                ).group_by(t.c.status)
                self._figures[shape] = _scoped(stmt, shape)
            return self._figures[shape]

    def _samples_stmts(self, shape: ScopeShape) -> tuple[Select[Any], Select[Any], Select[Any]]:
        with self._lock:
            if shape not in self._samples:
                t = TicketRow.__table__  # type: ignore[attr-defined]
                final, today = bindparam("final", type_=String), bindparam("today", type_=Date)
                is_open = t.c.status != final
                # The tracker's own sort orders: the lists come out exactly as its searches would return them.
                by_due = (*SEARCH_ORDER["due"], t.c.key)
                base = _scoped(select(t.c.key, t.c.title, t.c.status, t.c.due_date, t.c.assignee_id), shape)
                limit = bindparam("limit", type_=Integer)
                overdue = base.where(is_open, t.c.due_date < today).order_by(*by_due).limit(limit)
                due_soon = (
                    base.where(is_open, t.c.due_date >= today, t.c.due_date <= bindparam("due_by"))
                    .order_by(*by_due)
                    .limit(limit)
                )
                closed = (
                    base.where(func.lower(t.c.status) == func.lower(final), t.c.updated_at >= bindparam("since"))
                    .order_by(*SEARCH_ORDER["updated"], t.c.key)
                    .limit(limit)
                )
                self._samples[shape] = (overdue, due_soon, closed)
            return self._samples[shape]


def _shape(scope: TicketScope) -> ScopeShape:
    return bool(scope.project), bool(scope.assignee_id)


def _scoped(stmt: Select[Any], shape: ScopeShape) -> Select[Any]:
    t = TicketRow.__table__  # type: ignore[attr-defined]
    project, assignee = shape
    if project:
        stmt = stmt.where(t.c.project == bindparam("project"))
    if assignee:
        stmt = stmt.where(t.c.assignee_id == bindparam("assignee"))
    return stmt


def _params(scope: TicketScope, *, today: date, due_by: date, since: datetime, final: str) -> dict[str, Any]:
    params: dict[str, Any] = {"today": today, "due_by": due_by, "since": since.astimezone(UTC), "final": final}
    if scope.project:
        params["project"] = scope.project.strip().upper()
    if scope.assignee_id:
        params["assignee"] = scope.assignee_id
    return params


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


PENDING_READ_MAX_AGE_S = 30.0
"""Digests of one slot share one read of the pending approvals, for at most this long."""


@dataclass
class DigestSources:
    """Everything a digest or the App Home reads."""

    directory: Directory
    tickets: TicketBackend | None = None
    ticket_counter: TicketCounter | None = None
    ticket_sampler: TicketSampler | None = None
    calendar: CalendarBackend | None = None
    approvals: ApprovalStore | None = None
    docs: DocsChangeFeed | None = None
    due_soon_days: int = 3
    _pending: tuple[datetime, float, list[ApprovalRecord]] | None = field(default=None, repr=False)
    _pending_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def pending_approvals(self, *, slot: datetime) -> list[ApprovalRecord]:
        """Pending approvals for the digests of ``slot``.

        Every digest due at the same instant (a 9 o'clock rush: hundreds of them) would otherwise read and
        parse the same records again; one read serves them all for a few seconds.
        """
        if self.approvals is None:
            return []
        with self._pending_lock:
            cached = self._pending
            if cached is not None and cached[0] == slot and time.monotonic() - cached[1] < PENDING_READ_MAX_AGE_S:
                return cached[2]
        records = self.approvals.in_status("pending", limit=500)
        with self._pending_lock:
            self._pending = (slot, time.monotonic(), records)
        return records
