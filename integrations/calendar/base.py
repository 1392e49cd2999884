"""What a calendar event is, and what any calendar backend must be able to do.

Times are always timezone-aware datetimes; ``tz`` records the zone the event was created in so that it can be
shown the way its organiser thinks of it. Each person has one calendar, identified by their person id.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator, model_validator
from sqlmodel import Field, SQLModel


@lru_cache(maxsize=256)
def resolve_zone(name: str) -> ZoneInfo:
    """The IANA time zone called ``name``; ValueError with a clear message when there is none."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a time zone name is required (for example 'Europe/London')")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (expected an IANA name such as 'Europe/London')") from exc


def text_matches(text: str | None, title: str) -> bool:
    """True when every word of ``text`` occurs in ``title`` (case-insensitive); no text matches everything."""
    if not text:
        return True
    folded = title.casefold()
    return all(word in folded for word in text.casefold().split())


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
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("event times must carry a time zone")
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("an event needs a title")
        return value.strip()

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        resolve_zone(value)
        return value.strip()

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
    """A partial update: only fields that are set change.

    ``start`` alone moves the event and keeps its length; ``end`` alone changes its length; both set both.
    """

    title: str | None = Field(default=None, max_length=500)
    start: datetime | None = None
    end: datetime | None = None
    attendees: list[Attendee] | None = None
    location: str | None = None
    description: str | None = None
    tz: str | None = None
    """The zone the event is shown in (times themselves are instants and do not move)."""
    video_link: str | None = None

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            raise ValueError("event times must carry a time zone")
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("an event needs a title")
        return value.strip() if value is not None else None

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            resolve_zone(value)
            return value.strip()
        return None

    @model_validator(mode="after")
    def _ordered(self) -> EventChanges:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("an event must end after it starts")
        return self

    def is_empty(self) -> bool:
        """True when applying these changes would change nothing at all."""
        return all(getattr(self, name) is None for name in type(self).model_fields)


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
