"""Bulk ticket changes: the selector and the change compose, and every affected ticket is on one approval card."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.composition import Core
from graph.local_model.ticket_bulk import parse_bulk
from graph.state import ConversationContext

from .conftest import DIEGO, PRIYA, TOM
from .test_ticket_nlu import LEX


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "move all of Priya's in-progress tickets to review",
            {"assignee": "Priya", "status": "in-progress", "new_status": "review"},
        ),
        (
            "Omar is out sick, give his in-progress tickets to Priya",
            {"assignee": "Omar", "status": "in-progress", "new_assignee": "Priya"},
        ),
        (
            "give Tom's overdue tickets he hasn't started to Hana",
            {"assignee": "Tom", "status": "backlog", "overdue": True, "new_assignee": "Hana"},
        ),
        (
            "push every Design ticket due this week to next Friday",
            {"project": "DES", "due_in": "this week", "new_due_date": "next Friday"},
        ),
        ("tag all of Priya's ENG tickets with perf", {"assignee": "Priya", "project": "ENG", "add_labels": ["perf"]}),
        ("add the urgent-fix label to every ENG ticket", {"project": "ENG", "add_labels": ["urgent-fix"]}),
        ("remove the vpn tag from all of Diego's tickets", {"assignee": "Diego", "remove_labels": ["vpn"]}),
        ("reopen all of Hana's done tickets", {"assignee": "Hana", "status": "done", "new_status": "reopen"}),
        (
            "move all of Diego's tickets to done except the vpn one",
            {"assignee": "Diego", "exclude_text": "vpn", "new_status": "done"},
        ),
        (
            "push Tom's tickets in review back a week",
            {"assignee": "Tom", "status": "in review", "new_due_shift_days": 7},
        ),
        (
            "give anything nobody's picked up in ENG to Omar",
            {"assignee": "nobody", "project": "ENG", "new_assignee": "Omar"},
        ),
    ],
)
def test_selector_and_change_compose(text: str, expected: dict[str, object]) -> None:
    """Who, which status, project, due window, labels and exclusions combine with any one kind of change."""
    frame = parse_bulk(text, LEX)
    assert frame is not None
    assert frame.tool_args() == expected


@pytest.mark.parametrize("text", ["move all tickets to done", "add Priya to the meeting", "close OPS-3"])
def test_no_bulk_frame_without_a_selector_or_a_set(text: str) -> None:
    """A change with no selector is too broad to guess, and single-ticket or non-ticket requests are not bulk."""
    assert parse_bulk(text, LEX) is None


def test_list_reference_picks_from_what_was_listed() -> None:
    """ "give the unassigned one to Omar" after a list narrows to those tickets and expects exactly one."""
    frame = parse_bulk("give the unassigned one to Omar", LEX, listed=["OPS-2", "OPS-3"])
    assert frame is not None
    assert frame.tool_args() == {
        "assignee": "nobody",
        "keys": ["OPS-2", "OPS-3"],
        "new_assignee": "Omar",
        "expect_one": True,
    }


def _card_keys(outcome: object) -> list[str]:
    approval = getattr(outcome, "new_approval", None)
    assert approval is not None, getattr(outcome, "reply", "")
    return sorted(a["params"]["key"] for a in approval.actions)


def test_bulk_label_change_applies_to_every_matching_ticket(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """Approving "tag all of Priya's ENG tickets with perf" adds the label to each of her open ENG tickets only."""
    context = ctx(user=PRIYA, channel_id="C0ENGINEER", default_project="ENG")
    outcome = core.runtime.handle_message(context, "tag all of Priya's ENG tickets with perf")
    assert _card_keys(outcome) == ["ENG-1", "ENG-11", "ENG-5", "ENG-9"]
    core.runtime.decide(outcome.new_approval.id, user_id=PRIYA, outcome="approve")  # type: ignore[union-attr]
    for key in ("ENG-1", "ENG-5", "ENG-9", "ENG-11"):
        assert "perf" in core.tickets.get(key).labels
    assert "perf" not in core.tickets.get("ENG-2").labels


def test_exclusion_by_priority_leaves_those_tickets_out(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """ "except the highest priority one" drops the ticket with that priority from the card."""
    outcome = core.runtime.handle_message(
        ctx(user=TOM), "move all of Omar's OPS tickets to in review except the urgent one"
    )
    keys = _card_keys(outcome)
    assert "OPS-8" not in keys  # OPS-8 is Omar's highest-priority ticket
    assert "OPS-6" in keys


def test_reopen_moves_done_tickets_to_the_start_of_the_workflow(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "reopen all of Diego's done tickets" proposes Backlog for each of his finished tickets, nothing else."""
    outcome = core.runtime.handle_message(ctx(user=TOM), "reopen all of Diego's done tickets")
    assert _card_keys(outcome) == ["OPS-10"]
    core.runtime.decide(outcome.new_approval.id, user_id=TOM, outcome="approve")  # type: ignore[union-attr]
    assert core.tickets.get("OPS-10").status == "Backlog"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("move all of Zelda's tickets to review", "Zelda"),
        ("move all of Diego's tickets to limbo", "limbo"),
    ],
)
def test_unknown_person_or_status_gets_a_clear_message_and_no_card(
    core: Core, ctx: Callable[..., ConversationContext], text: str, named: str
) -> None:
    """An unknown person or status is named back to the asker; nothing is proposed."""
    outcome = core.runtime.handle_message(ctx(user=TOM), text)
    assert outcome.new_approval is None
    assert named.lower() in outcome.reply.lower()


