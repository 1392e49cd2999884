"""Calendar tools: reading and finding time run now; booking, moving, renaming and cancelling are proposals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any, Literal

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field

from graph.actions.base import ProposedAction
from graph.actions.calendar import (
    ConditionNotMet,
    duration_text,
    event_line,
    named_zone,
    names,
    prepare_cancel,
    prepare_create,
    prepare_update,
    several_events,
    when_text,
    zone_of,
)
from graph.calendar_select import EventSelector, select_events
from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.parsing.datetimes import (
    DateTimeParseError,
    find_day,
    find_week_range,
    local_now,
    parse_datetime,
    parse_duration,
)
from graph.resolve import resolve_person
from graph.state import ConversationContext
from graph.tools.proposals import ProposalCollector
from integrations.calendar.base import find_slots
from integrations.errors import IntegrationError

READ_TOOLS = ("find_events", "check_availability", "find_free_slots")
WRITE_TOOLS = ("create_event", "move_event", "rename_event", "cancel_events")

Which = Literal["all", "first", "last", "next"]


class _Select(BaseModel):
    which: Which = Field(default="all", description="first | last | next | all matching events.")
    day: str | None = Field(
        default=None,
        description="A day ('today', 'December 13', 'Tuesday next week') or a week ('next week', 'rest of the week').",
    )
    after: str | None = Field(default=None, description="Only events starting after this moment.")
    before: str | None = Field(default=None, description="Only events starting before this moment.")
    with_person: str | None = Field(default=None, description="Only events with this person (name, mention, email).")
    title: str | None = Field(default=None, description="Only events with this title (or containing it).")
    starts_at: str | None = Field(default=None, description="Only the event starting at this moment ('Friday 3pm').")
    only_with: list[str] | None = Field(
        default=None, description="Only events whose other attendees are exactly these people ('only me and Omar')."
    )
    organised_by_me: bool = Field(
        default=False, description="Only events you organise ('the meetings I'm running'), not ones you're invited to."
    )


class FindEventsArgs(_Select):
    """List events on your calendar: a day, a range, with someone, by title; first/last/next or all."""

    include_past: bool = Field(default=False, description="Also look at past events (default: from now on).")
    limit: int = Field(default=20, ge=1, le=100)


class AvailabilityArgs(BaseModel):
    """When are these people busy (and free) on a day or over a range."""

    people: list[str] = Field(description="People: names, mentions or emails ('me' for yourself).")
    day: str | None = Field(default=None, description="A day; default today.")
    at: str | None = Field(
        default=None, description="A moment ('Monday at 4pm'): say whether each person is free then, not the day."
    )
    duration: str | None = Field(default=None, description="With at: how long must be free (default 30 minutes).")
    time_zone: str | None = Field(
        default=None, description="With at: the zone the time is given in when not yours ('omar', 'London')."
    )


class FreeSlotsArgs(BaseModel):
    """Find times when everyone is free, within working hours in each person's time zone, earliest first."""

    attendees: list[str] = Field(description="Who must be free (you are included).")
    duration: str = Field(default="30 minutes", description="How long: '30 minutes', '1.5 hours'.")
    after: str | None = Field(default=None, description="Earliest start, e.g. 'tomorrow' (default: now).")
    before: str | None = Field(default=None, description="Latest end, e.g. 'next Friday' (default: two weeks).")
    buffer_minutes: int = Field(default=0, ge=0, le=120, description="Gap to keep around other meetings.")
    limit: int = Field(default=5, ge=1, le=20)


