"""Events API listeners: mentions, DMs, replies in deskhand's threads, App Home."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.dispatch import MESSAGE, UNFURL
from bot.home import publish_home
from bot.services import BotServices
from graph.state import thread_id_for

log = logging.getLogger(__name__)

# Message subtypes that are edits, deletions, joins and the like: not someone asking for something.
_IGNORED_SUBTYPES_ALLOW = {None, "file_share", "thread_broadcast"}


def _dispatch(services: BotServices, client: WebClient, body: dict[str, Any], event: dict[str, Any]) -> None:
    """Persist the message as a job (once: Slack retries and the mention/message pair share keys) and queue it."""
    keys = [f"msg:{event.get('channel')}:{event.get('ts')}"]
    if body.get("event_id"):
        keys.append(f"event:{body['event_id']}")
    team_id = body.get("team_id") or event.get("team") or ""
    thread_ts = event.get("thread_ts") or event.get("ts", "")
    thread_key = thread_id_for(team_id, event.get("channel", ""), thread_ts)
    if not services.enqueue(keys, kind=MESSAGE, thread_key=thread_key, payload={"event": event, "team_id": team_id}):
        log.info("duplicate delivery ignored", extra={"event_id": body.get("event_id")})


_KEY = re.compile(r"\b([A-Z][A-Z0-9]{1,9}-\d{1,6})\b")


def _maybe_unfurl(services: BotServices, body: dict[str, Any], event: dict[str, Any]) -> None:
    """Ticket keys mentioned in a channel get a compact card in the thread (looked up off the request path)."""
    keys = list(dict.fromkeys(_KEY.findall(event.get("text") or "")))[:5]
    if not keys:
        return
    team_id = body.get("team_id") or event.get("team") or ""
    channel, ts = event.get("channel", ""), event.get("ts", "")
    services.enqueue(
        [f"unfurl:{channel}:{ts}"],
        kind=UNFURL,
        thread_key=thread_id_for(team_id, channel, ts),
        payload={"channel": channel, "thread_ts": event.get("thread_ts") or ts, "keys": keys},
    )


def register(app: App, services: BotServices) -> None:
    """Attach the event listeners."""

    @app.event("app_mention")
    def on_mention(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        """Someone @mentioned deskhand in a channel."""
        if event.get("bot_id") or not event.get("user"):
            return
        _dispatch(services, client, body, event)

    @app.event("message")
    def on_message(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        """DMs always; channel messages only as replies in threads deskhand is already part of."""
        if event.get("subtype") not in _IGNORED_SUBTYPES_ALLOW or event.get("bot_id") or not event.get("user"):
            return
        if event.get("user") == services.bot_user_id:
            return
        if event.get("channel_type") == "im":
            _dispatch(services, client, body, event)
            return
        thread_ts = event.get("thread_ts")
        text = event.get("text") or ""
        if f"<@{services.bot_user_id}>" in text:
            return  # a mention: the app_mention listener takes those
        if not thread_ts or not services.conversations.is_member(
            thread_id_for(body.get("team_id") or event.get("team") or "", event.get("channel", ""), thread_ts)
        ):
            _maybe_unfurl(services, body, event)
            return
        team_id = body.get("team_id") or event.get("team") or ""
        if services.conversations.is_member(thread_id_for(team_id, event.get("channel", ""), thread_ts)):
            _dispatch(services, client, body, event)

    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
        """Show the Home tab: pending approvals with their buttons, today's agenda, open tickets, digests."""
        if event.get("tab") not in (None, "home"):
            return
        publish_home(services, client, event["user"])