def test_due_shift_skips_tickets_without_a_due_date(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """Shifting due dates "back a week" moves each dated ticket by 7 days and says which had no date to move."""
    outcome = core.runtime.handle_message(ctx(user=DIEGO), "push all of Diego's tickets back a week")
    keys = _card_keys(outcome)
    assert "OPS-1" in keys and "OPS-7" not in keys
    assert "OPS-7" in outcome.reply
    before = core.tickets.get("OPS-1").due_date
    core.runtime.decide(outcome.new_approval.id, user_id=DIEGO, outcome="approve")  # type: ignore[union-attr]
    after = core.tickets.get("OPS-1").due_date
    assert before is not None and after is not None and (after - before).days == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "resolve all of Akira's ENG tickets in review",
            {"assignee": "Akira", "status": "in review", "project": "ENG", "new_status": "done"},
        ),
        (
            "move every DES ticket in backlog to in progress and tag them with q1",
            {"status": "backlog", "project": "DES", "new_status": "in progress", "add_labels": ["q1"]},
        ),
        (
            "lower all of Akira's ENG tickets still in backlog to low priority",
            {"assignee": "Akira", "status": "backlog", "project": "ENG", "new_priority": "low"},
        ),
        (
            "every PPL ticket that's overdue and not finished yet: set the due date to next friday",
            {"overdue": True, "project": "PPL", "new_due_date": "next friday"},
        ),
        (
            "everything Hana has in review: make it urgent and give it to Sam",
            {"assignee": "Hana", "status": "in review", "new_priority": "urgent", "new_assignee": "Sam"},
        ),
    ],
)
def test_closing_and_several_changes_in_one_request(text: str, expected: dict[str, object]) -> None:
    """Closing a described set, and further changes joined by "and", all land on the one bulk change."""
    frame = parse_bulk(text, LEX)
    assert frame is not None
    assert frame.tool_args() == expected


def test_single_ticket_due_shift_moves_from_its_own_due_date(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "bring DES-1 forward by two days" proposes DES-1's own due date minus two days."""
    before = core.tickets.get("DES-1").due_date
    outcome = core.runtime.handle_message(ctx(user=TOM), "bring DES-1 forward by two days")
    assert _card_keys(outcome) == ["DES-1"]
    core.runtime.decide(outcome.new_approval.id, user_id=TOM, outcome="approve")  # type: ignore[union-attr]
    after = core.tickets.get("DES-1").due_date
    assert before is not None and after is not None and (before - after).days == 2
