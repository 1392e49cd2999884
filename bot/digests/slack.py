"""`/deskhand digest`: the subscribe modal, listing, pausing, resuming and deleting subscriptions.

Anyone in a channel may manage that channel's digests (like its topic); a personal digest belongs to the
person it goes to (and whoever set it up for them).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, Literal

from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.digest import ALL_PROJECTS, describe_subscription, modal_values, subscribe_modal
from bot.blocks.text import slack_date
from bot.digests.kit import DigestKit
from bot.digests.schedule import ScheduleSpec, next_slot
from bot.services import BotServices
from integrations.calendar.base import resolve_zone
from integrations.db import utcnow
from integrations.digests.base import SECTIONS, Subscription, SubscriptionCreate, parse_time_of_day
from integrations.errors import IntegrationError
from integrations.tickets.base import Project

log = logging.getLogger(__name__)

Verb = Literal["pause", "resume", "delete"]
VERBS: tuple[Verb, ...] = ("pause", "resume", "delete")

DIGEST_HELP = (
    "*Digests* post a summary on a schedule, in your time zone:\n"
    "• `/deskhand digest` subscribes this channel or you (daily, weekdays or weekly, at a time you pick)\n"
    "• `/deskhand digest list` shows this channel's digests and yours, with Pause and Delete buttons\n"
    "• `/deskhand digest pause ID`, `resume ID`, `delete ID`\n"
    "Your digests are also on deskhand's Home tab."
)


def is_channel(channel_id: str | None) -> bool:
    """A public or private channel (not a DM or group DM), so it can receive a channel digest."""
    return bool(channel_id) and str(channel_id)[0] in "CG"


def _projects(services: BotServices) -> list[Project]:
    try:
        return services.runtime.deps.tickets.projects()
    except IntegrationError:
        log.warning("could not list projects for the digest modal")
        return []


def open_subscribe_modal(
    services: BotServices, client: WebClient, *, trigger_id: str, user_id: str, channel_id: str | None, origin: str
) -> None:
    """Open the modal, pre-filled for where it was opened (a channel: its project; elsewhere: your tickets)."""
    in_channel = is_channel(channel_id)
    metadata = json.dumps({"channel": channel_id or "", "origin": origin})
    view = subscribe_modal(
        channel_id=channel_id if in_channel else None,
        tz=services.user(client, user_id).tz or "UTC",
        projects=_projects(services),
        default_project=services.project_for_channel(channel_id or "") if in_channel else None,
        default_assignee=None if in_channel else user_id,
        metadata=metadata,
    )
    client.views_open(trigger_id=trigger_id, view=view)


def metadata_of(view: dict[str, Any]) -> dict[str, str]:
    """The modal's private metadata (where it was opened from)."""
    try:
        value = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def subscription_from_view(
    services: BotServices, client: WebClient, *, user_id: str, view: dict[str, Any]
) -> tuple[SubscriptionCreate | None, dict[str, str]]:
    """The subscription a submitted modal asks for, or errors by block id (shown under each field)."""
    kit = services.digests
    values = modal_values(view.get("state", {}).get("values", {}))
    errors: dict[str, str] = {}
    target = str(values.get("target") or "me")
    target_kind: Literal["channel", "user"] = "channel" if target.startswith("channel:") else "user"
    target_id = target.split(":", 1)[1] if target_kind == "channel" else user_id
    if target_kind == "channel":
        problem = _channel_problem(client, target_id)
        if problem:
            errors["target"] = problem
    tz = str(values.get("tz") or "").strip()
    try:
        resolve_zone(tz)
    except ValueError:
        errors["tz"] = f"“{tz[:60]}” isn't a time zone I know. Use a name like Europe/Berlin or America/New_York."
    raw_time = str(values.get("time") or "")
    try:
        parse_time_of_day(raw_time)
    except ValueError:
        errors["time"] = "Pick a time of day, like 09:00."
    sections = [s for s in values.get("sections") or [] if s in SECTIONS]
    section_problem = _sections_problem(sections, target_kind, kit)
    if section_problem:
        errors["sections"] = section_problem
    project = values.get("project")
    project = None if project in (None, "", ALL_PROJECTS) else str(project)
    if project and project not in {p.key for p in _projects(services)}:
        errors["project"] = f"There is no project {project} any more. Pick another."
    if errors:
        return None, errors
    cadence = str(values.get("cadence") or "daily")
    weekday = values.get("weekday")
    try:
        data = SubscriptionCreate(
            team_id=str(view.get("team_id") or ""),
            created_by=user_id,
            target_kind=target_kind,
            target_id=target_id,
            cadence=cadence,  # type: ignore[arg-type]
            weekday=int(weekday) if cadence == "weekly" and weekday not in (None, "") else None,
            time_of_day=raw_time,
            tz=tz,
            sections=sections,
            ticket_project=project,
            ticket_assignee=values.get("assignee") or None,
        )
    except (ValidationError, ValueError) as exc:
        # Everything checked above; what is left is a form that was tampered with or a new rule.
        log.warning("digest modal rejected", extra={"error": type(exc).__name__})
        return None, {"cadence": "Those choices don't make a schedule I can run. Please check them."}
    return data, {}


