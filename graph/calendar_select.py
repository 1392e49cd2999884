"""Choosing events the way people point at them: "my first meeting on Dec 13 with Kofi", "all future meetings
with Raj", "the next process review". Every selector is optional and they combine."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.parsing.datetimes import (
    DateTimeParseError,
    find_day,
    find_day_list,
    find_day_range,
    find_week_range,
    local_now,
    parse_datetime,
    parse_day_phrase,
)
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
    only_with: list[str] | None = None
    """Only events whose other attendees are exactly these people ("only me and Omar")."""
    organised_by_me: bool = False
    """Only events the owner organises ("the meetings I'm running"), not ones they are invited to."""

    def describe(self) -> str:
        """The selector in words, for messages like "no meeting matches ..."."""
        bits: list[str] = []
        if self.starts_at:
            return f"meeting at {self.starts_at}"
        if self.which != "all":
            bits.append(self.which)
        bits.append(f"“{self.title}”" if self.title else "meeting")
        if self.organised_by_me:
            bits.append("that you organise")
        if self.only_with:
            bits.append(f"with only {', '.join(self.only_with)}")
        elif self.with_person:
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


def _week(phrase: str | None, now: datetime, tz: str) -> tuple[datetime, datetime] | None:
    """The moments a week phrase covers ("next week", "rest of the week"), unless the phrase names a day."""
    if not phrase:
        return None
    current = local_now(now, tz)
    if find_day(phrase, current.date()) is not None:
        return None  # "Tuesday next week" is a day
    week = find_week_range(phrase, current.date())
    if week is None:
        return None
    start = datetime.combine(week.start, time(0), current.tzinfo)
    return (max(start, now) if week.from_now else start), datetime.combine(week.end, time(0), current.tzinfo)


def _window(selector: EventSelector, deps: GraphDeps, tz: str) -> tuple[datetime, datetime]:
    now = deps.clock()
    current = local_now(now, tz)
    try:
        if selector.starts_at:
            exact = parse_datetime(selector.starts_at, now=now, tz=tz)
            return exact, exact + timedelta(minutes=1)
        # A week phrase where a day or a lower bound is expected is a range: "meetings next week".
        days = find_day_range(selector.day, current.date()) if selector.day else None
        listed = find_day_list(selector.day, current.date()) if selector.day and days is None else None
        if listed:
            days = (min(listed), max(listed))  # the days between are filtered out in select_events
        if days is not None:
            # "wed 25th through fri 27th": every day of the range.
            start = datetime.combine(days[0], time(0), current.tzinfo)
            end = datetime.combine(days[1] + timedelta(days=1), time(0), current.tzinfo)
            if selector.after:
                start = max(start, parse_datetime(selector.after, now=now, tz=tz, default_time=time(0)))
            if selector.before:
                end = min(end, parse_datetime(selector.before, now=now, tz=tz, default_time=time(0)))
            return start, end
        week = _week(selector.day, now, tz) or (None if selector.before else _week(selector.after, now, tz))
        if week is not None:
            start, end = week
            if selector.after and selector.day:
                start = max(start, parse_datetime(selector.after, now=now, tz=tz, default_time=time(0)))
            if selector.before:
                end = min(end, parse_datetime(selector.before, now=now, tz=tz, default_time=time(0)))
            return start, end
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
            after_week = _week(selector.after, now, tz)
            start = (
                after_week[0] if after_week else parse_datetime(selector.after, now=now, tz=tz, default_time=time(0))
            )
        if selector.before:
            before_week = _week(selector.before, now, tz)
            end = (
                before_week[0] if before_week else parse_datetime(selector.before, now=now, tz=tz, default_time=time(0))
            )
    except DateTimeParseError as exc:
        raise ActionInvalidError(str(exc), field="when") from exc
    return start, end


# Words people add to a meeting's name when pointing at it ("my month-end close block", "the vendor review call").
_GENERIC = frozenset(
    "meeting meetings block blocks call calls sync syncs session sessions event events slot slots thing one ones "
    "appointment appointments catchup catchups chat chats the my our a an w with".split()
)


def _words(text: str) -> list[str]:
    """Folded words, singular ("standups" → "standup"), so word order and plurals don't matter."""
    out = []
    for word in re.findall(r"[a-z0-9]+", fold_words(text)):
        out.append(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return out


def title_words(text: str) -> list[str]:
    """Folded, singular words of a title or message, as titles are compared."""
    return _words(text)


GENERIC_TITLE_WORDS = _GENERIC


def fold_words(text: str) -> str:
    """Lower case without accents, keeping word boundaries (``fold`` removes them)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_QUALIFIER = re.compile(r"\s+(?:w/|w|with)\s+", re.I)


def title_matches(wanted: str, title: str) -> float:
    """How well a title someone gave matches an event's title; 0 when it does not."""
    return _title_matches(re.sub(r"^(?:the|my|our)\s+", "", wanted.strip(), flags=re.I), title)


def _title_matches(wanted: str, title: str) -> float:
    """How well a title someone gave matches an event's (see ``_title_score``). A qualifier the title doesn't
    carry ("the vendor review w/ Acme") is tolerated, scoring below any title that does carry it."""
    score = _title_score(wanted, title)
    if score or not _QUALIFIER.search(wanted):
        return score
    head = _QUALIFIER.split(wanted, maxsplit=1)[0]
    return 0.5 if head.strip() and _title_score(head, title) else 0


def _title_score(wanted: str, title: str) -> int:
    """How well a title someone gave matches an event's: 4 the same (ignoring case and punctuation), 3 one contains
    the other, 2 every word given is in the title, 1 every word but generic ones ("block", "call") is, else 0."""
    a, b = fold(wanted.removesuffix(" meeting")), fold(title)
    if not a:
        return 0
    if a == b or fold(wanted) == b:
        return 4
    if a in b:
        return 3
    given, have = _words(wanted), set(_words(title))
    if given and all(w in have for w in given):
        return 2
    significant = [w for w in given if w not in _GENERIC]
    return 1 if significant and all(w in have for w in significant) else 0


def _others(event: Event, owner_id: str) -> list[str]:
    """Everyone on the event but the owner: person ids, or emails for outside guests."""
    people = {a.person_id or a.email for a in event.attendees if a.person_id or a.email}
    if event.organizer_id:
        people.add(event.organizer_id)
    return sorted(people - {owner_id})


def select_events(selector: EventSelector, deps: GraphDeps, *, owner_id: str, tz: str) -> list[Event]:
    """Events on ``owner_id``'s calendar matching every part of ``selector``, earliest first."""
    if deps.calendar is None:
        raise ActionInvalidError("No calendar is connected.")
    start, end = _window(selector, deps, tz)
    attendee_id = None
    if selector.with_person:
        attendee_id = resolve_person(selector.with_person, deps.directory, speaker_id=owner_id).id
    only: set[str] | None = None
    if selector.only_with:
        only = {resolve_person(p, deps.directory, speaker_id=owner_id).id for p in selector.only_with} - {owner_id}
        attendee_id = attendee_id or next(iter(sorted(only)), None)
    events = deps.calendar.list_events(owner_id, start=start, end=end, attendee_id=attendee_id, limit=2000)
    # The window selects by start time: "before noon" means meetings that start before noon.
    events = [e for e in events if start <= e.start < end]
    if attendee_id:
        events = [e for e in events if attendee_id in e.attendee_ids()]
    if selector.organised_by_me:
        events = [e for e in events if e.organizer_id == owner_id]
    if only is not None:
        # Guests without an account (an outside email) count as other people too.
        events = [e for e in events if set(_others(e, owner_id)) == only]
    if selector.day and find_day_range(selector.day, local_now(deps.clock(), tz).date()) is None:
        listed = find_day_list(selector.day, local_now(deps.clock(), tz).date())
        if listed:
            events = [e for e in events if local_now(e.start, tz).date() in listed]  # "mon and wed": not tuesday
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
