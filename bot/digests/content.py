"""A digest's content, read from the integrations (no model): meetings, tickets, approvals, docs.

``build_digest`` returns plain data; ``bot.blocks.digest`` renders it. A section whose backend fails is
reported as unavailable in the digest instead of failing the whole digest.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.digests.schedule import ScheduleSpec, previous_slot
from bot.digests.sources import (
    DigestSources,
    DocChange,
    TicketFigures,
    TicketSample,
    TicketSamples,
    TicketScope,
)
from graph.approval_policy import may_decide
from integrations.approvals.base import ApprovalRecord
from integrations.digests.base import Subscription
from integrations.errors import IntegrationError
from integrations.tickets.base import Ticket, TicketBackend, TicketQuery

log = logging.getLogger(__name__)

LIST_LIMIT = 5
"""Items listed per part of a section; the counts cover the rest."""
SEARCH_CAP = 500
"""Without a ticket counter, counts come from searches of at most this many tickets."""


@dataclass(frozen=True)
class MeetingLine:
    """One meeting still ahead today."""

    title: str
    start: datetime
    end: datetime
    others: int
    url: str = ""


@dataclass(frozen=True)
class TicketLine:
    """One ticket in a list."""

    key: str
    title: str
    status: str
    url: str = ""
    due: date | None = None
    assignee: str | None = None


@dataclass
class TicketsSection:
    """Tickets in scope: counts, and the first few overdue, due soon and recently closed."""

    scope_label: str
    figures: TicketFigures
    overdue: list[TicketLine] = field(default_factory=list)
    due_soon: list[TicketLine] = field(default_factory=list)
    closed: list[TicketLine] = field(default_factory=list)
    due_soon_days: int = 3

    def is_empty(self) -> bool:
        """Nothing open and nothing closed (overdue and due soon tickets are open ones)."""
        return self.figures.open_total == 0 and self.figures.closed == 0


@dataclass(frozen=True)
class ApprovalLine:
    """A request waiting for a decision, and who is waiting."""

    id: str
    summary: str
    requester_id: str
    created_at: datetime
    expires_at: datetime


@dataclass
class Digest:
    """One subscription's digest for one slot. A section is None when it was not asked for (or failed)."""

    subscription: Subscription
    slot: datetime
    since: datetime
    """Start of the period "recently" refers to: the previous slot."""
    meetings: list[MeetingLine] | None = None
    tickets: TicketsSection | None = None
    approvals: list[ApprovalLine] | None = None
    approvals_total: int = 0
    docs: list[DocChange] | None = None
    unavailable: list[str] = field(default_factory=list)
    """Sections whose backend could not be read this time."""

    @property
    def title(self) -> str:
        """The digest's name: daily or weekly."""
        return "Weekly digest" if self.subscription.cadence == "weekly" else "Daily digest"

    @property
    def local_day(self) -> date:
        """The slot's date in the subscriber's zone."""
        return self.slot.astimezone(ScheduleSpec.of(self.subscription).zone).date()

    def is_empty(self) -> bool:
        """Nothing to report in any section (and nothing failed)."""
        return not (
            self.meetings
            or (self.tickets is not None and not self.tickets.is_empty())
            or self.approvals
            or self.docs
            or self.unavailable
        )

    def summary(self) -> str:
        """The one-line summary (also the notification text)."""
        if self.is_empty():
            period = "this week" if self.subscription.cadence == "weekly" else "today"
            return f"{self.title}: nothing new {period}."
        parts: list[str] = []
        if self.meetings:
            parts.append(_count(len(self.meetings), "meeting") + " today")
        if self.tickets is not None and not self.tickets.is_empty():
            f, plus = self.tickets.figures, "+" if self.tickets.figures.capped else ""
            bits = [_count(f.open_total, "open ticket", plus=plus)]
            bits += [f"{n}{plus} {label}" for n, label in ((f.overdue, "overdue"), (f.due_soon, "due soon")) if n]
            if f.closed:
                bits.append(f"{f.closed}{plus} closed")
            parts.append(", ".join(bits))
        if self.approvals:
            parts.append(_count(self.approvals_total, "approval") + " waiting")
        if self.docs:
            parts.append(_count(len(self.docs), "doc") + " updated")
        parts += [f"{name} unavailable" for name in self.unavailable]
        return f"{self.title} for {self.local_day:%a %-d %b}: " + " · ".join(parts)


