"""Button clicks on approval cards."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.approval import APPROVE, EDIT, REJECT, edit_modal
from bot.blocks.digest import DIGEST_DELETE, DIGEST_NEW, DIGEST_PAUSE, DIGEST_RESUME, subscription_list_blocks
from bot.blocks.docs import DOCS_FEEDBACK_DOWN, DOCS_FEEDBACK_UP
from bot.blocks.results import SLOT_ACTION_PREFIX
from bot.digests.slack import manage, open_subscribe_modal, visible_subscriptions
from bot.dispatch import DECISION, MESSAGE
from bot.docs import record_vote
from bot.home import publish_home
from bot.services import BotServices
from bot.turns import show_decision, slot_request_text
from graph.state import thread_id_for

log = logging.getLogger(__name__)


def _click(body: dict[str, Any]) -> tuple[str, str, str]:
    action = body["actions"][0]
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    return str(action.get("value", "")), body["user"]["id"], channel


def from_home(body: dict[str, Any]) -> bool:
    """The click happened on the App Home tab (which then needs publishing again)."""
    return (body.get("container") or {}).get("type") == "view" and (body.get("view") or {}).get("type") == "home"


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
            payload={
                "approval_id": approval_id,
                "user_id": user_id,
                "outcome": outcome,
                "channel_id": channel,
                # The decider's Home tab lists what waits for them: republish it once the decision is done,
                # wherever they clicked (the Home tab itself, or the card in a channel).
                "refresh_home": True,
            },
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

    @app.action(re.compile(rf"^{SLOT_ACTION_PREFIX}\d+$"))
    def on_slot(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """A free-slot button: propose that meeting in the same thread, as if the clicker had asked for it."""
        ack()
        action = body["actions"][0]
        user_id = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
        message = body.get("message") or {}
        thread_ts = message.get("thread_ts") or message.get("ts") or ""
        try:
            slot = json.loads(action.get("value") or "{}")
        except json.JSONDecodeError:
            log.warning("ignored a slot button with an unreadable value")
            return
        text = slot_request_text(slot, services, client, user_id)
        event = {
            "type": "message",
            "user": user_id,
            "channel": channel,
            "thread_ts": thread_ts,
            "text": text,
            "ts": f"{action.get('action_ts') or body.get('trigger_id', '')}",
            "channel_type": "channel",
        }
        team_id = (body.get("team") or {}).get("id", "")
        services.enqueue(
            [f"slot:{message.get('ts')}:{action['action_id']}:{user_id}:{action.get('action_ts', '')}"],
            kind=MESSAGE,
            thread_key=thread_id_for(team_id, channel, thread_ts),
            payload={"event": event, "team_id": team_id},
        )

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

    @app.action(DOCS_FEEDBACK_UP)
    def on_docs_helpful(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """👍 under a docs answer: stored with the question and the chunks it was built from."""
        ack()
        record_vote(services, client, body, "up")

    @app.action(DOCS_FEEDBACK_DOWN)
    def on_docs_not_helpful(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """👎 under a docs answer: stored too; `deskhand docs feedback --export` turns these into eval cases."""
        ack()
        record_vote(services, client, body, "down")

    _register_digest_actions(app, services)


def _register_digest_actions(app: App, services: BotServices) -> None:
    verbs = {DIGEST_PAUSE: "pause", DIGEST_RESUME: "resume", DIGEST_DELETE: "delete"}

    @app.action(DIGEST_NEW)
    def on_new_digest(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """The Home tab's "New digest" button: the subscribe modal, for the clicker."""
        ack()
        _, user_id, channel = _click(body)
        open_subscribe_modal(
            services,
            client,
            trigger_id=body["trigger_id"],
            user_id=user_id,
            channel_id=channel or None,
            origin="home" if from_home(body) else "message",
        )

    @app.action(re.compile(f"^({DIGEST_PAUSE}|{DIGEST_RESUME}|{DIGEST_DELETE})$"))
    def on_digest_button(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """Pause / Resume / Delete, on the Home tab or on a `/deskhand digest list` answer (refreshed in place)."""
        ack()
        subscription_id, user_id, channel = _click(body)
        verb = verbs[body["actions"][0]["action_id"]]
        notice = manage(services, user_id=user_id, verb=verb, subscription_id=subscription_id)
        if from_home(body):
            publish_home(services, client, user_id)
            return
        subs = visible_subscriptions(services, user_id=user_id, channel_id=channel)
        respond(
            replace_original=True,
            response_type="ephemeral",
            text=notice,
            blocks=[
                {"type": "context", "elements": [{"type": "mrkdwn", "text": notice}]},
                *subscription_list_blocks(subs, viewer=user_id),
            ],
        )
