"""Classes of ticket request the fifth blind round exposed, each in wordings, people and projects of its own.

Whether-a-ticket-exists questions are searches; a project named in a create that doesn't exist is refused;
"put it on me" names the assignee; a problem stated before "raise a ticket for PERSON" is the title; filler after
a due date and "+" between changes.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.composition import Core
from graph.local_model.tickets_nlu import find_due
from graph.state import ConversationContext

from .conftest import DIEGO, HANA, MAYA, PRIYA, TOM
from .test_ticket_nlu import parsed_frame

# -- 1. "do we already have a ticket for X?" is a search -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "is there already an issue about the payroll export timing out? was about to raise one",
        "has anyone filed the badge reader at the side door being dead? don't want to double up",
        "do we have a ticket for the printer eating double-sided pages? dont want to file a dupe",
        "quick q - have we got a bug for the date picker starting weeks on sunday? about to open one",
        "does anyone have a ticket about the conference room screen flicker? i could file one",
    ],
)
def test_a_question_whether_a_ticket_exists_is_a_search(text: str) -> None:
    """Asking whether a ticket exists searches, even when the message goes on to mention filing one."""
    frame = parsed_frame(text, suggested="create")
    assert frame["action"] == "search" and frame.get("search_text"), frame
    assert "title" not in frame


def test_is_there_a_ticket_if_not_open_one_is_a_create_titled_with_the_topic() -> None:
    """ "is there a ticket for X? if not, open one" asks for a create, titled X (not the question)."""
    frame = parsed_frame("is there a ticket for the lift on floor 2 being stuck? if not please open one")
    assert frame["action"] == "create" and frame["title"] == "Lift on floor 2 being stuck"


@pytest.mark.parametrize(
    ("user", "text", "key"),
    [
        (
            MAYA,
            "do we already have a ticket for the printer jamming on double sided? don't want to file a dupe",
            "OPS-2",
        ),
        (TOM, "has anyone filed the badge reader at the side entrance being offline? dont want to double up", "OPS-5"),
    ],
)
def test_an_existence_question_proposes_nothing_and_names_the_ticket(
    core: Core, ctx: Callable[..., ConversationContext], user: str, text: str, key: str
) -> None:
    """End to end: an existence question writes nothing and answers with the existing ticket."""
    outcome = core.runtime.handle_message(ctx(user=user), text)
    assert outcome.new_approval is None, outcome.reply
    assert key in outcome.reply


# -- 2. a project that does not exist ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "project"),
    [
        ("file a bug under FIN - invoices are off by a cent", "FIN"),
        ("new ticket on SALES, the crm export is slow", "SALES"),
        ("raise a ticket for LEGAL: review the NDA template", "LEGAL"),
        ("can you open an issue in MOBILE: push notifications arrive twice", "MOBILE"),
        ("open one on the GROWTH board: the referral banner is misaligned", "GROWTH"),
    ],
)
def test_a_create_names_the_project_it_files_into_whatever_the_preposition(text: str, project: str) -> None:
    """ "in/on/under/for X:" after the ticket noun names the project, kept even when no such project exists."""
    frame = parsed_frame(text)
    assert frame["action"] == "create" and frame["project"] == project


@pytest.mark.parametrize(
    "text",
    [
        "open a ticket for IT: the printer on 2 is jammed",
        "new bug in ENG: the export for QA accounts fails",
        "open a ticket: SSO for VPN users is broken",
        "raise a ticket for TOM: renew the domain",
    ],
)
def test_known_projects_people_and_acronyms_in_titles_are_no_unknown_project(text: str) -> None:
    """A known project (by key or name word), a person or an acronym inside the title is not refused."""
    assert parsed_frame(text).get("project") in {None, "ENG", "OPS"}


@pytest.mark.parametrize(
    "text",
    [
        "file a bug under FIN - invoices are off by a cent",
        "can you open an issue in MOBILE: push notifications arrive twice",
        "new ticket for LEGAL: review the NDA template, high prio",
    ],
)
def test_a_create_in_an_unknown_project_proposes_nothing_and_lists_projects(
    core: Core, ctx: Callable[..., ConversationContext], text: str
) -> None:
    """End to end: an unknown project is refused with the list of projects, and nothing is proposed."""
    outcome = core.runtime.handle_message(ctx(user=PRIYA, channel_id="C0DESIGN03", default_project="DES"), text)
    assert outcome.new_approval is None, outcome.reply
    assert "no project" in outcome.reply.lower() and "ENG" in outcome.reply and "PPL" in outcome.reply


# -- 3. "put it on me" ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "assignee"),
    [
        ("bug: the export button is grey on safari. put it on me", "me"),
        ("new task: order more whiteboard markers, low prio, stick it on me", "me"),
        ("open a ticket: the badge reader at reception is dead, put it on diego", "diego"),
        ("new ticket: move the offsite dates, on priya pls", "priya"),
        ("new ticket: refresh the onboarding slides. on me", "me"),
    ],
)
def test_put_it_on_someone_names_the_assignee(text: str, assignee: str) -> None:
    """ "put it on me", "stick it on X", a bare ", on X" clause: that person owns the new ticket."""
    frame = parsed_frame(text)
    assert frame["action"] == "create" and frame["assignee"] == assignee
    assert " on " + assignee not in frame["title"].lower()


@pytest.mark.parametrize(
    "text",
    ["new ticket: the wifi drops on me", "file a ticket: the vpn works on my laptop but not on tom's"],
)
def test_on_inside_the_problem_names_nobody(text: str) -> None:
    """ "drops on me" inside the problem sentence is no assignment."""
    assert "assignee" not in parsed_frame(text)


def test_put_it_on_me_on_an_existing_ticket_is_a_reassignment() -> None:
    """ "OPS-7: put it on me" assigns OPS-7 to the speaker."""
    frame = parsed_frame("OPS-7: put it on me")
    assert frame["action"] == "update" and frame["assignee"] == "me"


def test_put_it_on_me_proposes_the_requester_as_assignee(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """End to end: the proposal assigns the requester, not nobody."""
    outcome = core.runtime.handle_message(
        ctx(user=HANA), "new ticket: empty state for the audit log. low prio, put it on me"
    )
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["params"]["assignee_id"] == HANA and action["params"]["priority"] == "low"


# -- 4. the problem first, then "raise a ticket for PERSON" --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title_word", "assignee"),
    [
        (
            "the projector in the big meeting room keeps flickering. open a ticket for tom, low priority, needs "
            "looking at by friday",
            "projector",
            "tom",
        ),
        (
            "Badge reader at the side door is dead again! file an issue for priya, it needs fixing asap",
            "badge",
            "priya",
        ),
        ("the coffee machine on 2 is leaking. log a ticket for maya, needs sorting out today", "coffee", "maya"),
    ],
)
def test_a_problem_stated_first_is_the_title_and_the_person_the_assignee(
    text: str, title_word: str, assignee: str
) -> None:
    """The problem sentence titles the ticket; "for PERSON" assigns it; "needs sorting" is not a title."""
    frame = parsed_frame(text)
    assert frame["action"] == "create" and title_word in frame["title"].lower()
    assert frame["assignee"] == assignee and "needs" not in frame["title"].lower()


def test_a_problem_first_proposes_the_right_title_assignee_and_due(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: title from the problem, assignee from "for PERSON", due from "by tomorrow"."""
    outcome = core.runtime.handle_message(
        ctx(user=MAYA),
        "the fridge in the 2nd floor kitchen smells awful. raise a ticket for diego, high priority, needs sorting "
        "by tomorrow",
    )
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    params = action["params"]
    assert "fridge" in params["title"].lower() and params["assignee_id"] == DIEGO
    assert params["priority"] == "high" and params["due_date"]


# -- 5. filler after a date, "+" between changes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("due date 3 jan pls", "3 jan"),
        ("deadline dec 12 thanks", "dec 12"),
        ("due 1st of february please", "1st of february"),
        ("due by friday thx", "friday"),
    ],
)
def test_politeness_after_a_due_date_is_no_part_of_it(text: str, due: str) -> None:
    """ "pls", "thanks", "please" after a date are dropped before the date is read."""
    assert find_due(text) == due


def test_plus_joins_two_changes() -> None:
    """ "OPS-3: lowest + due 2 feb" sets both the priority and the due date."""
    frame = parsed_frame("OPS-3: drop it to lowest + due 2 feb pls")
    assert frame["action"] == "update" and frame["priority"] == "lowest" and frame["due"] == "2 feb"


def test_priority_and_day_month_date_update_proposes_both(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """End to end: "PPL-6: bump to highest + due date 4 dec pls" proposes highest and the next 4 December."""
    outcome = core.runtime.handle_message(ctx(user=TOM), "PPL-6: bump it to highest + due date 4 dec pls")
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["params"]["changes"] == {"priority": "highest", "due_date": "2026-12-04"}
