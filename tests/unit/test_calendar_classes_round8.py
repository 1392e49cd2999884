"""Calendar classes the eighth blind round exposed, checked in wordings, people, days and titles of our own.

Classes: a change the person leans towards but has not decided ("tempted to", "let me see the day first") or a plan
that hangs on the answer ("if so I'll …") is never proposed; a question that points back ("is she free then?") asks
about the person and moment named beside it; a follow-up taking someone off a pending booking revises it without
them; a list of days ("mon 7th + tue 8th") is each of those days; a time "in his time" or "<city> time" is read in
that zone; "need an hour with X … what've we got?" finds free time and "book that one" books it only when one time
was offered; a clause about someone's situation and a "keep …" clause beside a cancellation never select; "can we do
<meeting> on <day> instead of <day>?" moves that meeting; a listed meeting says where it is.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from graph.deps import GraphDeps
from graph.local_model.calendar_planner import plan_calendar
from graph.local_model.context import CONTEXT_KEY, ModelContext
from graph.local_model.planner import Plan
from graph.parsing.datetimes import find_day_list
from graph.parsing.zones import zone_for_place
from graph.tools.calendar import build_calendar_tools
from graph.tools.proposals import ProposalCollector

from .test_calendar_generalisation import (  # noqa: F401
    DIEGO,
    LEX,
    PEOPLE,
    PRIYA,
    SOFIA,
    TOM,
    ZONES,
    _ctx,
    deps,
    planned_calls,
    run_planned,
)

MAYA, HANA, OMAR, SAM, AKIRA = "U0MAYA0001", "U0HANA0005", "U0OMAR0008", "U0SAMW0006", "U0AKIRA011"


def _follow_up(user: str, text: str, pending: list[dict[str, Any]], tools: set[str]) -> Plan:
    """The plan for a follow-up ``text`` while ``pending`` proposals await approval."""
    context = {"user_id": user, "user_tz": ZONES[user], "people": PEOPLE, "pending": pending}
    messages: list[BaseMessage] = [
        SystemMessage(content="", additional_kwargs={CONTEXT_KEY: context}),
        HumanMessage(content=text),
    ]
    return plan_calendar(messages, ModelContext.from_messages(messages), tools)


def _local(iso: str, user: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(ZONES[user]))


# -- a change leaned towards, or a plan that hangs on the answer, is not proposed ------------------------------------
@pytest.mark.parametrize("suggested", [None, "cancel", "read"])
@pytest.mark.parametrize(
    "text",
    [
        "what's on my calendar thursday next week? tempted to axe q1 planning, lemme look at the whole day first",
        "half a mind to scrap q1 planning thursday next week but let me see what else is on that day first",
    ],
)
def test_an_undecided_cancellation_shows_the_day(deps: GraphDeps, text: str, suggested: str | None) -> None:  # noqa: F811
    """A cancellation the person is only tempted by ("let me see the day first") lists the day; nothing is proposed."""
    collector, reply = run_planned(deps, MAYA, text, suggested)
    assert not collector.actions, reply
    assert "Q1 planning" in reply and "1:1 Maya / Omar" in reply


def test_a_when_question_with_a_plan_on_the_answer_answers_where(deps: GraphDeps) -> None:  # noqa: F811
    """ "when's my next check-in with lena and is it in the office? if so I'll grab a desk" says when and where, and
    books nothing."""
    text = "when's my next check-in with lena and is it in the office? if so i'll book a desk there that morning"
    collector, reply = run_planned(deps, TOM, text, "book")
    assert not collector.actions, reply
    assert "Thu 3 Dec" in reply and "Berlin office" in reply


# -- a question that points back at the person and moment named beside it --------------------------------------------
def test_is_she_free_then_checks_that_person_at_that_moment(deps: GraphDeps) -> None:  # noqa: F811
    """ "pulling sofia into X monday at 10. is she free then? don't send her anything yet" checks Sofia at that moment
    (she is in the hiring sync) and proposes nothing."""
    text = (
        "considering roping sofia into a hiring debrief monday at 10 (my time). is she free then? dont invite her yet"
    )
    calls = planned_calls(text, "move")
    assert [c["name"] for c in calls] == ["check_availability"]
    assert calls[0]["args"]["people"] == ["sofia"] and calls[0]["args"]["at"]
    collector, reply = run_planned(deps, TOM, text, "move")
    assert not collector.actions
    assert reply.startswith("Sofia Marin is busy at Mon 7 Dec 10:00 CET"), reply


# -- taking someone off a pending booking ---------------------------------------------------------------------------
_PENDING_BOOKING = {
    "id": "a1",
    "tool": "create_event",
    "args": {"attendees": ["hana", "priya"], "title": "Index rebuild", "start": "friday at 2pm", "duration": "45 min"},
}


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("actually take hana off it, priya has the details", ["priya"]),
        ("hana doesn't need to come", ["priya"]),
        ("without priya pls", ["hana"]),
        ("don't invite hana after all, sam can sit in", ["priya"]),
        ("drop priya and add sam instead", ["hana", "sam"]),
    ],
)
def test_taking_someone_off_a_pending_booking_revises_it(text: str, left: list[str]) -> None:
    """A follow-up that takes a guest off the meeting being booked re-proposes it (replacing the pending one) without
    them; someone named only as the reason is not added."""
    plan = _follow_up(SAM, text, [_PENDING_BOOKING], {"create_event"})
    assert [c["name"] for c in plan.calls] == ["create_event"], plan.text
    args = plan.calls[0]["args"]
    assert args["attendees"] == left and args["replaces"] == "a1"
    assert (args["title"], args["start"], args["duration"]) == ("Index rebuild", "friday at 2pm", "45 min")


def test_taking_off_someone_not_invited_changes_nothing() -> None:
    """ "leave noah off it" when Noah was never on the booking proposes nothing new and says so."""
    plan = _follow_up(SAM, "leave noah off it", [_PENDING_BOOKING], {"create_event"})
    assert not plan.calls and "noah" in plan.text.lower()


# -- a list of days --------------------------------------------------------------------------------------------------
def test_a_list_of_days_is_each_day() -> None:
    """ "mon 7th + tue 8th", "tue & thu next week", "mon, wed and fri" name those days; "between" keeps a range."""
    today = date(2026, 12, 2)
    assert find_day_list("mon 7th + tue 8th", today) == [date(2026, 12, 7), date(2026, 12, 8)]
    assert find_day_list("tue & thu next week", today) == [date(2026, 12, 8), date(2026, 12, 10)]
    assert find_day_list("mon, wed and fri next week", today) == [
        date(2026, 12, 7),
        date(2026, 12, 9),
        date(2026, 12, 11),
    ]
    assert find_day_list("between monday and wednesday", today) is None


def test_cancelling_on_a_list_of_days_covers_every_day_then_keeps_one_by_title(deps: GraphDeps) -> None:  # noqa: F811
    """ "away tue 8th & thu 10th, cancel my meetings on those days" proposes every meeting on both days (nothing on the
    Wednesday between); "leave the q1 planning alone" then re-proposes all but that one meeting."""
    first = ProposalCollector()
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(MAYA), first)}
    for call in planned_calls("away tue 8th & thu 10th, could you cancel my meetings on those days", "cancel"):
        tools[str(call["name"])].invoke(call["args"])
    days = {_local(a.params["start"], MAYA).day for a in first.actions}
    titles = {a.params["title"] for a in first.actions}
    assert days == {8, 10} and {"Q1 planning", "1:1 Maya / Diego"} <= titles
    pending = [{"id": a.id, "tool": a.tool, "args": a.tool_args, "summary": a.summary} for a in first.actions]
    plan = _follow_up(
        MAYA, "hold on, leave the q1 planning alone, it's happening without me", pending, {"cancel_events"}
    )
    assert [c["name"] for c in plan.calls] == ["cancel_events"]
    second = ProposalCollector(taken={a.id for a in first.actions})
    retry = {t.name: t for t in build_calendar_tools(deps, _ctx(MAYA), second)}
    retry["cancel_events"].invoke(plan.calls[0]["args"])
    kept = {str(p["params"]["title"]) for p in second.merged_with([a.model_dump(mode="json") for a in first.actions])}  # type: ignore[index]
    assert kept == titles - {"Q1 planning"}


def test_the_meetings_i_run_leave_out_invitations(deps: GraphDeps) -> None:  # noqa: F811
    """ "cancel the meetings I'm running on wed 9th + fri 11th" proposes only meetings the speaker organises (the
    laptop handover, office hours), never ones they are invited to (ops standups, the town hall)."""
    text = "off wed 9th + fri 11th - can you cancel the meetings i'm running on those days"
    collector, reply = run_planned(deps, DIEGO, text, "cancel")
    assert {a.params["title"] for a in collector.actions} == {"Laptop handover: new CS hire", "IT office hours"}, reply
    _collector, listed = run_planned(deps, DIEGO, "what meetings am i running on fri the 11th?", "read")
    assert "IT office hours" in listed and "Ops standup" not in listed


# -- a time in someone else's zone ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "zone", "hour"),
    [
        ("book 30 min 'Index rebuild sync' with hana thursday next week at 10am her time", "Asia/Tokyo", 10),
        ("set up 'Churn review' w noah tuesday next week at 9:30am new york time", "America/New_York", 9),
        ("pls put 'Quote check' in with sofia monday at 3pm (madrid)", "Europe/Madrid", 15),
        ("book 'Audit prep' with omar friday at 11am omar's time", "Europe/London", 11),
    ],
)
def test_a_time_in_another_zone_is_read_there(deps: GraphDeps, text: str, zone: str, hour: int) -> None:  # noqa: F811
    """ "<time> her time", "<time> <city> time", "(<city>)" and "<name>'s time" read the clock in that zone."""
    collector, reply = run_planned(deps, PRIYA, text, "book")
    assert len(collector.actions) == 1, reply
    assert datetime.fromisoformat(collector.actions[0].params["start"]).astimezone(ZoneInfo(zone)).hour == hour


def test_my_time_and_plain_times_stay_in_the_speakers_zone() -> None:
    """ "10am my time" and a time with no zone carry no time_zone: the speaker's own clock."""
    for text in ("book 'Vendor sync' with omar friday at 10am my time", "book 'Vendor sync' with omar friday at 10am"):
        (call,) = planned_calls(text, "book")
        assert "time_zone" not in call["args"]


