"""The App Home tab."""

from __future__ import annotations

from typing import Any

from bot.blocks.text import mrkdwn, plain
from graph.prompts import CHAT_HELP


def home_view() -> dict[str, Any]:
    """A welcome with examples of what to ask."""
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": plain("deskhand")},
            {"type": "section", "text": mrkdwn(CHAT_HELP)},
            {"type": "context", "elements": [mrkdwn("Mention @deskhand in a channel or send it a direct message.")]},
        ],
    }
