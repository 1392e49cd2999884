"""Pure builders of what Slack sends an app: Events API envelopes and interactivity payloads."""

from __future__ import annotations

import secrets
import string
import time
from typing import Any

from sandbox.workspace import Identity

_ALNUM = string.ascii_uppercase + string.digits


def new_event_id() -> str:
    return "Ev" + "".join(secrets.choice(_ALNUM) for _ in range(10))


def event_envelope(ident: Identity, event: dict[str, Any], *, verification_token: str) -> dict[str, Any]:
    """The event_callback wrapper Slack POSTs (and puts in a Socket Mode events_api envelope)."""
    return {
        "token": verification_token,
        "team_id": ident.team_id,
        "context_team_id": ident.team_id,
        "context_enterprise_id": None,
        "api_app_id": ident.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": new_event_id(),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": ident.team_id,
                "user_id": ident.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + secrets.token_urlsafe(24),
    }


_MESSAGE_FIELDS = (
    "type",
    "subtype",
    "text",
    "user",
    "bot_id",
    "app_id",
    "bot_profile",
    "ts",
    "thread_ts",
    "parent_user_id",
    "team",
    "blocks",
    "client_msg_id",
    "metadata",
    "attachments",
)


def message_event(message: dict[str, Any], *, channel: str, channel_type: str) -> dict[str, Any]:
    """A `message` event (message.channels / message.im / message.groups / message.mpim)."""
    event = {k: message[k] for k in _MESSAGE_FIELDS if k in message}
    event.update({"channel": channel, "event_ts": message["ts"], "channel_type": channel_type})
    return event


def app_mention_event(message: dict[str, Any], *, channel: str) -> dict[str, Any]:
    event = {k: message[k] for k in _MESSAGE_FIELDS if k in message}
    event.update({"type": "app_mention", "channel": channel, "event_ts": message["ts"]})
    event.pop("subtype", None)
    return event


def reaction_event(
    *, added: bool, user: str, reaction: str, channel: str, ts: str, item_user: str | None
) -> dict[str, Any]:
    return {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": f"{time.time():.6f}",
    }


def app_home_opened_event(*, user: str, channel: str, tab: str, view: dict[str, Any] | None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user,
        "channel": channel,
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }
    if view is not None:
        event["view"] = view
    return event


def user_ref(ident: Identity, user: dict[str, Any]) -> dict[str, Any]:
    """The short `user` object of interactivity payloads."""
    return {
        "id": user["id"],
        "username": user.get("name", ""),
        "name": user.get("name", ""),
        "team_id": ident.team_id,
    }


def action_payload(element: dict[str, Any], *, block_id: str, value: Any) -> dict[str, Any]:
    """One entry of block_actions' actions[], shaped by the element type that was used."""
    kind = element.get("type", "button")
    action: dict[str, Any] = {
        "type": kind,
        "action_id": element.get("action_id", ""),
        "block_id": block_id,
        "action_ts": f"{time.time():.6f}",
    }
    if kind == "button":
        action["text"] = element.get("text", {"type": "plain_text", "text": ""})
        if "value" in element:
            action["value"] = element["value"]
        if "style" in element:
            action["style"] = element["style"]
    elif kind in ("static_select", "external_select", "radio_buttons"):
        action["selected_option"] = _option(element, value)
    elif kind in ("multi_static_select", "checkboxes"):
        values = value if isinstance(value, list) else [value]
        action["selected_options"] = [o for o in (_option(element, v) for v in values) if o is not None]
    elif kind in ("users_select", "conversations_select", "channels_select"):
        key = {"users_select": "selected_user", "conversations_select": "selected_conversation"}.get(
            kind, "selected_channel"
        )
        action[key] = value
    elif kind == "datepicker":
        action["selected_date"] = value
    elif kind == "timepicker":
        action["selected_time"] = value
    elif kind == "overflow":
        action["selected_option"] = _option(element, value)
    else:
        action["value"] = value
    return action


def _option(element: dict[str, Any], value: Any) -> dict[str, Any] | None:
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    return next((o for o in options if o.get("value") == value), None)


def input_state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """One view.state.values entry for an input element, typed like Slack's."""
    kind = element.get("type", "plain_text_input")
    state: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        state["value"] = None if value is None else str(value)
    elif kind in ("static_select", "external_select", "radio_buttons"):
        state["selected_option"] = _option(element, value) if value is not None else None
    elif kind in ("multi_static_select", "checkboxes"):
        values = value if isinstance(value, list) else ([] if value is None else [value])
        state["selected_options"] = [o for o in (_option(element, v) for v in values) if o is not None]
    elif kind == "users_select":
        state["selected_user"] = value
    elif kind == "multi_users_select":
        state["selected_users"] = value if isinstance(value, list) else [value]
    elif kind in ("conversations_select", "channels_select"):
        key = "selected_conversation" if kind == "conversations_select" else "selected_channel"
        state[key] = value
    elif kind == "datepicker":
        state["selected_date"] = value
    elif kind == "timepicker":
        state["selected_time"] = value
    elif kind == "datetimepicker":
        state["selected_date_time"] = value
    else:
        state["value"] = value
    return state


def initial_state(element: dict[str, Any]) -> Any:
    """What an untouched input holds: its initial_* value, as the client would submit it."""
    for key in (
        "initial_value",
        "initial_date",
        "initial_time",
        "initial_user",
        "initial_conversation",
        "initial_channel",
        "initial_date_time",
    ):
        if key in element:
            return element[key]
    if "initial_option" in element:
        return element["initial_option"].get("value")
    if "initial_options" in element:
        return [o.get("value") for o in element["initial_options"]]
    return None
