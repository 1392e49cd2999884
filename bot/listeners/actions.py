"""Button clicks on approval cards."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.approval import APPROVE, EDIT, REJECT, edit_modal
from bot.dispatch import DECISION
from bot.services import BotServices
from bot.turns import show_decision

log = logging.getLogger(__name__)


def _click(body: dict[str, Any]) -> tuple[str, str, str]:
    action = body["actions"][0]
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    return str(action.get("value", "")), body["user"]["id"], channel


def register(app: App, services: BotServices) -> None:
    """Attach the approval button listeners."""

    def decide(body: dict[str, Any], outcome: str) -> None:
        approval_id, user_id, channel = _click(body)
        record = services.approvals.get(approval_id)
        thread_key = record.thread_id if record else f"approval:{approval_id}"
        action_ts = body["actions"][0].get("action_ts") or body.get("trigger_id", "")
        services.enqueue(
            [f"click:{approval_id}:{user_id}:{outcome}:{action_ts}"],
            kind=DECISION,
            thread_key=thread_key,
            payload={"approval_id": approval_id, "user_id": user_id, "outcome": outcome, "channel_id": channel},
        )

    @app.action(APPROVE)
    def on_approve(ack: Ack, body: dict[str, Any]) -> None:
        """Approve: acknowledged at once, executed off the request path."""
        ack()
        decide(body, "approve")

    @app.action(REJECT)
    def on_reject(ack: Ack, body: dict[str, Any]) -> None:
        """Reject: nothing is written."""
        ack()
        decide(body, "reject")

    @app.action(EDIT)
    def on_edit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Edit: open the modal (trigger ids live 3 s, so this happens inline), if the clicker may decide."""
        ack()
        approval_id, user_id, channel = _click(body)
        blocked = services.runtime.precheck(approval_id, user_id=user_id)
        if blocked is not None:
            show_decision(services, client, blocked, clicker=user_id, channel_id=channel)
            return
        record = services.approvals.get(approval_id)
        assert record is not None
        client.views_open(trigger_id=body["trigger_id"], view=edit_modal(record))
