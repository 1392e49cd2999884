"""Classes of ticket request the tenth blind round exposed, each in wordings, people and tickets of its own.

A standalone "<name>'s" clause assigns the ticket to that person, and "need a ticket to <task>, <why>" is titled
with the task; an opinion about a ticket ("probably deserves a higher prio") or the speaker's own plan ("i'll raise
it with X") asks for nothing and proposes nothing; a follow-up "it's probably <name>'s, due …" revises the pending
create with both; "raise the <kind> ticket for me" is titled from what the conversation is about, or deskhand asks.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from bot.composition import Core
from graph.local_model.context import ModelContext
from graph.local_model.planner import plan_tickets
from graph.local_model.ticket_bulk import parse_bulk
from graph.local_model.tickets_nlu import find_due
from graph.state import ConversationContext

from .conftest import DIEGO, HANA, PRIYA, TOM
from .test_ticket_nlu import LEX, parsed_frame

OMAR = "U0OMAR0008"
TICKET_TOOLS = {"create_ticket", "search_tickets", "get_ticket", "update_ticket", "update_tickets", "close_ticket"}

# -- 1. "<name>'s" as a clause of its own is the assignee; "a ticket to <task>, <why>" is titled with the task ------


@pytest.mark.parametrize(
    ("text", "who", "title_has"),
    [
        ("can you open a ticket to renew the wildcard cert before it lapses — priya's, p1", "priya", "renew"),
        ("we need a task to clean up the old feature flags since nobody uses them; hana's, low prio", "hana", "flags"),
        ("new ticket: the kitchen tap drips all night, diego's", "diego", "tap"),
        ("file a bug to fix the csv export encoding 🙄 tom's, due friday", "tom", "csv export"),
    ],
)
def test_a_standalone_possessive_clause_names_the_assignee(text: str, who: str, title_has: str) -> None:
    """ "…, priya's, p1": Priya is the assignee, and neither her name nor the reason is part of the title."""
    frame = parsed_frame(text)
    assert frame["action"] == "create" and frame["assignee"] == who, frame
    assert title_has in frame["title"].lower() and who not in frame["title"].lower(), frame


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "need a ticket to rotate the prod api keys, they got pasted in a public gist 😬 omar's, high prio",
            "Rotate the prod api keys",
        ),
        (
            "we need a task to clean up the old feature flags since nobody uses them; hana's",
            "Clean up the old feature flags",
        ),
        ("can you open a ticket to renew the wildcard cert - it lapses soon", "Renew the wildcard cert"),
    ],
)
def test_a_ticket_to_do_something_is_titled_with_the_task_not_the_explanation(text: str, title: str) -> None:
    """ "need a ticket to <task>, <why>": the title is the task; the whole message goes to the description."""
    frame = parsed_frame(text)
    assert frame["title"] == title, frame
    assert frame["description"] == text, frame


def test_possessives_that_are_not_an_owner_clause_name_nobody() -> None:
    """ "diego's laptop won't boot" is whose laptop, not whose ticket; a plain task keeps its whole title."""
    assert "assignee" not in parsed_frame("open a ticket: diego's laptop won't boot")
    assert "assignee" not in parsed_frame("new ticket: omar's monitor flickers every morning")
    frame = parsed_frame("file a ticket to update the onboarding checklist for new hires")
    assert frame["title"] == "Update the onboarding checklist for new hires" and "description" not in frame, frame


def test_a_ticket_to_do_something_with_an_owner_clause_is_proposed_whole(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: the proposed create carries the task title, the owner, the priority and the due date."""
    text = (
        "need a ticket to purge the old backups from the shared drive, they eat half the quota. "
        "omar's, high prio, due dec 3rd"
    )
    turn = core.runtime.handle_message(ctx(user=DIEGO), text)
    assert turn.new_approval is not None, turn.reply
    [action] = turn.new_approval.actions
    params = action["params"]
    assert params["title"] == "Purge the old backups from the shared drive", params
    assert params["assignee_id"] == OMAR and params["priority"] == "high" and params["due_date"], params


