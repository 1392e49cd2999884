"""What posting digests needs, bundled once by the composition root (and rebuilt in each worker process)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Engine

from bot.digests.sources import DigestSources, LocalTicketCounter, docs_feed_for
from integrations.approvals.base import ApprovalStore
from integrations.calendar.base import CalendarBackend
from integrations.digests.store import SqlDigestStore
from integrations.directory.base import Directory
from integrations.tickets.base import TicketBackend
from integrations.tickets.local import LocalTicketBackend


@dataclass
class DigestKit:
    """The subscription store, the content sources and the digest settings."""

    store: SqlDigestStore
    sources: DigestSources
    empty: Literal["line", "skip"] = "line"
    _listeners: list[Callable[[], object]] = field(default_factory=list)

    def on_change(self, listener: Callable[[], object]) -> None:
        """Call ``listener`` whenever subscriptions change here (the scheduler re-syncs its jobs)."""
        self._listeners.append(listener)

    def changed(self) -> None:
        """Subscriptions were created, paused, resumed or deleted in this process."""
        for listener in list(self._listeners):
            listener()


def make_digest_kit(
    *,
    engine: Engine,
    directory: Directory,
    tickets: TicketBackend | None,
    calendar: CalendarBackend | None,
    approvals: ApprovalStore | None,
    docs: Any = None,
    empty: Literal["line", "skip"] = "line",
    due_soon_days: int = 3,
) -> DigestKit:
    """Wire the kit; the local tracker gets an exact counter, other trackers are counted by searching."""
    local = LocalTicketCounter(engine, url_for=tickets.url) if isinstance(tickets, LocalTicketBackend) else None
    sources = DigestSources(
        directory=directory,
        tickets=tickets,
        ticket_counter=local,
        ticket_sampler=local,
        calendar=calendar,
        approvals=approvals,
        docs=docs_feed_for(docs),
        due_soon_days=due_soon_days,
    )
    return DigestKit(store=SqlDigestStore(engine), sources=sources, empty=empty)