def test_zone_names_are_places_not_words() -> None:
    """Cities and common abbreviations name zones; everyday words that old tz aliases use do not."""
    assert zone_for_place("New York") == "America/New_York" and zone_for_place("IST") == "Asia/Kolkata"
    assert zone_for_place("west") is None and zone_for_place("free") is None


def test_is_someone_free_in_their_time(deps: GraphDeps) -> None:  # noqa: F811
    """ "is omar free monday at 10am his time?" asked from Tokyo checks 10:00 London (19:00 Tokyo), when his vendor
    review runs, not 10:00 Tokyo."""
    _collector, reply = run_planned(deps, HANA, "is omar free monday at 10am his time?")
    assert reply.startswith("Omar Haddad is busy at Mon 7 Dec 19:00 JST"), reply


# -- "need an hour with X … what've we got?" and booking the one offered time ---------------------------------------
def test_needing_time_with_people_and_asking_what_there_is_finds_slots() -> None:
    """ "need 45 min with omar and sofia on the 9th, within working hours. what do we have?" is a find-a-time."""
    calls = planned_calls("need 45 min w omar and sofia on wed the 9th, within working hours. what do we have?", "read")
    assert [c["name"] for c in calls] == ["find_free_slots"]
    assert calls[0]["args"]["duration"] == "45 min" and calls[0]["args"]["attendees"] == ["omar", "sofia"]


