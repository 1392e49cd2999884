"""The approval card: what will change, who asked, until when, and the buttons to decide."""

from __future__ import annotations

from typing import Any

from bot.blocks.text import FIELD_LIMIT, clip, escape, mrkdwn, plain, slack_date
from graph.actions.base import ProposedAction
from integrations.approvals.base import ApprovalRecord

APPROVE = "approval_approve"
REJECT = "approval_reject"
EDIT = "approval_edit"
EDIT_MODAL = "approval_edit_modal"
MAX_ACTIONS_SHOWN = 20

_STATUS_LINES = {
    "approved": "✅ Approved by <@{by}>",
    "failed": "⚠️ Approved by <@{by}>, but it could not be completed",
    "rejected": "🚫 Rejected by <@{by}>. Nothing was changed",
    "expired": "⌛ Expired. Nothing was changed",
    "superseded": "↪️ Replaced by a newer proposal. Nothing was changed",
    "deciding": "⏳ Working on it (decided by <@{by}>)",
}


def _action_blocks(action: ProposedAction) -> list[dict[str, Any]]:
    # Calendar actions carry a display form with Slack date tokens (each viewer sees their own time zone);
    # it is built from our own data, so only the summary (which may echo user text) is escaped.
    headline = action.display if action.display else escape(action.summary)
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn(f"*{headline}*")}]
    # Empty fields ("Assignee: nobody", "Due: none") are noise on a card; the modal still offers them.
    shown = [f for f in action.fields if f.name != "title" and f.value not in (None, "") and f.display]
    if shown:
        blocks[0]["fields"] = [mrkdwn(f"*{f.label}*\n{clip(escape(f.display), 300)}", FIELD_LIMIT) for f in shown[:10]]
    return blocks


def approval_blocks(record: ApprovalRecord, *, intro: str | None = None) -> list[dict[str, Any]]:
    """The card while it waits for a decision."""
    actions = [ProposedAction.model_validate(a) for a in record.actions]
    blocks: list[dict[str, Any]] = [{"type": "header", "text": plain("Approval needed")}]
    if intro:
        blocks.append({"type": "section", "text": mrkdwn(escape(intro))})
    blocks += _actions_section(actions)
    blocks.append(
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    f"Requested by <@{record.requester_id}> · expires {slack_date(record.expires_at)} · "
                    f"only the requester or an approver can decide"
                )
            ],
        }
    )
    blocks.append(decision_buttons(record))
    return blocks


def decision_buttons(record: ApprovalRecord) -> dict[str, Any]:
    """Approve / Edit / Reject for a pending approval; the same buttons work on a card, in a DM or in App Home."""
    return {
        "type": "actions",
        "block_id": f"approval:{record.id}",
        "elements": [
            {
                "type": "button",
                "action_id": APPROVE,
                "text": plain("Approve"),
                "style": "primary",
                "value": record.id,
            },
            {"type": "button", "action_id": EDIT, "text": plain("Edit"), "value": record.id},
            {"type": "button", "action_id": REJECT, "text": plain("Reject"), "style": "danger", "value": record.id},
        ],
    }


