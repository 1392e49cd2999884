"""Calendar writes: create, move or rename, cancel. Prepared from tool calls, re-checked, applied once."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from graph.actions.base import ActionResult, EditableField, ProposedAction
from graph.calendar_select import EventSelector, select_events, title_matches
from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.parsing.datetimes import (
    WEEKDAYS,
    DateTimeParseError,
    day_span,
    find_day,
    find_period,
    find_time,
    find_week_range,
    local_now,
    names_clock_time,
    parse_datetime,
    parse_duration,
)
from graph.parsing.day_windows import DayWindow, find_day_window, without_day_window
from graph.parsing.zones import zone_for_place
from graph.resolve import resolve_person
from graph.state import ConversationContext
from integrations.calendar.base import Attendee, Event, EventChanges, EventCreate, find_slots
from integrations.errors import NotFoundError

CREATE = "calendar.create"
UPDATE = "calendar.update"
DELETE = "calendar.delete"
DEFAULT_DURATION = timedelta(minutes=30)
MAX_DURATION = timedelta(hours=12)


class ConditionNotMet(Exception):
    """A conditional request ("if I haven't met X lately") whose condition is false: nothing to propose."""


# -- formatting --------------------------------------------------------------------------------------------
def slack_escape(text: str) -> str:
    """Titles are user text: in a Slack-formatted display they must not become markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def when_text(start: datetime, end: datetime, tz: str) -> str:
    """ "Mon 4 Dec 12:00–13:30 UTC" in ``tz``."""
    a, b = start.astimezone(local_now(start, tz).tzinfo), end.astimezone(local_now(end, tz).tzinfo)
    return f"{a:%a %-d %b %H:%M}–{b:%H:%M} {a.tzname()}"


def _moment(at: datetime, tz: str) -> str:
    """ "Mon 4 Dec 12:00 UTC"."""
    local = at.astimezone(local_now(at, tz).tzinfo)
    return f"{local:%a %-d %b %H:%M} {local.tzname()}"


def slack_when(start: datetime, end: datetime) -> str:
    """The same, as Slack date tokens: every viewer sees their own time zone."""
    s, e = int(start.timestamp()), int(end.timestamp())
    fallback = f"{start:%Y-%m-%d %H:%M} UTC"
    return f"<!date^{s}^{{date_short_pretty}} {{time}}|{fallback}>–<!date^{e}^{{time}}|{end:%H:%M}>"