def test_what_have_we_got_alone_stays_an_agenda_question() -> None:
    """ "what have we got tomorrow?" with no time wanted still lists the day."""
    assert [c["name"] for c in planned_calls("what have we got tomorrow?", "read")] == ["find_events"]


def _offered(deps: GraphDeps, user: str, ask: str) -> list[BaseMessage]:  # noqa: F811
    """A conversation in which ``ask`` ran a find-a-time for ``user``."""
    (call,) = planned_calls(ask, "read")
    search = {"name": "find_free_slots", "args": call["args"], "id": "c1", "type": "tool_call"}
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(user), ProposalCollector())}
    found = tools["find_free_slots"].invoke(search)
    context = {"user_id": user, "user_tz": ZONES[user], "people": PEOPLE}
    return [
        SystemMessage(content="", additional_kwargs={CONTEXT_KEY: context}),
        HumanMessage(content=ask),
        AIMessage(content="", tool_calls=[search]),
        found,
        AIMessage(content="Free for …"),
    ]


def test_book_that_one_of_several_offered_times_asks_which(deps: GraphDeps) -> None:  # noqa: F811
    """ "book that one" after several times were offered asks which; nothing is booked on a guess."""
    messages = _offered(deps, TOM, "need half an hour with omar next week, what've we got?")
    messages.append(HumanMessage(content="nice, book that one - 'Cache warmup'"))
    plan = plan_calendar(messages, ModelContext.from_messages(messages), {"create_event", "find_free_slots"})
    assert not plan.calls and "which one" in plan.text