class CreateEventArgs(BaseModel):
    """Propose a new meeting on your calendar. It is booked only after a person approves it in Slack."""

    title: str = Field(description="What the meeting is called.")
    attendees: list[str] = Field(default_factory=list, description="Who else: names, mentions or emails.")
    start: str | None = Field(
        default=None,
        description="When: 'December 8 at 3:30pm', 'tomorrow at 10'. A day without a time ('tomorrow', 'Friday "
        "afternoon') takes the first time that day (or part of it) when everyone is free.",
    )
    first_free_after: str | None = Field(
        default=None, description="Instead of start: book the first slot everyone is free after this ('tomorrow')."
    )
    duration: str | None = Field(default=None, description="How long; default 30 minutes.")
    time_zone: str | None = Field(
        default=None,
        description="The zone start is given in when it is not yours: a person ('4pm his time' → 'omar'), a city "
        "('London') or a tz name.",
    )
    description: str | None = Field(default=None)
    location: str | None = Field(default=None)
    only_if_not_met_in_days: int | None = Field(
        default=None, description="Only propose it if you have not met the attendees in this many past days."
    )
    anchor: Literal["right_after", "right_before", "day_after", "day_before"] | None = Field(
        default=None,
        description="Instead of a date: place it against an existing meeting (anchor_title): starting right as it "
        "ends, ending right as it starts, or on the day after/before it (at the time given in start).",
    )
    anchor_title: str | None = Field(default=None, description="With anchor: the existing meeting's title.")
    anchor_day: str | None = Field(default=None, description="With anchor: the day that meeting is on, if named.")
    anchor_with: str | None = Field(
        default=None,
        description="With anchor: whose meeting it is or who is in it ('priya's focus time' → 'priya', 'my check-in "
        "with lena' → 'lena').",
    )
    anchor_offset: str | None = Field(
        default=None,
        description="With anchor right_after/right_before: a gap named ('an hour before q3 planning' → 'an hour', "
        "'30 min after the standup' → '30 min'): it starts that long before the meeting starts, or after it ends.",
    )
    replaces: str | None = Field(default=None, description="Id of the pending proposal this corrects.")


class MoveEventArgs(_Select):
    """Propose moving (or resizing) one meeting: by an amount ('1.5 hours', '-30 minutes') or to a time."""

    event_id: str | None = Field(default=None, description="The event's id, if known (else use the selectors).")
    by: str | None = Field(default=None, description="Shift: '2 hours' later, '-30 minutes' earlier.")
    to: str | None = Field(default=None, description="New start: 'Friday at 10'.")
    new_duration: str | None = Field(default=None, description="New length.")
    time_zone: str | None = Field(
        default=None, description="The zone 'to' is given in when it is not yours: a person, a city or a tz name."
    )
    replaces: str | None = Field(default=None, description="Id of the pending proposal this corrects.")


class RenameEventArgs(_Select):
    """Propose renaming one meeting (or, with every, each meeting that matches)."""

    event_id: str | None = Field(default=None)
    new_title: str = Field(description="The new title.")
    every: bool = Field(
        default=False, description="True when the person named several meetings ('both my focus blocks')."
    )
    expect_count: int | None = Field(
        default=None, ge=1, description="How many meetings the person's words promise ('both' is 2): ask if not."
    )
    replaces: str | None = Field(default=None, description="Id of the pending proposal this corrects.")


class CancelEventsArgs(_Select):
    """Propose cancelling one or many meetings (all on one approval card)."""

    event_ids: list[str] | None = Field(default=None, description="Ids from find_events, or use the selectors.")
    future_only: bool = Field(default=False, description="Only events from now on ('all future meetings').")
    expect_one: bool = Field(
        default=False,
        description="True when the person named a single meeting ('my 1:1 with Diego'): ask if several match.",
    )
    expect_count: int | None = Field(
        default=None, ge=1, description="How many meetings the person's words promise ('both' is 2): ask if not."
    )
    keep: list[str] | None = Field(
        default=None, description="Matching meetings to leave alone: days ('friday') or titles ('the retro')."
    )
    replaces: str | list[str] | None = Field(
        default=None, description="Id(s) of the pending proposal(s) this corrects (all of them when it is revised)."
    )


def _event_artifact(events: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "title": e.title,
            "start": e.start.isoformat(),
            "end": e.end.isoformat(),
            "attendees": e.attendee_ids(),
        }
        for e in events
    ]


