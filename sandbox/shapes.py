"""Builders for Slack's object shapes (users, conversations, rich text) from the sandbox's records."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_COLORS = ("9f69e7", "4bbe2e", "e7392d", "3c989f", "674b1b", "e96699", "5b89d5", "2b6836")


def tz_fields(tz_name: str, now: datetime | None = None) -> dict[str, Any]:
    """tz, tz_label and tz_offset (seconds east of UTC, at `now`, so DST is honoured like Slack)."""
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone, tz_name = ZoneInfo("UTC"), "UTC"
    local = (now or datetime.now(tz=zone)).astimezone(zone)
    offset = local.utcoffset()
    return {
        "tz": tz_name,
        "tz_label": local.tzname() or tz_name,
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
    }


def user_object(record: dict[str, Any], team_id: str) -> dict[str, Any]:
    """A users.info-shaped user from a demo company entry."""
    real_name = record.get("real_name", record.get("name", ""))
    first, _, last = real_name.partition(" ")
    display = record.get("display_name", record.get("name", ""))
    digest = hashlib.sha1(record["id"].encode(), usedforsecurity=False).hexdigest()
    profile: dict[str, Any] = {
        "title": record.get("title", ""),
        "phone": "",
        "skype": "",
        "real_name": real_name,
        "real_name_normalized": real_name,
        "display_name": display,
        "display_name_normalized": display,
        "fields": None,
        "status_text": "",
        "status_emoji": "",
        "status_expiration": 0,
        "avatar_hash": digest[:12],
        "first_name": first,
        "last_name": last,
        "team": team_id,
    }
    if record.get("email"):
        profile["email"] = record["email"]
    for size in (24, 32, 48, 72, 192, 512):
        profile[f"image_{size}"] = f"/sandbox/avatars/{record['id']}.svg?s={size}"
    is_bot = bool(record.get("is_bot"))
    if is_bot:
        profile["bot_id"] = record.get("bot_id")
        profile["api_app_id"] = record.get("app_id")
        profile["always_active"] = True
    out = {
        "id": record["id"],
        "team_id": team_id,
        "name": record.get("name", ""),
        "deleted": bool(record.get("deleted", False)),
        "color": _COLORS[int(digest[:4], 16) % len(_COLORS)],
        "real_name": real_name,
        **tz_fields(record.get("tz", "UTC")),
        "profile": profile,
        "is_admin": bool(record.get("is_admin", False)),
        "is_owner": bool(record.get("is_owner", False)),
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": int(record.get("updated", 1_700_000_000)),
        "is_email_confirmed": not is_bot,
        "who_can_share_contact_card": "EVERYONE",
    }
    return out


def channel_object(
    record: dict[str, Any], *, members: list[str], viewer: str, general_id: str | None
) -> dict[str, Any]:
    """A conversations.info-shaped conversation; is_member is relative to `viewer`."""
    kind = record["kind"]
    created = int(record.get("created", 1_700_000_000))
    if kind == "im":
        other = next((m for m in members if m != viewer), viewer)
        return {
            "id": record["id"],
            "created": created,
            "is_im": True,
            "is_org_shared": False,
            "user": other,
            "is_user_deleted": False,
            "priority": 0,
        }
    name = record.get("name", record["id"].lower())
    is_private = bool(record.get("is_private", False)) or kind == "mpim"
    topic = {"value": record.get("topic", ""), "creator": "", "last_set": 0}
    purpose = {"value": record.get("purpose", ""), "creator": "", "last_set": 0}
    return {
        "id": record["id"],
        "name": name,
        "is_channel": kind == "channel" and not is_private,
        "is_group": kind == "channel" and is_private,
        "is_im": False,
        "is_mpim": kind == "mpim",
        "is_private": is_private,
        "created": created,
        "is_archived": bool(record.get("is_archived", False)),
        "is_general": record["id"] == general_id,
        "unlinked": 0,
        "name_normalized": name,
        "is_shared": False,
        "is_org_shared": False,
        "is_pending_ext_shared": False,
        "is_ext_shared": False,
        "context_team_id": record.get("team_id", ""),
        "creator": record.get("creator", ""),
        "is_member": viewer in members,
        "topic": topic,
        "purpose": purpose,
        "previous_names": [],
        "num_members": len(members),
    }


# What Slack's client turns into rich_text elements: <@U…>, <#C…|name>, <url|label>, :emoji:, and *bold*,
# _italic_, ~strike~ and `code` spans (one level, as typed in the composer).
_RICH_TOKEN = re.compile(
    r"<@(?P<user>[UW][A-Z0-9]+)(?:\|[^>]*)?>"
    r"|<#(?P<channel>C[A-Z0-9]+)(?:\|[^>]*)?>"
    r"|<(?P<url>(?:https?|mailto):[^|>\s]+)(?:\|(?P<label>[^>]*))?>"
    r"|(?<![\w*])\*(?P<bold>[^*\n]*[^*\s])\*(?![\w*])"
    r"|(?<![\w_])_(?P<italic>[^_\n]*[^_\s])_(?![\w_])"
    r"|(?<![\w~])~(?P<strike>[^~\n]*[^~\s])~(?![\w~])"
    r"|`(?P<code>[^`\n]+)`"
    r"|(?<![\w:]):(?P<emoji>[a-z0-9_+'-]+):(?![\w:])"
)
_STYLES = {"bold": "bold", "italic": "italic", "strike": "strike", "code": "code"}


def _unescape(text: str) -> str:
    """Message text escapes &, < and >; rich_text elements carry the characters themselves."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _rich_elements(text: str) -> list[dict[str, Any]]:
    elements: list[dict[str, Any]] = []
    pos = 0
    for match in _RICH_TOKEN.finditer(text):
        if match.start() > pos:
            elements.append({"type": "text", "text": _unescape(text[pos : match.start()])})
        pos = match.end()
        kind = match.lastgroup if match.lastgroup != "label" else "url"
        if match.group("user"):
            elements.append({"type": "user", "user_id": match.group("user")})
        elif match.group("channel"):
            elements.append({"type": "channel", "channel_id": match.group("channel")})
        elif match.group("url"):
            link: dict[str, Any] = {"type": "link", "url": _unescape(match.group("url"))}
            if match.group("label"):
                link["text"] = _unescape(match.group("label"))
            elements.append(link)
        elif match.group("emoji"):
            elements.append({"type": "emoji", "name": match.group("emoji")})
        elif kind in _STYLES:
            elements.append({"type": "text", "text": _unescape(match.group(kind)), "style": {_STYLES[kind]: True}})
    if pos < len(text):
        elements.append({"type": "text", "text": _unescape(text[pos:])})
    return elements


def rich_text_blocks(text: str, block_id: str) -> list[dict[str, Any]]:
    """The rich_text block Slack's clients attach to a typed message: mentions, channels and links split
    out, simple styles applied, and Slack's &amp;/&lt;/&gt; escapes undone."""
    return [
        {
            "type": "rich_text",
            "block_id": block_id,
            "elements": [{"type": "rich_text_section", "elements": _rich_elements(text)}],
        }
    ]


def mentioned_users(text: str) -> list[str]:
    return MENTION.findall(text or "")
