"""Review fixes for the tenth round's ticket readings: wrong writes a reviewer found with messages of its own.

Whose a THING is ("…, it's noah's", "prob diego's") is no assignee of a fresh create; "leave a note saying that"
takes the statement before it; "raise the <kind> ticket" is titled from a stated problem only; "ok just file it
now then" is no title; "a ticket to look into it, <why>" is titled with the reason; "if there is, <change>" after a
lookup filters nothing; the speaker's plan beside a real request does not swallow it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from bot.composition import Core
from graph.local_model.context import ModelContext
from graph.local_model.planner import plan_tickets
from graph.state import ConversationContext

from .conftest import DIEGO, TOM
from .test_ticket_nlu import parsed_frame

OMAR = "U0OMAR0008"
TICKET_TOOLS = {
    "create_ticket",
    "search_tickets",
    "get_ticket",
    "update_ticket",
    "update_tickets",
    "close_ticket",
    "comment_on_ticket",
}


def _plan(*turns: str, reply: str = "Here is what the handbook says.") -> dict[str, object]:
    messages: list[HumanMessage | AIMessage] = []
    for i, turn in enumerate(turns):
        messages.append(HumanMessage(turn))
        if i < len(turns) - 1:
            messages.append(AIMessage(reply))
    plan = plan_tickets(list(messages), ModelContext(), TICKET_TOOLS)
    return {"calls": plan.calls, "text": plan.text}


# -- 1. whose the thing is, in a fresh create, assigns nobody ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("file a ticket: someone parked in the EV bay again, it's noah's", "noah"),
        ("open a ticket: the plant on floor 3 is dying, it's hana's", "hana"),
        ("file a ticket: lost charger in the kitchen. prob diego's", "diego"),
        ("file a ticket: someone left a jacket in room 4, not sure whose it is, maybe priya's", "priya"),
        ("new ticket: the coffee grinder is jammed, i think it's tom's", "tom"),
        ("log a ticket, the blue umbrella by reception is probably sam's", "sam"),
        ("new ticket: grey hoodie left in room 2. maybe it's akira's", "akira"),
        ("open a ticket: the plant on floor 3 is dying, maybe it's hana's, high prio", "hana"),
    ],
)
def test_whose_the_thing_is_does_not_assign_a_new_ticket(text: str, kept: str) -> None:
    """ "…, it's noah's" / "prob diego's" say whose the thing is: no assignee, and the words stay in the ticket."""
    frame = parsed_frame(text)
    assert frame["action"] == "create" and "assignee" not in frame, frame
    assert kept in (frame["title"] + " " + frame.get("description", "")).lower(), frame


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("new ticket: the wiki search is slow, hana's, p2", "hana"),
        ("open a ticket: the badge reader on floor 2 beeps, high prio, priya's", "priya"),
        ("new ticket: the kitchen tap drips all night, diego's", "diego"),
    ],
)
def test_a_name_clause_among_field_clauses_still_assigns(text: str, who: str) -> None:
    """Guard: "<name>'s" beside a priority or due date (or ending a create on its own) is the assignee."""
    frame = parsed_frame(text)
    assert frame["action"] == "create" and frame["assignee"] == who, frame
    assert who not in frame["title"].lower(), frame


def test_the_evaluated_owner_clause_create_keeps_its_fields(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """Guard: "need a ticket to rotate …, they ended up in a screenshot 🙃 omar's, high prio, due dec 1st"."""
    turn = core.runtime.handle_message(
        ctx(user=TOM),
        "need a ticket to rotate the staging db credentials, they ended up in a screenshot 🙃 omar's, high prio, "
        "due dec 1st",
    )
    assert turn.new_approval is not None, turn.reply
    [action] = turn.new_approval.actions
    params = action["params"]
    assert params["assignee_id"] == OMAR and params["priority"] == "high" and params["due_date"], params
    assert params["title"] == "Rotate the staging db credentials", params


@pytest.mark.parametrize(
    ("first", "follow_up", "assignee"),
    [
        ("new ticket: the label maker prints blank strips", "oh and it's probably tom's, due the 25th", TOM),
        ("open a ticket: the expense form rejects receipts", "prob diego's. due the 28th", DIEGO),
    ],
)
def test_a_name_follow_up_to_a_pending_create_still_assigns(
    core: Core, ctx: Callable[..., ConversationContext], first: str, follow_up: str, assignee: str
) -> None:
    """Guard: "oh and it's probably tom's, due the 25th" after a pending create revises it with the assignee."""
    thread = ctx(user=TOM)
    assert core.runtime.handle_message(thread, first).new_approval is not None
    second = core.runtime.handle_message(thread, follow_up)
    assert second.new_approval is not None, second.reply
    [action] = second.new_approval.actions
    assert action["params"]["assignee_id"] == assignee and action["params"]["due_date"], action


# -- 2. "leave a note saying that": the statement before, never the words after ---------------------------------------


@pytest.mark.parametrize(
    ("text", "note", "not_in"),
    [
        (
            "the printer's fine now, someone cleared it. close it out and leave a note saying that. also the TV in "
            "room B is fine too",
            "The printer's fine now, someone cleared it.",
            "TV",
        ),
        (
            "the scanner on floor 2 is working again, the tech swapped the roller. close it out and leave a note "
            "saying that, also the coffee machine is back",
            "The scanner on floor 2 is working again, the tech swapped the roller.",
            "coffee",
        ),
        (
            "the vpn is working again, it was the cert. pls close it and add a note saying that btw the wifi is slow",
            "The vpn is working again, it was the cert.",
            "wifi",
        ),
    ],
)
def test_a_note_saying_that_takes_the_statement_before_not_what_follows(text: str, note: str, not_in: str) -> None:
    """ "close it out and leave a note saying that. also X": the note is the statement before the request."""
    calls = _plan(text)["calls"]
    [comment] = [c for c in calls if c["name"] == "comment_on_ticket"]  # type: ignore[union-attr]
    assert comment["args"]["body"] == note and not_in not in comment["args"]["body"], calls


# -- 3. "raise the <kind> ticket for me": only a stated problem and a fitting kind give the title ---------------------


@pytest.mark.parametrize(
    ("earlier", "ask"),
    [
        ("can you check my calendar for tomorrow", "raise the replacement ticket for me"),
        ("what's the policy on my parental leave?", "raise the hr ticket for me"),
        ("my laptop got stolen on the tram", "raise the access ticket for me"),
        ("what's the status of my monitor request?", "raise the replacement ticket for me"),
        ("where do i pick up my new badge?", "ok can you raise the replacement ticket"),
        ("my phone got cracked on the stairs", "file the onboarding request for me pls"),
    ],
)
def test_a_kind_only_ticket_without_a_stated_problem_or_fitting_kind_asks(earlier: str, ask: str) -> None:
    """No problem stated with a thing (or a kind that is no replacement/repair): deskhand asks, files nothing."""
    plan = _plan(earlier, ask)
    assert not plan["calls"] and "ticket" in str(plan["text"]).lower(), plan


@pytest.mark.parametrize(
    ("turns", "title"),
    [
        (("my laptop got stolen on the tram. raise the replacement ticket for me",), "Replacement laptop"),
        (("my headset got damaged in transit. file the replacement request for me",), "Replacement headset"),
        (
            ("my badge stopped working at the front door this morning", "raise the replacement ticket for me"),
            "Replacement badge",
        ),
        (("our monitor in the quiet room died again", "pls file the repair request for us"), "Repair monitor"),
        (("my laptop got stolen on the tram", "raise the replacement ticket for me"), "Replacement laptop"),
    ],
)
def test_a_kind_only_ticket_after_a_stated_problem_is_titled_from_it(turns: tuple[str, ...], title: str) -> None:
    """Guard: a stated problem (earlier or in the same message) titles a replacement or repair ticket."""
    [call] = _plan(*turns)["calls"]  # type: ignore[misc]
    assert call["name"] == "create_ticket" and call["args"]["title"] == title, call


# -- 4. "ok just file it now then": the request prefix is no title ---------------------------------------------------


@pytest.mark.parametrize(
    ("turns", "title"),
    [
        (("how do I order a new monitor?", "ok just file it now then"), "New monitor"),
        (("how can i request a standing desk?", "fine, file it then"), "Standing desk"),
        (("my keyboard is broken, half the keys don't work", "ok just raise it then"), "Keyboard is broken"),
        (("ok just file it now then: 27 inch monitor for my desk",), "27 inch monitor for my desk"),
        (("okay, just open it for me: the blinds in room 3 are stuck",), "Blinds in room 3 are stuck"),
    ],
)
def test_file_it_now_is_titled_from_the_rest_or_the_conversation(turns: tuple[str, ...], title: str) -> None:
    """ "ok just file it now then(: X)": titled X, or from the docs question or problem just before."""
    [call] = _plan(*turns)["calls"]  # type: ignore[misc]
    assert call["name"] == "create_ticket" and call["args"]["title"] == title, call


@pytest.mark.parametrize("earlier", ["what's our wifi password?", "can you check my calendar for tomorrow"])
def test_file_it_now_with_nothing_to_go_on_asks(earlier: str) -> None:
    """With no question about getting a thing and no problem before it, deskhand asks what the ticket says."""
    plan = _plan(earlier, "ok just file it now then")
    assert not plan["calls"] and plan["text"], plan


# -- 5. a task ending in a pronoun has no subject: the reason titles it ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("need a ticket to look into it, the vpn keeps dropping", "Vpn keeps dropping"),
        (
            "can you open a ticket to sort this out - the badge printer jams every morning, high prio",
            "Badge printer jams every morning",
        ),
        ("we need a task to chase them because the vendor invoices are late", "Vendor invoices are late"),
        ("need a ticket to rotate the staging db credentials, they leaked", "Rotate the staging db credentials"),
    ],
)
def test_a_task_ending_in_a_pronoun_is_titled_with_the_reason(text: str, title: str) -> None:
    """ "a ticket to look into it, <why>": "it" names nothing, so the reason is the title."""
    assert parsed_frame(text)["title"] == title


# -- 6. "if there is, <change>" after a lookup: no search filter; the one match is changed ---------------------------


@pytest.mark.parametrize(
    ("text", "about", "arg", "value"),
    [
        (
            "can you check if there's a ticket for the vpn disconnects? if there is, bump it to highest",
            "vpn disconnects",
            "new_priority",
            "highest",
        ),
        (
            "could you see whether there's already a ticket about the wifi in room 5 - if yes set it to high",
            "wifi room 5",
            "new_priority",
            "high",
        ),
        (
            "can you check if there's a ticket for the printer jam? if so, assign it to me",
            "printer jam",
            "new_assignee",
            "me",
        ),
    ],
)
def test_a_change_if_the_lookup_finds_one_changes_the_ticket_it_finds(
    text: str, about: str, arg: str, value: str
) -> None:
    """The conditional's change goes to the one ticket the topic matches (the tool lists several, if any)."""
    [call] = _plan(text)["calls"]  # type: ignore[misc]
    assert call["name"] == "update_tickets" and call["args"]["text"] == about, call
    assert call["args"]["expect_one"] and call["args"][arg] == value, call


