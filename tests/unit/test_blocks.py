"""Block Kit builders: cards carry what a person needs and stay within Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.blocks.approval import (
    APPROVE,
    EDIT,
    MAX_ACTIONS_SHOWN,
    REJECT,
    approval_blocks,
    decided_blocks,
    edit_modal,
    edits_from_view_state,
)
from bot.blocks.messages import reply_blocks
from graph.actions.base import EditableField, ProposedAction
from integrations.approvals.base import ApprovalRecord


def _record(n: int = 1, **changes: object) -> ApprovalRecord:
    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    actions = [
        ProposedAction(
            id=f"a{i + 1}",
            kind="ticket.create",
            tool="create_ticket",
            summary=f"New OPS ticket “Thing {i}” <b>",
            fields=[
                EditableField(name="title", label="Title", value=f"Thing {i}", display=f"Thing {i}", required=True),
                EditableField(
                    name="priority",
                    label="Priority",
                    kind="select",
                    value="high",
                    display="High",
                    options=["low", "medium", "high"],
                ),
            ],
        ).model_dump()
        for i in range(n)
    ]
    record = ApprovalRecord(
        id="ap1",
        thread_id="t",
        channel_id="C1",
        thread_ts="1.0",
        requester_id="U1",
        actions=actions,
        created_at=now,
        expires_at=now + timedelta(hours=24),
    )
    return record.model_copy(update=changes)


def test_pending_card_has_three_buttons_carrying_the_approval_id() -> None:
    """Approve (primary), Edit and Reject (danger), each with the approval id as value."""
    blocks = approval_blocks(_record(), intro="Here's the plan")
    buttons = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert [(b["action_id"], b.get("style"), b["value"]) for b in buttons] == [
        (APPROVE, "primary", "ap1"),
        (EDIT, None, "ap1"),
        (REJECT, "danger", "ap1"),
    ]


def test_card_escapes_user_text_and_renders_expiry_in_viewer_zone() -> None:
    """Proposal text cannot inject Slack markup; the expiry uses Slack's per-viewer date token."""
    text = str(approval_blocks(_record()))
    assert "&lt;b&gt;" in text and "<b>" not in text
    assert "<!date^" in text


def test_decided_card_has_no_buttons_and_names_the_decider() -> None:
    """After approval the card shows who approved and the result link, and no buttons."""
    record = _record(
        status="approved",
        decided_by="U9",
        decided_at=datetime(2026, 11, 29, 13, tzinfo=UTC),
        results=[{"status": "done", "message": "Created OPS-9 “Thing 0”", "target": "OPS-9", "link": "http://x/OPS-9"}],
    )
    blocks = decided_blocks(record)
    assert not [b for b in blocks if b["type"] == "actions"]
    text = str(blocks)
    assert "Approved by <@U9>" in text and "<http://x/OPS-9|OPS-9>" in text


def test_bulk_card_stays_under_slacks_block_limit() -> None:
    """Sixty actions still make a card under 50 blocks, listing the rest compactly."""
    blocks = approval_blocks(_record(60))
    assert len(blocks) <= 50
    assert f"and {60 - MAX_ACTIONS_SHOWN} more" in str(blocks)


def test_edit_modal_round_trips_through_view_state() -> None:
    """The modal's inputs are keyed action.field, and submitted state maps back to edits."""
    modal = edit_modal(_record())
    inputs = {b["block_id"]: b for b in modal["blocks"] if b["type"] == "input"}
    assert set(inputs) == {"a1.title", "a1.priority"} and modal["private_metadata"] == "ap1"
    assert inputs["a1.priority"]["element"]["initial_option"]["value"] == "high"
    state = {
        "a1.title": {"value": {"type": "plain_text_input", "value": "New"}},
        "a1.priority": {"value": {"type": "static_select", "selected_option": {"value": "low"}}},
    }
    assert edits_from_view_state(state) == {"a1": {"title": "New", "priority": "low"}}


def test_long_reply_is_split_into_sections_under_the_limit() -> None:
    """A 7,000-character answer becomes several sections, each under 3,000 characters."""
    blocks = reply_blocks("x" * 7000)
    assert len(blocks) == 3 and all(len(b["text"]["text"]) <= 3000 for b in blocks)