# -- 2. An opinion about a ticket or the speaker's own plan asks for nothing ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "the settings page contrast bug probably deserves a higher prio tbh, people keep mentioning it",
        "the vpn ticket should prob be higher priority, i'm gonna mention it to omar",
        "ENG-4 probably deserves a higher priority imo",
        "honestly the flaky login test could use more attention, i'll bring it up with priya tomorrow",
        "the onboarding email thing keeps coming up. i'll raise it w hana at standup",
    ],
)
def test_an_opinion_or_own_plan_about_a_ticket_proposes_no_write(text: str) -> None:
    """Musing about a ticket's priority, or saying who the speaker will raise it with, is at most a lookup."""
    frame = parsed_frame(text, suggested="create")
    assert frame["action"] in {"search", "get"}, frame
    assert not {"priority", "assignee", "title"} & set(frame), frame


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("the vpn ticket deserves a higher prio, bump it to high", "high"),
        ("the date picker bug probably deserves a higher prio, can you make it high?", "high"),
        ("ENG-9 should be highest", "highest"),
    ],
)
def test_an_opinion_with_a_request_beside_it_still_changes_the_ticket(text: str, priority: str) -> None:
    """Guard: "…deserves a higher prio, bump it to high" asks for the change, and a level said plainly is one."""
    frame = parsed_frame(text)
    assert frame["action"] == "update" and frame["priority"] == priority, frame


