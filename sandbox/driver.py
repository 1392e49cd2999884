"""The driver API under /sandbox/: act as a demo user, and read what the workspace shows them.

Used by tests, the web UI and replay. Bodies are JSON; answers are {"ok": true, ...} or a
Slack-shaped {"ok": false, "error": ...}.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.context import Sandbox
from sandbox.errors import SlackError
from sandbox.people import People

Body = dict[str, Any]
Action = Callable[[Sandbox, Request, Body], Awaitable[dict[str, Any]]]


def _route(path: str, fn: Action, methods: list[str]) -> Route:
    async def endpoint(request: Request) -> JSONResponse:
        sb: Sandbox = request.app.state.sandbox
        body: Body = {}
        status = 200
        # Everything recorded after this mark (and before the next action's) is what this action caused;
        # replay groups the app's Web API calls by it.
        mark = sb.recorder.last_seq
        try:
            if request.method == "POST":
                body = await _json_body(request)
            result = {"ok": True, **(await fn(sb, request, body))}
        except SlackError as exc:
            result, status = exc.body(), exc.status
        if request.method == "POST":
            sb.recorder.record(
                "driver",
                path,
                path_params=dict(request.path_params),
                after_seq=mark,
                request={"body": body},
                response={"status": status, "body": result},
            )
        return JSONResponse(result, status_code=status)

    return Route(path, endpoint, methods=methods)


async def _json_body(request: Request) -> Body:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SlackError("invalid_json", status=400) from exc
    if not isinstance(value, dict):
        raise SlackError("json_not_object", status=400)
    return value


def _str(body: Body, key: str, *, required: bool = True) -> str:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise SlackError("invalid_arguments", messages=[f"missing required field: {key}"], status=400)
        return ""
    if not isinstance(value, str):
        raise SlackError("invalid_arguments", messages=[f"{key} must be a string"], status=400)
    return value


def _people(sb: Sandbox) -> People:
    return People(sb)


def message_view(sb: Sandbox, channel: str, message: dict[str, Any]) -> dict[str, Any]:
    """A message plus what only the sandbox knows: delivery to the app, streaming state."""
    ws = sb.workspace
    row = ws.store.one("SELECT stream_state FROM messages WHERE channel = ? AND ts = ?", (channel, message["ts"]))
    return {
        **message,
        "sandbox": {
            "delivery": ws.delivery_status(channel, message["ts"]),
            "streaming": None if row is None else row["stream_state"],
            "ephemeral": False,
        },
    }


def _ephemeral_view(user: str, message: dict[str, Any]) -> dict[str, Any]:
    return {
        **message,
        "sandbox": {"delivery": "none", "streaming": None, "ephemeral": True, "visible_to": user},
    }


# ---- reading -------------------------------------------------------------------------------


async def workspace_info(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    ident = sb.identity
    return {
        "team": {"id": ident.team_id, "name": ident.team_name, "domain": ident.domain},
        "bot": {
            "user_id": ident.bot_user_id,
            "bot_id": ident.bot_id,
            "app_id": ident.app_id,
            "name": ident.bot_name,
        },
        "users": sb.workspace.list_users(),
        "socket_mode": {"enabled": sb.config.socket_mode, "connections": sb.sockets.connected},
        "slash_commands": list(sb.config.slash_commands) or [f"/{ident.bot_name}"],
        "general": sb.workspace.general_id,
        "recording": None if sb.recorder.path is None else str(sb.recorder.path),
    }


async def conversations(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    """The channels, DMs and group DMs in a user's sidebar (those they are in; `all=1` adds every
    public channel, as the channel browser does). The user defaults to the first demo user."""
    user = request.query_params.get("user") or sb.workspace.human_user_ids()[0]
    items = sb.workspace.list_conversations(user, {"public_channel", "private_channel", "mpim", "im"}, False)
    if request.query_params.get("all") != "1":
        items = [c for c in items if c.get("is_im") or c.get("is_member")]
    return {"user": user, "channels": items}


async def channel_messages(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    """Top-level messages oldest first, with thread summaries, plus the ephemerals `user` can see."""
    ws = sb.workspace
    channel = request.path_params["channel"]
    ws.conversation(channel)
    user = request.query_params.get("user")
    messages = [
        message_view(sb, channel, m) for m in reversed(ws.history(channel, oldest=None, latest=None, inclusive=True))
    ]
    if user:
        extra = [_ephemeral_view(user, m) for m in ws.ephemerals_for(channel, user) if not m.get("thread_ts")]
        messages = sorted([*messages, *extra], key=lambda m: m["ts"])
    return {"channel": channel, "messages": messages}


async def thread_messages(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    ws = sb.workspace
    channel, ts = request.path_params["channel"], request.path_params["ts"]
    messages = [message_view(sb, channel, m) for m in ws.thread(channel, ts)]
    user = request.query_params.get("user")
    if user:
        parent = messages[0]["ts"]
        extra = [_ephemeral_view(user, m) for m in ws.ephemerals_for(channel, user) if m.get("thread_ts") == parent]
        messages = [messages[0], *sorted([*messages[1:], *extra], key=lambda m: m["ts"])]
    return {"channel": channel, "messages": messages}


async def modal(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    user = request.path_params["user"]
    stack = sb.views.stack(user)
    top = stack[-1] if stack else None
    return {
        "view": top,
        "stack": [v["id"] for v in stack],
        "errors": sb.views.errors(top["id"]) if top else {},
    }


async def home(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    return {"view": sb.views.home(request.path_params["user"])}


async def deliveries(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    channel, ts = request.query_params.get("channel"), request.query_params.get("ts")
    rows = sb.workspace.deliveries(channel=channel, ts=ts)
    return {"deliveries": [{k: v for k, v in row.items() if k != "body"} for row in rows]}


async def delivery_retry(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    sb.delivery.redeliver(request.path_params["delivery_id"])
    return {}


async def message_retry(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    """Sends a message's failed event deliveries again (the UI's "Retry" on a not-delivered message)."""
    channel, ts = request.path_params["channel"], request.path_params["ts"]
    sb.workspace.message_row(channel, ts)
    retried = []
    for row in sb.workspace.deliveries(channel=channel, ts=ts):
        if row["status"] == "failed":
            sb.delivery.redeliver(row["id"])
            retried.append(row["id"])
    return {"retried": retried}


async def open_dm(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    """The DM between `user` and `with` (created on first use), so a UI can show it before anyone posts."""
    user, other = _str(body, "user"), _str(body, "with")
    channel, _ = sb.workspace.open_dm(user, other)
    return {"channel": channel}


async def assistant_thread(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    state = sb.workspace.assistant_thread(request.path_params["channel"], request.path_params["ts"])
    return {"thread": state}


async def recording(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    return {
        "path": None if sb.recorder.path is None else str(sb.recorder.path),
        "entries": sb.recorder.entries(),
    }


# ---- acting as a person --------------------------------------------------------------------


async def post_message(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    return _people(sb).post_message(
        user=_str(body, "user"),
        channel=_str(body, "channel"),
        text=_str(body, "text"),
        thread_ts=_str(body, "thread_ts", required=False) or None,
        reply_broadcast=bool(body.get("reply_broadcast", False)),
    )


async def react(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    return _people(sb).react(
        user=_str(body, "user"),
        channel=_str(body, "channel"),
        ts=_str(body, "ts"),
        name=_str(body, "name"),
        add=not body.get("remove", False),
    )


async def click(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    return await _people(sb).click(
        user=_str(body, "user"),
        channel=_str(body, "channel"),
        ts=_str(body, "ts"),
        action_id=_str(body, "action_id"),
        block_id=_str(body, "block_id", required=False) or None,
        value=body.get("value"),
    )


async def view_action(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    return await _people(sb).click_in_view(
        user=_str(body, "user"),
        view_id=request.path_params["view_id"],
        action_id=_str(body, "action_id"),
        block_id=_str(body, "block_id", required=False) or None,
        value=body.get("value"),
    )


async def view_submit(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    values = body.get("values") or {}
    if not isinstance(values, dict):
        raise SlackError("invalid_arguments", messages=["values must be an object"], status=400)
    return await _people(sb).submit_view(user=_str(body, "user"), view_id=request.path_params["view_id"], values=values)


async def view_close(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    return await _people(sb).close_view(user=_str(body, "user"), view_id=request.path_params["view_id"])


async def slash_command(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    return await _people(sb).slash_command(
        user=_str(body, "user"),
        channel=_str(body, "channel"),
        command=_str(body, "command"),
        text=_str(body, "text", required=False),
    )


async def app_home(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    return _people(sb).open_app_home(user=_str(body, "user"), tab=_str(body, "tab", required=False) or "home")


async def health(sb: Sandbox, request: Request, body: Body) -> dict[str, Any]:
    return {"status": "serving"}


def routes() -> list[Route]:
    get, post = ["GET"], ["POST"]
    return [
        _route("/sandbox/health", health, get),
        _route("/sandbox/workspace", workspace_info, get),
        _route("/sandbox/conversations", conversations, get),
        _route("/sandbox/conversations/{channel}/messages", channel_messages, get),
        _route("/sandbox/conversations/{channel}/threads/{ts}", thread_messages, get),
        _route("/sandbox/users/{user}/modal", modal, get),
        _route("/sandbox/users/{user}/home", home, get),
        _route("/sandbox/deliveries", deliveries, get),
        _route("/sandbox/deliveries/{delivery_id}/retry", delivery_retry, post),
        _route("/sandbox/conversations/{channel}/messages/{ts}/retry", message_retry, post),
        _route("/sandbox/dms", open_dm, post),
        _route("/sandbox/assistant/{channel}/{ts}", assistant_thread, get),
        _route("/sandbox/recording", recording, get),
        _route("/sandbox/messages", post_message, post),
        _route("/sandbox/reactions", react, post),
        _route("/sandbox/actions", click, post),
        _route("/sandbox/views/{view_id}/actions", view_action, post),
        _route("/sandbox/views/{view_id}/submit", view_submit, post),
        _route("/sandbox/views/{view_id}/close", view_close, post),
        _route("/sandbox/commands", slash_command, post),
        _route("/sandbox/app_home", app_home, post),
    ]
