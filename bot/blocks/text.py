"""Small helpers for Slack text objects and limits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
HEADER_LIMIT = 150


def clip(text: str, limit: int) -> str:
    """Text cut to Slack's limit with an ellipsis, so a long value never makes Slack reject the message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn reserves; user and tool text must not become markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    """A mrkdwn text object."""
    return {"type": "mrkdwn", "text": clip(text, limit) or " "}


def plain(text: str, limit: int = HEADER_LIMIT) -> dict[str, Any]:
    """A plain_text object with emoji."""
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def slack_date(moment: datetime, fmt: str = "{date_short_pretty} at {time}") -> str:
    """A date Slack renders in each viewer's own time zone, with a UTC fallback for old clients."""
    epoch = int(moment.timestamp())
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{fmt}|{fallback}>"