def duration_text(delta: timedelta) -> str:
    """ "1h30", "45 min"."""
    minutes = int(delta.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else ""
    if hours and rest:
        return f"{sign}{hours}h{rest:02d}"
    return f"{sign}{hours}h" if hours else f"{sign}{rest} min"


def names(person_ids: list[str], deps: GraphDeps) -> str:
    """Comma-separated names."""
    out = []
    for pid in person_ids:
        person = deps.directory.get(pid)
        out.append(person.name if person else pid)
    return ", ".join(out) or "nobody"


def event_line(event: Event, deps: GraphDeps, tz: str, *, owner_id: str | None = None) -> str:
    """One line per event: when, title, who else is there (guests from outside the company too: "is it just me?"
    is answered by the line, and an outside guest is who the meeting is often for)."""
    others = [pid for pid in event.attendee_ids() if pid != owner_id]
    guests = [a.name or a.email for a in event.attendees if not a.person_id and (a.name or a.email)]
    who = ", ".join(([names(others, deps)] if others else []) + [f"{g} (guest)" for g in guests])
    with_text = f" · with {who}" if who else ""
    return f"{when_text(event.start, event.end, tz)} · “{event.title}”{with_text}"


# -- shared checks -----------------------------------------------------------------------------------------
def _now(deps: GraphDeps) -> datetime:
    return deps.clock()


def _parse_start(text: str, deps: GraphDeps, tz: str, *, day_tz: str | None = None) -> datetime:
    try:
        start = parse_datetime(text, now=_now(deps), tz=tz, working_hours=deps.working_hours, day_tz=day_tz)
    except DateTimeParseError as exc:
        raise ActionInvalidError(str(exc), field="start") from exc
    _check_weekday(text, start, tz)
    if start < _now(deps):
        raise ActionInvalidError(
            f"{when_text(start, start, tz).split('–')[0]} is in the past. When should it be?", field="start"
        )
    return start


def _parse_length(text: str | None) -> timedelta:
    if not text:
        return DEFAULT_DURATION
    try:
        length = parse_duration(str(text))
    except DateTimeParseError as exc:
        raise ActionInvalidError(str(exc), field="duration") from exc
    if length <= timedelta(0):
        raise ActionInvalidError("A meeting needs a positive duration, like 30 minutes.", field="duration")
    if length > MAX_DURATION:
        raise ActionInvalidError("That's longer than a working day; give a duration under 12 hours.", field="duration")
    return length


def _overlaps(
    deps: GraphDeps, person_ids: list[str], start: datetime, end: datetime, *, ignore: str | None = None
) -> list[Event]:
    assert deps.calendar is not None
    found: dict[str, Event] = {}
    for pid in person_ids:
        for event in deps.calendar.list_events(pid, start=start, end=end, limit=200):
            if event.id != ignore and event.start < end and event.end > start:
                found[event.id] = event
    return sorted(found.values(), key=lambda e: e.start)


def _require_calendar(deps: GraphDeps) -> None:
    if deps.calendar is None:
        raise ActionInvalidError("No calendar is connected, so I can't change meetings yet.")


def _selector(args: dict[str, Any]) -> EventSelector:
    return EventSelector(
        which=args.get("which") or "all",
        day=args.get("day"),
        after=args.get("after"),
        before=args.get("before"),
        with_person=args.get("with_person"),
        title=args.get("title"),
        future_only=bool(args.get("future_only")),
        include_past=bool(args.get("include_past")),
        starts_at=args.get("starts_at"),
        only_with=list(args["only_with"]) if args.get("only_with") else None,
        organised_by_me=bool(args.get("organised_by_me")),
    )


def _one_event(args: dict[str, Any], deps: GraphDeps, ctx: ConversationContext) -> Event:
    """The single event a move or rename is about: by id, or by a selector that must match exactly one."""
    assert deps.calendar is not None
    owner, tz = ctx.get("user_id", ""), ctx.get("user_tz", "UTC")
    if args.get("event_id"):
        try:
            return deps.calendar.get(str(args["event_id"]))
        except NotFoundError as exc:
            raise ActionInvalidError(str(exc), field="event_id") from exc
    selector = _selector(args)
    if selector.which == "all" and not (
        selector.day or selector.title or selector.with_person or selector.only_with or selector.starts_at
    ):
        raise ActionInvalidError("Which meeting? Tell me its day, title or who it's with.")
    matches = select_events(selector, deps, owner_id=owner, tz=tz)
    if not matches:
        raise ActionInvalidError(f"I couldn't find a {selector.describe()} on your calendar.")
    if len(matches) > 1 and selector.which == "all":
        listed = "\n".join(f"• {event_line(e, deps, tz, owner_id=owner)}" for e in matches[:8])
        raise ActionInvalidError(f"Several meetings match; which one?\n{listed}")
    return matches[0]


def _check_count(events: list[Event], expected: Any, verb: str, deps: GraphDeps, tz: str, owner: str) -> None:
    """ "both my retros" promises two meetings: another number is a question, not a guess."""
    if not expected or len(events) == int(expected):
        return
    listed = "\n".join(f"• {event_line(e, deps, tz, owner_id=owner)}" for e in events[:8])
    raise ActionInvalidError(
        f"You said {int(expected)}, but {len(events)} meeting{'s' if len(events) != 1 else ''} match; "
        f"which should I {verb}?\n{listed}"
    )


def several_events(
    args: dict[str, Any], deps: GraphDeps, ctx: ConversationContext, *, expect_count: Any, verb: str
) -> list[Event]:
    """Every event a selector names ("both my month-end blocks"), checked against the count the words promise."""
    _require_calendar(deps)
    owner, tz = ctx.get("user_id", ""), ctx.get("user_tz", "UTC")
    selector = _selector(args)
    if selector.which == "all" and not (
        selector.day or selector.title or selector.with_person or selector.only_with or selector.starts_at
    ):
        raise ActionInvalidError(f"Which meetings should I {verb}? Tell me their day, title or who they're with.")
    events = select_events(selector, deps, owner_id=owner, tz=tz)
    if not events:
        raise ActionInvalidError(f"I couldn't find a {selector.describe()} on your calendar.")
    _check_count(events, expect_count, verb, deps, tz, owner)
    return events


# -- proposals ---------------------------------------------------------------------------------------------
def prepare_create(
    args: dict[str, Any], deps: GraphDeps, ctx: ConversationContext, *, action_id: str
) -> ProposedAction:
    """A new meeting on the requester's calendar with the named people."""
    _require_calendar(deps)
    owner, tz = ctx.get("user_id", ""), ctx.get("user_tz", "UTC")
    title = " ".join(str(args.get("title") or "").split())[:200]
    if not title:
        raise ActionInvalidError("What should the meeting be called?", field="title")
    attendees = [owner]
    for ref in args.get("attendees") or []:
        person = resolve_person(str(ref), deps.directory, speaker_id=owner)
        if person.id not in attendees:
            attendees.append(person.id)
    length = _parse_length(args.get("duration"))
    picked = ""  # how deskhand chose the time, when the person didn't name one
    days = args.get("only_if_not_met_in_days")
    if days:
        _check_not_met(deps, owner, attendees[1:], int(days), tz)
    if args.get("anchor"):
        start = _anchored_start(args, deps, owner, tz, length)
    elif args.get("start") and not names_clock_time(without_day_window(str(args["start"]))):
        # "book a call with sofia tomorrow (after 2)": a day nobody gave a time for gets the first time everyone
        # is free that day (inside any limit given), never the start of working hours on top of whatever is there.
        zone = named_zone(str(args["time_zone"]), deps, owner=owner, fallback=tz) if args.get("time_zone") else tz
        start, picked = _first_free_on_day(deps, attendees, str(args["start"]), length, tz=tz, zone=zone)
    elif args.get("start"):
        # "4pm his time", "10am London time": the clock is read in that zone; the card still shows the requester's.
        zone = named_zone(str(args["time_zone"]), deps, owner=owner, fallback=tz) if args.get("time_zone") else tz
        start = _parse_start(str(args["start"]), deps, zone, day_tz=tz)
    elif args.get("first_free_after"):
        start = _first_free(deps, attendees, str(args["first_free_after"]), length, tz)
        picked = "the first time everyone is free"
    else:
        raise ActionInvalidError("When should it be? Give me a day and time, or say “first free slot”.", field="start")
    end = start + length
    conflicts = _overlaps(deps, attendees, start, end)
    params = {
        "title": title,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "tz": tz,
        "organizer_id": owner,
        "attendees": attendees,
        "description": str(args.get("description") or "")[:5000],
        "location": _known_location(str(args.get("location") or "").strip(), attendees, deps)[:300],
        "known_conflicts": [e.id for e in conflicts],
    }
    return _create_action(action_id, args, params, deps, conflicts, picked=picked)


def _first_free_on_day(
    deps: GraphDeps, attendees: list[str], text: str, length: timedelta, *, tz: str, zone: str
) -> tuple[datetime, str]:
    """The first slot everyone is free on the day named ("tomorrow", "Friday afternoon", "tomorrow morning London
    time"), inside the part of the day named (read in ``zone``) or working hours, and inside any limit given
    ("after 2", "before lunch"; "end of day" takes the last free slot). Returns the start and how it was chosen.
    Never another day: when that day has no such slot, or its part of the day is over, ask."""
    assert deps.calendar is not None
    now = _now(deps)
    today = local_now(now, tz).date()  # the day is the speaker's, the clock is the zone's (as for "10am LA time")
    try:
        day = find_day(text, today)
    except DateTimeParseError as exc:
        raise ActionInvalidError(str(exc), field="start") from exc
    period = find_period(text)
    limits = find_day_window(text, deps.working_hours) or DayWindow()
    if day is None and limits.phrase and find_week_range(text, today) is not None:
        # "after 2 next week" names a week, not a day: never today by default.
        raise ActionInvalidError("Which day should it be? Or ask me to find a time that week.", field="start")
    if day is None and period is None and not limits.phrase:
        raise ActionInvalidError(
            f"I couldn't read '{text}' as a day and time. Try 'tomorrow at 3pm' or 'December 4 at 10:30'.",
            field="start",
        )
    first, last = period or deps.working_hours
    day = day or today  # "this afternoon", "after 3"
    where = local_now(now, zone).tzinfo
    window_start, window_end = datetime.combine(day, time(first), where), datetime.combine(day, time(last), where)
    if limits.after:
        window_start = max(window_start, datetime.combine(day, limits.after, where))
    if limits.before:
        window_end = min(window_end, datetime.combine(day, limits.before, where))
    opens, closes = f"{window_start:%H:%M}", f"{window_end:%H:%M}"
    _check_weekday(text, window_start, tz)
    if window_end <= now:
        when = "today" if day == today else f"on {day:%A %-d %B}"
        raise ActionInvalidError(f"It's already past {closes} {when}. Which day should it be?", field="start")
    if window_start >= window_end:
        raise ActionInvalidError(
            f"There's no time {limits.phrase} inside {first:02d}:00–{last:02d}:00 on {day:%a %-d %b}. "
            "Give me a start time (it may be outside working hours)?",
            field="start",
        )
    if length > window_end - window_start:
        raise ActionInvalidError(
            f"A {duration_text(length)} meeting doesn't fit between {opens} and {closes}. Give me a start time?",
            field="start",
        )

    # The part of the day is the speaker's ("tomorrow afternoon" is their afternoon, already in the window); the
    # others need only be inside their working hours, stretched to the part named ("tonight" is after hours).
    hours = (min(deps.working_hours[0], first), max(deps.working_hours[1], last))

    def slot(ignore_busy: bool = False) -> datetime | None:
        # the day was named: a Saturday asked for is a Saturday
        return _free_slot(
            deps,
            attendees,
            max(window_start, now),
            window_end,
            length,
            tz,
            hours,
            include_weekends=True,
            ignore_busy=ignore_busy,
            latest=limits.latest,
        )

    found = slot()
    if found is not None:
        return found, limits.describe()
    who = names(attendees[1:], deps)
    span = f"on {day:%a %-d %b} between {opens} and {closes}"
    if slot(ignore_busy=True) is None:
        # Nobody is busy and there is still no slot: the hours themselves don't line up across time zones.
        raise ActionInvalidError(
            f"{'Your and ' + who + '’s' if who else 'Your'} working hours don't overlap {span} ({tz} time). "
            "Give me a time (it may be outside someone's hours), or ask me to find a time.",
            field="start",
        )
    raise ActionInvalidError(
        f"{'You and ' + who + ' have' if who else 'You have'} no free {duration_text(length)} {span}. "
        "Give me a time (it may overlap something), or another day.",
        field="start",
    )


def _anchored_start(args: dict[str, Any], deps: GraphDeps, owner: str, tz: str, length: timedelta) -> datetime:
    """The start of a meeting placed against an existing one ("right after the pipeline review", "the day before
    the renewal call at 3pm"). The existing meeting must be found, and only one: otherwise ask, never guess a day."""
    wanted = str(args.get("anchor_title") or "").strip()
    if not wanted:
        raise ActionInvalidError("Which meeting should it go next to?", field="start")
    selector = EventSelector(title=wanted, day=args.get("anchor_day"))
    found = select_events(selector, deps, owner_id=owner, tz=tz)
    whose = str(args.get("anchor_with") or "").strip()
    where = "your calendar"
    if whose:
        # "right after Priya's focus time": a meeting Priya is in, looked for on her calendar too; the asker's own
        # similarly named meeting never stands in for it.
        person = resolve_person(whose, deps.directory, speaker_id=owner)
        found = [e for e in found if person.id in e.attendee_ids()]
        if not found and person.id != owner:
            theirs = select_events(selector, deps, owner_id=person.id, tz=tz)
            # Someone else's meeting the asker is not in is only busy time to them: never listed, and never used to
            # place a booking (which would reveal when it is). Ask for a time instead.
            found = [e for e in theirs if owner in e.attendee_ids()]
            if theirs and not found:
                several = "several meetings" if len(theirs) > 1 else "a meeting"
                raise ActionInvalidError(
                    f"{person.name} has {several} matching that which you're not in, so I can't place this next to "
                    "it. Give me a day and time instead?",
                    field="start",
                )
            where = f"{person.name}'s calendar"
    if not found:
        raise ActionInvalidError(
            f"I couldn't find a {selector.describe()} on {where if whose else 'your calendar'}, so I can't tell when "
            "this should be. Which day and time?",
            field="start",
        )
    if len(found) > 1:
        listed = "\n".join(f"• {event_line(e, deps, tz, owner_id=owner)}" for e in found[:8])
        raise ActionInvalidError(f"Several meetings match “{wanted}”; which one do you mean?\n{listed}", field="start")
    anchor, relation = found[0], str(args["anchor"])
    # "an hour before q1 planning": starts that long before it starts; "30 min after the standup": after it ends.
    gap = parse_duration(str(args["anchor_offset"])) if args.get("anchor_offset") else None
    if relation == "right_after":
        start = anchor.end + (gap or timedelta(0))
    elif relation == "right_before":
        start = anchor.start - (gap if gap is not None else length)
    else:
        day = local_now(anchor.start, tz).date() + timedelta(days=1 if relation == "day_after" else -1)
        when = str(args.get("start") or "").strip()
        tod, period = (find_time(when), find_period(when)) if when else (None, None)
        if tod is None and period is None:
            raise ActionInvalidError(f"What time on {day:%a %-d %b}?", field="start")
        clock = tod.resolve(deps.working_hours) if tod else time(period[0], 0) if period else time(9)
        start = datetime.combine(day, clock, local_now(anchor.start, tz).tzinfo)
    if start < _now(deps):
        raise ActionInvalidError(f"{_moment(start, tz)} is in the past. When should it be?", field="start")
    return start


# "London office, room Kite" → "Kite"; "Tokyo office, research room" → "research room".
_ROOM_IN_PLACE = re.compile(r"\broom\s+(?P<a>[A-Z0-9][\w-]*)|(?P<b>\b[\w-]+\s+room)\b")


_PLACES_WINDOW = (timedelta(days=30), timedelta(days=60))  # back, ahead: the meetings whose rooms count as known


def _places_used(person_id: str, deps: GraphDeps) -> set[str]:
    """The locations of the person's meetings around now (calendar errors propagate to the caller)."""
    assert deps.calendar is not None
    now = _now(deps)
    back, ahead = _PLACES_WINDOW
    return {e.location for e in deps.calendar.list_events(person_id, start=now - back, end=now + ahead) if e.location}


def known_rooms(user_id: str, deps: GraphDeps) -> list[str]:
    """The meeting rooms the person's meetings use, by their short names, so "book kite for …" can be read as a
    room; none when the calendar can't be read."""
    if not user_id or deps.calendar is None:
        return []
    try:
        places = _places_used(user_id, deps)
    except Exception:  # the rooms only help reading; a failed lookup must not fail the turn
        return []
    return sorted({m.group("a") or m.group("b") for place in places for m in _ROOM_IN_PLACE.finditer(place)})


def _known_location(name: str, people: list[str], deps: GraphDeps) -> str:
    """A room named briefly ("Heron") as the calendar already spells it ("London office, room Heron"), when exactly
    one place the people's meetings use carries that name; otherwise the name as given."""
    if not name or deps.calendar is None:
        return name
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.I)
    places: set[str] = set()
    for pid in people:
        try:
            places.update(place for place in _places_used(pid, deps) if pattern.search(place))
        except Exception:  # a lookup that fails leaves the name as the person wrote it
            return name
    return places.pop() if len(places) == 1 else name


