"""What a calendar event is, what any calendar backend must be able to do, and how free slots are found.

Times are always timezone-aware datetimes; ``tz`` records the zone the event was created in so that it can be
shown the way its organiser thinks of it. Each person has one calendar, identified by their person id.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
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


# --- Finding meeting slots ------------------------------------------------------------------------------------------
# Find meeting slots everyone can make: a pure function over busy intervals and time zones.
#
# A slot must lie inside every attendee's working hours *in that attendee's own zone* (so inside the
# intersection of everyone's working windows), must keep ``buffer`` away from every busy interval of every
# attendee, and must start on the ``step`` grid (multiples of ``step`` since the Unix epoch, so a 30-minute step
# gives :00 and :30 in every whole- or half-hour zone).
#
# How: each attendee's working windows are built once per local date (wall-clock arithmetic through ``zoneinfo``,
# so DST changes move them correctly), the windows are intersected with a two-pointer sweep, all busy intervals
# (widened by ``buffer``) are sorted and merged once, subtracted in a second sweep, and candidates are read off
# the remaining free stretches in order. Everything runs on float POSIX seconds; no per-candidate scan of events.

Span = tuple[float, float]

MAX_SEARCH = timedelta(days=366)
_DAY = timedelta(days=1)


def find_slots(
    *,
    busy: Mapping[str, Sequence[Interval]],
    zones: Mapping[str, str],
    start: datetime,
    end: datetime,
    duration: timedelta,
    working_hours: tuple[float, float] = (9, 18),
    step: timedelta = timedelta(minutes=30),
    buffer: timedelta = timedelta(0),
    limit: int = 10,
    include_weekends: bool = False,
) -> list[Interval]:
    """Up to ``limit`` slots of ``duration`` within [start, end) that suit every attendee, earliest first.

    ``zones`` names every attendee (person id → IANA zone); ``busy`` gives their busy intervals (people
    without an entry are free). Slots are returned in UTC and may overlap each other (9:00 and 9:30 for an
    hour-long meeting). An empty list means there is no such slot (for example no common working hours);
    impossible requests raise ValueError with a message meant for a person.
    """
    _validate(busy, zones, start, end, duration, working_hours, step, buffer, limit)
    s, e = start.timestamp(), end.timestamp()
    dur, stp, buf = duration.total_seconds(), step.total_seconds(), buffer.total_seconds()
    blocked = _merge(_busy_spans(busy, s - dur - buf, e + dur + buf, buf))

    windows: list[Span] | None = None
    for zone_name in dict.fromkeys(zones.values()):  # people sharing a zone share their windows
        mine = _working_windows(resolve_zone(zone_name), start, end, working_hours, include_weekends)
        windows = mine if windows is None else _intersect(windows, mine)
        if not windows:
            return []
    assert windows is not None

    found: list[Interval] = []
    for a, b in _subtract(windows, blocked):
        a, b = max(a, s), min(b, e)
        t = math.ceil(a / stp) * stp
        while t + dur <= b:
            found.append(Interval(start=datetime.fromtimestamp(t, UTC), end=datetime.fromtimestamp(t + dur, UTC)))
            if len(found) >= limit:
                return found
            t += stp
    return found


def working_windows(
    zone: str,
    *,
    start: datetime,
    end: datetime,
    working_hours: tuple[float, float] = (9, 18),
    include_weekends: bool = False,
) -> list[Interval]:
    """One person's working windows (UTC) that overlap [start, end), whole; for display and tests."""
    spans = _working_windows(resolve_zone(zone), start, end, working_hours, include_weekends)
    s, e = start.timestamp(), end.timestamp()
    return [
        Interval(start=datetime.fromtimestamp(a, UTC), end=datetime.fromtimestamp(b, UTC))
        for a, b in spans
        if b > s and a < e
    ]


