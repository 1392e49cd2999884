"""Classes of ticket request the seventh blind round exposed, each in wordings, people and projects of its own.

Questions about tickets somebody already filed are searches by reporter, never creates; a deadline clause
("needs fixing by <date>") inside a create sets the due date; "due by <day>" includes that day.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.composition import Core
from graph.local_model.ticket_bulk import search_due_filter
from graph.local_model.tickets_nlu import find_due
from graph.state import ConversationContext

from .conftest import HANA, MAYA, PRIYA, TOM
from .test_ticket_nlu import berlin_today, parsed_frame

# -- 1. tickets somebody already filed: a search by reporter, never a create ----------------------------------


@pytest.mark.parametrize(
    ("text", "reporter", "project"),
    [
        ("those ops requests i logged last month - where are they at, not chasing anyone", "me", "OPS"),
        ("the handful of issues we filed in des, any progress on them. just curious", "me", "DES"),
        ("what happened to the bugs maya reported", "maya", None),
        ("stuff i submitted to ppl, has any of it moved", "me", "PPL"),
    ],
)
def test_a_question_about_tickets_already_filed_is_a_search_by_reporter(
    text: str, reporter: str, project: str | None
) -> None:
    """Past-tense "i filed / we logged / maya reported" names existing tickets: a reporter search, no title."""
    frame = parsed_frame(text, suggested="create")
    assert frame["action"] == "search" and frame["reporter"] == reporter, frame
    assert frame.get("project") == project and "title" not in frame


def test_filing_a_new_ticket_that_mentions_an_old_one_is_still_a_create() -> None:
    """An explicit "open a ticket" wins over a past-tense "i filed" inside the problem description."""
    frame = parsed_frame("open a ticket: the expense claim i submitted yesterday vanished from the list")
    assert frame["action"] == "create" and "expense claim" in frame["title"].lower()


@pytest.mark.parametrize(
    ("user", "text", "keys", "absent"),
    [
        (MAYA, "the people-team tickets i raised, how are they going? dont nudge anybody", ["PPL-1", "PPL-5"], []),
        (TOM, "are any of the ops requests i opened moving at all, or stuck", ["OPS-1"], ["ENG-3"]),
    ],
)
def test_a_status_question_about_ones_own_reports_proposes_nothing_and_lists_them(
    core: Core, ctx: Callable[..., ConversationContext], user: str, text: str, keys: list[str], absent: list[str]
) -> None:
    """End to end: asking after tickets one reported lists those tickets and proposes no new ticket."""
    outcome = core.runtime.handle_message(ctx(user=user), text)
    assert outcome.new_approval is None, outcome.reply
    for key in keys:
        assert re.search(rf"\b{key}\b", outcome.reply), outcome.reply
    for key in absent:
        assert not re.search(rf"\b{key}\b", outcome.reply), outcome.reply


# -- 2. a deadline clause inside a create sets the due date ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "due", "title_word"),
    [
        ("open a ticket - the badge printer prints blank cards. has to be done by the 4th", "the 4th", "badge"),
        ("log a bug: csv import drops the last row, needs sorting by thu 3 dec", "thu 3 dec", "csv"),
        ("new task: order more standing desks. must be finished by dec 9th", "dec 9th", "desks"),
        ("file an issue for the lobby tv being stuck on a blue screen, should be fixed by wed", "wed", "lobby"),
        (
            "raise a ticket: wifi in the annex keeps dropping, needs looking at by 2nd of january",
            "2nd of january",
            "wifi",
        ),
    ],
)
def test_a_deadline_clause_in_a_create_is_the_due_date_and_no_part_of_the_title(
    text: str, due: str, title_word: str
) -> None:
    """ "needs fixing by", "has to be done by", "must be finished by" <date> set the due date, not the title."""
    frame = parsed_frame(text)
    assert frame["action"] == "create" and frame["due"] == due, frame
    assert title_word in frame["title"].lower()
    assert not re.search(r"\b(?:by|needs|has to|must|should)\b", frame["title"], re.I), frame["title"]


@pytest.mark.parametrize(("text", "due"), [("deadline fri the 11th", "fri the 11th"), ("due by tues", "tues")])
def test_abbreviated_weekdays_and_day_numbers_are_read_as_due_dates(text: str, due: str) -> None:
    """Short weekday names, alone or with "the 11th", are due-date phrases."""
    assert find_due(text) == due


def test_a_create_with_a_deadline_clause_proposes_that_due_date(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: "needs fixing by the <day number>" proposes a ticket due on that day of the month."""
    target = berlin_today() + timedelta(days=10)
    outcome = core.runtime.handle_message(
        ctx(user=HANA),
        f"could you log a bug: chart tooltips overlap the legend on narrow screens. medium prio, give it to tom, "
        f"needs fixing by the {target.day}th",
    )
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    params = action["params"]
    assert params["due_date"] == target.isoformat() and params["assignee_id"] == TOM
    assert "tooltip" in params["title"].lower() and "fixing" not in params["title"].lower()