def _create_action(
    action_id: str,
    args: dict[str, Any],
    params: dict[str, Any],
    deps: GraphDeps,
    conflicts: list[Event],
    *,
    picked: str = "",
) -> ProposedAction:
    start, end = datetime.fromisoformat(params["start"]), datetime.fromisoformat(params["end"])
    others = [p for p in params["attendees"] if p != params["organizer_id"]]
    who = f" with {names(others, deps)}" if others else ""
    warning = f" (overlaps {len(conflicts)} existing meeting{'s' if len(conflicts) != 1 else ''})" if conflicts else ""
    warning = warning or (f" ({picked})" if picked else "")
    summary = f"New meeting “{params['title']}”{who}, {when_text(start, end, params['tz'])}{warning}"
    display = f"New meeting “{slack_escape(params['title'])}”{who}, {slack_when(start, end)}{warning}"
    fields = [
        EditableField(name="title", label="Title", value=params["title"], display=params["title"], required=True),
        EditableField(
            name="start",
            label="Starts",
            value=f"{start.astimezone(local_now(start, params['tz']).tzinfo):%Y-%m-%d %H:%M}",
            display=slack_when(start, end),
            required=True,
        ),
        EditableField(
            name="duration",
            label="Duration",
            value=duration_text(end - start),
            display=duration_text(end - start),
            required=True,
        ),
        EditableField(name="attendees", label="With", value=None, display=names(others, deps) if others else ""),
    ]
    return ProposedAction(
        id=action_id,
        kind=CREATE,
        tool="create_event",
        tool_args=args,
        params=params,
        summary=summary,
        display=display,
        fields=fields,
    )


