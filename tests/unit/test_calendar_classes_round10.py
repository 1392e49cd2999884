"""Calendar classes the tenth blind round found, checked in wordings of our own: a meeting named right after
"right after" without "the", the day said before the anchor, and a bare hour said with a time zone. The first
and last were wrong writes (a booking before the anchor meeting, or two hours off)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from graph.calendar_select import EventSelector, select_events
from graph.deps import GraphDeps
from graph.parsing.datetimes import find_time, time_span

from .test_calendar_classes_round9 import GRACE
from .test_calendar_generalisation import ZONES, deps, planned_calls, run_planned  # noqa: F401


@pytest.mark.parametrize(
    "text",
    [
        "pop 'Roadmap notes' in w sam straight after roadmap review",
        "book 'Roadmap notes' with sam immediately after roadmap review pls",
    ],
)
def test_a_meeting_named_without_the_after_right_after_is_the_anchor(deps: GraphDeps, text: str) -> None:  # noqa: F811
    """ "straight after roadmap review" (no "the") starts the new meeting when that meeting ends."""
    collector, reply = run_planned(deps, GRACE, text, "book")
    assert len(collector.actions) == 1, reply
    (anchor,) = select_events(EventSelector(title="roadmap review"), deps, owner_id=GRACE, tz=ZONES[GRACE])
    assert datetime.fromisoformat(collector.actions[0].params["start"]) == anchor.end


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("book a call with tom right after lunch tomorrow", "tomorrow after lunch"),
        ("book a call with tom right after 3pm tomorrow", "tomorrow after 3pm"),
    ],
)
def test_right_after_a_meal_or_a_clock_time_is_not_a_meeting(text: str, start: str) -> None:
    """ "right after lunch" and "right after 3pm" are limits on the day, never a meeting called "lunch"."""
    (call,) = planned_calls(text)
    assert "anchor" not in call["args"] and call["args"]["start"] == start, call


def test_a_day_said_before_the_anchor_is_the_anchor_meetings_day() -> None:
    """ "on thursday, straight after the design crit" looks for Thursday's design crit."""
    (call,) = planned_calls("put 'Crit notes' in w hana on thursday straight after design crit")
    assert call["args"]["anchor"] == "right_after" and call["args"]["anchor_title"] == "design crit"
    assert call["args"]["anchor_day"] == "thursday"


@pytest.mark.parametrize(
    ("text", "hour"),
    [("the 9th, 10 my time", 10), ("friday 4 his time", 16), ("tomorrow 9 london time", 9), ("mon 3 CET", 15)],
)
def test_a_bare_hour_said_with_a_time_zone_is_a_clock_time(text: str, hour: int) -> None:
    """A bare hour followed by a zone ("11 my time", "4 his time", "9 london time") is read as that hour."""
    found = find_time(text)
    assert found is not None and found.resolve().hour == hour, text
    span = time_span(text)
    assert span is not None and str(found.hour) in text[span[0] : span[1]], text


@pytest.mark.parametrize("text", ["in 3 days time", "2 more times", "a 1 full time role", "3 days time"])
def test_numbers_before_time_that_are_not_hours_stay_numbers(text: str) -> None:
    """ "3 days time", "2 more times": a count before "time(s)" is not a clock time."""
    assert find_time(text) is None, text


def test_a_bare_hour_in_my_time_books_that_hour(deps: GraphDeps) -> None:  # noqa: F811
    """ "… on friday, 11 my time, 45 min" books 11:00 in the speaker's zone for 45 minutes."""
    collector, reply = run_planned(deps, GRACE, "set up 'Vendor sync' with sam on friday, 11 my time, 45 min")
    assert len(collector.actions) == 1, reply
    params = collector.actions[0].params
    start = datetime.fromisoformat(params["start"]).astimezone(ZoneInfo(ZONES[GRACE]))
    assert (start.weekday(), start.hour, start.minute) == (4, 11, 0)
    assert datetime.fromisoformat(params["end"]) - datetime.fromisoformat(params["start"]) == timedelta(minutes=45)