@pytest.mark.parametrize(
    "text",
    [
        "can you check if there's a ticket for the vpn disconnects? if there is, it happened to me too",
        "can you check if there's a ticket for the vpn disconnects? it happened to me too",
        "is there a ticket for the vpn disconnects? same here",
    ],
)
def test_words_after_a_lookup_that_ask_no_change_do_not_filter_it(text: str) -> None:
    """ "…? it happened to me too" is no assignee filter: the lookup searches by its topic only."""
    [call] = _plan(text)["calls"]  # type: ignore[misc]
    assert call == {"name": "search_tickets", "args": {"text": "vpn disconnects"}}, call


# -- 7. a plan beside a real request does not swallow it -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "priority"),
    [
        ("gonna bring it up with the team, in the meantime bump ENG-4 to highest", "ENG-4", "highest"),
        ("i'll raise it w sam in our 1:1, meanwhile set ENG-2 to high", "ENG-2", "high"),
        ("will mention it to priya later - for now, bump OPS-3 to low", "OPS-3", "low"),
    ],
)
def test_a_plan_beside_a_change_still_changes_the_ticket(text: str, key: str, priority: str) -> None:
    """ "gonna bring it up with the team, in the meantime bump ENG-4 to highest" changes ENG-4."""
    [call] = _plan(text)["calls"]  # type: ignore[misc]
    assert call["name"] == "update_ticket" and call["args"] == {"key": key, "priority": priority}, call


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("new ticket: the kitchen dishwasher leaks, i'll mention it to omar too", "Kitchen dishwasher leaks"),
        ("new ticket: the lobby door sticks, gonna flag it with hana as well", "Lobby door sticks"),
    ],
)
def test_an_explicit_new_ticket_with_a_plan_clause_is_created(text: str, title: str) -> None:
    """ "new ticket: X, i'll mention it to omar too" files X; the plan is no part of the title."""
    [call] = _plan(text)["calls"]  # type: ignore[misc]
    assert call["name"] == "create_ticket" and call["args"]["title"] == title, call


