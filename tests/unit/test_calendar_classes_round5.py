"""Calendar classes the fifth blind round exposed, checked in wordings, people, days and titles of our own.

Classes: a question about what is booked is an agenda read even when the message also mentions booking something;
a weekday with a day of the month names that date (and a weekday that contradicts it is asked about); "anything
booked", "wats on", "tmrw" are agenda questions and a morning read covers the morning; "shove" is a move; "today's
one" after a reason clause points back at the meeting the reason names.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from graph.actions.calendar import prepare_update
from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.local_model.calendar_nlu import parse_calendar_request
from graph.parsing.datetimes import find_day, parse_datetime
from graph.tools.calendar import build_calendar_tools
from graph.tools.proposals import ProposalCollector

from .test_calendar_generalisation import LENA, LEX, _call, _ctx, _plan, deps  # noqa: F401

TOM = "U0TOMB0004"


def _run(deps: GraphDeps, user: str, text: str) -> tuple[ProposalCollector, list[str]]:  # noqa: F811
    """Reads ``text`` and runs the planned tool calls against the demo calendar."""
    collector = ProposalCollector()
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(user), collector)}
    replies = [str(tools[c["name"]].invoke(c["args"])) for c in _plan(text).calls]
    return collector, replies


# -- a question about the calendar is a read, whatever else the message mentions --------------------------------------
@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("I need to book a physio session monday morning - am I free then?", "monday"),
        ("gonna schedule a haircut tomorrow, anything already booked?", "tomorrow"),
        ("trying to set up a vet visit on thursday; what calls do I have that day?", "thursday"),
        ("planning to book a car service for wed afternoon. what else is on that day?", "wed"),
    ],
)
def test_agenda_question_beside_a_booking_is_a_read(text: str, day: str) -> None:
    """A message asking what is booked reads that day (the whole day), however it mentions a booking of its own."""
    name, args = _call(text)
    assert name == "find_events" and args == {"day": day}


def test_agenda_question_beside_a_booking_proposes_nothing(deps: GraphDeps) -> None:  # noqa: F811
    """End to end: "about to book a dentist slot on friday, what meetings have I got?" lists, and proposes nothing."""
    collector, replies = _run(deps, LENA, "about to book a dentist slot on friday, what meetings have I got then?")
    assert not collector.actions and replies


def test_a_plain_booking_is_still_a_booking() -> None:
    """ "book a sync with Omar friday at 3" still books: no question is asked."""
    assert _call("book a sync with Omar friday at 3pm")[0] == "create_event"


# -- a weekday with a day of the month is that date -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "day"),
    [("Monday the 14th", date(2026, 12, 14)), ("fri 11th", date(2026, 12, 11)), ("the 22nd", date(2026, 12, 22))],
)
def test_weekday_and_day_of_month_name_the_date(text: str, day: date) -> None:
    """ "Monday the 14th" is the 14th; the weekday only checks it."""
    assert find_day(text, date(2026, 12, 2)) == day


def test_booking_on_a_contradicting_weekday_and_date_proposes_nothing(deps: GraphDeps) -> None:  # noqa: F811
    """ "book a retro prep on tuesday the 10th" (a Thursday) is refused with a question, so nothing is proposed."""
    collector, replies = _run(deps, LENA, "book a 30 min retro prep on tuesday the 10th at 2pm")
    assert not collector.actions and "Which day" in replies[0]


def test_move_to_weekday_and_date_lands_on_that_date(deps: GraphDeps) -> None:  # noqa: F811
    """Moving next week's hiring sync "to Monday the 14th at 11am" lands on the 14th, not that week's Monday."""
    name, args = _call("could you move next week's hiring sync to Monday the 14th at 11am?")
    assert name == "move_event"
    action = prepare_update(args, deps, _ctx(LENA), action_id="a1")
    start = datetime.fromisoformat(action.params["changes"]["start"]).astimezone(ZoneInfo("Europe/Berlin"))
    assert (start.date(), start.hour) == (date(2026, 12, 14), 11)


def test_move_to_a_contradicting_weekday_and_date_proposes_nothing(deps: GraphDeps) -> None:  # noqa: F811
    """ "to Wednesday the 15th" (a Tuesday) is refused with a question, so nothing is proposed."""
    _name, args = _call("move next week's hiring sync to Wednesday the 15th at 11am")
    with pytest.raises(ActionInvalidError, match="Which day"):
        prepare_update(args, deps, _ctx(LENA), action_id="a1")


# -- "anything booked", "wats on", "tmrw" are agenda questions ------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["yo, anything booked for me on friday?", "any calls scheduled monday?", "whats on my cal tmrw arvo?"]
)
def test_booked_as_a_description_is_an_agenda_question(text: str) -> None:
    """ "anything booked …" describes meetings; even when the classifier suggests booking it is a read."""
    frame = parse_calendar_request(text, LEX, suggested="book")
    assert frame.action == "read" and frame.day


def test_midnight_written_as_00_00_is_not_noon() -> None:
    """ "tomorrow at 00:00" is the start of tomorrow, so a morning window is not empty."""
    now = datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("UTC"))
    assert parse_datetime("tmrw at 00:00", now=now, tz="Europe/Berlin").hour == 0


def test_a_morning_read_lists_the_morning(deps: GraphDeps) -> None:  # noqa: F811
    """ "wots on my calendar tmrw morning" finds Tom's 10am standup instead of an empty window."""
    name, args = _call("wots on my calendar tmrw morning?")
    assert name == "find_events" and args["after"].endswith("00:00") and args["before"].endswith("12:00")
    collector, replies = _run(deps, TOM, "wots on my calendar tmrw morning?")
    assert not collector.actions and "Platform standup" in replies[0]


# -- "shove" is a move; "same time" keeps the clock time ------------------------------------------------------------
@pytest.mark.parametrize("verb", ["shove", "nudge", "punt"])
def test_colloquial_move_verbs(verb: str) -> None:
    """ "shove my monday planning block to tuesday, same time" moves it to Tuesday."""
    name, args = _call(f"{verb} my monday planning block to tuesday, same time")
    assert name == "move_event" and args["to"] == "tuesday" and args["title"] == "planning block"


# -- a reason clause names the meeting a later "one"/"it" points at --------------------------------------------------
@pytest.mark.parametrize(
    ("text", "title", "day"),
    [
        ("the client moved the demo to the 3rd so can you cancel tomorrow's one", "demo", "tomorrow"),
        ("acme bumped their kickoff to next month, so drop the one on friday", "kickoff", "friday"),
        ("our offsite got moved to march so scrap monday's one", "offsite", "monday"),
    ],
)
def test_one_points_back_at_the_meeting_the_reason_names(text: str, title: str, day: str) -> None:
    """The request after "so" cancels the meeting the reason named, on the day the request names."""
    name, args = _call(text)
    assert name == "cancel_events" and args["title"] == title and args["day"].startswith(day) and args["expect_one"]


def test_the_reason_clause_is_not_a_move() -> None:
    """ "pushed … to january so move today's one to 4pm" moves to 4pm, not to the date in the reason."""
    name, args = _call("the vendor pushed their audit to january so move today's one to 4pm")
    assert name == "move_event" and args["title"] == "audit" and args["to"] == "4pm" and args["day"] == "today"
