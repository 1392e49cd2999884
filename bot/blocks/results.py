"""Read results as Block Kit: an agenda, free slots as buttons that propose a meeting, ticket lists."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.docs import docs_answer_blocks
from bot.blocks.text import clip, escape, mrkdwn, plain, slack_date
from integrations.directory.base import Directory

SLOT_ACTION_PREFIX = "slot_book_"
MAX_ROWS = 10
_STATUS_EMOJI = {"backlog": "⚪", "in progress": "🔵", "in review": "🟣", "done": "✅"}
_PRIORITY_EMOJI = {"highest": "🔴", "high": "🟠", "medium": "🟡", "low": "🟢", "lowest": "⚪"}


def _names(ids: list[str], directory: Directory, *, skip: str | None = None) -> str:
    names = []
    for pid in ids:
        if pid == skip:
            continue
        person = directory.get(pid)
        names.append(person.name if person else pid)
    return ", ".join(names)


def events_blocks(items: list[dict[str, Any]], directory: Directory, *, viewer: str) -> list[dict[str, Any]]:
    """An agenda: time (in each viewer's zone), title, who else is there."""
    blocks: list[dict[str, Any]] = []
    for item in items[:MAX_ROWS]:
        start, end = datetime.fromisoformat(item["start"]), datetime.fromisoformat(item["end"])
        others = _names(item.get("attendees") or [], directory, skip=viewer)
        when = f"{slack_date(start, '{date_short_pretty} {time}')}–{slack_date(end, '{time}')}"
        text = f"*{escape(item['title'])}*\n{when}" + (f"\nwith {escape(others)}" if others else "")
        blocks.append({"type": "section", "text": mrkdwn(text)})
    if len(items) > MAX_ROWS:
        blocks.append({"type": "context", "elements": [mrkdwn(f"…and {len(items) - MAX_ROWS} more")]})
    return blocks


def slot_button_value(item: dict[str, Any], duration: str | None, title: str | None) -> str:
    """What a slot button carries: enough to propose the meeting when it is clicked."""
    value = {
        "start": item["start"],
        "end": item["end"],
        "attendees": item.get("attendees") or [],
        "duration": duration,
        "title": title,
    }
    return json.dumps(value, separators=(",", ":"))


def slots_blocks(items: list[dict[str, Any]], args: dict[str, Any], *, tz: str) -> list[dict[str, Any]]:
    """Free times as buttons; clicking one proposes the meeting (it still needs an approval)."""
    zone = ZoneInfo(tz)
    buttons = []
    for index, item in enumerate(items[:5]):
        start = datetime.fromisoformat(item["start"]).astimezone(zone)
        buttons.append(
            {
                "type": "button",
                "action_id": f"{SLOT_ACTION_PREFIX}{index}",
                "text": plain(f"{start:%a %-d %b %H:%M}", 75),
                "value": slot_button_value(item, args.get("duration"), args.get("title")),
            }
        )
    if not buttons:
        return []
    return [
        {"type": "actions", "elements": buttons},
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    f"Times in {escape(tz)}. Pick one to propose the meeting; nothing is booked until it is approved."
                )
            ],
        },
    ]


def tickets_blocks(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A compact ticket list: key (linked), title, status, priority, assignee, due date."""
    lines = []
    for item in items[:MAX_ROWS]:
        key = f"<{item['url']}|{item['key']}>" if item.get("url") else item["key"]
        status = str(item.get("status") or "")
        bits = [f"{_STATUS_EMOJI.get(status.lower(), '•')} {status}"]
        if item.get("priority"):
            bits.append(f"{_PRIORITY_EMOJI.get(str(item['priority']), '')} {str(item['priority']).capitalize()}")
        bits.append(escape(item.get("assignee") or "unassigned"))
        if item.get("due"):
            bits.append(f"due {item['due']}")
        lines.append(f"*{key}* {escape(clip(str(item['title']), 120))}\n{' · '.join(bits)}")
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn(line)} for line in lines]
    if len(items) > MAX_ROWS:
        blocks.append({"type": "context", "elements": [mrkdwn(f"…and {len(items) - MAX_ROWS} more")]})
    return blocks


def ticket_unfurl_blocks(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The compact card posted when ticket keys are mentioned in a channel."""
    return [{"type": "context", "elements": [mrkdwn("Tickets mentioned above:")]}, *tickets_blocks(items)]


def attachment_blocks(
    attachments: list[dict[str, Any]], directory: Directory, *, viewer: str, tz: str
) -> list[dict[str, Any]]:
    """Blocks for every attachment of a turn, in order."""
    blocks: list[dict[str, Any]] = []
    for attachment in attachments:
        kind, items = attachment.get("kind"), attachment.get("items") or []
        if kind == "events":
            blocks += events_blocks(items, directory, viewer=viewer)
        elif kind == "slots":
            blocks += slots_blocks(items, attachment.get("args") or {}, tz=tz)
        elif kind == "tickets":
            blocks += tickets_blocks(items)
        elif kind == "docs_answer":
            blocks += docs_answer_blocks(attachment)
    return blocks[:45]