def test_a_musing_alone_still_proposes_nothing() -> None:
    """Guard: "ENG-4 probably deserves a higher prio tbh, i'll raise it w sam" only looks ENG-4 up."""
    [call] = _plan("ENG-4 probably deserves a higher prio tbh, i'll raise it w sam")["calls"]  # type: ignore[misc]
    assert call == {"name": "get_ticket", "args": {"key": "ENG-4"}}, call


# -- 8. a remark about one ticket beside a request about another changes only the other -----------------------------
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("i reckon OPS-8 should be urgent, gonna bring it up with omar. in the meantime assign OPS-3 to me", "OPS-3"),
        ("ENG-7 probably deserves a higher prio tbh, i'll raise it w grace. meanwhile bump ENG-1 to highest", "ENG-1"),
        ("i'll talk to sam about ENG-7 later but please move ENG-12 to done", "ENG-12"),
        ("i'll chat to omar about OPS-8 tomorrow, close OPS-3 now", "OPS-3"),
        (
            "ENG-7 feels like it should be highest tbh, i'll mention it at standup. also can you give ENG-1 to tom",
            "ENG-1",
        ),
    ],
)
def test_a_remark_about_one_ticket_beside_a_request_changes_only_the_requested_one(text: str, key: str) -> None:
    """The opinion or plan about the first ticket is no part of the request: only the second ticket is changed."""
    plan = _plan(text)
    calls = plan["calls"]
    assert isinstance(calls, list) and calls, plan
    for call in calls:
        keys = call["args"].get("keys") or [call["args"].get("key")]
        assert keys == [key], call


