"""Classes of ticket request the fourth blind round exposed, each in wordings, people and projects of its own.

Work-status statements, hand-overs, "open one" and "is anyone tracking" route to tickets; search filters
(unassigned, "-tagged" labels, top priority, team names, not started); "ticket pls:" creates; priorities that
something "should be"; "give it another week"; bulk "stuff" and weekday-plus-date due dates.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.composition import Core
from graph.errors import ActionInvalidError
from graph.local_model.router import route_text
from graph.local_model.ticket_bulk import due_shift_days, parse_bulk
from graph.local_model.tickets_nlu import find_priority, find_statement_subject
from graph.resolve import resolve_due_date
from graph.state import ConversationContext
from graph.tools.tickets import resolve_statuses
from integrations.tickets.base import match_score, significant_words

from .conftest import DIEGO, HANA, MAYA, PRIYA, TOM
from .test_ticket_nlu import LEX, parsed_frame

SOFIA = "U0SOFIA012"


# -- 1. routing ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "kicking off the dark mode contrast fix today, mark it as in progress",
        "the search duplicates bug is fixed and merged, close it pls",
        "Priya's taking over the invoice export work",
        "Diego is off next week - whatever he's got that isn't finished, hand it to Omar",
        "open one on the design board: the empty state illustrations are missing",
        "raise another in OPS for diego: the kitchen tap drips",
        "did my request for a new keyboard ever get sorted?",
        "is anyone already tracking the badge reader being offline?",
        "can you open one in ENG for priya - the export needs a progress bar. due end of the week",
    ],
)
def test_work_statements_handovers_and_tracking_questions_route_to_tickets(text: str) -> None:
    """Statements of progress, hand-overs, "open one" and "is anyone tracking X" are ticket requests."""
    assert route_text(text).route == "tickets"


@pytest.mark.parametrize(
    "text",
    ["what's on my calendar tomorrow?", "how many vacation days do I get?", "move my 3pm meeting to 4"],
)
def test_the_new_ticket_cues_leave_calendar_and_docs_alone(text: str) -> None:
    """Calendar and policy questions are not pulled into tickets by the new cues."""
    assert route_text(text).route != "tickets"


# -- 2. statements about a piece of work ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "kicking off the colour palette work today, mark it as being worked on",
            {"action": "update", "status": "in progress", "about": "colour palette"},
        ),
        (
            "the notification worker leak is fixed and merged, please close it",
            {"action": "close", "about": "notification worker leak"},
        ),
        (
            "Diego's taking over the badge reader work",
            {"action": "update", "assignee": "Diego", "about": "badge reader"},
        ),
    ],
)
def test_a_statement_names_the_work_and_the_change(text: str, expected: dict[str, object]) -> None:
    """ "starting the X", "X is fixed and merged", "Y's taking over the X work" name the ticket by X and the change."""
    frame = parsed_frame(text)
    assert {k: frame.get(k) for k in expected} == expected


@pytest.mark.parametrize("text", ["I'm starting on it today", "everything is done", "we're taking over"])
def test_pronouns_are_no_statement_subject(text: str) -> None:
    """A statement about "it" or "everything" names no ticket by description."""
    assert find_statement_subject(text, LEX) is None


def test_a_handover_statement_proposes_the_one_matching_ticket(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "priya's taking over the rate limiting work" proposes giving ENG-7 to Priya and nothing else."""
    outcome = core.runtime.handle_message(ctx(user=MAYA), "priya's taking over the rate limiting work")
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["params"]["key"] == "ENG-7"


def test_a_fixed_statement_closes_the_matching_ticket(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """ "the dark mode contrast issue is fixed and merged, close it" proposes ENG-6 to its final status."""
    outcome = core.runtime.handle_message(ctx(user=TOM), "the dark mode contrast issue is fixed and merged, close it")
    assert outcome.new_approval is not None, outcome.reply
    assert [a["params"]["key"] for a in outcome.new_approval.actions][:1] == ["ENG-6"]


def test_a_statement_about_unknown_work_asks_instead_of_writing(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """A statement whose work matches no open ticket proposes nothing and asks which ticket."""
    outcome = core.runtime.handle_message(ctx(user=HANA), "the quantum teleporter fix is merged, close it")
    assert outcome.new_approval is None and "key" in outcome.reply.lower()


# -- 3. search filters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anything in DES without anyone assigned?", {"assignee": "nobody", "project": "DES"}),
        ("frontend-tagged bugs that are still open?", {"labels": ["frontend"]}),
        ("what's at top priority in OPS right now?", {"priority": "highest", "project": "OPS"}),
        ("which design-team tickets haven't been picked up yet?", {"project": "DES", "status": "not started"}),
        ("which of Tom's tickets hasn't been started?", {"assignee": "Tom", "status": "not started"}),
    ],
)
def test_search_filters_in_other_words(text: str, expected: dict[str, object]) -> None:
    """Unassigned, "-tagged" labels, top priority, a team's name and "not started" are filters, not search words."""
    frame = parsed_frame(text, suggested="search")
    assert frame["action"] == "search"
    assert {k: frame.get(k) for k in expected} == expected and frame.get("search_text") is None


def test_not_started_is_the_first_status_of_any_workflow() -> None:
    """ "not started" resolves to the workflow's first status, whatever it is called."""
    assert resolve_statuses("not started", ("To Do", "Doing", "Done")) == ["To Do"]
    assert resolve_statuses("not started", ("Backlog", "In Progress", "In Review", "Done")) == ["Backlog"]