def _check_not_met(deps: GraphDeps, owner: str, others: list[str], days: int, tz: str) -> None:
    if days <= 0:
        raise ActionInvalidError("The look-back must be at least one day.", field="only_if_not_met_in_days")
    assert deps.calendar is not None
    now = _now(deps)
    for pid in others:
        recent = [
            e
            for e in deps.calendar.list_events(
                owner, start=now - timedelta(days=days), end=now, attendee_id=pid, limit=200
            )
            if pid in e.attendee_ids() and e.start < now
        ]
        if recent:
            last = max(recent, key=lambda e: e.start)
            raise ConditionNotMet(
                f"You met {names([pid], deps)} on {when_text(last.start, last.end, tz)} "
                f"(within the last {days} days), so I didn't schedule anything."
            )


def zone_of(deps: GraphDeps, person_id: str, fallback: str) -> str:
    person = deps.directory.get(person_id)
    return person.tz if person and person.tz else fallback


def named_zone(ref: str, deps: GraphDeps, *, owner: str, fallback: str) -> str:
    """The time zone a phrase names: a tz name ("Europe/London"), a city ("london", "new york"), a common
    abbreviation ("IST"), "me"/"my", or a person (their zone in the directory)."""
    if ref.strip().lower() in {"", "me", "my", "mine", "i", "local"}:
        return fallback
    place = zone_for_place(ref)
    if place:
        return place
    person = resolve_person(ref, deps.directory, speaker_id=owner)
    return zone_of(deps, person.id, fallback)


def _email(deps: GraphDeps, person_id: str) -> str:
    person = deps.directory.get(person_id)
    return person.email if person else ""


def _first_free(deps: GraphDeps, attendees: list[str], after: str, length: timedelta, tz: str) -> datetime:

    assert deps.calendar is not None
    try:
        start = parse_datetime(after, now=_now(deps), tz=tz, working_hours=deps.working_hours, default_time=None)
    except DateTimeParseError as exc:
        raise ActionInvalidError(str(exc), field="start") from exc
    day_start = start.replace(hour=0, minute=0) if start.hour == deps.working_hours[0] and start.minute == 0 else start
    start = max(day_start, _now(deps))
    end = start + timedelta(days=14)
    found = _free_slot(deps, attendees, start, end, length, tz, deps.working_hours)
    if found is None:
        raise ActionInvalidError("I couldn't find a free slot for everyone in the next two weeks.", field="start")
    return found