# -- 3. "due by <day>" includes that day ---------------------------------------------------------------------


def test_by_a_day_is_an_inclusive_bound_and_before_is_not() -> None:
    """A search "by Friday" keeps tickets due on Friday; "before Friday" stops the day before."""
    assert search_due_filter("by friday") == {"due_by": "friday"}
    assert search_due_filter("friday") == {"due_by": "friday"}
    assert search_due_filter("before friday") == {"due_before": "friday"}


def test_tickets_due_by_a_day_include_that_day_and_overdue_ones_but_not_later(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: mine due by a weekday lists the one due that very day and the overdue one, not later ones."""
    # Priya's demo tickets: ENG-11 due in 1 day, ENG-5 in 2, ENG-1 in 3, ENG-9 one day overdue.
    day = (berlin_today() + timedelta(days=2)).strftime("%A").lower()
    outcome = core.runtime.handle_message(ctx(user=PRIYA), f"which of my tickets have to be finished by {day}?")
    assert outcome.new_approval is None, outcome.reply
    for key in ("ENG-5", "ENG-9", "ENG-11"):
        assert re.search(rf"\b{key}\b", outcome.reply), outcome.reply
    assert not re.search(r"\bENG-1\b", outcome.reply), outcome.reply


# -- 4. labels and subjects named before the noun; a lead-in is no filter -----------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("once i've cleared my inbox, which billing-labelled tix are still open?", "billing"),
        ("after standup - what onboarding-labelled tickets are left?", "onboarding"),
        ("so before the planning call: any tix labelled hardware still open", "hardware"),
    ],
)
def test_a_label_filter_after_a_lead_in_searches_by_that_label_only(text: str, label: str) -> None:
    """ "<x>-labelled tix" / "tix labelled x" filter by label; the lead-in adds no status, topic or close."""
    frame = parsed_frame(text, suggested="close")
    assert frame["action"] == "search" and frame["labels"] == [label], frame
    assert "search_text" not in frame and "status" not in frame and "topic" not in frame


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("how are the onboarding tickets going?", "onboarding"),
        ("how's the certificates stuff looking", "certificates"),
        ("how are the finance issues doing? might move some around", "finance"),
    ],
)
def test_how_are_the_x_tickets_doing_asks_after_that_topic_in_any_status(text: str, topic: str) -> None:
    """A progress question about "the <x> tickets" searches that label or subject; "doing/going" is no status."""
    frame = parsed_frame(text, suggested="create")
    assert frame["action"] == "search" and frame["topic"] == topic, frame
    assert "status" not in frame and "title" not in frame


@pytest.mark.parametrize("text", ["which people-team tickets are unassigned?", "any of my tickets overdue?"])
def test_projects_and_filters_before_the_noun_are_no_topic(text: str) -> None:
    """A team name or a filter word before "tickets" is read as that filter, not as a topic."""
    assert "topic" not in parsed_frame(text)


def test_the_x_tickets_progress_question_lists_tickets_with_that_label(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: "how are the finance tickets looking?" lists the finance-labelled tickets and proposes nothing."""
    outcome = core.runtime.handle_message(
        ctx(user=MAYA), "how are the finance tickets looking? might shuffle some around"
    )
    assert outcome.new_approval is None, outcome.reply
    for key in ("OPS-6", "PPL-3", "PPL-7"):
        assert re.search(rf"\b{key}\b", outcome.reply), outcome.reply
    assert not re.search(r"\bENG-1\b", outcome.reply), outcome.reply


# -- 5. "who's got the X ticket?": that one ticket, found by its description ---------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("who owns the dark mode contrast one? is anyone actually moving on it", "dark mode contrast"),
        ("has anyone picked up the memory leak bug yet", "memory leak"),
        ("who's on the wildcard certificate ticket and has it been started?", "wildcard certificate"),
    ],
)
def test_who_has_the_described_ticket_searches_for_it_without_owner_or_status_filters(text: str, words: str) -> None:
    """A who-has / has-anyone-started question about a described ticket looks that ticket up; nothing is filed."""
    frame = parsed_frame(text, suggested="create")
    assert frame["action"] == "search" and frame["search_text"] == words, frame
    assert "status" not in frame and "assignee" not in frame and "title" not in frame


