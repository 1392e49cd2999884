"""The approval reminder: who is waiting for what, until when, with the same buttons as the card."""

from __future__ import annotations

from typing import Any

from bot.blocks.approval import decision_buttons
from bot.blocks.text import clip, escape, mrkdwn, slack_date
from integrations.approvals.base import ApprovalRecord


def _what(record: ApprovalRecord) -> str:
    first = record.actions[0] if record.actions else {}
    return clip(record.summary or str(first.get("summary") or "a change"), 200)


def reminder_text(record: ApprovalRecord) -> str:
    """Notification text (no markup that needs rendering beyond a mention)."""
    return f"Reminder: <@{record.requester_id}> is waiting for your approval of {_what(record)}."


def reminder_blocks(record: ApprovalRecord) -> list[dict[str, Any]]:
    """A short nudge and the decision buttons; deciding here updates the original card too."""
    where = f" in <#{record.card_channel or record.channel_id}>" if (record.card_channel or record.channel_id) else ""
    text = (
        f"⏰ *Reminder:* <@{record.requester_id}> asked{where} for *{escape(_what(record))}* and is still waiting. "
        f"It expires {slack_date(record.expires_at)}; nothing changes unless someone approves."
    )
    return [{"type": "section", "text": mrkdwn(text)}, decision_buttons(record)]
