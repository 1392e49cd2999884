"""Calendar and routing classes the fourth blind round exposed, checked in wordings, people and titles of our own.

Classes: a person's own day or date is their agenda; "any meetings left … or am I free" lists what is booked;
asking whether a gap exists on a day is a search bounded to that day that says so when there is none; "re <topic>"
names a booking and a room becomes its location; moves stated as "should start at X not Y", "<meeting> - <verb>
it …", "make it <time> instead", whole-day shifts and "to the <weekday>"; "that day" points back at a day named;
an unknown lower-case guest is refused rather than dropped.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.composition import Core
from graph.actions.calendar import prepare_create, prepare_update
from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.tools.calendar import build_calendar_tools
from graph.tools.proposals import ProposalCollector

from .test_calendar_generalisation import LENA, _call, _ctx, _parse, deps  # noqa: F401
from .test_triage_docs import _route

MAYA, GRACE = "U0MAYA0001", "U0GRACE009"


# -- a person's own day or date is their agenda -----------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["how's my friday looking?", "what have I got going on on the 9th", "what do we have lined up for monday?"],
)
def test_own_day_questions_route_to_the_calendar(core: Core, text: str) -> None:
    """Asking how one's own day or date looks is an agenda question, never a docs search."""
    assert _route(core, text) == "calendar"


def test_policy_question_with_a_day_still_goes_to_docs(core: Core) -> None:
    """ "how many days of leave do I have" is not an agenda question."""
    assert _route(core, "how many days of leave do i have this year?") == "docs"


# -- "any meetings left … or am I free" lists what is booked ----------------------------------------------------------
def test_meetings_left_or_free_lists_what_is_still_booked() -> None:
    """ "any syncs remaining on friday or am I free then?" reads the calendar from now on, not free slots."""
    name, args = _call("any syncs remaining on friday or am i free then?")
    assert name == "find_events" and args["day"] == "friday" and args["after"] == "now"


def test_when_am_i_free_is_still_a_search() -> None:
    """ "when am I free tomorrow?" asks for free time, so it stays a search."""
    assert _call("when am I free tomorrow?")[0] == "find_free_slots"


# -- asking whether a gap exists is a search bounded to the day named ---------------------------------------------
def test_is_there_a_window_on_a_day_searches_that_day_only() -> None:
    """ "is there a 45 minute window on friday for lena and me?" finds free time on Friday, without a title."""
    name, args = _call("is there a 45 minute window on friday for lena and me?")
    assert name == "find_free_slots" and args["after"] == "friday" and args["before"] == "friday at 23:59"


def test_from_a_day_onwards_is_not_bounded() -> None:
    """ "find 30 mins with Sofia from monday" looks from Monday on, not only on Monday."""
    _name, args = _call("find 30 mins with Sofia from monday")
    assert "before" not in args


def test_no_slot_on_the_day_is_said_plainly(deps: GraphDeps) -> None:  # noqa: F811
    """With no shared working time that day the search says there is none and proposes nothing."""
    collector = ProposalCollector()
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(GRACE), collector)}
    reply = str(
        tools["find_free_slots"].invoke({"attendees": ["priya"], "after": "friday", "before": "friday at 23:59"})
    )
    assert "There's no free 30 min slot" in reply and not collector.actions


# -- "re <topic>" names a booking; a room becomes the location --------------------------------------------------------
def test_re_topic_names_the_booking() -> None:
    """ "… re the badge reader migration" is the meeting's title, so the booking asks no question."""
    name, args = _call("need 45 min w/ Lena friday 2pm re the badge reader migration, can you book it")
    assert name == "create_event" and args["title"] == "Badge reader migration" and args["attendees"] == ["Lena"]


@pytest.mark.parametrize(
    ("text", "room"),
    [
        ("book the Kite room friday 10am for 'hiring debrief' with Sofia", "Kite"),
        ("reserve Falcon on monday at 3pm, 1h, title 'vendor demo'", "Falcon"),
        ("schedule 'badge audit' with Omar tomorrow at 11 in room 4B", "4B"),
    ],
)
def test_a_named_room_is_the_location(text: str, room: str) -> None:
    """A room named by "the X room", "reserve X" or "room X" goes into the booking's location."""
    name, args = _call(text)
    assert name == "create_event" and args["location"] == room


def test_a_people_name_is_never_a_room() -> None:
    """ "book Omar tomorrow at 3" names a person, not a room."""
    assert _parse("reserve Omar tomorrow 3pm, title 'vendor demo'").location is None


