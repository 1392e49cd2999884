"""Modal submissions: the approval edit form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.approval import EDIT_MODAL, edits_from_view_state
from bot.services import BotServices
from bot.turns import run_decision


def register(app: App, services: BotServices) -> None:
    """Attach the view listeners."""

    @app.view(EDIT_MODAL)
    def on_edit_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        """Validate the edited fields inline (errors show under each field); valid edits are approved."""
        approval_id = view.get("private_metadata", "")
        user_id = body["user"]["id"]
        edits = edits_from_view_state(view.get("state", {}).get("values", {}))
        errors = services.runtime.check_edits(approval_id, edits)
        if errors:
            by_block = {
                key if not key.endswith("._") else next(iter(view["state"]["values"]), key): message
                for key, message in errors.items()
            }
            ack(response_action="errors", errors=by_block)
            return
        ack()
        record = services.approvals.get(approval_id)
        channel = record.card_channel or record.channel_id if record else ""
        key = record.thread_id if record else f"approval:{approval_id}"
        services.worker.submit(
            key,
            lambda: run_decision(
                services,
                client,
                approval_id=approval_id,
                user_id=user_id,
                outcome="edit",
                channel_id=channel or "",
                edits=edits,
            ),
        )
