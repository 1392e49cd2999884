"""Classes of ticket request the third blind round exposed, each in wordings, people and projects of its own.

Never silent; filters read as filters (not left as search words); creates keep every slot; tickets named by
what they are about; bulk selectors by topic and by a missing due date.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from bot.composition import Core
from graph.local_model.context import CONTEXT_KEY, ModelContext
from graph.local_model.planner import GENERIC_FALLBACK, Plan, plan_tickets
from graph.local_model.ticket_bulk import parse_bulk
from graph.local_model.tickets_nlu import find_described_ticket, parse_ticket_request
from graph.state import ConversationContext
from graph.tools.tickets import resolve_statuses
from integrations.tickets.base import TicketCreate

from .conftest import DIEGO, HANA, MAYA, PRIYA, TOM
from .test_ticket_nlu import LEX

_ALL_TICKET_TOOLS = {
    "search_tickets",
    "get_ticket",
    "create_ticket",
    "update_ticket",
    "update_tickets",
    "comment_on_ticket",
    "close_ticket",
}


def _frame(text: str, suggested: str | None = None) -> dict[str, Any]:
    frame = parse_ticket_request(text, LEX, suggested=suggested)
    return {k: v for k, v in vars(frame).items() if v not in (None, [], False)}


def plan_as(text: str, user: str = TOM) -> Plan:
    """What the local model plans for ``text`` said by ``user``, with every ticket tool available (shared with the
    plan-clause tests)."""
    context = ModelContext(
        user_id=user,
        people=[{"id": p.id, "name": p.name, "handle": p.handle, "email": p.email} for p in LEX.people],
        projects=[{"key": k, "name": n} for k, n in LEX.projects],
    )
    messages: list[Any] = [SystemMessage(content="", additional_kwargs={CONTEXT_KEY: context.__dict__})]
    messages.append(HumanMessage(content=text))
    return plan_tickets(messages, context, _ALL_TICKET_TOOLS)


# -- 1. never silent -----------------------------------------------------------------------------------------


def test_an_empty_plan_becomes_a_fallback_message() -> None:
    """A plan with neither calls nor text (from any planner) still says something when it becomes a message."""
    message = Plan().to_message()
    assert message.content == GENERIC_FALLBACK and not message.tool_calls


@pytest.mark.parametrize("suggested", ["get", "update"])
@pytest.mark.parametrize(
    "text",
    ["anything on the people board awaiting a review?", "urgent DES things nobody finished?", "hmm", "so, PPL?"],
)
def test_a_lookup_or_change_with_no_ticket_key_is_never_an_empty_get(text: str, suggested: str) -> None:
    """A "get" or change-less "update" that names no ticket is a search (a question) or nothing, never a silent get."""
    frame = parse_ticket_request(text, LEX, suggested=suggested)
    assert frame.action != "get"
    assert not (frame.action == "update" and not frame.keys and not frame.change_slots())


@pytest.mark.parametrize(
    "text",
    [
        "anything in PPL up for review?",
        "medium/high prio DES stuff thats not finished?",
        "what's lena on rn",
        "??",
        "OPS",
        "update",
        "the thing",
    ],
)
def test_the_ticket_planner_always_calls_or_says_something(text: str) -> None:
    """Whatever the wording, the ticket planner's answer has a tool call or text."""
    plan = plan_as(text)
    assert plan.calls or plan.text.strip()


# -- 2. search filters are filters, not search words ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what's hana doing currently?", {"assignee": "hana"}),
        ("what is Diego working on right now", {"assignee": "Diego", "status": "active"}),
        ("what is Tom working on atm, anything in progress?", {"assignee": "Tom", "status": "in progress"}),
    ],
)
def test_time_filler_is_not_a_search_word(text: str, expected: dict[str, object]) -> None:
    """ "atm", "rn", "currently", "right now" never become search text; "working on" means begun and not finished,
    unless a status is named."""
    frame = _frame(text, suggested="search")
    assert frame.get("search_text") is None
    for slot, value in expected.items():
        assert frame.get(slot) == value, slot


@pytest.mark.parametrize(
    ("text", "project"),
    [
        ("what's left on the people board?", "PPL"),
        ("anything still open in the ENG queue?", "ENG"),
        ("show me the OPS project", "OPS"),
    ],
)
def test_a_named_project_board_is_a_filter_not_text(text: str, project: str) -> None:
    """The project's name with "board"/"queue"/"project" is the project filter and leaves no search text."""
    frame = _frame(text, suggested="search")
    assert frame.get("project") == project and frame.get("search_text") is None


