"""A booking that names a day but no time ("book a call with sofia tomorrow") gets the first time that day when
everyone is free, never the start of working hours on top of someone's meeting, and never another day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from graph.deps import GraphDeps
from graph.tools.calendar import build_calendar_tools
from graph.tools.proposals import ProposalCollector
from integrations.calendar.base import Attendee, EventCreate

from .test_calendar_generalisation import SOFIA, TOM, ZONES, _calendar_deps, _ctx

BERLIN = ZoneInfo(ZONES[TOM])
# Wednesday 2 Dec 2026, 10:00 in Berlin; Tom and Sofia are both in Europe.
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _busy(deps: GraphDeps, who: str, day: int, start: str, end: str) -> None:
    """A meeting on ``who``'s calendar on ``day`` December, Berlin time."""
    assert deps.calendar is not None
    (h1, m1), (h2, m2) = (map(int, start.split(":")), map(int, end.split(":")))
    deps.calendar.create(
        who,
        EventCreate(
            title="Busy",
            start=datetime(2026, 12, day, h1, m1, tzinfo=BERLIN),
            end=datetime(2026, 12, day, h2, m2, tzinfo=BERLIN),
            tz=str(BERLIN),
            organizer_id=who,
            attendees=[Attendee(person_id=who)],
        ),
        idempotency_key=f"{who}-{day}-{start}",
    )


def _book(deps: GraphDeps, **args: object) -> tuple[ProposalCollector, str]:
    """Calls the create_event tool as Tom and returns what it proposed and said."""
    collector = ProposalCollector()
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(TOM), collector)}
    return collector, str(tools["create_event"].invoke({"title": "Call", "attendees": ["sofia"], **args}))


def _start(collector: ProposalCollector) -> datetime:
    (action,) = collector.actions
    return datetime.fromisoformat(str(action.params["start"])).astimezone(BERLIN)


def test_a_day_without_a_time_books_the_first_time_both_are_free() -> None:
    """ "tomorrow" with Sofia busy 09:00-10:30 and Tom busy 10:30-11:00 proposes 11:00, and the card says why."""
    deps = _calendar_deps(NOW, with_events=False)
    _busy(deps, SOFIA, 3, "09:00", "10:30")
    _busy(deps, TOM, 3, "10:30", "11:00")
    collector, _ = _book(deps, start="tomorrow")
    assert _start(collector) == datetime(2026, 12, 3, 11, 0, tzinfo=BERLIN)
    (action,) = collector.actions
    assert "first time that day everyone is free" in action.summary
    assert action.params["known_conflicts"] == []


def test_a_part_of_the_day_is_searched_within_that_part() -> None:
    """ "friday afternoon" with Sofia busy 13:00-14:00 proposes 14:00 on Friday, not Friday morning."""
    deps = _calendar_deps(NOW, with_events=False)
    _busy(deps, SOFIA, 4, "13:00", "14:00")
    collector, _ = _book(deps, start="friday afternoon")
    assert _start(collector) == datetime(2026, 12, 4, 14, 0, tzinfo=BERLIN)


def test_a_full_day_is_asked_about_and_nothing_is_proposed() -> None:
    """When Sofia is busy all of tomorrow's working day, deskhand says so and proposes no other day."""
    deps = _calendar_deps(NOW, with_events=False)
    _busy(deps, SOFIA, 3, "08:00", "19:00")
    collector, reply = _book(deps, start="tomorrow")
    assert collector.actions == []
    assert "no free 30 min" in reply and "Thu 3 Dec" in reply, reply


def test_today_starts_from_now_not_from_the_morning() -> None:
    """ "today" at 10:00 proposes a time after now (the search starts at the next half hour), never 09:00."""
    deps = _calendar_deps(NOW, with_events=False)
    collector, _ = _book(deps, start="today")
    start = _start(collector)
    assert start >= NOW and start - NOW.astimezone(BERLIN) <= timedelta(minutes=30)


def test_a_clock_time_is_still_booked_as_given() -> None:
    """ "tomorrow at 9" books 09:00 even over Sofia's meeting: a time the person chose is theirs (the card warns)."""
    deps = _calendar_deps(NOW, with_events=False)
    _busy(deps, SOFIA, 3, "09:00", "10:00")
    collector, _ = _book(deps, start="tomorrow at 9")
    assert _start(collector) == datetime(2026, 12, 3, 9, 0, tzinfo=BERLIN)
    (action,) = collector.actions
    assert "overlaps 1 existing meeting" in action.summary


def test_tonight_is_this_evening() -> None:
    """ "tonight" said in the morning proposes this evening (17:00), never the next free morning slot."""
    deps = _calendar_deps(NOW, with_events=False)
    collector, _ = _book(deps, start="tonight")
    assert _start(collector) == datetime(2026, 12, 2, 17, 0, tzinfo=BERLIN)


def test_a_part_of_the_day_in_a_named_zone_is_read_in_that_zone() -> None:
    """ "tomorrow morning London time" searches 09:00-12:00 London (10:00 Berlin on), never 09:00 Berlin."""
    deps = _calendar_deps(NOW, with_events=False)
    collector, _ = _book(deps, start="tomorrow morning", time_zone="London")
    assert _start(collector) == datetime(2026, 12, 3, 10, 0, tzinfo=BERLIN)


def test_a_part_of_today_that_is_over_is_asked_about_not_moved_to_tomorrow() -> None:
    """ "afternoon" said at 17:10 asks which day; it never books tomorrow afternoon on its own."""
    late = datetime(2026, 12, 2, 16, 10, tzinfo=UTC)  # 17:10 in Berlin
    collector, reply = _book(_calendar_deps(late, with_events=False), start="afternoon")
    assert collector.actions == []
    assert "already past 17:00 today" in reply, reply


def test_working_hours_that_never_overlap_are_named_as_the_reason() -> None:
    """Booking a day with someone whose working hours never meet yours says so, instead of "no free time"."""
    collector, reply = _book(_calendar_deps(NOW, with_events=False), start="tomorrow", attendees=["grace"])
    assert collector.actions == []
    assert "working hours don't overlap" in reply, reply


def test_a_meeting_longer_than_the_part_of_the_day_is_refused_as_such() -> None:
    """A 3-hour workshop "tomorrow at lunchtime" (12:00-14:00) doesn't fit the window, and the reply says that."""
    collector, reply = _book(_calendar_deps(NOW, with_events=False), start="tomorrow lunchtime", duration="3h")
    assert collector.actions == []
    assert "doesn't fit between 12:00 and 14:00" in reply, reply