# -- 9. "ok just file it now then" after something that is no ticket's subject, or with one already on its card ----
@pytest.mark.parametrize(
    "earlier",
    [
        "my son broke his wrist at football so i'm out tomorrow, can you clear my calendar?",
        "my cat died last night, how much compassionate leave do we get?",
        "how do I book a quiet room for thursday?",
    ],
)
def test_file_it_after_something_no_ticket_is_about_asks(earlier: str) -> None:
    """A person, a pet or a room booking is no ticket's subject: "ok just file it now then" asks what to file."""
    plan = _plan(earlier, "ok just file it now then")
    assert plan["calls"] == [], plan


def test_file_it_after_asking_how_to_get_equipment_files_that() -> None:
    """ "how do I get a new docking station?" then "ok just file it now then" files "New docking station"."""
    plan = _plan("how do I get a new docking station?", "ok just file it now then")
    calls = plan["calls"]
    assert isinstance(calls, list) and len(calls) == 1 and calls[0]["args"]["title"] == "New docking station", plan


def test_file_it_with_a_ticket_already_on_its_card_points_at_the_card() -> None:
    """ "ok just file it now then" while a create waits for approval proposes no second copy; it points at the card."""
    pending = [{"tool": "create_ticket", "args": {"title": "Badge stopped working"}, "id": "a1"}]
    messages = [HumanMessage("my badge stopped working"), AIMessage("Here's the card."), HumanMessage("ok file it now")]
    plan = plan_tickets(list(messages), ModelContext(pending=pending), TICKET_TOOLS)
    assert plan.calls == [] and "card above" in (plan.text or ""), plan
