"""An in-memory calendar that satisfies ``integrations.calendar.base.CalendarBackend``.

Used only while the product has no local calendar backend of its own, so calendar fixtures can still be seeded
and snapshotted (and calendar cases fail honestly instead of crashing). Once ``integrations.calendar.local``
exists, ``evals.world`` uses that instead.
"""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime

from integrations.calendar.base import Event, EventChanges, EventCreate, Interval
from integrations.errors import NotFoundError


class MemoryCalendar:
    """Events in a dict; every write is idempotent by key."""

    def __init__(self) -> None:
        self._events: dict[str, Event] = {}
        self._done: dict[str, str] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def list_events(
        self,
        calendar_id: str,
        *,
        start: datetime,
        end: datetime,
        text: str | None = None,
        attendee_id: str | None = None,
        limit: int = 500,
    ) -> list[Event]:
        """Events on ``calendar_id`` (as owner or attendee) overlapping [start, end), earliest first."""
        with self._lock:
            found = [
                e
                for e in self._events.values()
                if (e.calendar_id == calendar_id or calendar_id in e.attendee_ids())
                and e.start < end
                and e.end > start
                and (text is None or text.casefold() in e.title.casefold())
                and (attendee_id is None or attendee_id in e.attendee_ids())
            ]
        return sorted(found, key=lambda e: (e.start, e.id))[:limit]

    def get(self, event_id: str) -> Event:
        """One event; raises NotFoundError."""
        with self._lock:
            if event_id not in self._events:
                raise NotFoundError(f"There is no event {event_id}.")
            return self._events[event_id]

    def create(self, calendar_id: str, data: EventCreate, *, idempotency_key: str) -> Event:
        """Add an event."""
        with self._lock:
            if idempotency_key in self._done:
                return self._events[self._done[idempotency_key]]
            now = datetime.now(UTC)
            event = Event(
                **data.model_dump(), id=f"mem{next(self._ids)}", calendar_id=calendar_id, created_at=now, updated_at=now
            )
            self._events[event.id] = event
            self._done[idempotency_key] = event.id
            return event

    def update(self, event_id: str, changes: EventChanges, *, idempotency_key: str) -> Event:
        """Change an event."""
        with self._lock:
            if idempotency_key in self._done:
                return self._events[self._done[idempotency_key]]
            if event_id not in self._events:
                raise NotFoundError(f"There is no event {event_id}.")
            current = self._events[event_id]
            patch = {k: v for k, v in changes.model_dump(exclude_none=True).items()}
            if changes.attendees is not None:
                patch["attendees"] = changes.attendees
            updated = current.model_copy(
                update={**patch, "version": current.version + 1, "updated_at": datetime.now(UTC)}
            )
            self._events[event_id] = updated
            self._done[idempotency_key] = event_id
            return updated

    def delete(self, event_id: str, *, idempotency_key: str) -> None:
        """Cancel an event."""
        with self._lock:
            if idempotency_key in self._done:
                return
            if event_id not in self._events:
                raise NotFoundError(f"There is no event {event_id}.")
            del self._events[event_id]
            self._done[idempotency_key] = event_id

    def free_busy(self, person_ids: list[str], *, start: datetime, end: datetime) -> dict[str, list[Interval]]:
        """Busy intervals per person."""
        return {
            pid: [Interval(start=e.start, end=e.end) for e in self.list_events(pid, start=start, end=end)]
            for pid in person_ids
        }
