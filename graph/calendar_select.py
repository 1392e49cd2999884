"""Choosing events the way people point at them: "my first meeting on Dec 13 with Kofi", "all future meetings
with Raj", "the next process review". Every selector is optional and they combine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.parsing.datetimes import DateTimeParseError, local_now, parse_datetime, parse_day_phrase
from graph.resolve import resolve_person
from integrations.calendar.base import Event
from integrations.directory.base import fold

Which = Literal["all", "first", "last", "next"]
HORIZON = timedelta(days=366)


@dataclass
class EventSelector:
    """Which events: any combination of day or range, attendee, title, and first/last/next/all."""

    which: Which = "all"
    day: str | None = None
    after: str | None = None
    before: str | None = None
    with_person: str | None = None
    title: str | None = None
    future_only: bool = False
    include_past: bool = False
    starts_at: str | None = None

    def describe(self) -> str:
        """The selector in words, for messages like "no meeting matches ..."."""
        bits: list[str] = []
        if self.starts_at:
            return f"meeting at {self.starts_at}"
        if self.which != "all":
            bits.append(self.which)
        bits.append(f"“{self.title}”" if self.title else "meeting")
        if self.with_person:
            bits.append(f"with {self.with_person}")
        if self.day:
            bits.append(f"on {self.day}")
        if self.after:
            bits.append(f"after {self.after}")
        if self.before:
            bits.append(f"before {self.before}")
        if self.future_only:
            bits.append("in the future")
        return " ".join(bits)


def _window(selector: EventSelector, deps: GraphDeps, tz: str) -> tuple[datetime, datetime]:
    now = deps.clock()
    current = local_now(now, tz)
    try:
        if selector.starts_at:
            exact = parse_datetime(selector.starts_at, now=now, tz=tz)
            return exact, exact + timedelta(minutes=1)
        if selector.day:
            day = parse_day_phrase(selector.day, now=now, tz=tz)
            start = datetime.combine(day, time(0), current.tzinfo)
            end = start + timedelta(days=1)
            if selector.after:
                start = max(start, parse_datetime(selector.after, now=now, tz=tz, default_time=time(0)))
            if selector.before:
                end = min(end, parse_datetime(selector.before, now=now, tz=tz, default_time=time(0)))
            return start, end
        start = (
            now if (selector.future_only or selector.which == "next" or not selector.include_past) else (now - HORIZON)
        )
        end = now + HORIZON
        if selector.after:
            start = parse_datetime(selector.after, now=now, tz=tz, default_time=time(0))
        if selector.before:
            end = parse_datetime(selector.before, now=now, tz=tz, default_time=time(0))
    except DateTimeParseError as exc:
        raise ActionInvalidError(str(exc), field="when") from exc
    return start, end


def _title_matches(wanted: str, title: str) -> int:
    """2 for the same title (ignoring case and punctuation), 1 when one contains the other, else 0."""
    a, b = fold(wanted.removesuffix(" meeting")), fold(title)
    if not a:
        return 0
    if a == b or fold(wanted) == b:
        return 2
    return 1 if a in b else 0


def select_events(selector: EventSelector, deps: GraphDeps, *, owner_id: str, tz: str) -> list[Event]:
    """Events on ``owner_id``'s calendar matching every part of ``selector``, earliest first."""
    if deps.calendar is None:
        raise ActionInvalidError("No calendar is connected.")
    start, end = _window(selector, deps, tz)
    attendee_id = None
    if selector.with_person:
        attendee_id = resolve_person(selector.with_person, deps.directory, speaker_id=owner_id).id
    events = deps.calendar.list_events(owner_id, start=start, end=end, attendee_id=attendee_id, limit=2000)
    # The window selects by start time: "before noon" means meetings that start before noon.
    events = [e for e in events if start <= e.start < end]
    if attendee_id:
        events = [e for e in events if attendee_id in e.attendee_ids()]
    if selector.future_only or selector.which == "next":
        now = deps.clock()
        events = [e for e in events if e.start >= now]
    if selector.title:
        scored = [(_title_matches(selector.title, e.title), e) for e in events]
        best = max((score for score, _ in scored), default=0)
        events = [e for score, e in scored if score == best and score > 0]
    events.sort(key=lambda e: (e.start, e.id))
    if selector.which in ("first", "next"):
        return events[:1]
    if selector.which == "last":
        return events[-1:]
    return events
