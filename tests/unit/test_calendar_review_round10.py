"""Wrong writes a reviewer found in this round's calendar changes, each fixed: limits said the other way round, a
limit with only a week, counts before "time", zone abbreviations, questions and news read as moves, reasons that
held the day, and times or meals after "right after"."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from graph.calendar_select import EventSelector, select_events
from graph.deps import GraphDeps
from graph.local_model.calendar_nlu import _without_absence_reason
from graph.parsing.datetimes import find_time

from .test_book_day_without_time import BERLIN, NOW, _book, _start
from .test_calendar_classes_round9 import GRACE
from .test_calendar_generalisation import PRIYA, ZONES, _calendar_deps, deps, planned_calls, run_planned  # noqa: F401

PACIFIC = ZoneInfo(ZONES[GRACE])


@pytest.mark.parametrize(
    ("start", "hour", "ends_by"),
    [
        ("tomorrow not after 4", 9, time(16)),
        ("tomorrow busy until 2", 14, None),
        ("tomorrow can't do before 11", 11, None),
        ("tomorrow out after 3", 9, time(15)),
    ],
)
def test_a_limit_said_the_other_way_round_is_turned(start: str, hour: int, ends_by: time | None) -> None:
    """ "not after 4" ends by 16:00 and "busy until 2" starts at 14:00: never inside the time ruled out."""
    collector, _ = _book(_calendar_deps(NOW, with_events=False), start=start)
    begins = _start(collector)
    assert begins.hour == hour, begins
    if ends_by is not None:
        assert "ending by" in collector.actions[0].summary


def test_a_limit_with_only_a_week_asks_which_day() -> None:
    """ "after 2 next week" names no day: the tool asks, and never books today."""
    collector, reply = _book(_calendar_deps(NOW, with_events=False), start="next week after 2")
    assert collector.actions == [] and "Which day" in reply, reply
    assert planned_calls("book a call with sofia sometime after 2 next week") == [], "the local model asks too"


@pytest.mark.parametrize(
    "text", ["discuss 4 response time alerts", "the 3 crunch time tasks", "review 2 UTC migration issues"]
)
def test_a_count_before_a_word_and_time_is_not_a_clock_time(text: str) -> None:
    """ "4 response time alerts", "2 UTC migration issues": numbers of things, not hours."""
    assert find_time(text) is None


def test_a_zone_abbreviation_after_a_bare_hour_is_read_in_that_zone(deps: GraphDeps) -> None:  # noqa: F811
    """Priya (Kolkata) booking "tomorrow 3 CET" gets 15:00 Berlin time, not 15:00 in Kolkata."""
    collector, reply = run_planned(deps, PRIYA, "book a call with sofia thursday 3 CET")
    (action,) = collector.actions
    assert datetime.fromisoformat(action.params["start"]).astimezone(BERLIN).hour == 15, reply


@pytest.mark.parametrize(
    "text",
    [
        "will the roadmap review be on thursday instead?",
        "heads up, the roadmap review is going to be on friday instead",
        "why does the roadmap review start at 10 instead?",
        "sam says the roadmap review will be on thursday instead",
    ],
)
def test_questions_and_news_about_a_change_are_not_moves(text: str) -> None:
    """A question about a changed meeting, or news of one, proposes no move."""
    assert all(call["name"] != "move_event" for call in planned_calls(text)), planned_calls(text)


def test_when_and_a_second_request_survive_an_absence_reason() -> None:
    """ "…, X is out all next week" keeps next week; "…, X's off, and push Y" is left whole for the split."""
    assert _without_absence_reason("cancel the meetings with omar, he's out all next week") == (
        "cancel the meetings with omar next week"
    )
    whole = "cancel the budget sync, noah's off sick, and push q1 planning to friday"
    assert _without_absence_reason(whole) == whole
    (call,) = planned_calls("cancel the platform standups, priya and omar are both out tomorrow")
    assert call["args"]["day"] == "tomorrow", call


def test_right_after_a_bare_hour_is_a_limit_when_booking() -> None:
    """ "right after 2 tomorrow" books after 14:00, never looks for a meeting called "2"."""
    (call,) = planned_calls("book a call with sofia right after 2 tomorrow")
    assert "anchor" not in call["args"] and call["args"]["start"] == "tomorrow after 2", call


@pytest.mark.parametrize(("to", "hour"), [("right after 2pm", 14), ("right after lunch", 13)])
def test_a_move_right_after_a_time_or_lunch_keeps_the_day(deps: GraphDeps, to: str, hour: int) -> None:  # noqa: F811
    """Moving a meeting "to right after 2pm" or "right after lunch" sets that time on its own day."""
    collector, reply = run_planned(deps, GRACE, f"move my 1:1 with sam on the 9th to {to}")
    (action,) = collector.actions
    start = datetime.fromisoformat(action.params["changes"]["start"]).astimezone(PACIFIC)
    assert (start.day, start.hour, start.minute) == (9, hour, 0), reply


def test_a_move_to_a_limit_takes_the_first_free_time_inside_it(deps: GraphDeps) -> None:  # noqa: F811
    """ "move … to late afternoon" keeps the day and starts at the first free time from 15:00, not at a set hour."""
    collector, reply = run_planned(deps, GRACE, "push my 1:1 with sam on the 9th to late afternoon")
    (action,) = collector.actions
    start = datetime.fromisoformat(action.params["changes"]["start"]).astimezone(PACIFIC)
    assert start.day == 9 and 15 <= start.hour < 17, reply
    (one_to_one,) = select_events(EventSelector(title="1:1", day="2026-12-09"), deps, owner_id=GRACE, tz=ZONES[GRACE])
    assert action.params["event_id"] == one_to_one.id