@pytest.mark.parametrize(
    "text",
    [
        "any DES tickets without an owner?",
        "which ENG bugs have no assignee",
        "PPL stuff nobody is on?",
        "list the OPS tickets that have no owner",
    ],
)
def test_no_owner_phrasings_are_the_unassigned_filter(text: str) -> None:
    """ "without an owner", "no assignee", "nobody is on" select unassigned tickets and leave no search text."""
    frame = _frame(text, suggested="search")
    assert frame.get("assignee") == "nobody" and frame.get("search_text") is None


@pytest.mark.parametrize(
    "text",
    [
        "what's past the due date in PPL at the moment?",
        "anything of mine that went past its deadline?",
        "which DES tickets are past their due dates currently",
    ],
)
def test_past_the_due_date_is_overdue_and_now_is_not_a_date(text: str) -> None:
    """ "past (the|its|their) due date/deadline" is the overdue filter; time filler is no due date."""
    frame = _frame(text, suggested="search")
    assert frame.get("overdue") is True
    assert frame.get("due") is None and frame.get("search_text") is None


@pytest.mark.parametrize(
    "text", ["anything in DES awaiting review?", "what of Tom's needs a code review?", "any PPL tickets up for review"]
)
def test_waiting_for_review_is_the_in_review_status(text: str) -> None:
    """Waiting on / awaiting / needing a review is the In Review status."""
    frame = _frame(text, suggested="get")
    assert frame.get("action") == "search" and frame.get("status") == "in review"


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("low/lowest prio PPL stuff?", "low, lowest"),
        ("which OPS tickets are high or highest priority", "high, highest"),
        ("show DES tickets that are medium priority or above", "medium, high, highest"),
        ("any of Priya's tickets high priority?", "high"),
    ],
)
def test_several_priorities_are_one_filter(text: str, priority: str) -> None:
    """ "low/lowest prio", "high or highest", "medium or above" ask for every priority named."""
    assert _frame(text, suggested="search").get("priority") == priority


def test_open_and_a_label_filter_together() -> None:
    """ "open tickets tagged finance" filters by the label, and "open" is the default not-done filter, not a status."""
    frame = _frame("show open tickets tagged finance")
    assert frame.get("labels") == ["finance"] and frame.get("status") is None and frame.get("search_text") is None


def test_active_status_means_begun_and_not_finished() -> None:
    """A search for "active" tickets spans every status between the first and the last; lists are resolved each."""
    flow = ("Backlog", "In Progress", "In Review", "Done")
    assert resolve_statuses("active", flow) == ["In Progress", "In Review"]
    assert resolve_statuses("backlog, in review", flow) == ["Backlog", "In Review"]


def test_searches_with_filters_find_the_right_tickets(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """End to end: unassigned in a project, several priorities, and waiting for review list exactly their tickets."""
    reply = core.runtime.handle_message(ctx(user=HANA), "any tickets in the design project without an owner?").reply
    assert "DES-4" in reply and "DES-1" not in reply
    reply = core.runtime.handle_message(ctx(user=TOM), "medium/high prio PPL stuff that isn't done?").reply
    assert all(k in reply for k in ("PPL-1", "PPL-2", "PPL-3", "PPL-5", "PPL-7")) and "PPL-4" not in reply
    assert "PPL-6" not in reply  # low priority
    reply = core.runtime.handle_message(ctx(user=TOM), "anything in DES awaiting review?").reply
    assert "DES-3" in reply and "DES-1" not in reply


# -- 3. creates keep every slot ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "open a DES ticket: chart legend overlaps the axis labels. low, assign hana",
            {"project": "DES", "priority": "low", "assignee": "hana"},
        ),
        (
            "file a PPL ticket (not OPS): update the holiday calendar page. mine, high prio",
            {"project": "PPL", "priority": "high", "assignee": "me"},
        ),
        (
            "log an ENG bug rather than OPS: the export button spins forever. it's mine",
            {"project": "ENG", "assignee": "me"},
        ),
    ],
)
def test_create_keeps_a_bare_priority_the_stated_project_and_mine(text: str, expected: dict[str, object]) -> None:
    """A priority word standing alone, a project named against another ("not OPS"), and "mine" all land."""
    frame = _frame(text)
    assert frame["action"] == "create"
    for slot, value in expected.items():
        assert frame.get(slot) == value, slot
    assert not any(w in frame["title"].lower().split() for w in ("low", "high", "mine", "ops"))


# -- 4. tickets named by what they are about -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("done with the colour palette one, close it", "colour palette"),
        ("move the TLS certificate ticket to review", "TLS certificate"),
        ("note on the duplicate search results bug: seen on staging too", "duplicate search results"),
    ],
)
def test_a_ticket_named_by_its_subject(text: str, about: str) -> None:
    """ "the X one/ticket/bug" names a ticket by subject; pointing words ("the same one") name none."""
    assert find_described_ticket(text, LEX) == about