def _count(n: int, noun: str, *, plus: str = "") -> str:
    return f"{n}{plus} {noun}{'' if n == 1 else 's'}"


def build_digest(subscription: Subscription, sources: DigestSources, *, slot: datetime) -> Digest:
    """Read every section the subscription asks for, as of ``slot`` (an instant, in any zone)."""
    spec = ScheduleSpec.of(subscription)
    since = previous_slot(spec, slot - timedelta(microseconds=1))
    digest = Digest(subscription=subscription, slot=slot, since=since)
    readers = {
        "meetings": lambda: _meetings(digest, sources),
        "tickets": lambda: _tickets(digest, sources),
        "approvals": lambda: _approvals(digest, sources),
        "docs": lambda: _docs(digest, sources),
    }
    for section in subscription.sections:
        try:
            readers[section]()
        except IntegrationError as exc:
            log.warning(
                "digest section unavailable",
                extra={"subscription_id": subscription.id, "section": section, "error": type(exc).__name__},
            )
            digest.unavailable.append(section)
    return digest


def _meetings(digest: Digest, sources: DigestSources) -> None:
    sub = digest.subscription
    if sources.calendar is None or sub.target_kind != "user":
        return
    zone = ScheduleSpec.of(sub).zone
    day = digest.local_day
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    person = sub.target_id
    lines: list[MeetingLine] = []
    for event in sources.calendar.list_events(person, start=start, end=end, limit=100):
        if event.end <= digest.slot:
            continue  # already over when the digest goes out
        if any(a.person_id == person and a.response == "declined" for a in event.attendees):
            continue
        others = len([pid for pid in event.attendee_ids() if pid != person])
        lines.append(MeetingLine(title=event.title, start=event.start, end=event.end, others=others, url=event.url))
    digest.meetings = lines


def _scope(digest: Digest) -> TicketScope:
    sub = digest.subscription
    return TicketScope(project=sub.ticket_project or None, assignee_id=sub.ticket_assignee or None)


def _scope_label(scope: TicketScope, sources: DigestSources) -> str:
    parts = [scope.project] if scope.project else []
    if scope.assignee_id:
        person = sources.directory.get(scope.assignee_id)
        parts.append(f"assigned to {person.name if person else scope.assignee_id}")
    return " · ".join(parts) or "all projects"


def _tickets(digest: Digest, sources: DigestSources) -> None:
    backend = sources.tickets
    if backend is None:
        return
    scope = _scope(digest)
    today = digest.local_day
    due_by = today + timedelta(days=sources.due_soon_days)
    final = backend.workflow()[-1]
    order = {status: i for i, status in enumerate(backend.workflow())}
    if sources.ticket_counter is not None and sources.ticket_sampler is not None:
        figures = sources.ticket_counter.figures(
            scope, today=today, due_by=due_by, closed_since=digest.since, final_status=final
        )
        samples = sources.ticket_sampler.samples(
            scope, today=today, due_by=due_by, closed_since=digest.since, final_status=final, limit=LIST_LIMIT
        )
        lists = [[_sample_line(t, sources, scope) for t in found] for found in _lists(samples)]
    else:
        figures, lists = _searched(digest, sources, backend, scope, today=today, due_by=due_by, final=final)
    figures.open_by_status = dict(sorted(figures.open_by_status.items(), key=lambda kv: order.get(kv[0], 99)))
    overdue, due_soon, closed = lists
    digest.tickets = TicketsSection(
        scope_label=_scope_label(scope, sources),
        figures=figures,
        overdue=overdue,
        due_soon=due_soon,
        closed=closed,
        due_soon_days=sources.due_soon_days,
    )


def _lists(samples: TicketSamples) -> tuple[list[TicketSample], list[TicketSample], list[TicketSample]]:
    return samples.overdue, samples.due_soon, samples.closed