def test_who_has_the_described_ticket_answers_with_its_owner_and_status(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: the reply names the one ticket with its status and (lack of) assignee; nothing is proposed."""
    outcome = core.runtime.handle_message(
        ctx(user=HANA), "who's got the colour palette for charts ticket, has anybody started on it? i could take it"
    )
    assert outcome.new_approval is None, outcome.reply
    assert re.search(r"\bDES-4\b", outcome.reply) and "Backlog" in outcome.reply, outcome.reply
    assert re.search(r"nobody|unassigned", outcome.reply), outcome.reply
    assert not re.search(r"\bENG-6\b", outcome.reply), outcome.reply


# -- 6. changes to a ticket named by its description: priority, new due date, relative due shift -----------------


def test_the_subject_of_the_first_clause_is_the_ticket_a_later_it_changes() -> None:
    """ "X has to be fixed before …, make it highest and bring the due date forward to D" updates the X ticket."""
    frame = parsed_frame(
        "invoice export timeout has to be fixed before month end. make it highest and bring the due date forward "
        "to dec 3"
    )
    assert frame["action"] == "update" and frame["about"] == "invoice export timeout", frame
    assert frame["priority"] == "highest" and frame["due"] == "dec 3"


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("the wildcard tls certificate ticket - push its due date out a week, the vendor is slow", "wildcard tls"),
        ("the side entrance badge reader one: bring the due date forward 2 days", "side entrance badge reader"),
    ],
)
def test_a_described_ticket_with_a_due_change_is_an_update_not_a_create(text: str, about: str) -> None:
    """A ticket named by description plus a due-date change is an update of that ticket; nothing is filed."""
    frame = parsed_frame(text, suggested="create")
    assert frame["action"] == "update" and frame["about"].startswith(about), frame
    assert "title" not in frame


def test_a_relative_due_shift_on_a_described_ticket_moves_its_own_due_date(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: "push the due date back a week" on a described ticket proposes its due date plus seven days."""
    # ENG-12 "Mobile layout breaks on the pricing page" is due three days ago in the demo company.
    outcome = core.runtime.handle_message(
        ctx(user=TOM), "the pricing page mobile layout ticket - push the due date back a week, design is late"
    )
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["params"]["key"] == "ENG-12", action
    assert action["params"]["changes"]["due_date"] == (berlin_today() + timedelta(days=4)).isoformat(), action


def test_a_priority_and_due_change_on_the_subject_of_the_sentence_proposes_both(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: the subject-named ticket gets the new priority and due date; no ticket is created."""
    outcome = core.runtime.handle_message(
        ctx(user=PRIYA),
        "notification worker memory leak has to be gone before the launch. bump it to highest and pull the due date "
        "in to the 28th",
    )
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["params"]["key"] == "ENG-9", action
    changes = action["params"]["changes"]
    assert changes["priority"] == "highest" and changes["due_date"].endswith("-28"), action
