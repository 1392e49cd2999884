"""Build and send Slack-signed requests the way Slack does, for scenario tests and benchmarks."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

TEAM = "T0KESTREL"
APP = "A0DESKHAND"
BOT = "U0DESKHAND"


def sign(secret: str, body: str, *, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature headers for ``body``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"x-slack-request-timestamp": ts, "x-slack-signature": signature}


def event_body(event: dict[str, Any], *, event_id: str | None = None) -> str:
    """An Events API envelope around ``event``."""
    envelope = {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "api_app_id": APP,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:12].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT, "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope)


def mention_event(*, user: str, channel: str, ts: str, text: str, thread_ts: str | None = None) -> dict[str, Any]:
    """An app_mention event."""
    event = {
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": TEAM,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message_event(
    *, user: str, channel: str, ts: str, text: str, channel_type: str = "channel", thread_ts: str | None = None
) -> dict[str, Any]:
    """A message event (message.channels / message.im)."""
    event = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
        "team": TEAM,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def block_actions_body(
    *,
    user: str,
    channel: str,
    message: dict[str, Any],
    action_id: str,
    value: str,
    block_id: str = "",
    trigger_id: str | None = None,
) -> str:
    """A block_actions interactivity payload, form-encoded as Slack sends it."""
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "kestrel-analytics"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": APP,
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel, "is_ephemeral": False},
        "trigger_id": trigger_id or f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}",
        "channel": {"id": channel, "name": channel.lower()},
        "message": message,
        "response_url": "http://127.0.0.1:9/unused",
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def view_submission_body(*, user: str, view: dict[str, Any], values: dict[str, Any]) -> str:
    """A view_submission payload for ``view`` with the given state values."""
    submitted = dict(view)
    submitted.update({"id": "V" + uuid.uuid4().hex[:10].upper(), "team_id": TEAM, "state": {"values": values}})
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "kestrel-analytics"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": APP,
        "token": "legacy-verification-token",
        "trigger_id": f"{int(time.time())}.1.{uuid.uuid4().hex[:16]}",
        "view": submitted,
        "response_urls": [],
    }
    return urlencode({"payload": json.dumps(payload)})


def post_signed(
    url: str,
    body: str,
    secret: str,
    *,
    content_type: str = "application/json",
    timestamp: int | None = None,
    client: httpx.Client | None = None,
) -> httpx.Response:
    """POST ``body`` with valid Slack signature headers."""
    headers = {"content-type": content_type, **sign(secret, body, timestamp=timestamp)}
    if client is not None:
        return client.post(url, content=body, headers=headers)
    return httpx.post(url, content=body, headers=headers, timeout=10)


def post_form_signed(url: str, body: str, secret: str, **kwargs: Any) -> httpx.Response:
    """POST a form-encoded interactivity body with valid signature headers."""
    return post_signed(url, body, secret, content_type="application/x-www-form-urlencoded", **kwargs)