def _free_slot(
    deps: GraphDeps,
    attendees: list[str],
    start: datetime,
    end: datetime,
    length: timedelta,
    tz: str,
    hours: tuple[int, int],
    *,
    include_weekends: bool = False,
    ignore_busy: bool = False,
    latest: bool = False,
) -> datetime | None:
    """The earliest (or ``latest``) start in [start, end) when every attendee is free and inside ``hours`` in their
    own zone (people without a zone in the directory count as in ``tz``). ``ignore_busy`` asks whether the hours
    alone allow one."""
    assert deps.calendar is not None
    busy = {} if ignore_busy else deps.calendar.free_busy(attendees, start=start, end=end)
    slots = find_slots(
        busy=busy,
        zones={pid: zone_of(deps, pid, tz) for pid in attendees},
        start=start,
        end=end,
        duration=length,
        working_hours=hours,
        limit=200 if latest else 1,  # a latest slot within one day: at most 48 half-hour starts
        include_weekends=include_weekends,
    )
    if not slots:
        return None
    return slots[-1].start if latest else slots[0].start


_BARE_WEEKDAY = re.compile(rf"^\W*(?:on\s+)?(?:the\s+)?(?:{'|'.join(sorted(WEEKDAYS, key=len, reverse=True))})\b", re.I)


def _same_week(to: str, parsed: datetime, local_start: datetime, now: datetime) -> datetime:
    """A bare weekday ("-> Tuesday 10am") for a meeting in a later week means that weekday of the meeting's own
    week, as long as it is still ahead; "next Tuesday" or a date keep their usual meaning."""
    if not _BARE_WEEKDAY.search(to) or _names_date(to, now):
        return parsed
    local = parsed.astimezone(local_start.tzinfo)
    monday = local_start.date() - timedelta(days=local_start.weekday())
    day = monday + timedelta(days=local.weekday())
    candidate = datetime.combine(day, local.timetz())
    return candidate if candidate >= now else parsed


_WEEKDAY_AND_DATE = re.compile(
    rf"\b(?P<wd>{'|'.join(sorted(WEEKDAYS, key=len, reverse=True))})\.?,?\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)\b",
    re.I,
)


def _check_weekday(text: str, start: datetime, tz: str, field: str = "start") -> None:
    """ "Wednesday the 26th" when the 26th is a Thursday: one of the two is wrong, so ask rather than pick."""
    named = _WEEKDAY_AND_DATE.search(text)
    local = local_now(start, tz)
    if named and WEEKDAYS[named.group("wd").lower()] != local.weekday():
        raise ActionInvalidError(
            f"'{named.group(0)}' doesn't add up: {local:%-d %B} is a {local:%A}. Which day do you mean?", field=field
        )


def _names_date(to: str, now: datetime) -> bool:
    """Whether a date is named beside the weekday ("Wednesday the 25th", "wed 25th"): that date, not the weekday
    of the meeting's week."""
    try:
        return find_day(_BARE_WEEKDAY.sub(" ", to, count=1), now.date()) is not None
    except DateTimeParseError:
        return True


def _move_target(to: str, event: Event, deps: GraphDeps, tz: str, *, day_tz: str | None = None) -> datetime:
    """The new start for "move it to …": a time alone keeps the meeting's day ("to 3pm"), a day alone keeps its
    time of day ("to Thursday", "…, same time"). A clock read in a named zone (``tz``) still counts a relative day
    from the speaker's today (``day_tz``). A limit without a time ("to thursday before noon", "to after 3") takes
    the first time inside it when everyone in the meeting is free, as a new booking would."""
    if find_day_window(to, deps.working_hours) and not names_clock_time(without_day_window(to)):
        speaker_tz = day_tz or tz
        try:
            named_day = find_day(to, local_now(_now(deps), speaker_tz).date())
        except DateTimeParseError as exc:
            raise ActionInvalidError(str(exc), field="to") from exc
        # "to late afternoon" keeps the meeting's day; "to this afternoon" / "tonight" is today's
        today_named = re.search(r"\bthis\s+(?:morning|afternoon|evening)\b|\btonight\b", to, re.I)
        phrase = to if named_day or today_named else f"{_own_day(event, speaker_tz)} {to}"
        start, _ = _first_free_on_day(
            deps, event.attendee_ids(), phrase, event.end - event.start, tz=speaker_tz, zone=tz
        )
        return start
    has_clock = find_time(to) is not None or find_period(to) is not None
    local_start = event.start.astimezone(local_now(event.start, tz).tzinfo)
    try:
        has_day = find_day(to, local_now(_now(deps), tz).date()) is not None
    except DateTimeParseError as exc:
        raise ActionInvalidError(str(exc), field="to") from exc
    if has_clock and not has_day:
        try:
            clock = parse_datetime(to, now=_now(deps), tz=tz, working_hours=deps.working_hours)
        except DateTimeParseError as exc:
            raise ActionInvalidError(str(exc), field="to") from exc
        new_start = local_start.replace(hour=clock.hour, minute=clock.minute)
        if new_start < _now(deps):
            raise ActionInvalidError("That would move it into the past.", field="to")
        return new_start
    if _BARE_WEEKDAY.search(to):
        # "to the Wednesday" may name today's weekday in another week: resolve the week before judging the past.
        try:
            parsed = parse_datetime(to, now=_now(deps), tz=tz, working_hours=deps.working_hours, day_tz=day_tz)
        except DateTimeParseError as exc:
            raise ActionInvalidError(str(exc), field="to") from exc
        new_start = _same_week(to, parsed, local_start, _now(deps))
        if has_clock and new_start < _now(deps):
            raise ActionInvalidError("That would move it into the past.", field="to")
    else:
        new_start = _same_week(to, _parse_start(to, deps, tz, day_tz=day_tz), local_start, _now(deps))
    if not has_clock:
        new_start = new_start.replace(hour=local_start.hour, minute=local_start.minute)
        if new_start < _now(deps):
            raise ActionInvalidError("That would move it into the past.", field="to")
    _check_weekday(to, new_start, tz, field="to")
    return new_start


_DAYS_BY = re.compile(r"^\s*(?P<sign>[+-])?\s*(?P<n>\d{1,3})\s*(?P<unit>days?|d|weeks?|w)\s*$", re.I)


def _by_days(by: str, event: Event, tz: str, *, earlier: bool = False) -> datetime:
    """A move by whole days or weeks keeps the clock time where the meeting is read (a day later across a clock
    change still starts at 14:00 local)."""
    m = _DAYS_BY.match(by)
    assert m is not None
    days = int(m.group("n")) * (7 if m.group("unit").lower().startswith("w") else 1)
    if m.group("sign") == "-" or earlier:
        days = -days
    local = local_now(event.start, tz)  # in a ZoneInfo zone, so the wall clock below keeps its meaning
    return (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=local.tzinfo)