def test_a_short_room_name_is_spelled_as_the_calendar_spells_it(deps: GraphDeps) -> None:  # noqa: F811
    """ "Kite" becomes the one known location carrying that name; an unknown room stays as written."""
    args = {"title": "Hiring debrief", "start": "friday at 10am", "attendees": ["Omar"], "location": "Kite"}
    action = prepare_create(args, deps, _ctx(MAYA), action_id="a1")
    assert action.params["location"] == "London office, room Kite"
    action = prepare_create({**args, "location": "Falcon"}, deps, _ctx(MAYA), action_id="a2")
    assert action.params["location"] == "Falcon"


# -- moves ------------------------------------------------------------------------------------------------------------
def test_should_start_at_new_time_not_old_is_a_move() -> None:
    """ "on thursday my standup should start at 10am not 9:30" moves the standup to 10am (the old time is ignored)."""
    name, args = _call("on thursday my standup should start at 10am not 9:30")
    assert name == "move_event" and args["to"] == "10am" and args["day"] == "thursday" and args["title"] == "standup"


def test_meeting_named_before_a_dash_is_the_one_moved() -> None:
    """ "vendor sync - push it back 15 mins": the name before the dash is the meeting."""
    name, args = _call("vendor sync - push it back 15 mins")
    assert name == "move_event" and args["title"] == "vendor sync" and args["by"] == "15 min"


def test_make_it_a_new_time_instead_is_a_move() -> None:
    """ "the hiring sync on friday, could you make it 4pm instead" moves that meeting to 4pm."""
    name, args = _call("the hiring sync on friday, could you make it 4pm instead")
    assert name == "move_event" and args["title"] == "hiring sync" and args["day"] == "friday" and args["to"] == "4pm"


@pytest.mark.parametrize(
    ("text", "by"),
    [
        ("design crit sesh next week needs to move two days later", "2 days"),
        ("push my retro back a week", "7 days"),
        ("bring the budget review forward a day", "-1 day"),
    ],
)
def test_whole_day_shifts(text: str, by: str) -> None:
    """Moves by days or weeks ("a day later", "back a week") shift the day and keep the time; "sesh" is a session."""
    name, args = _call(text)
    assert name == "move_event" and args["by"] == by


def test_a_day_shift_keeps_the_local_clock_time(deps: GraphDeps) -> None:  # noqa: F811
    """Moving next week's hiring sync by one day lands on the Tuesday at the same Berlin time."""
    action = prepare_update(
        {"day": "next week", "title": "hiring sync", "by": "1 day"}, deps, _ctx(LENA), action_id="a1"
    )
    start = datetime.fromisoformat(action.params["changes"]["start"]).astimezone(ZoneInfo("Europe/Berlin"))
    assert (start.date(), start.hour, start.minute) == (date(2026, 12, 8), 10, 0)


def test_swap_to_the_weekday_stays_in_the_meetings_week(deps: GraphDeps) -> None:  # noqa: F811
    """ "switch next week's hiring sync to the wednesday" is Wednesday of that week, same time."""
    name, args = _call("switch next week's hiring sync to the wednesday, same time")
    assert name == "move_event" and args["to"] == "the wednesday"
    action = prepare_update(args, deps, _ctx(LENA), action_id="a1")
    start = datetime.fromisoformat(action.params["changes"]["start"]).astimezone(ZoneInfo("Europe/Berlin"))
    assert (start.date(), start.hour) == (date(2026, 12, 9), 10)


# -- "that day" points back at the day named ------------------------------------------------------------------------
def test_that_day_refers_back_to_the_day_named() -> None:
    """ "I'm off on monday, so drop my budget check-in that day" cancels Monday's budget check-in."""
    name, args = _call("I'm off on monday, so drop my budget check-in that day")
    assert name == "cancel_events" and args["day"] == "monday" and args["title"] == "budget check-in"


# -- an unknown guest is refused, not dropped -------------------------------------------------------------------------
def test_unknown_lower_case_guest_is_kept_so_the_booking_refuses(deps: GraphDeps) -> None:  # noqa: F811
    """ "a sync w/ bob from legal" keeps "bob" as a guest; nobody is called Bob, so nothing is proposed."""
    name, args = _call("book a sync w/ bob from legal tomorrow 3pm")
    assert name == "create_event" and "bob" in args["attendees"]
    with pytest.raises(ActionInvalidError, match="anyone called 'bob'"):
        prepare_create(args, deps, _ctx(LENA), action_id="a1")


@pytest.mark.parametrize(
    "text", ["book 'team lunch' with the team tomorrow at 1pm", "set up a 'pricing chat' with marketing friday 10am"]
)
def test_groups_after_with_are_not_guests(text: str) -> None:
    """Groups and teams after "with" are not unknown people."""
    _name, args = _call(text)
    assert args["attendees"] == []