def _why_no_slot(people: list[str], zones: dict[str, str], start: datetime, end: datetime, deps: GraphDeps) -> str:
    """Say whether the problem is time zones (no shared working hours at all) or full calendars."""

    def any_working_time(in_zones: dict[str, str]) -> bool:
        return bool(
            find_slots(
                busy={},
                zones=in_zones,
                start=start,
                end=end,
                duration=timedelta(minutes=15),
                working_hours=deps.working_hours,
                limit=1,
            )
        )

    if people and not any_working_time({people[0]: zones[people[0]]}):
        # "this week" asked on a Sunday: the window holds no working day at all, whoever is invited.
        return "There are no working hours left in that window (weekends don't count); try next week or a later range."
    if len(set(zones.values())) > 1 and not any_working_time(zones):
        spread = ", ".join(f"{names([p], deps)} ({zones[p]})" for p in people)
        return (
            f"There is no time inside everyone's working hours ({deps.working_hours[0]}:00–"
            f"{deps.working_hours[1]}:00 local): {spread}. Try fewer people, or ask someone to meet outside "
            f"their hours."
        )
    return "Everyone's calendars are full in that window; try a later range or a shorter meeting."


def _none_that_day(
    people: list[str],
    zones: dict[str, str],
    start: datetime,
    end: datetime,
    length: timedelta,
    deps: GraphDeps,
    tz: str,
) -> str:
    """A search bounded to one day that found nothing says so plainly, and offers the next free times after it."""

    assert deps.calendar is not None
    day = f"{local_now(start, tz):%a %-d %b}"
    text = (
        f"There's no free {duration_text(length)} slot on {day} for {names(people, deps)} inside everyone's working "
        f"hours. {_why_no_slot(people, zones, start, end, deps)}"
    )
    later_end = end + timedelta(days=14)
    later = find_slots(
        busy=deps.calendar.free_busy(people, start=end, end=later_end),
        zones=zones,
        start=end,
        end=later_end,
        duration=length,
        working_hours=deps.working_hours,
        limit=3,
    )
    if later:
        text += "\nThe next free times after that:\n" + "\n".join(f"• {when_text(s.start, s.end, tz)}" for s in later)
    return text


def _free_at(args: AvailabilityArgs, deps: GraphDeps, *, owner: str, tz: str) -> tuple[str, list[dict[str, Any]]]:
    """ "Is Diego free Monday at 4?": a plain yes or no for that moment, and what is there when it is taken (by
    title on the asker's own calendar; only as busy time on someone else's)."""
    assert deps.calendar is not None and args.at
    zone = named_zone(args.time_zone, deps, owner=owner, fallback=tz) if args.time_zone else tz
    start = parse_datetime(args.at, now=deps.clock(), tz=zone, working_hours=deps.working_hours)
    length = parse_duration(args.duration) if args.duration else timedelta(minutes=30)
    end = start + max(length, timedelta(minutes=1))
    moment = f"{local_now(start, tz):%a %-d %b %H:%M} {local_now(start, tz).tzname()}"
    people = [resolve_person(p, deps.directory, speaker_id=owner) for p in args.people or ["me"]]
    busy = deps.calendar.free_busy([p.id for p in people], start=start, end=end)
    lines, artifact = [], []
    for person in people:
        clashes = [i for i in busy.get(person.id, []) if i.start < end and i.end > start]
        who = "You" if person.id == owner else person.name
        if not clashes:
            lines.append(f"{who} {'are' if who == 'You' else 'is'} free at {moment} ({when_text(start, end, tz)}).")
        elif person.id == owner:
            events = [
                e for e in deps.calendar.list_events(owner, start=start, end=end) if e.start < end and e.end > start
            ]
            listed = "; ".join(f"“{e.title}” {when_text(e.start, e.end, tz).split(' ', 3)[-1]}" for e in events)
            lines.append(f"You're not free at {moment}: you have {listed or 'something booked'}.")
        else:
            spans = ", ".join(when_text(i.start, i.end, tz).split(" ", 3)[-1] for i in clashes)
            lines.append(f"{person.name} is busy at {moment} ({spans}).")
        artifact.append(
            {
                "person": person.id,
                "at": start.isoformat(),
                "free": not clashes,
                "busy": [[i.start.isoformat(), i.end.isoformat()] for i in clashes],
            }
        )
    return "\n".join(lines), artifact


