"""Block Kit for docs answers: the answer's body and sources, and thumbs up/down feedback buttons."""

from __future__ import annotations

from typing import Any

from bot.blocks.messages import reply_blocks
from bot.blocks.text import mrkdwn, plain

DOCS_FEEDBACK_UP = "docs_feedback_up"
DOCS_FEEDBACK_DOWN = "docs_feedback_down"
FEEDBACK_BLOCK_PREFIX = "docs_feedback:"


def docs_answer_blocks(attachment: dict[str, Any]) -> list[dict[str, Any]]:
    """The answer below its first line (the turn's heading), then the feedback buttons."""
    items = attachment.get("items") or []
    item = items[0] if items else {}
    body = str(item.get("body") or "")
    blocks = reply_blocks(body) if body.strip() else []
    answer_id = str(item.get("answer_id") or "")
    if answer_id:
        blocks.append(feedback_actions(answer_id))
    return blocks


def feedback_actions(answer_id: str) -> dict[str, Any]:
    """👍 / 👎 buttons carrying the answer id."""
    return {
        "type": "actions",
        "block_id": f"{FEEDBACK_BLOCK_PREFIX}{answer_id}"[:255],
        "elements": [
            {
                "type": "button",
                "action_id": DOCS_FEEDBACK_UP,
                "text": plain("👍 Helpful"),
                "value": answer_id,
            },
            {
                "type": "button",
                "action_id": DOCS_FEEDBACK_DOWN,
                "text": plain("👎 Not helpful"),
                "value": answer_id,
            },
        ],
    }


def after_vote_blocks(blocks: list[dict[str, Any]], vote: str) -> list[dict[str, Any]]:
    """The message with its feedback buttons replaced by a thank-you line."""
    thanks = (
        "Thanks! Marked as helpful."
        if vote == "up"
        else "Thanks for telling me. This answer is saved so the docs search can be improved."
    )
    out: list[dict[str, Any]] = []
    for block in blocks:
        if str(block.get("block_id", "")).startswith(FEEDBACK_BLOCK_PREFIX):
            out.append({"type": "context", "elements": [mrkdwn(thanks)]})
        else:
            out.append(block)
    return out