def test_a_musing_about_a_ticket_proposes_nothing_end_to_end(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: no card; the reply is about the ticket the remark names."""
    turn = core.runtime.handle_message(
        ctx(user=TOM), "the settings page contrast bug probably deserves a higher prio tbh. i'll raise it with sam"
    )
    assert turn.new_approval is None, turn.reply


# -- 3. A follow-up "it's probably <name>'s, due …" revises the pending create ----------------------------------------


@pytest.mark.parametrize(
    ("follow_up", "assignee"),
    [
        ("oh and it's probably hana's, due next friday", HANA),
        ("prob diego's. due the 28th", DIEGO),
        ("that's tom's btw, due in two weeks", TOM),
    ],
)
def test_a_possessive_follow_up_revises_the_pending_create_with_the_assignee(
    core: Core, ctx: Callable[..., ConversationContext], follow_up: str, assignee: str
) -> None:
    """The revised create keeps its title and takes both the owner and the due date from the follow-up."""
    thread = ctx(user=PRIYA)
    first = core.runtime.handle_message(thread, "new ticket: the sidebar icons are blurry on retina screens")
    assert first.new_approval is not None, first.reply
    second = core.runtime.handle_message(thread, follow_up)
    assert second.new_approval is not None, second.reply
    [action] = second.new_approval.actions
    params = action["params"]
    assert params["assignee_id"] == assignee and params["due_date"], params
    assert "sidebar" in params["title"].lower(), params


# -- 4. "raise the <kind> ticket for me": titled from the conversation, or deskhand asks -----------------------------


def _plan(*turns: str) -> dict[str, object]:
    messages: list[HumanMessage | AIMessage] = []
    for i, turn in enumerate(turns):
        messages.append(HumanMessage(turn))
        if i < len(turns) - 1:
            messages.append(AIMessage("Here is what the handbook says."))
    plan = plan_tickets(list(messages), ModelContext(), TICKET_TOOLS)
    return {"calls": plan.calls, "text": plan.text}


@pytest.mark.parametrize(
    ("earlier", "ask", "title"),
    [
        (
            "my badge stopped working at the front door this morning",
            "ok can you raise the replacement ticket for me",
            "Replacement badge",
        ),
        ("our monitor in the quiet room died again", "pls file the repair request for us", "Repair monitor"),
        (
            "my headset mic crackles on every call, what should i do?",
            "thanks! can you raise the replacement ticket then",
            "Replacement headset",
        ),
    ],
)
def test_a_ticket_named_only_by_its_kind_is_titled_from_the_conversation(earlier: str, ask: str, title: str) -> None:
    """ "raise the replacement ticket for me" after "my badge stopped working": a "Replacement badge" ticket."""
    plan = _plan(earlier, ask)
    [call] = plan["calls"]  # type: ignore[misc]
    assert call["name"] == "create_ticket" and call["args"]["title"] == title, call
    assert "for me" not in call["args"]["title"].lower() and "ticket" not in call["args"]["title"].lower()


@pytest.mark.parametrize(
    "ask", ["ok can you raise the replacement ticket for me", "file the access request for me pls"]
)
def test_a_ticket_named_only_by_its_kind_without_context_asks_what_it_is_about(ask: str) -> None:
    """Without an earlier message to go on, deskhand asks instead of filing "Replacement ticket for me"."""
    plan = _plan(ask)
    assert not plan["calls"] and "ticket" in str(plan["text"]).lower(), plan


def test_a_ticket_that_says_what_it_is_about_keeps_its_own_title() -> None:
    """Guard: "open a ticket for the broken chair" and "bug: export is broken" are titled as they say."""
    assert parsed_frame("open a ticket for the broken chair")["title"] == "Broken chair"
    assert parsed_frame("bug: the csv export is broken")["title"] == "Csv export is broken"
    assert parsed_frame("can you log a bug for me: the search is slow")["title"] == "Search is slow"


# -- 5. Smaller readings: "don't have a due date at all" is the no-due-date filter; "… instead" is no part of a date -


@pytest.mark.parametrize(
    "text",
    [
        "which ENG tickets don't have a due date at all? want to put dates on them later",
        "any PPL tasks that don't have a deadline yet?",
        "which of my tickets doesn't have a due date",
    ],
)
def test_tickets_that_do_not_have_a_due_date_are_a_filter_not_a_date(text: str) -> None:
    """ "don't have a due date at all" asks for undated tickets; "at all" is no date and the plan after "?" no
    search words."""
    frame = parsed_frame(text)
    assert frame["action"] == "search" and frame.get("no_due_date"), frame
    assert "due" not in frame and "search_text" not in frame, frame


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("make ENG-4 due next tuesday instead", "next tuesday"),
        (
            "can the offsite receipts ticket be due this thursday instead? finance closes the books then",
            "this thursday",
        ),
        ("push ENG-2 to be due the 30th then", "the 30th"),
    ],
)
def test_a_trailing_instead_is_no_part_of_the_due_date(text: str, due: str) -> None:
    """ "due this friday instead": the date is "this friday"."""
    frame = parsed_frame(text)
    assert frame["action"] == "update" and frame["due"] == due, frame


@pytest.mark.parametrize(
    ("text", "who", "about"),
    [
        ("priya is out next week, could tom take over the invoice export timeout?", "tom", "invoice export"),
        ("hana's swamped with the rebrand. can noah take over the travel policy rewrite?", "noah", "travel policy"),
        ("can sam take over the onboarding buddy list pls", "sam", "buddy list"),
    ],
)
def test_can_someone_take_over_described_work_reassigns_it(text: str, who: str, about: str) -> None:
    """ "can X take over the <work>?" hands the ticket that work describes to X, with no ticket noun needed."""
    frame = parsed_frame(text, suggested="search")
    assert frame["action"] == "update" and frame["assignee"] == who and about in frame["about"], frame


def test_taking_over_names_nobody_when_no_known_person_is_asked() -> None:
    """Guard: "can we take over the meeting room tomorrow?" reassigns nothing."""
    assert "assignee" not in parsed_frame("can we take over the meeting room tomorrow?", suggested="search")


@pytest.mark.parametrize(
    ("text", "about", "note_has"),
    [
        (
            "the kitchen dishwasher is working again, facilities replaced the pump. "
            "close it and add a note saying that",
            "kitchen dishwasher",
            "replaced the pump",
        ),
        (
            "the conference room B screen is fine now, close it and leave a note: new hdmi cable",
            "room B screen",
            "hdmi",
        ),
    ],
)
def test_close_a_described_ticket_and_leave_a_note(text: str, about: str, note_has: str) -> None:
    """ "<thing>'s fine now, <why>. close it out and leave a note saying that": a close of that ticket with the
    note, which "saying that" takes from the statement before."""
    frame = parsed_frame(text, suggested="comment")
    assert frame["action"] == "close" and about in frame["about"] and note_has in frame["comment"], frame


def test_closing_a_described_ticket_with_a_note_proposes_both_end_to_end(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: the room B screen ticket is closed and commented on, nothing else."""
    turn = core.runtime.handle_message(
        ctx(user=DIEGO),
        "the conference room B screen is fine now, facilities swapped the hdmi cable. "
        "close it out and leave a note saying that",
    )
    assert turn.new_approval is not None, turn.reply
    kinds = sorted(a["kind"] for a in turn.new_approval.actions)
    assert kinds == ["ticket.comment", "ticket.update"], turn.new_approval.actions
    comment = next(a for a in turn.new_approval.actions if a["kind"] == "ticket.comment")
    assert "hdmi" in comment["params"]["body"].lower(), comment


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("bump my in-progress ticket to highest pls", {"assignee": "me", "status": "in-progress"}),
        ("move my in review ticket to done", {"assignee": "me", "status": "in review"}),
        ("set my backlog task to low thx", {"assignee": "me", "status": "backlog"}),
    ],
)
def test_my_ticket_in_a_status_is_one_ticket_chosen_by_status(text: str, filters: dict[str, str]) -> None:
    """ "bump my in-progress ticket to highest": the one ticket of mine in that status (the tool asks which when
    several are); "pls" after the new value is no part of it."""
    bulk = parse_bulk(text, LEX, listed=[])
    assert bulk is not None, text
    args = bulk.tool_args()
    assert args["expect_one"] is True and {k: args[k] for k in filters} == filters, args


