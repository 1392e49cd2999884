"""Calendar classes the seventh blind round exposed, checked in wordings, people, days and titles of our own.

Classes: a question about the calendar beside a booking the person only muses about is the question (nothing is
proposed); a question about one moment says plainly whether it is free; a new meeting placed against an existing one
("right after", "just before", "the day before") starts from that meeting, or asks; "what are the options?" finds
free time, and "grab the earliest one" books a slot just offered.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from graph.deps import GraphDeps
from graph.local_model.calendar_planner import plan_calendar
from graph.local_model.context import CONTEXT_KEY, ModelContext
from graph.tools.calendar import build_calendar_tools
from graph.tools.proposals import ProposalCollector

from .test_calendar_generalisation import (  # noqa: F401
    DIEGO,
    LEX,
    NOAH,
    PEOPLE,
    PRIYA,
    TOM,
    ZONES,
    _ctx,
    deps,
    planned_calls,
    run_planned,
)

HANA, OMAR = "U0HANA0005", "U0OMAR0008"


# -- a question beside a maybe-booking is the question ----------------------------------------------------------------
@pytest.mark.parametrize("suggested", [None, "book"])
def test_who_is_in_a_meeting_beside_a_maybe_booking_lists_it(deps: GraphDeps, suggested: str | None) -> None:  # noqa: F811
    """ "who's joining X? thinking about whether to book a prep" lists X with its people and proposes nothing."""
    text = "who's joining the roadmap review next wed? thinking about whether to book a prep with grace first"
    collector, reply = run_planned(deps, NOAH, text, suggested)
    assert not collector.actions
    assert "Roadmap review" in reply and "Grace Liu" in reply and "Sam Whitfield" in reply


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("when's the town hall again? need to fit my dentist appointment around it", "Town hall"),
        (
            "before I go and book time with omar friday - don't we already have the ops standup? what time is that",
            "Ops standup",
        ),
        ("who all's in the IT budget review tomorrow? should I book a follow-up with noah", "IT budget review"),
    ],
)
def test_question_beside_a_plan_answers_and_proposes_nothing(deps: GraphDeps, text: str, title: str) -> None:  # noqa: F811
    """A when/who question next to a booking still being decided answers the question; nothing is proposed."""
    collector, reply = run_planned(deps, DIEGO, text, "book")
    assert not collector.actions and title in reply


def test_maybe_booking_at_a_time_checks_that_time(deps: GraphDeps) -> None:  # noqa: F811
    """ "could I fit a call in on friday around 9am or is something already there?" names what is there."""
    text = "could I fit a vendor call in on friday around 9am or is something already there?"
    collector, reply = run_planned(deps, DIEGO, text, "book")
    assert not collector.actions
    assert "not free" in reply and "Ops standup" in reply


def test_is_someone_free_at_a_time_answers_for_that_time(deps: GraphDeps) -> None:  # noqa: F811
    """ "is Omar free thursday at 2pm? may grab him" says plainly that he is free then, and proposes nothing."""
    collector, reply = run_planned(
        deps, DIEGO, "is omar free thursday at 2pm? might grab him for a coffee, don't send anything yet"
    )
    assert not collector.actions
    assert reply.startswith("Omar Haddad is free at Thu 3 Dec 14:00")


def test_is_someone_free_when_busy_says_busy(deps: GraphDeps) -> None:  # noqa: F811
    """Asked about a moment someone else is booked, the answer says busy and when, without the meeting's title."""
    _collector, reply = run_planned(deps, DIEGO, "is maya free wednesday at 9:05am?")
    assert reply.startswith("Maya Okafor is busy at Wed 2 Dec 09:05") and "Ops standup" not in reply


def test_a_plain_booking_with_maybe_still_books() -> None:
    """ "maybe" inside a real booking request ("book … at 3pm, maybe in Heron") does not turn it into a question."""
    calls = planned_calls("book 30 min 'Vendor prep' with Omar tomorrow at 3pm, maybe in Heron", "book")
    assert [c["name"] for c in calls] == ["create_event"]


# -- a new meeting placed against an existing one --------------------------------------------------------------------
def _proposed_start(deps: GraphDeps, user: str, text: str) -> datetime:  # noqa: F811
    """The local start of the one meeting ``text`` proposes, in the requester's zone."""
    collector, reply = run_planned(deps, user, text, "book")
    assert len(collector.actions) == 1, reply
    return datetime.fromisoformat(collector.actions[0].params["start"]).astimezone(ZoneInfo(ZONES[user]))


def test_just_before_a_meeting_ends_when_it_starts(deps: GraphDeps) -> None:  # noqa: F811
    """ "just before the design review next wed" ends the new meeting as the review (09:00 Berlin) starts."""
    start = _proposed_start(deps, TOM, "book 'Demo dry run' with priya just before the design review next wed")
    assert (start.date(), start.hour, start.minute) == (date(2026, 12, 9), 8, 30)