@pytest.mark.parametrize("text", ["close the same one", "move the other ticket to done", "comment on the ENG bug"])
def test_pointing_words_are_not_a_description(text: str) -> None:
    """ "the same one", "the other ticket", "the ENG bug" don't describe a subject."""
    assert find_described_ticket(text, LEX) is None


def test_update_by_description_proposes_the_one_matching_ticket(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "picked up the colour palette one, move it to in progress" proposes exactly DES-4."""
    outcome = core.runtime.handle_message(ctx(user=HANA), "picked up the colour palette one, move it to in progress")
    assert outcome.new_approval is not None, outcome.reply
    assert [a["params"]["key"] for a in outcome.new_approval.actions] == ["DES-4"]


def test_comment_by_description_proposes_on_the_matching_ticket(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "comment on the TLS certificate ticket: …" proposes the comment on OPS-8 with the body only."""
    outcome = core.runtime.handle_message(ctx(user=DIEGO), "comment on the TLS certificate ticket: vendor sent the CSR")
    assert outcome.new_approval is not None, outcome.reply
    action = outcome.new_approval.actions[0]
    assert action["params"]["key"] == "OPS-8" and "vendor sent the CSR" in action["params"]["body"]


def test_several_matching_tickets_are_listed_never_guessed(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """When the description fits several open tickets, they are listed and nothing is proposed."""
    outcome = core.runtime.handle_message(ctx(user=MAYA), "the onboarding one is done, close it")
    assert outcome.new_approval is None
    assert "which one" in outcome.reply.lower()
    assert "PPL-2" in outcome.reply and "DES-3" in outcome.reply


def test_no_matching_ticket_asks_for_the_key(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """A description no open ticket fits asks for the key and proposes nothing."""
    outcome = core.runtime.handle_message(ctx(user=PRIYA), "comment on the quantum teleporter bug: still broken")
    assert outcome.new_approval is None and "key" in outcome.reply.lower()


# -- 5. bulk selectors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "all of Priya's open performance tickets -> in review",
            {"assignee": "Priya", "topic": "performance", "new_status": "in review"},
        ),
        (
            "every DES ticket without a due date: set it to next friday",
            {"project": "DES", "no_due_date": True, "new_due_date": "next friday"},
        ),
        (
            "give all my undated hardware tickets to Diego",
            {"assignee": "me", "no_due_date": True, "topic": "hardware", "new_assignee": "Diego"},
        ),
    ],
)
def test_bulk_topic_and_missing_due_date_selectors(text: str, expected: dict[str, object]) -> None:
    """A topic word before "tickets", "without a due date"/"undated", and an arrow as the change all compose."""
    frame = parse_bulk(text, LEX)
    assert frame is not None
    assert frame.tool_args() == expected


def test_bulk_by_topic_label_changes_only_tickets_with_it(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """ "all of Omar's security tickets -> in review" proposes his open tickets labelled security, no others."""
    outcome = core.runtime.handle_message(ctx(user=MAYA), "all of Omar's security tickets -> in review")
    assert outcome.new_approval is not None, outcome.reply
    keys = sorted(a["params"]["key"] for a in outcome.new_approval.actions)
    assert keys == ["ENG-10", "OPS-8"]  # OPS-5 is already In Review; OPS-6 is not security; OPS-4 is Done


def test_bulk_without_due_date_sets_only_undated_tickets(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """ "every PPL ticket with no deadline" selects only the PPL tickets that have no due date."""
    new = core.tickets.create(TicketCreate(title="Refresh the desk booking guide", project="PPL"), idempotency_key="t1")
    outcome = core.runtime.handle_message(ctx(user=MAYA), "every PPL ticket with no deadline, set it to dec 20")
    assert outcome.new_approval is not None, outcome.reply
    assert [a["params"]["key"] for a in outcome.new_approval.actions] == [new.key]


# -- 6. who owns a piece of work -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("who's looking into the badge reader at the side entrance?", "badge reader side entrance"),
        ("who is taking care of the wildcard TLS certificate renewal", "wildcard TLS certificate renewal"),
    ],
)
def test_who_is_handling_some_work_is_a_ticket_search(text: str, words: str) -> None:
    """ "who's handling/looking into X" routes to tickets and searches for X's ticket by its words."""
    from graph.local_model.router import route_text

    assert route_text(text).route == "tickets"
    frame = _frame(text)
    assert frame.get("action") == "search" and frame.get("search_text") == words