def test_my_ticket_in_a_status_asks_which_when_two_match(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """End to end: Diego has two In Progress tickets, so deskhand asks which and proposes nothing."""
    turn = core.runtime.handle_message(ctx(user=DIEGO), "raise my in progress ticket to high pls")
    assert turn.new_approval is None and "which one" in turn.reply.lower(), turn.reply


def test_my_described_ticket_is_not_read_as_a_status_choice() -> None:
    """Guard: "bump my vpn ticket to high" names the ticket by what it is about, not by status."""
    assert parse_bulk("bump my vpn ticket to high", LEX, listed=[]) is None


@pytest.mark.parametrize(
    ("text", "priority"),
    [("raise the priority of ENG-3 to high", "high"), ("set the prio on OPS-2 to p1 pls", "p1")],
)
def test_the_priority_of_a_ticket_to_a_level_is_a_priority_change(text: str, priority: str) -> None:
    """ "raise the priority of ENG-3 to high" changes its priority (it only showed the ticket); asking what the
    priority is stays a lookup."""
    frame = parsed_frame(text)
    assert frame["action"] == "update" and frame["priority"] == priority, frame
    assert parsed_frame("what's the priority of ENG-3?")["action"] == "get"


@pytest.mark.parametrize(
    ("text", "due"),
    [
        (
            "the process wants an owner and a due date, so file one: rotate the api keys, omar owns it, due dec 4",
            "dec 4",
        ),
        ("tickets need a due date here. open one for the flaky login test due friday", "friday"),
    ],
)
def test_the_noun_due_date_is_not_the_date(text: str, due: str) -> None:
    """ "… an owner and a due date, so file one: …, due dec 4": the date given later is the due date, not "date"."""
    assert find_due(text) == due