# -- context and "keep" clauses beside a cancellation ----------------------------------------------------------------
def test_a_persons_situation_beside_a_cancellation_is_not_a_selector(deps: GraphDeps) -> None:  # noqa: F811
    """ "priya's out till monday, can you kill friday's pipeline review? leave next week's as it is" cancels that one
    meeting: Priya and Monday are why, and next week's is not what to cancel."""
    text = "priya's out till monday, can you kill friday's pipeline review? leave next week's as it is"
    (call,) = planned_calls(text, "find_time")
    assert call["name"] == "cancel_events" and "with_person" not in call["args"]
    collector = ProposalCollector()
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(AKIRA), collector)}
    tools["cancel_events"].invoke(call["args"])
    assert len(collector.actions) == 1
    assert collector.actions[0].params["title"] == "Pipeline review"
    assert _local(collector.actions[0].params["start"], AKIRA).date() == date(2026, 12, 4)


def test_keep_beside_a_set_cancellation_spares_it(deps: GraphDeps) -> None:  # noqa: F811
    """ "cancel my platform standups next week but keep friday's" cancels the others and not Friday's."""
    collector, reply = run_planned(deps, TOM, "cancel my platform standups next week but keep friday's", "cancel")
    days = {_local(a.params["start"], TOM).weekday() for a in collector.actions}
    assert days == {0, 1, 2, 3}, reply


# -- "can we do <meeting> on <day> instead of <day>?" ---------------------------------------------------------------
def test_doing_a_meeting_on_another_day_instead_moves_it(deps: GraphDeps) -> None:  # noqa: F811
    """ "can we do the renewal call on fri the 11th instead of thu? same time" moves it to Friday at the same time."""
    collector, reply = run_planned(
        deps, SOFIA, "can we do the renewal call on fri the 11th instead of thu? same time", "book"
    )
    assert [a.tool for a in collector.actions] == ["move_event"], reply
    moved = _local(collector.actions[0].params["changes"]["start"], SOFIA)
    assert (moved.date(), moved.hour) == (date(2026, 12, 11), 11)


# -- where a meeting is ---------------------------------------------------------------------------------------------
def test_listed_meetings_say_where_they_are(deps: GraphDeps) -> None:  # noqa: F811
    """A meeting with a location is listed with it, so "is it in person?" has an answer."""
    _collector, reply = run_planned(deps, OMAR, "when's my next interview?")
    assert "room Kite" in reply