def test_right_after_a_meeting_starts_when_it_ends(deps: GraphDeps) -> None:  # noqa: F811
    """ "right after the threat model review … grab 20 min" starts as the review ends (12:00 London), not today."""
    text = "right after the threat model review can you grab 20 min with omar? call it 'SSO follow-ups'"
    start = _proposed_start(deps, TOM, text)
    assert (start.date(), start.hour, start.minute) == (date(2026, 12, 8), 13, 0)


def test_the_day_before_a_meeting_at_a_time(deps: GraphDeps) -> None:  # noqa: F811
    """ "the day before the vendor security review, 4pm" lands on the Sunday before that Monday review at 16:00."""
    text = "pls put 30 min in with tom the day before the vendor security review, 4pm. title 'Vendor prep'"
    start = _proposed_start(deps, OMAR, text)
    assert (start.date(), start.hour) == (date(2026, 12, 6), 16)


def test_the_day_after_a_meeting_without_a_time_asks(deps: GraphDeps) -> None:  # noqa: F811
    """ "the day after the sprint retro" with no time asks what time that day instead of picking one."""
    collector, reply = run_planned(deps, TOM, "put 'Retro notes' in with hana the day after the sprint retro", "book")
    assert not collector.actions and "What time on Sat 12 Dec" in reply


@pytest.mark.parametrize(
    "text",
    [
        "put 'Prep' in with omar the day before the board offsite at 10",  # no such meeting
        "put 'Standup notes' in with omar right after the platform standup",  # several: which one?
    ],
)
def test_an_anchor_that_is_not_one_meeting_asks(deps: GraphDeps, text: str) -> None:  # noqa: F811
    """A meeting to place against that is missing or ambiguous is a question; nothing is booked on a guess."""
    collector, reply = run_planned(deps, TOM, text, "book")
    assert not collector.actions and "?" in reply


# -- "grab the earliest one" after free times were offered ----------------------------------------------------------
def test_picking_an_offered_slot_books_it(deps: GraphDeps) -> None:  # noqa: F811
    """After a find-a-time listed slots, "lock in the first one, call it 'X'" books that slot with the same
    people and length; a search that asked "what are the options?" is a find-a-time in the first place."""
    ask = "need a full hour with hana and priya sometime next thursday, what are the options?"
    calls = planned_calls(ask, "read")
    assert [c["name"] for c in calls] == ["find_free_slots"] and calls[0]["args"]["duration"] == "1h"
    collector = ProposalCollector()
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(TOM), collector)}
    search = {"name": "find_free_slots", "args": calls[0]["args"], "id": "c1", "type": "tool_call"}
    found = tools["find_free_slots"].invoke(search)
    slots = found.artifact
    assert slots
    messages = [
        SystemMessage(
            content="", additional_kwargs={CONTEXT_KEY: {"user_id": TOM, "user_tz": ZONES[TOM], "people": PEOPLE}}
        ),
        HumanMessage(content=ask),
        AIMessage(content="", tool_calls=[search]),
        found,
        AIMessage(content="Free for …"),
        HumanMessage(content="great, lock in the first one and call it 'Onboarding copy review'"),
    ]
    ctx = ModelContext.from_messages(messages)
    plan = plan_calendar(messages, ctx, {"create_event", "find_free_slots"})
    assert [c["name"] for c in plan.calls] == ["create_event"]
    args = plan.calls[0]["args"]
    assert args["title"] == "Onboarding copy review" and args["duration"] == "1h"
    tools["create_event"].invoke(args)
    booked = collector.actions[0].params
    assert booked["start"] == datetime.fromisoformat(slots[0]["start"]).astimezone(ZoneInfo(ZONES[TOM])).isoformat()
    assert set(booked["attendees"]) == {TOM, HANA, PRIYA}


def test_picking_without_an_offer_is_not_a_slot_pick() -> None:
    """ "grab the first one" with no slots offered earlier plans no booking of an offered slot."""
    messages: list[BaseMessage] = [
        SystemMessage(content="", additional_kwargs={CONTEXT_KEY: {"user_id": TOM, "people": PEOPLE}}),
        HumanMessage(content="grab the first one and call it 'Copy review'"),
    ]
    plan = plan_calendar(messages, ModelContext.from_messages(messages), {"create_event"})
    assert not any(c["args"].get("start", "").startswith("2026") for c in plan.calls)


