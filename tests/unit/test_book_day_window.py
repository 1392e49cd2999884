"""A booking with a limit on its day but no time ("tomorrow after 2", "friday before noon", "end of day") is booked
inside that limit: never at the limit as if it were a clock time, never at 09:00 as if the limit were not said."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from graph.deps import GraphDeps
from graph.parsing.day_windows import find_day_window

from .test_book_day_without_time import BERLIN, NOW, _book, _busy, _start
from .test_calendar_generalisation import PRIYA, SOFIA, TOM, ZONES, _calendar_deps, planned_calls, run_planned

KOLKATA = ZoneInfo(ZONES[PRIYA])


def _deps() -> GraphDeps:
    return _calendar_deps(NOW, with_events=False)


def test_after_a_bare_hour_books_the_first_free_time_from_that_afternoon_hour() -> None:
    """ "tomorrow after 2" with Sofia busy 14:00-15:00 proposes 15:00 (2 is read as 14:00), and the card says so."""
    deps = _deps()
    _busy(deps, SOFIA, 3, "14:00", "15:00")
    collector, _ = _book(deps, start="tomorrow after 2")
    assert _start(collector) == datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN)
    (action,) = collector.actions
    assert "first time after 14:00 that day" in action.summary


def test_before_a_time_means_the_meeting_ends_by_then() -> None:
    """ "friday before noon" with Tom busy 09:00-11:45 has no 30 minutes ending by 12:00: it asks, proposes nothing."""
    deps = _deps()
    _busy(deps, TOM, 4, "09:00", "11:45")
    collector, reply = _book(deps, start="friday before noon")
    assert collector.actions == []
    assert "no free 30 min" in reply and "between 09:00 and 12:00" in reply, reply


def test_by_a_clock_time_is_a_deadline_not_a_start() -> None:
    """ "tomorrow by 11am" for an hour with Sofia busy 09:00-09:30 proposes 09:30-10:30, never a meeting at 11:00."""
    deps = _deps()
    _busy(deps, SOFIA, 3, "09:00", "09:30")
    collector, _ = _book(deps, start="tomorrow by 11am", duration="1h")
    (action,) = collector.actions
    assert _start(collector) == datetime(2026, 12, 3, 9, 30, tzinfo=BERLIN)
    assert datetime.fromisoformat(str(action.params["end"])) <= datetime(2026, 12, 3, 11, 0, tzinfo=BERLIN)


def test_end_of_day_takes_the_last_free_time() -> None:
    """ "end of day tomorrow" with Sofia busy 17:00-18:00 proposes 16:30, the last free half hour, and says so."""
    deps = _deps()
    _busy(deps, SOFIA, 3, "17:00", "18:00")
    collector, _ = _book(deps, start="tomorrow end of day")
    assert _start(collector) == datetime(2026, 12, 3, 16, 30, tzinfo=BERLIN)
    (action,) = collector.actions
    assert "the last time that day everyone is free" in action.summary


def test_by_end_of_day_is_a_deadline_so_the_first_free_time_is_kept() -> None:
    """ "by eod tomorrow" only says "that day": it books the first free time (09:00), not the last."""
    collector, _ = _book(_deps(), start="by eod tomorrow")
    assert _start(collector) == datetime(2026, 12, 3, 9, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("start", "hour", "minute"),
    [("tomorrow late afternoon", 15, 0), ("tomorrow after lunch", 13, 0), ("tomorrow mid-morning", 9, 30)],
)
def test_a_named_stretch_of_the_day_starts_where_it_starts(start: str, hour: int, minute: int) -> None:
    """ "late afternoon", "after lunch" and "mid-morning" each start their search at their own first hour."""
    collector, _ = _book(_deps(), start=start)
    assert _start(collector) == datetime(2026, 12, 3, hour, minute, tzinfo=BERLIN)


def test_a_limit_past_working_hours_is_refused_plainly() -> None:
    """ "tomorrow after 6" (18:00, when working hours end) proposes nothing and says why, asking for a time."""
    collector, reply = _book(_deps(), start="tomorrow after 6")
    assert collector.actions == []
    assert "There's no time after 6" in reply and "Give me a start time" in reply, reply


def test_the_speakers_part_of_the_day_only_needs_the_others_working_hours() -> None:
    """Priya (Kolkata) booking Tom (Berlin) "tomorrow late afternoon" gets 15:00 Kolkata, inside Tom's working day
    (his own afternoon never overlaps hers, and is not what she asked for)."""
    collector, _ = run_planned(_deps(), PRIYA, "set up a call with tom tomorrow late afternoon")
    (action,) = collector.actions
    assert datetime.fromisoformat(str(action.params["start"])) == datetime(2026, 12, 3, 15, 0, tzinfo=KOLKATA)


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        ("grab a call with sofia on thursday, any time after 3", "after 3"),
        ("book a sync w tom friday before lunch pls", "before lunch"),
        ("can you set up a call with sofia tmrw by 10am", "by 10am"),
        ("put a call with tom in for end of day tomorrow", "end of day"),
        ("book a chat with sofia tomorrow early afternoon", "early afternoon"),
    ],
)
def test_the_local_model_keeps_the_limit_in_the_start_it_passes(message: str, kept: str) -> None:
    """The local model passes the limit on to create_event whole, rather than dropping it or keeping only its clock."""
    (call,) = planned_calls(message)
    assert call["name"] == "create_event"
    assert kept in str(call["args"]["start"]), call


def test_a_clock_time_outside_the_limit_is_still_the_start() -> None:
    """ "tomorrow at 3, or after 4 if that's taken" passes the clock time: the person chose 3."""
    (call,) = planned_calls("book a call with sofia tomorrow at 3, or after 4 if that's taken")
    assert call["args"]["start"] == "tomorrow at 3"


def test_limits_that_are_not_about_the_day_are_not_read_as_limits() -> None:
    """Lengths, dates and plain clock times carry no limit ("by 2 hours", "after the 2nd", "at 3")."""
    for text in ("push it by 2 hours", "after the 2nd", "tomorrow at 3", "in 2 days"):
        assert find_day_window(text) is None, text