# -- validation ------------------------------------------------------------------------------------------
def _validate(
    busy: Mapping[str, Sequence[Interval]],
    zones: Mapping[str, str],
    start: datetime,
    end: datetime,
    duration: timedelta,
    working_hours: tuple[float, float],
    step: timedelta,
    buffer: timedelta,
    limit: int,
) -> None:
    """Check every argument but the busy intervals themselves (``_busy_spans`` checks those as it reads them)."""
    if start.tzinfo is None or start.utcoffset() is None or end.tzinfo is None or end.utcoffset() is None:
        raise ValueError("start and end must carry a time zone")
    if end <= start:
        raise ValueError(f"the search must end after it starts (start {start.isoformat()}, end {end.isoformat()})")
    if end - start > MAX_SEARCH:
        raise ValueError(f"search at most {MAX_SEARCH.days} days at a time")
    if duration <= timedelta(0):
        raise ValueError(f"a meeting must last longer than zero minutes (got {duration})")
    if step <= timedelta(0):
        raise ValueError(f"the slot step must be positive (got {step})")
    if buffer < timedelta(0):
        raise ValueError(f"the buffer cannot be negative (got {buffer})")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive whole number (got {limit!r})")
    if len(working_hours) != 2:
        raise ValueError("working hours are a (start hour, end hour) pair, for example (9, 18)")
    first, last = working_hours
    if not (0 <= first < last <= 24):
        raise ValueError(f"working hours must satisfy 0 <= start < end <= 24 (got {first}-{last})")
    if not zones:
        raise ValueError("finding a slot needs at least one attendee with a time zone")
    for person, zone in zones.items():
        try:
            resolve_zone(zone)
        except ValueError as exc:
            raise ValueError(f"{person}: {exc}") from None
    missing = sorted(set(busy) - set(zones))
    if missing:
        raise ValueError(f"no time zone given for {', '.join(missing)}")


def _busy_spans(busy: Mapping[str, Sequence[Interval]], lo: float, hi: float, buf: float) -> list[Span]:
    """Every busy interval touching [lo, hi), widened by ``buf``, as sorted float spans.

    This loop is most of the work for thousands of intervals, so it stays flat: one pass, no helpers.
    """
    spans: list[Span] = []
    append = spans.append
    for person, intervals in busy.items():
        for iv in intervals:
            a, b = iv.start, iv.end
            if a.tzinfo is None or b.tzinfo is None:
                raise ValueError(f"{person}: busy times must carry a time zone")
            ta, tb = a.timestamp(), b.timestamp()
            if tb <= ta:
                if tb < ta:
                    raise ValueError(f"{person}: a busy interval ends before it starts ({a} to {b})")
                continue
            if tb > lo and ta < hi:
                append((ta - buf, tb + buf))
    spans.sort()
    return spans


# -- sweeps ----------------------------------------------------------------------------------------------
def _instant(day: date, hours: float, zone: ZoneInfo, *, later: bool) -> float:
    """The instant a wall-clock time happens on ``day`` in ``zone``.

    Around DST changes a wall time may happen twice (fall back) or never (spring forward); ``later`` picks
    the later candidate (for window starts) or the earlier one (for window ends), so a window never reaches
    outside the working hours.
    """
    wall = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(hours=hours)  # wall-clock arithmetic
    first, second = wall.replace(fold=0).timestamp(), wall.replace(fold=1).timestamp()
    return max(first, second) if later else min(first, second)


def _working_windows(
    zone: ZoneInfo, start: datetime, end: datetime, working_hours: tuple[float, float], include_weekends: bool
) -> list[Span]:
    first, last = working_hours
    day = start.astimezone(zone).date() - _DAY
    stop = end.astimezone(zone).date() + _DAY
    windows: list[Span] = []
    while day <= stop:
        window = _day_window(zone, day, first, last, include_weekends)
        if window is not None:
            windows.append(window)
        day += _DAY
    return windows


@lru_cache(maxsize=8192)
def _day_window(zone: ZoneInfo, day: date, first: float, last: float, include_weekends: bool) -> Span | None:
    """One person's working window on one local date (cached: the same people are asked about again and again)."""
    if not include_weekends and day.weekday() >= 5:
        return None
    a = _instant(day, first, zone, later=True)
    b = _instant(day, last, zone, later=False)
    return (a, b) if b > a else None


def _intersect(left: list[Span], right: list[Span]) -> list[Span]:
    """Intersection of two sorted lists of disjoint spans."""
    out: list[Span] = []
    i = j = 0
    while i < len(left) and j < len(right):
        a = max(left[i][0], right[j][0])
        b = min(left[i][1], right[j][1])
        if a < b:
            out.append((a, b))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return out


def _merge(spans: list[Span]) -> list[Span]:
    """Merge sorted spans that overlap or touch."""
    out: list[list[float]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _subtract(windows: list[Span], blocked: list[Span]) -> list[Span]:
    """``windows`` minus ``blocked`` (both sorted and disjoint)."""
    out: list[Span] = []
    j = 0
    for a, b in windows:
        while j < len(blocked) and blocked[j][1] <= a:
            j += 1
        cursor, k = a, j
        while k < len(blocked) and blocked[k][0] < b:
            if blocked[k][0] > cursor:
                out.append((cursor, blocked[k][0]))
            cursor = max(cursor, blocked[k][1])
            k += 1
        if cursor < b:
            out.append((cursor, b))
    return out
