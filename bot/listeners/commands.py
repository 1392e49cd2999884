"""Slash commands."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.services import BotServices
from graph.prompts import CHAT_HELP


def register(app: App, services: BotServices) -> None:
    """Attach the slash command listeners."""

    @app.command("/deskhand")
    def on_deskhand(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """`/deskhand` (or `/deskhand help`) explains what deskhand can do, privately."""
        ack()
        respond(response_type="ephemeral", text=CHAT_HELP)
