"""Slash commands."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.digest import subscription_list_blocks
from bot.digests.slack import DIGEST_HELP, VERBS, manage, open_subscribe_modal, visible_subscriptions
from bot.services import BotServices
from graph.prompts import CHAT_HELP


def register(app: App, services: BotServices) -> None:
    """Attach the slash command listeners."""

    @app.command("/deskhand")
    def on_deskhand(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        """`/deskhand` (or `/deskhand help`) explains what deskhand can do, privately; `/deskhand digest ...`
        manages digests."""
        ack()
        words = (command.get("text") or "").split()
        if words and words[0].lower() in ("digest", "digests") and services.digests is not None:
            _digest(services, client, command, respond, words[1:])
            return
        respond(response_type="ephemeral", text=f"{CHAT_HELP}\n\n{DIGEST_HELP}")


def _digest(
    services: BotServices, client: WebClient, command: dict[str, Any], respond: Respond, args: list[str]
) -> None:
    user_id, channel_id = command["user_id"], command.get("channel_id") or ""
    verb = args[0].lower() if args else "new"
    if verb in ("new", "subscribe", "add"):
        open_subscribe_modal(
            services,
            client,
            trigger_id=command["trigger_id"],
            user_id=user_id,
            channel_id=channel_id,
            origin="command",
        )
    elif verb in ("list", "ls"):
        subs = visible_subscriptions(services, user_id=user_id, channel_id=channel_id)
        respond(
            response_type="ephemeral",
            text=f"{len(subs)} digest{'s' if len(subs) != 1 else ''}",
            blocks=subscription_list_blocks(subs, viewer=user_id),
        )
    elif verb in VERBS and len(args) >= 2:
        respond(response_type="ephemeral", text=manage(services, user_id=user_id, verb=verb, subscription_id=args[1]))
    else:
        respond(response_type="ephemeral", text=DIGEST_HELP)