def _searched(
    digest: Digest,
    sources: DigestSources,
    backend: TicketBackend,
    scope: TicketScope,
    *,
    today: date,
    due_by: date,
    final: str,
) -> tuple[TicketFigures, list[list[TicketLine]]]:
    """Figures and lists from the tracker's searches (any backend): three searches, or four without a counter."""
    if sources.ticket_counter is not None:
        figures: TicketFigures | None = sources.ticket_counter.figures(
            scope, today=today, due_by=due_by, closed_since=digest.since, final_status=final
        )
        limit = LIST_LIMIT
    else:
        figures, limit = None, SEARCH_CAP
    overdue = backend.search(_query(scope, overdue=True, as_of=today, order_by="due", limit=limit))
    due_soon = backend.search(
        _query(
            scope,
            include_done=False,
            due_after=today - timedelta(days=1),
            due_before=due_by + timedelta(days=1),
            order_by="due",
            limit=limit,
        )
    )
    # Done tickets, most recently updated first: those updated since the last digest were closed (or touched
    # after closing) in this period; the tracker keeps no separate "closed at".
    recent = backend.search(_query(scope, statuses=[final], order_by="updated", limit=limit))
    closed = [t for t in recent if t.updated_at >= digest.since]
    if figures is None:
        open_tickets = backend.search(_query(scope, include_done=False, order_by="due", limit=SEARCH_CAP))
        figures = TicketFigures(
            open_by_status=dict(Counter(t.status for t in open_tickets)),
            overdue=len(overdue),
            due_soon=len(due_soon),
            closed=len(closed),
            capped=any(len(found) >= SEARCH_CAP for found in (open_tickets, overdue, due_soon, recent)),
        )
    lists = [[_line(t, sources, scope) for t in found[:LIST_LIMIT]] for found in (overdue, due_soon, closed)]
    return figures, lists


def _query(scope: TicketScope, **filters: Any) -> TicketQuery:
    return TicketQuery(project=scope.project, assignee_id=scope.assignee_id, **filters)


def _line(ticket: Ticket, sources: DigestSources, scope: TicketScope) -> TicketLine:
    return TicketLine(
        key=ticket.key,
        title=ticket.title,
        status=ticket.status,
        url=ticket.url,
        due=ticket.due_date,
        assignee=_assignee_name(ticket.assignee_id, sources, scope),
    )


def _sample_line(ticket: TicketSample, sources: DigestSources, scope: TicketScope) -> TicketLine:
    return TicketLine(
        key=ticket.key,
        title=ticket.title,
        status=ticket.status,
        url=ticket.url,
        due=ticket.due_date,
        assignee=_assignee_name(ticket.assignee_id, sources, scope),
    )


def _assignee_name(assignee_id: str | None, sources: DigestSources, scope: TicketScope) -> str | None:
    # Naming the assignee on every line of "assigned to Tom" tickets says nothing new.
    person = sources.directory.get(assignee_id) if assignee_id and not scope.assignee_id else None
    return person.name if person else None


def pending_for(
    records: list[ApprovalRecord], *, user_id: str | None = None, channel_id: str | None = None, now: datetime
) -> list[ApprovalRecord]:
    """Pending, unexpired requests a person may decide, or that were asked in a channel; oldest first."""
    found = [
        r
        for r in records
        if r.status == "pending"
        and r.expires_at > now
        and (
            (user_id is not None and may_decide(r, user_id)) or (channel_id is not None and r.channel_id == channel_id)
        )
    ]
    return sorted(found, key=lambda r: r.created_at)


def _approvals(digest: Digest, sources: DigestSources) -> None:
    if sources.approvals is None:
        return
    sub = digest.subscription
    records = sources.pending_approvals(slot=digest.slot)
    if sub.target_kind == "user":
        waiting = pending_for(records, user_id=sub.target_id, now=digest.slot)
    else:
        waiting = pending_for(records, channel_id=sub.target_id, now=digest.slot)
    digest.approvals_total = len(waiting)
    digest.approvals = [
        ApprovalLine(
            id=r.id,
            summary=r.summary or str((r.actions[0] if r.actions else {}).get("summary") or "a change"),
            requester_id=r.requester_id,
            created_at=r.created_at,
            expires_at=r.expires_at,
        )
        for r in waiting[:LIST_LIMIT]
    ]


def _docs(digest: Digest, sources: DigestSources) -> None:
    if sources.docs is None:
        return
    digest.docs = sources.docs.changed_since(digest.since, limit=LIST_LIMIT)