# -- "<meeting> - can we do <time> instead?" is a move --------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "today's ops budget check-in - could we do 4:30pm instead?",
        "the ops budget check-in today, can we do 4:30pm instead? london time",
    ],
)
def test_another_time_instead_for_a_named_meeting_moves_it(deps: GraphDeps, text: str) -> None:  # noqa: F811
    """A meeting named first and then "can we do <time> instead?" moves that meeting; nothing new is booked."""
    collector, reply = run_planned(deps, "U0MAYA0001", text, "book")
    assert [a.tool for a in collector.actions] == ["move_event"], reply
    change = collector.actions[0].params["changes"]["start"]
    assert datetime.fromisoformat(change).astimezone(ZoneInfo("Europe/London")).hour == 16


def test_booking_then_instead_is_not_a_move() -> None:
    """ "book a sync with omar friday - can we do 2pm instead" still books: the first part asks for a new meeting."""
    assert [c["name"] for c in planned_calls("book a sync with omar friday - can we do 2pm instead", "book")] == [
        "create_event"
    ]


# -- "keep <one>" after several cancellations were proposed ---------------------------------------------------------
def test_keeping_one_of_several_pending_cancellations_drops_only_it(deps: GraphDeps) -> None:  # noqa: F811
    """ "actually leave thursday's" after a proposal cancelling three standups re-proposes the other two and
    replaces the whole pending set, so Thursday's is no longer on the card."""
    first = ProposalCollector()
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(TOM), first)}
    for call in planned_calls("scrap the platform standups for the rest of the week, release crunch", "cancel"):
        tools[str(call["name"])].invoke(call["args"])
    assert len(first.actions) >= 3
    days = {datetime.fromisoformat(a.params["start"]).astimezone(ZoneInfo(ZONES[TOM])).weekday() for a in first.actions}
    assert 3 in days  # Thursday's is among them before the follow-up
    pending = [{"id": a.id, "tool": a.tool, "args": a.tool_args, "summary": a.summary} for a in first.actions]
    context = {"user_id": TOM, "user_tz": ZONES[TOM], "people": PEOPLE, "pending": pending}
    messages = [
        SystemMessage(content="", additional_kwargs={CONTEXT_KEY: context}),
        HumanMessage(content="actually leave thursday's, we need it for the demo"),
    ]
    plan = plan_calendar(messages, ModelContext.from_messages(messages), {"cancel_events", "find_events"})
    assert [c["name"] for c in plan.calls] == ["cancel_events"]
    second = ProposalCollector(taken={a.id for a in first.actions})
    retry = {t.name: t for t in build_calendar_tools(deps, _ctx(TOM), second)}
    retry["cancel_events"].invoke(plan.calls[0]["args"])
    kept = second.merged_with([a.model_dump(mode="json") for a in first.actions])
    left = [datetime.fromisoformat(str(p["params"]["start"])).astimezone(ZoneInfo(ZONES[TOM])) for p in kept]  # type: ignore[index]
    assert len(left) == len(first.actions) - 1 and all(d.weekday() != 3 for d in left)


def test_keep_without_pending_cancellations_is_not_a_revision() -> None:
    """ "keep friday's" with nothing pending is planned as usual, not as a cancellation."""
    messages = [
        SystemMessage(content="", additional_kwargs={CONTEXT_KEY: {"user_id": TOM, "people": PEOPLE}}),
        HumanMessage(content="keep friday's standup"),
    ]
    plan = plan_calendar(messages, ModelContext.from_messages(messages), {"cancel_events", "find_events"})
    assert "cancel_events" not in [c["name"] for c in plan.calls]


def test_picking_a_slot_from_someone_elses_search_books_nothing_there(deps: GraphDeps) -> None:  # noqa: F811
    """In a shared thread, "grab the earliest one" from a person who did not run the find-a-time never books a
    slot that was free for the searcher's calendar and people, not the speaker's."""
    ask = "need a full hour with hana and priya sometime next thursday, what are the options?"
    search = {"name": "find_free_slots", "args": planned_calls(ask, "read")[0]["args"], "id": "c1", "type": "tool_call"}
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(TOM), ProposalCollector())}
    found = tools["find_free_slots"].invoke(search)
    assert found.artifact
    offered = {str(s["start"]) for s in found.artifact}
    messages = [
        SystemMessage(
            content="", additional_kwargs={CONTEXT_KEY: {"user_id": OMAR, "user_tz": ZONES[OMAR], "people": PEOPLE}}
        ),
        HumanMessage(content=ask, name=TOM),
        AIMessage(content="", tool_calls=[search]),
        found,
        AIMessage(content="Free for …"),
        HumanMessage(content="great, lock in the first one and call it 'Onboarding copy review'", name=OMAR),
    ]
    plan = plan_calendar(messages, ModelContext.from_messages(messages), {"create_event", "find_free_slots"})
    starts = {str(c["args"].get("start") or "") for c in plan.calls}
    local = {f"{datetime.fromisoformat(s).astimezone(ZoneInfo(ZONES[OMAR])):%Y-%m-%d %H:%M}" for s in offered}
    assert not starts & local, plan.calls