def _actions_section(actions: list[ProposedAction]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for action in actions[:MAX_ACTIONS_SHOWN]:
        blocks += _action_blocks(action)
    if len(actions) > MAX_ACTIONS_SHOWN:
        rest = "\n".join(f"• {escape(a.summary)}" for a in actions[MAX_ACTIONS_SHOWN:])
        blocks.append({"type": "section", "text": mrkdwn(f"…and {len(actions) - MAX_ACTIONS_SHOWN} more:\n{rest}")})
    if len(actions) > 1:
        blocks.insert(0, {"type": "context", "elements": [mrkdwn(f"{len(actions)} changes, approved together")]})
    return blocks


def decided_blocks(record: ApprovalRecord, *, results: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The same card after the decision: no buttons, the outcome and who decided, with links."""
    actions = [ProposedAction.model_validate(a) for a in record.actions]
    title = {
        "approved": "Approved",
        "failed": "Approved with problems",
        "rejected": "Rejected",
        "expired": "Expired",
        "superseded": "Replaced",
        "deciding": "Approved",
    }.get(record.status, "Decided")
    blocks: list[dict[str, Any]] = [{"type": "header", "text": plain(title)}]
    blocks += _actions_section(actions)
    lines = []
    for result in results if results is not None else record.results:
        mark = "✅" if result.get("status") == "done" else "⚠️"
        text = escape(str(result.get("message", "")))
        if result.get("link") and result.get("target"):
            text = text.replace(str(result["target"]), f"<{result['link']}|{result['target']}>", 1)
        lines.append(f"{mark} {text}")
    if lines:
        blocks.append({"type": "section", "text": mrkdwn("\n".join(lines))})
    status = _STATUS_LINES.get(record.status, "Decided").format(by=record.decided_by or "someone")
    when = f" · {slack_date(record.decided_at)}" if record.decided_at else ""
    blocks.append({"type": "context", "elements": [mrkdwn(f"{status}{when} · requested by <@{record.requester_id}>")]})
    return blocks


def card_fallback_text(record: ApprovalRecord) -> str:
    """Notification text for clients that do not render blocks."""
    actions = [ProposedAction.model_validate(a) for a in record.actions]
    first = actions[0].summary if actions else "a change"
    more = f" (+{len(actions) - 1} more)" if len(actions) > 1 else ""
    return clip(f"Approval needed: {first}{more}", 300)


def edit_modal(record: ApprovalRecord) -> dict[str, Any]:
    """A modal with one input per editable field of every action, pre-filled with the proposal."""
    actions = [ProposedAction.model_validate(a) for a in record.actions]
    blocks: list[dict[str, Any]] = []
    for action in actions[:MAX_ACTIONS_SHOWN]:
        if len(actions) > 1:
            blocks.append({"type": "section", "text": mrkdwn(f"*{escape(action.summary)}*")})
        for field in action.fields:
            blocks.append(
                _input_block(
                    action.id,
                    field.name,
                    field.label,
                    field.kind,
                    field.value,
                    field.options,
                    optional=not field.required,
                )
            )
    return {
        "type": "modal",
        "callback_id": EDIT_MODAL,
        "private_metadata": record.id,
        "title": plain("Edit before approving", 24),
        "submit": plain("Approve edited", 24),
        "close": plain("Cancel", 24),
        "blocks": blocks or [{"type": "section", "text": mrkdwn("Nothing here can be edited.")}],
    }


def _input_block(
    action_id: str, name: str, label: str, kind: str, value: str | None, options: list[str], *, optional: bool
) -> dict[str, Any]:
    element: dict[str, Any]
    if kind == "select" and options:
        element = {
            "type": "static_select",
            "action_id": "value",
            "options": [{"text": plain(o.capitalize() if o.islower() else o, 75), "value": o} for o in options[:100]],
        }
        if value in options:
            element["initial_option"] = {
                "text": plain(value.capitalize() if value.islower() else value, 75),
                "value": value,
            }
    elif kind == "user":
        element = {"type": "users_select", "action_id": "value"}
        if value:
            element["initial_user"] = value
    elif kind == "date":
        element = {"type": "datepicker", "action_id": "value"}
        if value:
            element["initial_date"] = value
    else:
        element = {"type": "plain_text_input", "action_id": "value", "multiline": kind == "multiline"}
        if value:
            element["initial_value"] = clip(value, 3000)
    return {
        "type": "input",
        "block_id": f"{action_id}.{name}",
        "optional": optional,
        "label": plain(label, 2000),
        "element": element,
    }


def edits_from_view_state(values: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    """Turn ``view.state.values`` back into {action_id: {field: value}} (strings; None when cleared)."""
    edits: dict[str, dict[str, str | None]] = {}
    for block_id, elements in values.items():
        if "." not in block_id:
            continue
        action_id, name = block_id.split(".", 1)
        element = elements.get("value", {})
        kind = element.get("type")
        value: str | None
        if kind == "static_select":
            value = (element.get("selected_option") or {}).get("value")
        elif kind == "users_select":
            value = element.get("selected_user")
        elif kind == "datepicker":
            value = element.get("selected_date")
        else:
            value = element.get("value")
        edits.setdefault(action_id, {})[name] = value
    return edits
