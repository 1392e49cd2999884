"""Calendar classes the tenth blind round found, checked in wordings of our own: a meeting named without "the"
after "right after", the day said before the anchor, a bare hour said with a time zone (those three were wrong
writes), moves placed against another meeting or asked as a question, who is away as the reason for a cancel, and
"it" after one meeting was listed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from graph.calendar_select import EventSelector, select_events
from graph.deps import GraphDeps
from graph.local_model.calendar_planner import plan_calendar
from graph.local_model.context import CONTEXT_KEY, ModelContext
from graph.local_model.planner import Plan
from graph.parsing.datetimes import find_time, time_span
from graph.tools.calendar import build_calendar_tools
from graph.tools.proposals import ProposalCollector

from .test_calendar_classes_round9 import GRACE
from .test_calendar_generalisation import PEOPLE, ZONES, _ctx, deps, planned_calls, run_planned  # noqa: F401


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


# -- "could my 1:1 happen right after the roadmap review instead?" --------------------------------------------------
@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("could my 1:1 w sam on the 9th happen right after the roadmap review instead?", "after"),
        ("move my 1:1 with sam on the 9th to straight after roadmap review", "after"),
        ("can my 1:1 with sam on the 9th be just before the roadmap review instead", "before"),
    ],
)
def test_a_meeting_moved_next_to_another_lands_against_it(deps: GraphDeps, text: str, side: str) -> None:  # noqa: F811
    """Moving a meeting "right after/before <meeting>" starts it when that one ends (or ends it when that starts)."""
    collector, reply = run_planned(deps, GRACE, text)
    assert len(collector.actions) == 1, reply
    (review,) = select_events(EventSelector(title="roadmap review"), deps, owner_id=GRACE, tz=ZONES[GRACE])
    changes = collector.actions[0].params["changes"]
    start, end = datetime.fromisoformat(changes["start"]), datetime.fromisoformat(changes["end"])
    assert (start == review.end) if side == "after" else (end == review.start), changes
    assert end - start == timedelta(minutes=30), "the moved meeting keeps its length"


def test_a_move_next_to_a_meeting_that_is_not_there_asks(deps: GraphDeps) -> None:  # noqa: F811
    """ "right after the board meeting" when no such meeting is that day proposes nothing and says so."""
    collector, reply = run_planned(deps, GRACE, "move my 1:1 with sam on the 9th to right after the board meeting")
    assert collector.actions == []
    assert "couldn't find" in reply, reply


@pytest.mark.parametrize(
    ("text", "to"),
    [
        ("could the design crit start at 4 instead?", "at 4"),
        ("can our 1:1 next week be on thursday instead", "thursday"),
    ],
)
def test_a_meeting_asked_to_happen_at_another_time_is_a_move(text: str, to: str) -> None:
    """ "could <meeting> start at 4 instead?" is a move of that meeting, not a question to answer with a list."""
    (call,) = planned_calls(text)
    assert call["name"] == "move_event" and call["args"]["to"] == to, call


# -- "cancel …, diego and omar are both out" -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "call off thursday's design crit, hana and tom are both away",
        "scrap tomorrow's design crit since hana's off sick",
        "cancel thursday's design crit as hana and tom are on leave",
    ],
)
def test_who_is_away_is_the_reason_not_the_meetings_guests_or_count(text: str) -> None:
    """A trailing "X and Y are (both) out" explains a cancel: it adds no guest filter and no count of meetings."""
    (call,) = planned_calls(text)
    args = call["args"]
    assert call["name"] == "cancel_events" and args["title"] == "design crit", call
    assert "with_person" not in args and "expect_count" not in args, call


# -- "when's my X?" … "ok push it an hour later" ---------------------------------------------------------------------
def _after_listing(deps: GraphDeps, ask: str, follow_up: str) -> tuple[list[str], Plan]:  # noqa: F811
    """Runs the planned find_events for ``ask`` as Grace, then plans ``follow_up``; returns the ids listed and the
    plan."""
    (call,) = planned_calls(ask)
    assert call["name"] == "find_events", call
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(GRACE), ProposalCollector())}
    search = {"name": "find_events", "args": call["args"], "id": "c1", "type": "tool_call"}
    found = tools["find_events"].invoke(search)
    context = {"user_id": GRACE, "user_tz": ZONES[GRACE], "people": PEOPLE}
    messages: list[BaseMessage] = [
        SystemMessage(content="", additional_kwargs={CONTEXT_KEY: context}),
        HumanMessage(content=ask),
        AIMessage(content="", tool_calls=[search]),
        found,
        AIMessage(content=str(found.content)),
        HumanMessage(content=follow_up),
    ]
    plan = plan_calendar(messages, ModelContext.from_messages(messages), {"move_event", "cancel_events"})
    return [str(row["id"]) for row in found.artifact], plan


@pytest.mark.parametrize(
    ("follow_up", "tool", "key"),
    [
        ("ok push it an hour later, i'm running behind", "move_event", "event_id"),
        ("hmm actually cancel that one", "cancel_events", "event_ids"),
    ],
)
def test_it_after_one_meeting_was_listed_is_that_meeting(deps: GraphDeps, follow_up: str, tool: str, key: str) -> None:  # noqa: F811
    """After deskhand listed exactly one meeting, "push it …" / "cancel that one" act on that meeting."""
    listed, plan = _after_listing(deps, "when is the roadmap review?", follow_up)
    assert len(listed) == 1
    (call,) = plan.calls
    assert call["name"] == tool and call["args"][key] in (listed[0], listed), call


def test_it_after_several_meetings_were_listed_still_asks(deps: GraphDeps) -> None:  # noqa: F811
    """After several meetings were listed, "push it an hour later" picks none of them (the tool asks which)."""
    listed, plan = _after_listing(deps, "what do i have next week?", "push it an hour later")
    assert len(listed) > 1
    (call,) = plan.calls
    assert "event_id" not in call["args"], call
