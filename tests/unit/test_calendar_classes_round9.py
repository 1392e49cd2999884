"""Calendar classes the ninth blind round exposed, checked in wordings, people, days and titles of our own.

Classes: a follow-up naming one of the just-offered free times by its clock time books that slot (its day, the
searched length and people); a known meeting room named as what is booked ("can u book heron for …") is the
meeting's location; a meeting placed a gap away from another ("an hour before X", "two hours after the X") starts
that long before it starts or after it ends; "my check-in w <person>" names the check-in, and "same time" on another
day keeps its clock time; "<person> wants to start our 1:1 later" moves our 1:1 with that person; a move of a
meeting that "clashes w something" is calendar talk even without a time; a listed meeting names its outside guests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from graph.actions.calendar import known_rooms
from graph.calendar_select import EventSelector, select_events
from graph.deps import GraphDeps
from graph.local_model.calendar_nlu import parse_calendar_request
from graph.local_model.calendar_planner import plan_calendar, plan_from_frame
from graph.local_model.context import CONTEXT_KEY, ModelContext
from graph.local_model.lexicon import Lexicon
from graph.local_model.router import route_text
from graph.tools.calendar import build_calendar_tools
from graph.tools.proposals import ProposalCollector

from .test_calendar_generalisation import (  # noqa: F401
    LEX,
    PEOPLE,
    PRIYA,
    TOM,
    ZONES,
    _ctx,
    deps,
    planned_calls,
    run_planned,
)

MAYA, HANA, OMAR, SAM, AKIRA = "U0MAYA0001", "U0HANA0005", "U0OMAR0008", "U0SAMW0006", "U0AKIRA011"
NOAH, GRACE = "U0NOAH0010", "U0GRACE009"


# -- "4pm's good, book it as 'X'" after free times were offered ------------------------------------------------------
@pytest.mark.parametrize(
    "wording", ["{hm} works for me, pencil it in as 'Copy sync'", "book {hm} pls, call it 'Copy sync'"]
)
def test_an_offered_slot_named_by_its_time_is_booked(deps: GraphDeps, wording: str) -> None:  # noqa: F811
    """Naming an offered free time by its clock time books that slot with the searched people and length."""
    ask = "need 30 min with hana and priya next thursday, what are the options?"
    calls = planned_calls(ask, "read")
    assert [c["name"] for c in calls] == ["find_free_slots"]
    collector = ProposalCollector()
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(TOM), collector)}
    search = {"name": "find_free_slots", "args": calls[0]["args"], "id": "c1", "type": "tool_call"}
    found = tools["find_free_slots"].invoke(search)
    assert len(found.artifact) > 1
    chosen = datetime.fromisoformat(found.artifact[1]["start"]).astimezone(ZoneInfo(ZONES[TOM]))
    context = {"user_id": TOM, "user_tz": ZONES[TOM], "people": PEOPLE}
    messages: list[BaseMessage] = [
        SystemMessage(content="", additional_kwargs={CONTEXT_KEY: context}),
        HumanMessage(content=ask),
        AIMessage(content="", tool_calls=[search]),
        found,
        AIMessage(content="Free for …"),
        HumanMessage(content=wording.format(hm=f"{chosen:%H:%M}")),
    ]
    plan = plan_calendar(messages, ModelContext.from_messages(messages), {"create_event", "find_free_slots"})
    assert [c["name"] for c in plan.calls] == ["create_event"], plan.text
    args = plan.calls[0]["args"]
    assert args["title"] == "Copy sync" and args["duration"] == "30 min"
    tools["create_event"].invoke(args)
    booked = collector.actions[0].params
    assert booked["start"] == chosen.isoformat()
    assert set(booked["attendees"]) == {TOM, HANA, PRIYA}


# -- "can u book kite for me n maya …": a known room as the thing booked ---------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "can you reserve heron for diego and me next tue 10-11? call it 'Budget walk-through'",
        "pls book the heron room for me + diego next tuesday 10am for an hour, 'Budget walk-through'",
    ],
)
def test_a_known_room_named_as_the_booking_is_the_location(deps: GraphDeps, text: str) -> None:  # noqa: F811
    """A room the calendars use, named in lower case as what is booked, becomes the new meeting's location."""
    rooms = known_rooms(NOAH, deps)
    assert "Heron" in rooms
    frame = parse_calendar_request(text, Lexicon.build(PEOPLE, [], rooms), suggested=None)
    calls = plan_from_frame(frame).calls
    assert [c["name"] for c in calls] == ["create_event"]
    collector = ProposalCollector()
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(NOAH), collector)}
    tools["create_event"].invoke(calls[0]["args"])
    booked = collector.actions[0].params
    assert booked["location"] == "London office, room Heron" and booked["title"] == "Budget walk-through"