def _search_window(after: str | None, before: str | None, *, now: datetime, tz: str) -> tuple[datetime, datetime]:
    """Where to look for free time: "next week" means that week; otherwise after → before (default two weeks)."""
    today = local_now(now, tz).date()
    week = find_week_range(after, today) if after and find_day(after, today) is None else None
    if week is not None:
        start = datetime.combine(week.start, time(0), local_now(now, tz).tzinfo)
        end = datetime.combine(week.end, time(0), local_now(now, tz).tzinfo)
    else:
        start = parse_datetime(after, now=now, tz=tz, default_time=time(0)) if after else now
        end = start + timedelta(days=14)
    if before:
        end = parse_datetime(before, now=now, tz=tz, default_time=time(0))
    start = max(start, now)
    if end <= start:
        raise ActionInvalidError("That window is already over; when should I look?")
    return start, end


def build_calendar_tools(deps: GraphDeps, ctx: ConversationContext, collector: ProposalCollector) -> list[BaseTool]:
    """The calendar tools for one turn, bound to who is asking."""
    owner, tz = ctx.get("user_id", ""), ctx.get("user_tz", "UTC")

    def find_events(**kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
        args = FindEventsArgs(**kwargs)
        selector = EventSelector(
            which=args.which,
            day=args.day,
            after=args.after,
            before=args.before,
            with_person=args.with_person,
            title=args.title,
            include_past=args.include_past,
            starts_at=args.starts_at,
            only_with=args.only_with,
            organised_by_me=args.organised_by_me,
        )
        events = select_events(selector, deps, owner_id=owner, tz=tz)[: args.limit]
        if not events:
            return f"No {selector.describe()} on your calendar.", []
        # Where a meeting is answers "is it in person?" and tells a room from a video call.
        lines = [
            f"• {event_line(e, deps, tz, owner_id=owner)}{f' · at {e.location}' if e.location else ''} (id {e.id})"
            for e in events
        ]
        return f"{len(events)} event{'s' if len(events) != 1 else ''}:\n" + "\n".join(lines), _event_artifact(events)

    def check_availability(**kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
        args = AvailabilityArgs(**kwargs)
        assert deps.calendar is not None
        now = deps.clock()
        if args.at:
            return _free_at(args, deps, owner=owner, tz=tz)
        current = local_now(now, tz)
        day = parse_datetime(args.day, now=now, tz=tz, default_time=time(0)) if args.day else current
        start = day.replace(hour=0, minute=0, second=0, microsecond=0)
        people = [resolve_person(p, deps.directory, speaker_id=owner) for p in args.people or ["me"]]
        busy = deps.calendar.free_busy([p.id for p in people], start=start, end=start + timedelta(days=1))
        lines, artifact = [], []
        for person in people:
            intervals = busy.get(person.id, [])
            spans = ", ".join(when_text(i.start, i.end, tz).split(" ", 3)[-1] for i in intervals) or "free all day"
            lines.append(f"• {person.name}: busy {spans}" if intervals else f"• {person.name}: free all day")
            artifact.append(
                {"person": person.id, "busy": [[i.start.isoformat(), i.end.isoformat()] for i in intervals]}
            )
        return f"{start:%A %-d %B} ({tz}):\n" + "\n".join(lines), artifact

    def find_free_slots(**kwargs: Any) -> tuple[str, list[dict[str, Any]]]:

        args = FreeSlotsArgs(**kwargs)
        assert deps.calendar is not None
        now = deps.clock()
        length = parse_duration(args.duration)
        if length <= timedelta(0):
            raise ActionInvalidError("A meeting needs a positive duration.")
        start, end = _search_window(args.after, args.before, now=now, tz=tz)
        people = [owner] + [resolve_person(p, deps.directory, speaker_id=owner).id for p in args.attendees]
        people = list(dict.fromkeys(people))
        busy = deps.calendar.free_busy(people, start=start, end=end)
        zones = {pid: zone_of(deps, pid, tz) for pid in people}
        slots = find_slots(
            busy=busy,
            zones=zones,
            start=start,
            end=end,
            duration=length,
            working_hours=deps.working_hours,
            buffer=timedelta(minutes=args.buffer_minutes),
            limit=args.limit,
        )
        if not slots and args.before and end - start <= timedelta(days=1):
            return _none_that_day(people, zones, start, end, length, deps, tz), []
        if not slots:
            return _why_no_slot(people, zones, start, end, deps), []
        lines = [f"• {when_text(s.start, s.end, tz)}" for s in slots]
        head = f"Free for {names(people, deps)} ({duration_text(length)}):"
        artifact = [
            {"start": slot.start.isoformat(), "end": slot.end.isoformat(), "attendees": people} for slot in slots
        ]
        return head + "\n" + "\n".join(lines), artifact

    def propose(prepare: Callable[..., ProposedAction], args: dict[str, Any], **extra: Any) -> str:
        replaces = args.pop("replaces", None)
        action = prepare(args, deps, ctx, action_id=collector.next_id(), **extra)
        position = collector.add(action, replaces=replaces)
        return f"Proposed #{position}: {action.summary}. It runs only after a person approves it."

    def create_event(**kwargs: Any) -> str:
        args = CreateEventArgs(**kwargs).model_dump(exclude_none=True)
        try:
            return propose(prepare_create, args)
        except ConditionNotMet as why:
            return f"Not scheduled: {why}"

    def move_event(**kwargs: Any) -> str:
        return propose(prepare_update, MoveEventArgs(**kwargs).model_dump(exclude_none=True))

    def rename_event(**kwargs: Any) -> str:
        args = RenameEventArgs(**kwargs).model_dump(exclude_none=True)
        every, expect_count = args.pop("every", False), args.pop("expect_count", None)
        if not (every or expect_count) or args.get("event_id"):
            return propose(prepare_update, args, tool="rename_event")
        # "rename both my focus blocks …": one proposal per meeting, after checking the count the words promise.
        events = several_events(args, deps, ctx, expect_count=expect_count, verb="rename")
        selectors = set(_Select.model_fields)
        base = {k: v for k, v in args.items() if k not in selectors}
        replaces = base.pop("replaces", None)
        lines = []
        for index, event in enumerate(events):
            one = {**base, "event_id": event.id}
            if index == 0 and replaces:
                one["replaces"] = replaces
            lines.append(propose(prepare_update, one, tool="rename_event"))
        return "\n".join(lines)

    def cancel_events(**kwargs: Any) -> str:
        args = CancelEventsArgs(**kwargs).model_dump(exclude_none=True)
        replaces = args.pop("replaces", None)
        replaced = [replaces] if isinstance(replaces, str) else list(replaces or [])
        actions = prepare_cancel(args, deps, ctx, first_id=collector.next_id(), next_id=collector.next_id)
        lines = []
        for index, action in enumerate(actions):
            position = collector.add(action, replaces=replaced[0] if index == 0 and replaced else None)
            lines.append(f"Proposed #{position}: {action.summary}.")
        collector.replaced.update(replaced)  # a revised set replaces every proposal of the set it revises
        return "\n".join(lines) + " They run only after a person approves."

    specs: list[tuple[Callable[..., Any], str, type[BaseModel], bool]] = [
        (find_events, "find_events", FindEventsArgs, True),
        (check_availability, "check_availability", AvailabilityArgs, True),
        (find_free_slots, "find_free_slots", FreeSlotsArgs, True),
        (create_event, "create_event", CreateEventArgs, False),
        (move_event, "move_event", MoveEventArgs, False),
        (rename_event, "rename_event", RenameEventArgs, False),
        (cancel_events, "cancel_events", CancelEventsArgs, False),
    ]
    return [
        StructuredTool.from_function(
            func=_as_tool_output(fn, with_artifact),
            name=name,
            description=(schema.__doc__ or name).strip(),
            args_schema=schema,
            response_format="content_and_artifact" if with_artifact else "content",
        )
        for fn, name, schema, with_artifact in specs
    ]


def _as_tool_output(fn: Callable[..., Any], with_artifact: bool) -> Callable[..., Any]:
    """Expected failures go back to the model as text; read tools also return structured results."""

    def wrapper(**kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except (ActionInvalidError, IntegrationError, DateTimeParseError) as exc:
            return (f"Error: {exc}", []) if with_artifact else f"Error: {exc}"

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


__all__ = ["READ_TOOLS", "WRITE_TOOLS", "build_calendar_tools", "datetime"]