def prepare_update(
    args: dict[str, Any], deps: GraphDeps, ctx: ConversationContext, *, action_id: str, tool: str = "move_event"
) -> ProposedAction:
    """Move (by an amount or to a time), rename, or change the length of one meeting."""
    _require_calendar(deps)
    tz = ctx.get("user_tz", "UTC")
    event = _one_event(args, deps, ctx)
    changes: dict[str, Any] = {}
    length = event.end - event.start
    if args.get("new_duration"):
        length = _parse_length(str(args["new_duration"]))
    new_start = event.start
    next_to = _NEXT_TO.match(str(args.get("to") or ""))
    if next_to:
        new_start = _next_to_meeting(next_to, event, length, deps, ctx)
    elif args.get("to"):
        owner = ctx.get("user_id", "")
        zone = named_zone(str(args["time_zone"]), deps, owner=owner, fallback=tz) if args.get("time_zone") else tz
        new_start = _move_target(str(args["to"]), event, deps, zone, day_tz=tz)
    elif args.get("by") and _DAYS_BY.match(str(args["by"])):
        new_start = _by_days(str(args["by"]), event, tz, earlier=bool(args.get("earlier")))
        if new_start < _now(deps):
            raise ActionInvalidError("That would move it into the past.", field="by")
    elif args.get("by"):
        raw_by = str(args["by"]).strip()
        try:
            # The sign is read here once: parse_duration would also read "-1h" as negative.
            shift = parse_duration(raw_by.lstrip("+-").strip())
        except DateTimeParseError as exc:
            raise ActionInvalidError(str(exc), field="by") from exc
        if raw_by.startswith("-") or args.get("earlier"):
            shift = -shift
        new_start = event.start + shift
        if new_start < _now(deps):
            raise ActionInvalidError("That would move it into the past.", field="by")
    if new_start != event.start or length != event.end - event.start:
        changes["start"] = new_start.isoformat()
        changes["end"] = (new_start + length).isoformat()
    if args.get("new_title"):
        title = " ".join(str(args["new_title"]).split())[:200]
        if title and title != event.title:
            changes["title"] = title
    if not changes:
        raise ActionInvalidError(f"“{event.title}” already looks like that; what should change?")
    conflicts: list[Event] = []
    if "start" in changes:
        conflicts = _overlaps(
            deps,
            event.attendee_ids(),
            datetime.fromisoformat(changes["start"]),
            datetime.fromisoformat(changes["end"]),
            ignore=event.id,
        )
    params = {
        "event_id": event.id,
        "changes": changes,
        "tz": tz,
        "title": event.title,
        "known_conflicts": [e.id for e in conflicts],
    }
    before = {
        "title": event.title,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "version": event.version,
    }
    return _update_action(action_id, tool, args, params, before, deps, conflicts)


def _own_day(event: Event, tz: str) -> str:
    """The meeting's day in ``tz`` as a phrase the day parser reads ("2026-12-03")."""
    return f"{event.start.astimezone(local_now(event.start, tz).tzinfo):%Y-%m-%d}"


# "to right after the managers sync", "straight before my 3pm": a move placed against another meeting.
_NEXT_TO = re.compile(
    r"^\s*(?:to\s+)?(?:right|just|straight|immediately|directly)\s+(?P<side>after|before)\s+"
    r"(?:the\s+|my\s+|our\s+)?(?P<title>.+?)\s*$",
    re.I,
)


def _meal_or_clock(side: str, phrase: str, working_hours: tuple[int, int]) -> time | None:
    """When "right after/before <phrase>" is a time ("2pm", "lunch"), not a meeting: read as the limit "after 2pm" /
    "before lunch" would be, the time to start from (or to end by)."""
    limit = f"{side} {phrase.strip()}"
    window = find_day_window(limit, working_hours)
    if window is None or window.phrase.lower() != limit.lower():
        return None
    return window.after if side == "after" else window.before


def _next_to_meeting(
    m: re.Match[str], event: Event, length: timedelta, deps: GraphDeps, ctx: ConversationContext
) -> datetime:
    """The new start of ``event`` moved right after (or before) another meeting, looked for on the day named in the
    phrase or else on the moved meeting's own day; the other meeting must be found, and only one."""
    tz = ctx.get("user_tz", "UTC")
    title, side = m.group("title"), m.group("side").lower()
    clock = _meal_or_clock(side, title, deps.working_hours)
    if clock is not None:
        # "to right after 2pm", "just before lunch": a time of day, not a meeting; the meeting keeps its day.
        local = event.start.astimezone(local_now(event.start, tz).tzinfo)
        at = datetime.combine(local.date(), clock, local.tzinfo)
        start = at if side == "after" else at - length
        if start < _now(deps):
            raise ActionInvalidError("That would move it into the past.", field="to")
        return start
    span = day_span(title)
    day = title[span[0] : span[1]] if span else _own_day(event, tz)
    if span:
        title = (title[: span[0]] + title[span[1] :]).strip(" ,")
        title = re.sub(r"\s+(?:on|this|next)$", "", title, flags=re.I)
    args = {"anchor": f"right_{side}", "anchor_title": title, "anchor_day": day}
    try:
        start = _anchored_start(args, deps, ctx.get("user_id", ""), tz, length)
    except ActionInvalidError as exc:
        raise ActionInvalidError(str(exc), field="to") from exc
    return start


