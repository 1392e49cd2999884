"""Calendar classes the seventh blind round exposed, checked in wordings, people, days and titles of our own.

Classes: a question about the calendar beside a booking the person only muses about is the question (nothing is
proposed); a question about one moment says plainly whether it is free.
"""

from __future__ import annotations

import pytest

from graph.deps import GraphDeps
from graph.local_model.calendar_nlu import parse_calendar_request
from graph.local_model.calendar_planner import plan_from_frame
from graph.tools.calendar import build_calendar_tools
from graph.tools.proposals import ProposalCollector

from .test_calendar_generalisation import DIEGO, LEX, NOAH, _ctx, deps  # noqa: F401


def _calls(text: str, suggested: str | None = None) -> list[dict[str, object]]:
    """The tool calls the local model plans for ``text``."""
    return plan_from_frame(parse_calendar_request(text, LEX, suggested=suggested)).calls


def _run(deps: GraphDeps, user: str, text: str, suggested: str | None = None) -> tuple[ProposalCollector, str]:  # noqa: F811
    """Reads ``text`` as ``user`` and runs the planned tool calls against the demo calendar."""
    collector = ProposalCollector()
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(user), collector)}
    replies = [str(tools[str(c["name"])].invoke(c["args"])) for c in _calls(text, suggested)]
    return collector, "\n".join(replies)


# -- a question beside a maybe-booking is the question ----------------------------------------------------------------
@pytest.mark.parametrize("suggested", [None, "book"])
def test_who_is_in_a_meeting_beside_a_maybe_booking_lists_it(deps: GraphDeps, suggested: str | None) -> None:  # noqa: F811
    """ "who's joining X? thinking about whether to book a prep" lists X with its people and proposes nothing."""
    text = "who's joining the roadmap review next wed? thinking about whether to book a prep with grace first"
    collector, reply = _run(deps, NOAH, text, suggested)
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
    collector, reply = _run(deps, DIEGO, text, "book")
    assert not collector.actions and title in reply


def test_maybe_booking_at_a_time_checks_that_time(deps: GraphDeps) -> None:  # noqa: F811
    """ "could I fit a call in on friday around 9am or is something already there?" names what is there."""
    text = "could I fit a vendor call in on friday around 9am or is something already there?"
    collector, reply = _run(deps, DIEGO, text, "book")
    assert not collector.actions
    assert "not free" in reply and "Ops standup" in reply


def test_is_someone_free_at_a_time_answers_for_that_time(deps: GraphDeps) -> None:  # noqa: F811
    """ "is Omar free thursday at 2pm? may grab him" says plainly that he is free then, and proposes nothing."""
    collector, reply = _run(
        deps, DIEGO, "is omar free thursday at 2pm? might grab him for a coffee, don't send anything yet"
    )
    assert not collector.actions
    assert reply.startswith("Omar Haddad is free at Thu 3 Dec 14:00")


def test_is_someone_free_when_busy_says_busy(deps: GraphDeps) -> None:  # noqa: F811
    """Asked about a moment someone else is booked, the answer says busy and when, without the meeting's title."""
    _collector, reply = _run(deps, DIEGO, "is maya free wednesday at 9:05am?")
    assert reply.startswith("Maya Okafor is busy at Wed 2 Dec 09:05") and "Ops standup" not in reply


def test_a_plain_booking_with_maybe_still_books() -> None:
    """ "maybe" inside a real booking request ("book … at 3pm, maybe in Heron") does not turn it into a question."""
    calls = _calls("book 30 min 'Vendor prep' with Omar tomorrow at 3pm, maybe in Heron", "book")
    assert [c["name"] for c in calls] == ["create_event"]
