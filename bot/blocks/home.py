"""The App Home tab: what waits for the person's decision, today's agenda, their open tickets, their digests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.blocks.approval import decision_buttons
from bot.blocks.digest import new_digest_button, subscription_blocks
from bot.blocks.results import tickets_blocks
from bot.blocks.text import clip, escape, mrkdwn, plain, slack_date
from graph.prompts import CHAT_HELP
from integrations.approvals.base import ApprovalRecord
from integrations.calendar.base import Event
from integrations.digests.base import Subscription

MAX_APPROVALS = 5
MAX_EVENTS = 10


@dataclass
class HomeData:
    """What one person's Home tab shows. ``None`` means that capability is not set up here."""

    user_id: str
    approvals: list[ApprovalRecord] = field(default_factory=list)
    agenda: list[Event] | None = None
    tickets: list[dict[str, Any]] | None = None
    subscriptions: list[Subscription] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)
    """Parts that could not be read this time."""


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain(text)}


def _note(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(text)]}


def _approval(record: ApprovalRecord) -> list[dict[str, Any]]:
    first = record.actions[0] if record.actions else {}
    what = record.summary or str(first.get("summary") or "a change")
    more = f" (+{len(record.actions) - 1} more)" if len(record.actions) > 1 else ""
    return [
        {"type": "section", "text": mrkdwn(f"*{escape(clip(what, 200))}*{more}")},
        _note(
            f"Asked by <@{record.requester_id}> {slack_date(record.created_at)}"
            + (f" in <#{record.channel_id}>" if record.channel_id else "")
            + f" · expires {slack_date(record.expires_at)}"
        ),
        decision_buttons(record),
    ]


def _agenda_line(event: Event, viewer: str) -> str:
    when = f"{slack_date(event.start, '{time}')}–{slack_date(event.end, '{time}')}"
    title = escape(clip(event.title, 120))
    title = f"<{event.url}|{title}>" if event.url else f"*{title}*"
    others = len([pid for pid in event.attendee_ids() if pid != viewer])
    return f"• {when} {title}" + (f" (with {others} other{'s' if others != 1 else ''})" if others else "")


def home_view(data: HomeData | None = None) -> dict[str, Any]:
    """The Home tab; without data (nothing wired), a welcome with examples of what to ask."""
    blocks: list[dict[str, Any]] = [_header("deskhand")]
    if data is not None:
        blocks += _waiting(data) + _today(data) + _tickets(data) + _digests(data)
        if data.unavailable:
            blocks.append(_note(f"⚠️ Couldn't load {', '.join(data.unavailable)} just now."))
        blocks.append({"type": "divider"})
    blocks += [
        {"type": "section", "text": mrkdwn(CHAT_HELP)},
        _note("Mention @deskhand in a channel or send it a direct message."),
    ]
    return {"type": "home", "blocks": blocks[:100]}


def _waiting(data: HomeData) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [_header("Waiting for your decision")]
    if not data.approvals:
        return [*blocks, _note("Nothing is waiting for you.")]
    for record in data.approvals[:MAX_APPROVALS]:
        blocks += _approval(record)
    if len(data.approvals) > MAX_APPROVALS:
        blocks.append(_note(f"…and {len(data.approvals) - MAX_APPROVALS} more"))
    return blocks


def _today(data: HomeData) -> list[dict[str, Any]]:
    if data.agenda is None:
        return []
    if not data.agenda:
        return [_header("Today"), _note("No more meetings today.")]
    lines = [_agenda_line(e, data.user_id) for e in data.agenda[:MAX_EVENTS]]
    if len(data.agenda) > MAX_EVENTS:
        lines.append(f"…and {len(data.agenda) - MAX_EVENTS} more")
    return [_header("Today"), {"type": "section", "text": mrkdwn("\n".join(lines))}]


def _tickets(data: HomeData) -> list[dict[str, Any]]:
    if data.tickets is None:
        return []
    if not data.tickets:
        return [_header("Your open tickets"), _note("No open tickets are assigned to you.")]
    return [_header("Your open tickets"), *tickets_blocks(data.tickets)]


def _digests(data: HomeData) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [_header("Your digests")]
    if data.subscriptions:
        blocks += subscription_blocks(data.subscriptions, viewer=data.user_id)
    else:
        blocks.append(_note("No digests yet: get a daily or weekly summary here or in a channel."))
    blocks.append(new_digest_button())
    return blocks
