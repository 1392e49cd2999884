"""Classes the sixth blind round exposed, checked in wordings, people, days, titles and projects of our own.

Classes: a question about one's own meetings followed by what the person means to plan around them is an agenda
read, never a booking ("how packed is my X" included); "those days" after a range of days means every day of the
range; a statement that work on a ticket is starting, followed by changes to "it", updates the ticket the
statement describes and never files a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from bot.composition import Core
from graph.actions.calendar import prepare_cancel
from graph.deps import GraphDeps
from graph.local_model.router import route_text
from graph.local_model.tickets_nlu import parse_ticket_request
from graph.parsing.datetimes import find_day_range
from graph.state import ConversationContext
from integrations.tickets.base import match_score, significant_words

from .conftest import HANA, TOM
from .test_calendar_generalisation import DIEGO, LEX, PRIYA, _call, _ctx, _parse, deps  # noqa: F401
from .test_ticket_nlu import LEX as TICKET_LEX

AKIRA = "U0AKIRA011"

# -- 1. an agenda question with a plan attached is a read --------------------------------------------------------------
AGENDA_WITH_PLANS = [
    ("can you tell me which calls we have on Monday? want to fit a couple of interviews in between", "Monday"),
    ("what meetings do I have tomorrow? I'd like to plan two supplier visits around them", "tomorrow"),
    ("how busy is my friday looking? hoping to block a few hours for the budget deck", "friday"),
    ("how stacked is my thursday? trying to set up a lunch with the new hires", "thursday"),
    ("which events have I got on Tuesday next week? planning to book some candidate chats around them", None),
]


@pytest.mark.parametrize(("text", "day"), AGENDA_WITH_PLANS)
def test_an_agenda_question_with_plans_is_a_read(text: str, day: str | None) -> None:
    """The question is the ask; what the person means to plan around the answer is context, not a booking."""
    name, args = _call(text)
    assert name == "find_events", args
    assert not args.get("title"), "the plan's words are no title filter"
    if day:
        assert args["day"] == day


@pytest.mark.parametrize(
    "text",
    [
        "morning! how packed is my tuesday looking? want to carve out some time for the roadmap",
        "how hectic is my monday? need to find room for the quarterly review prep",
        "how full is my friday looking",
    ],
)
def test_how_packed_is_my_day_routes_to_the_calendar(text: str) -> None:
    """ "how packed/hectic/full is my <day>" is an agenda question, not the help text."""
    assert route_text(text).route == "calendar"
    assert _parse(text).action == "read"


def test_a_booking_after_an_agenda_question_without_plans_is_untouched() -> None:
    """A plain booking still books: only an agenda question turns the message into a read."""
    assert _call("book a 30 min sync with Omar on thursday at 2pm")[0] == "create_event"


@pytest.mark.parametrize("text", [t for t, _ in AGENDA_WITH_PLANS[:3]])
def test_an_agenda_question_with_plans_proposes_nothing(
    core: Core, ctx: Callable[..., ConversationContext], text: str
) -> None:
    """End to end: nothing is proposed for an agenda question that mentions plans."""
    outcome = core.runtime.handle_message(ctx(user=PRIYA), text)
    assert outcome.new_approval is None, outcome.reply


# -- 2. "those days" after a range of days is every day of it ----------------------------------------------------------
@pytest.mark.parametrize(
    ("phrase", "first", "last"),
    [
        ("tue 8th through thu 10th", date(2026, 12, 8), date(2026, 12, 10)),
        ("monday to wednesday next week", date(2026, 12, 7), date(2026, 12, 9)),
        ("from the 9th until the 11th", date(2026, 12, 9), date(2026, 12, 11)),
        ("between Dec 8 and Dec 10", date(2026, 12, 8), date(2026, 12, 10)),
    ],
)
def test_a_range_of_days_reads_as_its_first_and_last_day(phrase: str, first: date, last: date) -> None:
    """Two day phrases joined by through/to/until/and (after "between") are a range of days."""
    assert find_day_range(phrase, date(2026, 12, 2)) == (first, last)


@pytest.mark.parametrize(
    ("user", "text", "title", "days"),
    [
        (
            TOM,
            "I'm out tue 8th through thu 10th. can you cancel the platform standups on those days?",
            "Platform standup",
            [8, 9, 10],
        ),
        (
            PRIYA,
            "off monday to wednesday next week - please drop my focus blocks on those days",
            "Focus: ingestion pipeline",
            [7, 8, 9],
        ),
        (
            DIEGO,
            "travelling from the 7th until the 9th, could you scrap the ops standups during those dates?",
            "Ops standup",
            [7, 9],
        ),
    ],
)
def test_those_days_after_a_range_cancels_on_every_day(
    deps: GraphDeps,  # noqa: F811
    user: str,
    text: str,
    title: str,
    days: list[int],
) -> None:
    """ "those days" after "X through Y" covers every day of the range, and nothing outside it."""
    name, args = _call(text)
    assert name == "cancel_events", args
    actions = prepare_cancel(args, deps, _ctx(user), first_id="a1", next_id=lambda: "a2")
    assert {a.params["title"] for a in actions} == {title}
    assert sorted(datetime.fromisoformat(a.params["start"]).day for a in actions) == days


def test_a_move_from_one_day_to_another_is_no_range() -> None:
    """ "move my 1:1 from monday to wednesday" still moves to Wednesday."""
    name, args = _call("move my 1:1 with Omar from monday to wednesday")
    assert name == "move_event" and "wednesday" in args["to"].lower()


# -- 3. work starting on a described ticket, then changes to "it": an update ----------------------------------------
@pytest.mark.parametrize(
    ("text", "status", "priority"),
    [
        (
            "kicked off the mobile-layout bug this morning, move it to in progress and make it high",
            "in progress",
            "high",
        ),
        ("picking up the postgres upgrade today - set it to in progress and bump it to highest", "in progress", None),
        ("starting on the empty-states work now, flip it to in review pls", "in review", None),
    ],
)
def test_work_starting_then_changes_to_it_is_an_update(text: str, status: str, priority: str | None) -> None:
    """A work-status statement followed by changes to "it" is an update of the described ticket, not a create."""
    frame = parse_ticket_request(text, TICKET_LEX, suggested=None)
    assert frame.action == "update", frame
    assert frame.about and frame.status == status
    if priority:
        assert frame.priority == priority


def test_an_explicit_new_ticket_is_still_a_create() -> None:
    """ "start a new ticket for the login bug, make it high" still files a ticket."""
    assert parse_ticket_request(
        "start a new ticket for the login bug, make it high", TICKET_LEX, suggested=None
    ).action == ("create")


def test_a_hyphenated_word_matches_the_words_apart() -> None:
    """ "week-start" / "mobile-layout" find titles that write the words apart or joined."""
    assert match_score(significant_words("mobile-layout"), "Mobile layout breaks on the pricing page", "")
    assert match_score(significant_words("sign-up"), "Signup form rejects plus addresses", "")


@pytest.mark.parametrize(
    ("user", "text", "key", "status"),
    [
        (TOM, "kicked off the mobile-layout bug this morning, move it to in progress and make it high", "ENG-12", None),
        (AKIRA, "picking up the postgres upgrade today - set it to in progress and bump it to highest", "ENG-4", None),
        (HANA, "starting on the empty-states work now, flip it to in progress pls", "DES-2", None),
    ],
)
def test_work_starting_updates_the_described_ticket_end_to_end(
    core: Core, ctx: Callable[..., ConversationContext], user: str, text: str, key: str, status: str | None
) -> None:
    """End to end: the described ticket is updated; no ticket is created."""
    outcome = core.runtime.handle_message(ctx(user=user), text)
    assert outcome.new_approval is not None, outcome.reply
    kinds = [(a["kind"], a["params"].get("key")) for a in outcome.new_approval.actions]
    assert all(kind != "ticket.create" for kind, _ in kinds), kinds
    assert ("ticket.update", key) in kinds, kinds


def test_work_starting_on_an_ambiguous_description_asks(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """End to end: several tickets fit the description, so deskhand asks instead of guessing or creating."""
    outcome = core.runtime.handle_message(
        ctx(user=HANA), "starting on the onboarding stuff today, flip it to in progress"
    )
    assert outcome.new_approval is None, outcome.reply
