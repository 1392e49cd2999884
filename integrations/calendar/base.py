"""What a calendar event is, and what any calendar backend must be able to do.

Times are always timezone-aware datetimes; ``tz`` records the zone the event was created in so that it can be
shown the way its organiser thinks of it. Each person has one calendar, identified by their person id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pydantic import field_validator, model_validator
from sqlmodel import Field, SQLModel


class Attendee(SQLModel):
    """Someone invited to an event."""

    person_id: str | None = None
    email: str = ""
    name: str = ""
    response: str = "needsAction"


class EventBase(SQLModel):
    """Fields a person can set on an event."""

    title: str = Field(min_length=1, max_length=500)
    start: datetime
    end: datetime
    tz: str = "UTC"
    organizer_id: str | None = None
    attendees: list[Attendee] = Field(default_factory=list)
    location: str = ""
    video_link: str = ""
    description: str = ""

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("event times must carry a time zone")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> EventBase:
        if self.end <= self.start:
            raise ValueError("an event must end after it starts")
        return self


class EventCreate(EventBase):
    """A new event as proposed; the backend assigns its id."""


class Event(EventBase):
    """An event as stored. ``version`` changes on every update (used to detect edits since a proposal)."""

    id: str
    calendar_id: str
    version: int = 1
    created_at: datetime
    updated_at: datetime
    url: str = ""

    def attendee_ids(self) -> list[str]:
        """Person ids of everyone invited, organiser included."""
        ids = [a.person_id for a in self.attendees if a.person_id]
        if self.organizer_id and self.organizer_id not in ids:
            ids.insert(0, self.organizer_id)
        return ids


class EventChanges(SQLModel):
    """A partial update: only fields that are set change."""

    title: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    attendees: list[Attendee] | None = None
    location: str | None = None
    description: str | None = None


class Interval(SQLModel):
    """A busy stretch of time."""

    start: datetime
    end: datetime


class CalendarBackend(Protocol):
    """A calendar service. Writes take an idempotency key: the same key never applies twice."""

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
        """Events on a person's calendar overlapping [start, end), earliest first."""
        ...

    def get(self, event_id: str) -> Event:
        """One event; raises NotFoundError."""
        ...

    def create(self, calendar_id: str, data: EventCreate, *, idempotency_key: str) -> Event:
        """Add an event to a person's calendar."""
        ...

    def update(self, event_id: str, changes: EventChanges, *, idempotency_key: str) -> Event:
        """Change an event, all or nothing."""
        ...

    def delete(self, event_id: str, *, idempotency_key: str) -> None:
        """Cancel an event; deleting twice with the same key is a no-op."""
        ...

    def free_busy(self, person_ids: list[str], *, start: datetime, end: datetime) -> dict[str, list[Interval]]:
        """Busy intervals per person within [start, end)."""
        ...