def _update_action(
    action_id: str,
    tool: str,
    args: dict[str, Any],
    params: dict[str, Any],
    before: dict[str, Any],
    deps: GraphDeps,
    conflicts: list[Event],
) -> ProposedAction:
    changes, tz = params["changes"], params["tz"]
    old_start, old_end = datetime.fromisoformat(before["start"]), datetime.fromisoformat(before["end"])
    parts, display_parts = [], []
    fields: list[EditableField] = []
    if "title" in changes:
        parts.append(f"rename to “{changes['title']}”")
        display_parts.append(f"rename to “{slack_escape(changes['title'])}”")
        fields.append(
            EditableField(
                name="new_title", label="New title", value=changes["title"], display=changes["title"], required=True
            )
        )
    if "start" in changes:
        new_start, new_end = datetime.fromisoformat(changes["start"]), datetime.fromisoformat(changes["end"])
        parts.append(f"move to {when_text(new_start, new_end, tz)}")
        display_parts.append(f"move to {slack_when(new_start, new_end)}")
        fields.append(
            EditableField(
                name="to",
                label="New start",
                value=f"{new_start.astimezone(local_now(new_start, tz).tzinfo):%Y-%m-%d %H:%M}",
                display=slack_when(new_start, new_end),
                required=True,
            )
        )
    warning = f" (overlaps {len(conflicts)} existing meeting{'s' if len(conflicts) != 1 else ''})" if conflicts else ""
    summary = f"“{before['title']}” ({when_text(old_start, old_end, tz)}): " + ", ".join(parts) + warning
    display = (
        f"“{slack_escape(before['title'])}” ({slack_when(old_start, old_end)}): " + ", ".join(display_parts) + warning
    )
    return ProposedAction(
        id=action_id,
        kind=UPDATE,
        tool=tool,
        tool_args=args,
        params=params,
        summary=summary,
        display=display,
        target=params["event_id"],
        before=before,
        fields=fields,
    )


def prepare_cancel(
    args: dict[str, Any], deps: GraphDeps, ctx: ConversationContext, *, first_id: str, next_id: Any
) -> list[ProposedAction]:
    """One cancellation per matching event, all on one card."""
    _require_calendar(deps)
    assert deps.calendar is not None
    owner, tz = ctx.get("user_id", ""), ctx.get("user_tz", "UTC")
    events: list[Event] = []
    for event_id in args.get("event_ids") or []:
        try:
            events.append(deps.calendar.get(str(event_id)))
        except NotFoundError as exc:
            raise ActionInvalidError(str(exc), field="event_ids") from exc
    if not args.get("event_ids"):
        selector = _selector(args)
        if selector.which == "all" and not (
            selector.day
            or selector.title
            or selector.with_person
            or selector.only_with
            or selector.organised_by_me
            or selector.after
            or selector.before
        ):
            raise ActionInvalidError("Which meetings should I cancel? Tell me a day, a title or who they're with.")
        events = select_events(selector, deps, owner_id=owner, tz=tz)
        if not events:
            raise ActionInvalidError(f"I couldn't find a {selector.describe()} on your calendar.")
        if args.get("expect_one") and len(events) > 1:
            # "cancel my meeting with Diego next week" names one meeting: never cancel several on a guess.
            listed = "\n".join(f"• {event_line(e, deps, tz, owner_id=owner)}" for e in events[:8])
            raise ActionInvalidError(f"{len(events)} meetings match; which one should I cancel?\n{listed}")
        _check_count(events, args.get("expect_count"), "cancel", deps, tz, owner)
    if args.get("keep"):
        events = [e for e in events if not any(_is_kept(e, str(k), deps, tz) for k in args["keep"])]
        if not events:
            raise ActionInvalidError("That leaves nothing to cancel. Say “never mind” to drop the whole proposal.")
    actions = []
    for index, event in enumerate(events):
        action_id = first_id if index == 0 else next_id()
        summary = f"Cancel “{event.title}” ({event_line(event, deps, tz, owner_id=owner).split(' · “')[0]})"
        display = f"Cancel “{slack_escape(event.title)}” ({slack_when(event.start, event.end)})"
        others = [p for p in event.attendee_ids() if p != owner]
        if others:
            summary += f" with {names(others, deps)}"
            display += f" with {names(others, deps)}"
        actions.append(
            ProposedAction(
                id=action_id,
                kind=DELETE,
                tool="cancel_events",
                tool_args=args,
                summary=summary,
                display=display,
                params={"event_id": event.id, "title": event.title, "start": event.start.isoformat(), "tz": tz},
                target=event.id,
                before={"version": event.version, "start": event.start.isoformat()},
            )
        )
    return actions


def _is_kept(event: Event, phrase: str, deps: GraphDeps, tz: str) -> bool:
    """Whether "keep <phrase>" spares ``event``: a weekday ("friday's") keeps that weekday, a date that day, and
    anything else is read as a title ("the retro")."""
    words = phrase.strip().lower().removesuffix("'s").removesuffix("’s").split()
    local = local_now(event.start, tz)
    if words and words[-1] in WEEKDAYS and len(words) <= 2:
        return local.weekday() == WEEKDAYS[words[-1]]
    today = local_now(_now(deps), tz).date()
    day = find_day(phrase, today)
    if day is not None:
        # "thursday's focus time" keeps the focus time on Thursday, not everything that day.
        span = day_span(phrase)
        rest = phrase[: span[0]] + " " + phrase[span[1] :] if span else ""
        rest = re.sub(r"(?:^|\s)(?:'s|’s)\b|\b(?:the|one|ones|on|of|my|our)\b", " ", rest, flags=re.I).strip()
        return local.date() == day and (not rest or bool(title_matches(rest, event.title)))
    week = find_week_range(phrase.removesuffix("'s").removesuffix("’s"), today)
    if week is not None and re.fullmatch(r"(?:this|next|last|the)\s+week(?:'s|’s)?(?:\s+ones?)?", phrase.strip(), re.I):
        return week.start <= local.date() < week.end  # "keep next week's": every meeting that week stays
    return bool(title_matches(phrase, event.title))


# -- handlers ----------------------------------------------------------------------------------------------
def _new_conflicts(
    deps: GraphDeps, attendees: list[str], start: datetime, end: datetime, known: list[str], ignore: str | None = None
) -> list[Event]:
    return [e for e in _overlaps(deps, attendees, start, end, ignore=ignore) if e.id not in set(known)]