# -- "grab 30 min … an hour before q1 planning": a gap from another meeting -----------------------------------------
@pytest.mark.parametrize(
    ("text", "gap", "side"),
    [
        ("book 45 min with sam two hours after the roadmap review pls, title 'Roadmap follow-ups'", 2, "after"),
        ("grab 30 min w noah + sam half an hour before roadmap review, 'Roadmap pre-read'", 0.5, "before"),
    ],
)
def test_a_gap_from_another_meeting_places_the_new_one(deps: GraphDeps, text: str, gap: float, side: str) -> None:  # noqa: F811
    """ "<gap> before/after <meeting>" starts the new meeting that long before the meeting starts or after it ends."""
    collector, reply = run_planned(deps, GRACE, text, "book")
    assert len(collector.actions) == 1, reply
    (anchor,) = select_events(EventSelector(title="roadmap review"), deps, owner_id=GRACE, tz=ZONES[GRACE])
    offset = timedelta(hours=gap)
    expected = anchor.end + offset if side == "after" else anchor.start - offset
    booked = collector.actions[0].params
    assert datetime.fromisoformat(booked["start"]) == expected
    assert datetime.fromisoformat(booked["end"]) - expected == timedelta(minutes=45 if side == "after" else 30)


# -- "can my check-in w tom move to fri, same time?" -----------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "could my budget check-in w noah shift to thursday, same time?",
        "can our budget check-in with noah go to thurs instead? same time",
    ],
)
def test_a_meeting_named_before_w_person_is_the_one_moved(deps: GraphDeps, text: str) -> None:  # noqa: F811
    """ "my <meeting> w <person>" selects that meeting (not every meeting with them); a day alone keeps the time."""
    collector, reply = run_planned(deps, MAYA, text, "move")
    assert len(collector.actions) == 1, reply
    params = collector.actions[0].params
    (event,) = select_events(
        EventSelector(title="Ops budget check-in", future_only=True, which="next"), deps, owner_id=MAYA, tz=ZONES[MAYA]
    )
    assert params["event_id"] == event.id
    new_start = datetime.fromisoformat(params["changes"]["start"]).astimezone(ZoneInfo(ZONES[MAYA]))
    old_start = event.start.astimezone(ZoneInfo(ZONES[MAYA]))
    assert new_start.strftime("%a %H:%M") == f"Thu {old_start:%H:%M}"


# -- "hana wants to start our 1:1 an hour earlier today, can you shift it?" ------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "grace wants to start our 1:1 half an hour later today, could you move it?",
        "grace asked me to push our 1:1 back 30 min today",
    ],
)
def test_who_asked_for_a_move_is_context_not_the_title(deps: GraphDeps, text: str) -> None:  # noqa: F811
    """A leading "<person> wants to …" is who asked: the meeting moved is "our 1:1" with that person."""
    collector, reply = run_planned(deps, SAM, text, "move")
    assert len(collector.actions) == 1, reply
    (event,) = select_events(EventSelector(title="1:1 Sam / Grace", day="today"), deps, owner_id=SAM, tz=ZONES[SAM])
    params = collector.actions[0].params
    assert params["event_id"] == event.id
    assert datetime.fromisoformat(params["changes"]["start"]) == event.start + timedelta(minutes=30)


# -- "pls move the review to thursday, it clashes w something" -------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "move the briefing to friday, it clashes with something",
        "can you bring the workshop to tuesday, it conflicts with my dentist",
    ],
)
def test_moving_a_meeting_that_clashes_is_calendar_talk(text: str) -> None:
    """Moving something to a day because it clashes goes to the calendar, not the help menu, even with no time."""
    decision = route_text(text)
    assert decision.route == "calendar"


def test_moving_an_ambiguous_meeting_that_clashes_asks_which(deps: GraphDeps) -> None:  # noqa: F811
    """ "move the review to thursday, it clashes" with several reviews ahead asks which one; nothing is proposed."""
    text = "could you move the review to thursday pls, it clashes with something"
    assert route_text(text).route == "calendar"
    collector, reply = run_planned(deps, PRIYA, text, route_text(text).label.split(".", 1)[1])
    assert not collector.actions and "which one" in reply.lower()


# -- "when's my contoso renewal call again? … or is it just me" ------------------------------------------------------
def test_a_listed_meeting_names_its_outside_guests(deps: GraphDeps) -> None:  # noqa: F811
    """A meeting listed in answer to "when is it, is it just me?" names its guests from outside the company."""
    collector, reply = run_planned(deps, HANA, "when's my user research session? anyone else on it or just me?", "read")
    assert not collector.actions
    assert "User research" in reply and "Mika Tanaka" in reply and "Kenji Mori" in reply
