"""The local model's calendar parser: selectors, times and conditions compose in any order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.local_model.calendar_nlu import parse_calendar_request
from graph.local_model.calendar_planner import plan_from_frame
from graph.local_model.lexicon import Lexicon
from integrations.demo_company import load_demo_company

_demo = load_demo_company()
LEX = Lexicon.build([{"id": p.id, "name": p.name, "handle": p.handle, "email": p.email} for p in _demo.people], [])


def _parse(text: str):  # type: ignore[no-untyped-def]
    return parse_calendar_request(text, LEX, suggested=None)


def test_selectors_combine_first_day_and_person() -> None:
    """ "the earliest meeting with Hana on Friday" keeps all three selectors."""
    frame = _parse("cancel the earliest meeting with Hana on Friday")
    assert (frame.action, frame.which, frame.day, frame.with_people) == ("cancel", "first", "Friday", ["Hana"])


def test_move_by_an_amount_reads_direction() -> None:
    """ "bring my 1:1 with Priya tomorrow forward by 45 minutes" is a move 45 minutes earlier."""
    frame = _parse("bring my first 1:1 with Priya tomorrow forward by 45 minutes")
    assert frame.action == "move"
    assert frame.shift == timedelta(minutes=-45)
    assert frame.day == "tomorrow"


def test_move_to_a_new_time() -> None:
    """ "reschedule the next design review to Thursday at 2" names the meeting and the new time."""
    frame = _parse("reschedule the next design review to Thursday at 2")
    assert (frame.action, frame.which, frame.title, frame.to) == ("move", "next", "design review", "Thursday at 2")


def test_rename_separates_old_and_new_titles() -> None:
    """The selector title and the new title are told apart by "to"."""
    frame = _parse("please rename my next weekly planning session to Roadmap Review")
    assert frame.title == "weekly planning"
    assert frame.new_title == "Roadmap Review"


def test_bulk_cancel_of_future_meetings_with_someone() -> None:
    """ "Sam has left; drop every upcoming meeting with him" cancels all future meetings with Sam."""
    frame = _parse("Sam has left; drop every upcoming meeting with Sam")
    plan = plan_from_frame(frame)
    assert plan.calls == [
        {"name": "cancel_events", "args": {"with_person": "Sam", "future_only": True, "which": "next"}}
    ] or plan.calls == [{"name": "cancel_events", "args": {"with_person": "Sam", "future_only": True}}]


def test_conditional_booking_keeps_the_condition() -> None:
    """A "haven't met in N days" clause becomes a condition on the booking, not a separate action."""
    frame = _parse(
        "if I haven't seen Lena in the past 10 days, set up 45 minutes called sync at my first free slot after Monday"
    )
    plan = plan_from_frame(frame)
    assert plan.calls[0]["name"] == "create_event"
    args = plan.calls[0]["args"]
    assert args["only_if_not_met_in_days"] == 10
    assert args["first_free_after"] == "Monday"
    assert args["duration"] == "45 min"
    assert args["title"] == "sync"


def test_missing_title_gets_a_question() -> None:
    """A booking without a name asks for one instead of inventing it."""
    plan = plan_from_frame(_parse("book an hour with Omar tomorrow at 11"))
    assert not plan.calls
    assert "called" in plan.text


@pytest.mark.parametrize(
    "text", ["what's on my calendar today", "do I have anything tomorrow afternoon", "show me my meetings next week"]
)
def test_agenda_questions_read(text: str) -> None:
    """Agenda questions become a find_events call, never a write."""
    plan = plan_from_frame(_parse(text))
    assert [c["name"] for c in plan.calls] == ["find_events"]


@given(st.text(max_size=200))
def test_parser_never_crashes(text: str) -> None:
    """Any text parses into a frame and a plan without raising."""
    plan_from_frame(_parse(text))