def test_own_request_question_searches_what_i_filed_including_finished(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "did my report about X ever get fixed?" searches the asker's own tickets, finished ones too."""
    frame = parsed_frame("did my report about the invoice export ever get fixed", suggested="create")
    assert frame.get("reporter") == "me" and frame.get("include_done") is True and frame.get("assignee") is None
    outcome = core.runtime.handle_message(ctx(user=SOFIA), "did my report about the invoice export ever get fixed?")
    assert "ENG-1" in outcome.reply and outcome.new_approval is None


def test_is_anyone_tracking_searches_the_whole_description(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """ "is anyone tracking X?" searches for X as a whole, not only the words after its last preposition."""
    frame = parsed_frame("is anyone already tracking secondary text failing contrast in dark mode?", suggested="create")
    assert frame["action"] == "search" and "secondary" in frame["search_text"]
    outcome = core.runtime.handle_message(
        ctx(user=PRIYA), "is anyone tracking secondary text failing contrast in dark mode?"
    )
    assert "ENG-6" in outcome.reply


def test_inflected_words_still_match_their_stems() -> None:
    """ "limiting" matches "rate-limit" and "overlapping" matches "overlap"."""
    assert match_score(significant_words("api limiting"), "Rate-limit the public API", "")
    assert match_score(significant_words("cards overlapping"), "Pricing page", "Plan cards overlap")


# -- 4. creates ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "bug pls: the search box loses focus. mine, low prio, due mon",
            {"action": "create", "priority": "low", "assignee": "me", "due": "mon"},
        ),
        ("task please - order more webcams for room B", {"action": "create"}),
    ],
)
def test_a_noun_and_please_before_the_colon_is_a_create(text: str, expected: dict[str, object]) -> None:
    """ "bug pls: …", "task please - …" file a ticket with every slot, never search."""
    frame = parsed_frame(text, suggested="search")
    assert {k: frame.get(k) for k in expected} == expected
    assert frame.get("title") and "pls" not in frame["title"].lower()


def test_someone_owns_it_names_the_assignee_of_a_new_ticket() -> None:
    """ "… . hana owns it" on a create makes Hana the assignee."""
    frame = parsed_frame("open one for refreshing the icon set. hana owns it")
    assert frame["action"] == "create" and frame["assignee"] == "hana"


def test_open_one_on_an_unknown_board_changes_nothing(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """ "open one on the IOS board: …" names a project that doesn't exist: no proposal, and the reply says so."""
    assert parsed_frame("open one on the IOS board: login button is hidden")["project"] == "IOS"
    outcome = core.runtime.handle_message(ctx(user=PRIYA), "open one on the IOS board: login button is hidden")
    assert outcome.new_approval is None and "no project" in outcome.reply.lower()


# -- 5. updates ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("OPS-7 should be low, it's only cosmetic", "low"),
        ("PPL-3 needs to be highest, finance is waiting", "highest"),
        ("make DES-2 top priority", "highest"),
    ],
)
def test_the_priority_something_should_be(text: str, priority: str) -> None:
    """ "X should be low", "needs to be highest", "top priority" set that priority."""
    assert find_priority(text) == priority
    assert parsed_frame(text)["action"] == "update"


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("PPL-2 needs another week", 7),
        ("give ENG-3 two more days", 2),
        ("DES-6 will slip, allow an extra week", 7),
        ("give it another fortnight", 14),
    ],
)
def test_more_time_is_a_due_date_shift(text: str, days: int) -> None:
    """ "give it one more week", "needs another week" move the due date later by that much."""
    assert due_shift_days(text) == days


def test_more_time_proposes_a_later_due_date_not_a_reassignment(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "ENG-3 is going to slip, give it two more days" proposes ENG-3's due date two days later."""
    outcome = core.runtime.handle_message(ctx(user=TOM), "ENG-3 is going to slip, give it two more days")
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["params"]["key"] == "ENG-3" and "due_date" in action["params"]["changes"]
    assert "assignee" not in action["params"]["changes"]


def test_comment_on_a_ticket_named_first_by_description() -> None:
    """ "on the colour palette ticket add a note that …" comments on the described ticket with the body after "that"."""
    frame = parsed_frame("on the colour palette ticket add a note that we need the WCAG numbers")
    assert frame["action"] == "comment" and frame["about"] == "colour palette"
    assert frame["comment"] == "we need the WCAG numbers"


# -- 6. bulk -------------------------------------------------------------------------------------------------


def test_bulk_stuff_is_a_set_of_tickets() -> None:
    """ "all my late stuff - set the due dates to next friday" changes my overdue tickets' due date."""
    frame = parse_bulk("all my late stuff - set the due dates to next friday", LEX)
    assert frame is not None
    assert frame.tool_args() == {"assignee": "me", "overdue": True, "new_due_date": "next friday"}


def test_a_weekday_that_contradicts_the_date_is_a_question() -> None:
    """ "fri the 26th" when the 26th is a Thursday raises a question instead of picking one."""
    from datetime import UTC, datetime

    now = datetime(2026, 11, 17, 10, tzinfo=UTC)
    assert resolve_due_date("fri the 27th", now=now, tz="UTC").isoformat() == "2026-11-27"
    with pytest.raises(ActionInvalidError, match="Which date"):
        resolve_due_date("fri the 26th", now=now, tz="UTC")


def test_bulk_with_a_contradictory_date_proposes_nothing(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """A bulk due-date change to "thu the 27th" (a Friday) proposes nothing and asks."""
    outcome = core.runtime.handle_message(ctx(user=DIEGO), "all my stuff - set the due dates to thu the 27th")
    assert outcome.new_approval is None