class CreateEventHandler:
    """Books a new meeting."""

    kind = CREATE

    def revise(self, action: ProposedAction, edits: dict[str, str | None], deps: GraphDeps) -> ProposedAction:
        """Edited title, start or duration, validated again."""
        params = dict(action.params)
        tz = params["tz"]
        if edits.get("title") is not None:
            title = " ".join(str(edits["title"]).split())
            if not title:
                raise ActionInvalidError("The title can't be empty.", field="title")
            params["title"] = title
        start = datetime.fromisoformat(params["start"])
        length = datetime.fromisoformat(params["end"]) - start
        if edits.get("start"):
            start = _parse_start(str(edits["start"]), deps, tz)
        if edits.get("duration"):
            length = _parse_length(str(edits["duration"]))
        params["start"], params["end"] = start.isoformat(), (start + length).isoformat()
        conflicts = _overlaps(deps, params["attendees"], start, start + length)
        params["known_conflicts"] = [e.id for e in conflicts]
        return _create_action(action.id, action.tool_args, params, deps, conflicts)

    def recheck(self, action: ProposedAction, deps: GraphDeps) -> str | None:
        """Still free for everyone (no meeting appeared in that slot since it was proposed)."""
        p = action.params
        new = _new_conflicts(
            deps,
            p["attendees"],
            datetime.fromisoformat(p["start"]),
            datetime.fromisoformat(p["end"]),
            p.get("known_conflicts", []),
        )
        if new:
            return (
                f"the slot is no longer free: “{new[0].title}” now overlaps it. Pick another time and I'll "
                f"propose it again."
            )
        return None

    def apply(self, action: ProposedAction, deps: GraphDeps, *, idempotency_key: str, actor_id: str) -> ActionResult:
        """Create the event on the organiser's calendar."""
        assert deps.calendar is not None
        p = action.params
        attendees = [
            Attendee(
                person_id=pid,
                email=_email(deps, pid),
                name=names([pid], deps),
            )
            for pid in p["attendees"]
        ]
        event = deps.calendar.create(
            p["organizer_id"],
            EventCreate(
                title=p["title"],
                start=datetime.fromisoformat(p["start"]),
                end=datetime.fromisoformat(p["end"]),
                tz=p["tz"],
                organizer_id=p["organizer_id"],
                attendees=attendees,
                description=p.get("description", ""),
                location=p.get("location", ""),
            ),
            idempotency_key=idempotency_key,
        )
        return ActionResult(
            action_id=action.id,
            kind=self.kind,
            status="done",
            target=event.id,
            link=event.url or None,
            message=f"Booked “{event.title}”, {when_text(event.start, event.end, p['tz'])}",
        )


class UpdateEventHandler:
    """Moves, renames or resizes a meeting."""

    kind = UPDATE

    def revise(self, action: ProposedAction, edits: dict[str, str | None], deps: GraphDeps) -> ProposedAction:
        """Edited new title or start."""
        params = dict(action.params)
        changes = dict(params["changes"])
        tz = params["tz"]
        if edits.get("new_title"):
            changes["title"] = " ".join(str(edits["new_title"]).split())
        if edits.get("to"):
            start = _parse_start(str(edits["to"]), deps, tz)
            old_start = datetime.fromisoformat(action.before["start"])
            length = datetime.fromisoformat(changes.get("end", action.before["end"])) - datetime.fromisoformat(
                changes.get("start", action.before["start"])
            )
            changes["start"], changes["end"] = start.isoformat(), (start + length).isoformat()
            del old_start
        params["changes"] = changes
        return _update_action(action.id, action.tool, action.tool_args, params, action.before, deps, [])

    def recheck(self, action: ProposedAction, deps: GraphDeps) -> str | None:
        """The meeting still exists, nobody changed it since, and the new slot did not fill up."""
        assert deps.calendar is not None
        try:
            event = deps.calendar.get(action.params["event_id"])
        except NotFoundError:
            return f"“{action.params['title']}” no longer exists."
        changes = action.params["changes"]
        already = all(
            (getattr(event, k).isoformat() if k in ("start", "end") else getattr(event, k)) == v
            for k, v in changes.items()
        )
        if event.version != action.before.get("version") and not already:
            return f"“{event.title}” was changed by someone else since this was proposed."
        if "start" in changes:
            new = _new_conflicts(
                deps,
                event.attendee_ids(),
                datetime.fromisoformat(changes["start"]),
                datetime.fromisoformat(changes["end"]),
                action.params.get("known_conflicts", []),
                ignore=event.id,
            )
            if new:
                return f"the new time is no longer free: “{new[0].title}” overlaps it."
        return None

    def apply(self, action: ProposedAction, deps: GraphDeps, *, idempotency_key: str, actor_id: str) -> ActionResult:
        """Apply the change."""
        assert deps.calendar is not None
        raw = action.params["changes"]
        event = deps.calendar.update(
            action.params["event_id"],
            EventChanges(
                title=raw.get("title"),
                start=datetime.fromisoformat(raw["start"]) if raw.get("start") else None,
                end=datetime.fromisoformat(raw["end"]) if raw.get("end") else None,
            ),
            idempotency_key=idempotency_key,
        )
        return ActionResult(
            action_id=action.id,
            kind=self.kind,
            status="done",
            target=event.id,
            link=event.url or None,
            message=f"Updated “{event.title}”: {when_text(event.start, event.end, action.params['tz'])}",
        )


class DeleteEventHandler:
    """Cancels a meeting."""

    kind = DELETE

    def revise(self, action: ProposedAction, edits: dict[str, str | None], deps: GraphDeps) -> ProposedAction:
        """Nothing to edit on a cancellation."""
        return action

    def recheck(self, action: ProposedAction, deps: GraphDeps) -> str | None:
        """The meeting must still exist (cancelling twice is reported, not repeated)."""
        assert deps.calendar is not None
        try:
            deps.calendar.get(action.params["event_id"])
        except NotFoundError:
            return f"“{action.params['title']}” was already cancelled."
        return None

    def apply(self, action: ProposedAction, deps: GraphDeps, *, idempotency_key: str, actor_id: str) -> ActionResult:
        """Delete the event."""
        assert deps.calendar is not None
        deps.calendar.delete(action.params["event_id"], idempotency_key=idempotency_key)
        start = datetime.fromisoformat(action.params["start"])
        return ActionResult(
            action_id=action.id,
            kind=self.kind,
            status="done",
            target=action.params["event_id"],
            message=f"Cancelled “{action.params['title']}” ({_moment(start, action.params['tz'])})",
        )
