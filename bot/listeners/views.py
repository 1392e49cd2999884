"""Modal submissions: the approval edit form and the digest subscribe form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.approval import EDIT_MODAL, edits_from_view_state
from bot.blocks.digest import DIGEST_MODAL
from bot.digests.slack import confirmation, is_channel, metadata_of, post_notice, subscribe, subscription_from_view
from bot.dispatch import DECISION
from bot.home import publish_home
from bot.services import BotServices


def register(app: App, services: BotServices) -> None:
    """Attach the view listeners."""

    @app.view(EDIT_MODAL)
    def on_edit_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        """Validate the edited fields inline (errors show under each field); valid edits are approved."""
        approval_id = view.get("private_metadata", "")
        user_id = body["user"]["id"]
        values = view.get("state", {}).get("values", {})
        edits = edits_from_view_state(values)
        errors = services.runtime.check_edits(approval_id, edits)
        if errors:
            # Errors for a whole action (no field) are shown under that action's first input.
            first_block = next(iter(values), "")
            ack(
                response_action="errors",
                errors={key if not key.endswith("._") else first_block: msg for key, msg in errors.items()},
            )
            return
        ack()
        record = services.approvals.get(approval_id)
        channel = (record.card_channel or record.channel_id) if record else ""
        services.enqueue(
            [f"edit:{approval_id}:{user_id}:{view.get('id') or view.get('hash', '')}"],
            kind=DECISION,
            thread_key=record.thread_id if record else f"approval:{approval_id}",
            payload={
                "approval_id": approval_id,
                "user_id": user_id,
                "outcome": "edit",
                "channel_id": channel,
                "edits": edits,
                "refresh_home": True,  # the decider's Home tab drops the approval once it is decided
            },
        )

    @app.view(DIGEST_MODAL)
    def on_digest_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        """Bad choices are shown under their fields; a good one subscribes and says when the first digest comes."""
        user_id = body["user"]["id"]
        data, errors = subscription_from_view(services, client, user_id=user_id, view=view)
        if data is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        sub = subscribe(services, data)
        where = metadata_of(view)
        if where.get("origin") == "home":
            publish_home(services, client, user_id)
            return
        channel = where.get("channel") or ""
        text = confirmation(sub, viewer=user_id)
        if is_channel(channel) or channel.startswith("D"):
            post_notice(client, channel_id=channel, user_id=user_id, text=text)
        else:
            publish_home(services, client, user_id)
