"""Plain replies: answers, friendly failures, refusals."""

from __future__ import annotations

from typing import Any

from bot.blocks.text import mrkdwn


def reply_blocks(text: str) -> list[dict[str, Any]]:
    """A reply as one or more sections (Slack caps a section at 3,000 characters)."""
    chunks = [text[i : i + 2900] for i in range(0, min(len(text), 2900 * 10), 2900)] or [" "]
    return [{"type": "section", "text": mrkdwn(chunk)} for chunk in chunks]


def failure_text(reference: str) -> str:
    """What a person sees when something broke: short, no internals, a reference to quote."""
    return (
        f"Sorry, something went wrong on my side. "
        f"If it keeps happening, share this reference with your admin: `{reference}`."
    )