def _channel_problem(client: WebClient, channel_id: str) -> str | None:
    try:
        info: Any = client.conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError:
        return "I can't see this channel. Invite @deskhand to it first, or send the digest to yourself."
    if info.get("is_archived"):
        return "This channel is archived."
    if not info.get("is_member"):
        return "Invite @deskhand to this channel first (/invite @deskhand), or send the digest to yourself."
    return None


def _sections_problem(sections: list[str], target_kind: str, kit: DigestKit | None) -> str | None:
    if not sections:
        return "Choose at least one thing to include."
    if "meetings" in sections and target_kind != "user":
        return "Today's meetings are personal: send this digest to yourself, or untick meetings."
    sources = kit.sources if kit is not None else None
    missing = {
        "meetings": sources is None or sources.calendar is None,
        "tickets": sources is None or sources.tickets is None,
        "approvals": sources is None or sources.approvals is None,
        "docs": sources is None or sources.docs is None,
    }
    unavailable = [name for name in sections if missing.get(name)]
    if unavailable:
        them = "it" if len(unavailable) == 1 else "them"
        return f"Not set up on this deskhand: {', '.join(unavailable)}. Untick {them}."
    return None


def subscribe(services: BotServices, data: SubscriptionCreate) -> Subscription:
    """Store the subscription and let the scheduler know."""
    kit = _kit(services)
    sub = kit.store.create(data)
    kit.changed()
    log.info("digest subscribed", extra={"subscription_id": sub.id, "target_kind": sub.target_kind})
    return sub


def next_time(sub: Subscription) -> str:
    """When the next digest goes out, as a Slack date (each reader sees their own zone)."""
    return slack_date(next_slot(ScheduleSpec.of(sub), utcnow()))


def confirmation(sub: Subscription, *, viewer: str) -> str:
    """What the subscriber is told."""
    return (
        f"Subscribed `{sub.id}`: {describe_subscription(sub, viewer=viewer)}. "
        f"The first one comes {next_time(sub)}. `/deskhand digest list` changes or stops it."
    )


def may_manage(sub: Subscription, user_id: str) -> bool:
    """Channel digests: anyone. Personal ones: the person they go to, or who set them up."""
    return sub.target_kind == "channel" or user_id in (sub.target_id, sub.created_by)


def manage(services: BotServices, *, user_id: str, verb: str, subscription_id: str) -> str:
    """Pause, resume or delete; returns what to tell the person (also when nothing was done)."""
    kit = _kit(services)
    key = subscription_id.strip().upper().strip("`")
    sub = kit.store.get(key) if key else None
    if sub is None:
        return f"There's no digest `{key or '?'}`. `/deskhand digest list` shows this channel's digests and yours."
    if not may_manage(sub, user_id):
        return f"Digest `{sub.id}` goes to <@{sub.target_id}>; only they can change it."
    actions: dict[str, Callable[[], str]] = {
        "pause": lambda: _pause(kit, sub, paused=True),
        "resume": lambda: _pause(kit, sub, paused=False),
        "delete": lambda: _delete(kit, sub),
    }
    if verb not in actions:
        return DIGEST_HELP
    message = actions[verb]()
    kit.changed()
    log.info("digest changed", extra={"subscription_id": sub.id, "verb": verb})
    return message


def _pause(kit: DigestKit, sub: Subscription, *, paused: bool) -> str:
    updated = kit.store.set_paused(sub.id, paused=paused) or sub
    if paused:
        return f"Paused digest `{sub.id}`. `/deskhand digest resume {sub.id}` starts it again."
    return f"Resumed digest `{sub.id}`: the next one comes {next_time(updated)}."


def _delete(kit: DigestKit, sub: Subscription) -> str:
    kit.store.delete(sub.id)
    return f"Deleted digest `{sub.id}`."


def visible_subscriptions(services: BotServices, *, user_id: str, channel_id: str | None) -> list[Subscription]:
    """A channel's digests (when asked in a channel) and the person's own."""
    kit = _kit(services)
    return kit.store.find(channel_id=channel_id if is_channel(channel_id) else None, user_id=user_id)


def _kit(services: BotServices) -> DigestKit:
    if services.digests is None:
        raise RuntimeError("digests are not wired: build services with bot.composition.build_services")
    return services.digests


def post_notice(client: WebClient, *, channel_id: str, user_id: str, text: str) -> None:
    """Tell only this person, where they are (a channel or their DM with deskhand)."""
    try:
        client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
    except SlackApiError as exc:
        log.warning("could not send a digest notice", extra={"error": exc.response.get("error")})
