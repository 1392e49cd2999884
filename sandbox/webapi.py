"""The Web API: /api/<method> with Slack's argument handling, auth, rate limits, shapes and error codes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from sandbox.bodies import (
    arg_bool,
    arg_int,
    arg_json,
    arg_list,
    arg_str,
    bearer_token,
    read_arguments,
    require_str,
)
from sandbox.context import Sandbox
from sandbox.errors import SlackError
from sandbox.workspace import in_range, paginate

log = logging.getLogger(__name__)

MAX_TEXT = 40_000
MAX_BLOCKS = 50

Handler = Callable[[Sandbox, dict[str, Any], str], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}
# Methods callable with no token, and the one that wants the app-level token.
_NO_AUTH = {"api.test"}
_APP_TOKEN_METHODS = {"apps.connections.open"}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _HANDLERS[name] = fn
        return fn

    return register


def supported_methods() -> list[str]:
    return sorted(_HANDLERS)


# ---- the endpoint --------------------------------------------------------------------------


async def endpoint(request: Request) -> JSONResponse:
    sb: Sandbox = request.app.state.sandbox
    name = request.path_params["method"]
    args: dict[str, Any] = {}
    headers: dict[str, str] = {}
    status = 200
    try:
        args, _raw = await read_arguments(request)
        body = _dispatch(sb, request, name, args)
    except SlackError as exc:
        body, status = exc.body(), exc.status
        if exc.code == "ratelimited":
            headers["Retry-After"] = exc.messages[0] if exc.messages else "1"
            body = {"ok": False, "error": "ratelimited"}
    log.debug("web api %s -> %s", name, "ok" if body.get("ok") else body.get("error"))
    sb.recorder.record(
        "bot->sandbox",
        "web_api",
        method=name,
        request={"args": args, "authorization": request.headers.get("authorization")},
        response={"status": status, "body": body},
    )
    return JSONResponse(body, status_code=status, headers=headers)


def _dispatch(sb: Sandbox, request: Request, name: str, args: dict[str, Any]) -> dict[str, Any]:
    handler = _HANDLERS.get(name)
    if handler is None:
        # Slack answers unknown methods with a 404 and this body.
        raise SlackError("unknown_method", status=404)
    actor = "" if name in _NO_AUTH else _authenticate(sb, request, name, args)
    if sb.config.rate_limit:
        wait = sb.limiter.check(name, arg_str(args, "channel") or arg_str(args, "channel_id"))
        if wait is not None:
            raise SlackError("ratelimited", messages=[str(int(wait))], status=429)
    result = handler(sb, args, actor)
    return {"ok": True, **result}


def _authenticate(sb: Sandbox, request: Request, name: str, args: dict[str, Any]) -> str:
    """The acting user id for the token; the bot token acts as the bot user."""
    token = bearer_token(request, args)
    if token is None:
        raise SlackError("not_authed")
    if name in _APP_TOKEN_METHODS:
        if token == sb.config.app_token:
            return sb.identity.bot_user_id
        if token == sb.config.bot_token:
            raise SlackError("not_allowed_token_type")
        raise SlackError("invalid_auth")
    if token == sb.config.bot_token:
        return str(sb.identity.bot_user_id)
    if token == sb.config.app_token:
        raise SlackError("not_allowed_token_type")
    raise SlackError("invalid_auth")


# ---- shared argument checks ----------------------------------------------------------------


def blocks_arg(args: dict[str, Any]) -> list[dict[str, Any]] | None:
    blocks = arg_json(args, "blocks", error="invalid_blocks_format")
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    if len(blocks) > MAX_BLOCKS:
        raise SlackError("invalid_blocks", messages=["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"])
    for i, block in enumerate(blocks):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            raise SlackError(
                "invalid_blocks",
                messages=[f"[ERROR] missing required field: type [json-pointer:/blocks/{i}]"],
            )
        if block["type"] == "actions" and not isinstance(block.get("elements"), list):
            raise SlackError(
                "invalid_blocks",
                messages=[f"[ERROR] missing required field: elements [json-pointer:/blocks/{i}]"],
            )
    return blocks


def _message_content(args: dict[str, Any], *, require: bool = True) -> dict[str, Any]:
    """text / markdown_text / blocks / attachments / metadata of chat.* calls."""
    text = arg_str(args, "text")
    markdown_text = arg_str(args, "markdown_text")
    if text and markdown_text:
        raise SlackError("markdown_text_conflict")
    blocks = blocks_arg(args)
    attachments = arg_json(args, "attachments", error="invalid_attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise SlackError("invalid_attachments")
    if require and not (text or markdown_text or blocks or attachments):
        raise SlackError("no_text")
    content: dict[str, Any] = {"text": text or markdown_text or ""}
    if len(content["text"]) > MAX_TEXT:
        raise SlackError("msg_too_long")
    if markdown_text:
        content["blocks"] = [{"type": "markdown", "text": markdown_text}]
    if blocks is not None:
        content["blocks"] = blocks
    if attachments:
        content["attachments"] = attachments
    metadata = arg_json(args, "metadata", error="invalid_metadata_format")
    if metadata is not None:
        if not isinstance(metadata, dict) or "event_type" not in metadata:
            raise SlackError("invalid_metadata_format")
        content["metadata"] = {
            "event_type": metadata["event_type"],
            "event_payload": metadata.get("event_payload", {}),
        }
    if "mrkdwn" in args:
        content["mrkdwn"] = arg_bool(args, "mrkdwn", True)
    return content


def _postable_channel(sb: Sandbox, args: dict[str, Any], actor: str, key: str = "channel") -> str:
    ws = sb.workspace
    channel = ws.resolve_channel(arg_str(args, key), actor)
    record = ws.conversation(channel)
    if record.get("is_archived"):
        raise SlackError("is_archived")
    ws.require_readable(channel, actor)
    return channel


# ---- auth / api ----------------------------------------------------------------------------


@method("api.test")
def api_test(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    if arg_str(args, "error"):
        raise SlackError(str(args["error"]))
    return {"args": {k: v for k, v in args.items() if k != "token"}}


@method("auth.test")
def auth_test(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    ident = sb.identity
    return {
        "url": f"{sb.base_url}/",
        "team": ident.team_name,
        "user": ident.bot_name,
        "team_id": ident.team_id,
        "user_id": ident.bot_user_id,
        "bot_id": ident.bot_id,
        "is_enterprise_install": False,
    }


@method("team.info")
def team_info(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    ident = sb.identity
    return {"team": {"id": ident.team_id, "name": ident.team_name, "domain": ident.domain, "email_domain": ""}}


@method("apps.connections.open")
def apps_connections_open(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    return {"url": sb.sockets.open_url()}


# ---- chat ----------------------------------------------------------------------------------


@method("chat.postMessage")
def chat_post_message(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    channel = _postable_channel(sb, args, actor)
    content = _message_content(args)
    message = sb.workspace.post_message(
        channel=channel,
        author=actor,
        text=content.pop("text"),
        blocks=content.pop("blocks", None),
        thread_ts=arg_str(args, "thread_ts"),
        reply_broadcast=arg_bool(args, "reply_broadcast"),
        extra=content,
    )
    sb.feed.publish("message", channel=channel, ts=message["ts"])
    sb.delivery.message_posted(message, channel=channel)
    return {"channel": channel, "ts": message["ts"], "message": message}


@method("chat.update")
def chat_update(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    ws = sb.workspace
    channel = ws.resolve_channel(arg_str(args, "channel"), actor)
    ws.require_readable(channel, actor)
    ts = arg_str(args, "ts")
    if ts is None:
        raise SlackError("message_not_found")
    ws.message_row(channel, ts)  # message_not_found before content checks, as Slack orders them
    content = _message_content(args, require=False)
    if not (content["text"] or "blocks" in content or "attachments" in content):
        raise SlackError("no_text")
    drop = () if "blocks" in content else ("blocks",)
    message = ws.update_message(channel=channel, ts=ts, editor=actor, changes=content, drop=drop)
    sb.feed.publish("message_changed", channel=channel, ts=ts)
    return {"channel": channel, "ts": ts, "text": message.get("text", ""), "message": message}


@method("chat.delete")
def chat_delete(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    ws = sb.workspace
    channel = ws.resolve_channel(arg_str(args, "channel"), actor)
    ws.require_readable(channel, actor)
    ts = arg_str(args, "ts")
    if ts is None:
        raise SlackError("message_not_found")
    ws.delete_message(channel=channel, ts=ts, actor=actor)
    sb.feed.publish("message_deleted", channel=channel, ts=ts)
    return {"channel": channel, "ts": ts}


@method("chat.postEphemeral")
def chat_post_ephemeral(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    ws = sb.workspace
    user = arg_str(args, "user")
    if user is None or not ws.user_exists(user):
        raise SlackError("user_not_found")
    channel = _postable_channel(sb, args, actor)
    if not ws.is_member(channel, user):
        raise SlackError("user_not_in_channel")
    content = _message_content(args)
    message = ws.post_ephemeral(
        channel=channel,
        user=user,
        author=actor,
        text=content["text"],
        blocks=content.get("blocks"),
        thread_ts=arg_str(args, "thread_ts"),
    )
    sb.feed.publish("ephemeral", channel=channel, ts=message["ts"], user=user)
    return {"message_ts": message["ts"]}


@method("chat.getPermalink")
def chat_get_permalink(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    ws = sb.workspace
    channel = ws.resolve_channel(arg_str(args, "channel"), actor)
    ts = require_str(args, "message_ts")
    row = ws.message_row(channel, ts)
    link = f"{sb.base_url}/archives/{channel}/p{ts.replace('.', '')}"
    if row["thread_ts"]:
        link += f"?thread_ts={row['thread_ts']}&cid={channel}"
    return {"channel": channel, "permalink": link}


def _chunks_text(args: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """Text added by markdown_text and markdown_text chunks; other chunk kinds are kept as they are."""
    text = arg_str(args, "markdown_text") or ""
    chunks = arg_json(args, "chunks", error="invalid_chunks")
    others: list[dict[str, Any]] = []
    if chunks is None:
        return text, others
    if not isinstance(chunks, list):
        raise SlackError("invalid_chunks")
    for chunk in chunks:
        if not isinstance(chunk, dict) or "type" not in chunk:
            raise SlackError("invalid_chunks")
        if chunk["type"] == "markdown_text":
            text += str(chunk.get("text", ""))
        else:
            others.append(chunk)
    return text, others


def _streaming_row(sb: Sandbox, args: dict[str, Any], actor: str) -> tuple[str, str]:
    ws = sb.workspace
    channel = ws.resolve_channel(arg_str(args, "channel"), actor)
    ws.require_readable(channel, actor)
    ts = require_str(args, "ts")
    row = ws.message_row(channel, ts)
    if row["author"] != actor:
        raise SlackError("cant_update_message")
    if row["stream_state"] != "in_progress":
        raise SlackError("message_not_in_streaming_state")
    return channel, ts


@method("chat.startStream")
def chat_start_stream(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    channel = _postable_channel(sb, args, actor)
    thread_ts = require_str(args, "thread_ts")
    text, others = _chunks_text(args)
    extra: dict[str, Any] = {}
    if others:
        extra["chunks"] = others
    message = sb.workspace.post_message(
        channel=channel,
        author=actor,
        text=text,
        thread_ts=thread_ts,
        extra=extra,
        stream_state="in_progress",
    )
    sb.feed.publish("message", channel=channel, ts=message["ts"])
    return {"channel": channel, "ts": message["ts"]}


@method("chat.appendStream")
def chat_append_stream(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    channel, ts = _streaming_row(sb, args, actor)
    text, others = _chunks_text(args)
    if not text and not others:
        raise SlackError("no_text")
    current = sb.workspace.message(channel, ts)
    changes: dict[str, Any] = {"text": current.get("text", "") + text}
    if others:
        changes["chunks"] = [*current.get("chunks", []), *others]
    _stream_write(sb, channel, ts, changes)
    sb.feed.publish("message_changed", channel=channel, ts=ts)
    return {"channel": channel, "ts": ts}


@method("chat.stopStream")
def chat_stop_stream(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    channel, ts = _streaming_row(sb, args, actor)
    text, others = _chunks_text(args)
    current = sb.workspace.message(channel, ts)
    changes: dict[str, Any] = {"text": current.get("text", "") + text}
    if others:
        changes["chunks"] = [*current.get("chunks", []), *others]
    blocks = blocks_arg(args)
    if blocks is not None:
        changes["blocks"] = blocks
    metadata = arg_json(args, "metadata", error="invalid_metadata_format")
    if isinstance(metadata, dict):
        changes["metadata"] = metadata
    _stream_write(sb, channel, ts, changes)
    sb.workspace.set_stream_state(channel, ts, "completed")
    message = sb.workspace.message(channel, ts)
    sb.feed.publish("message_changed", channel=channel, ts=ts)
    sb.delivery.message_posted(message, channel=channel)
    return {"channel": channel, "ts": ts, "message": message}


def _stream_write(sb: Sandbox, channel: str, ts: str, changes: dict[str, Any]) -> None:
    """Streaming appends are not edits: no `edited` marker, unlike chat.update."""
    sb.workspace.patch_message(channel, ts, changes)


# ---- conversations -------------------------------------------------------------------------


@method("conversations.list")
def conversations_list(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    types = set(arg_list(args, "types") or ["public_channel"])
    unknown = types - {"public_channel", "private_channel", "mpim", "im"}
    if unknown:
        raise SlackError("invalid_types")
    items = sb.workspace.list_conversations(actor, types, arg_bool(args, "exclude_archived"))
    page, cursor = paginate(items, "id", arg_str(args, "cursor"), arg_int(args, "limit"), default=100, maximum=1000)
    return {"channels": page, "response_metadata": {"next_cursor": cursor}}


@method("conversations.info")
def conversations_info(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    channel = arg_str(args, "channel")
    if channel is None:
        raise SlackError("channel_not_found")
    info = sb.workspace.conversation_info(channel, actor)
    if not arg_bool(args, "include_num_members"):
        info.pop("num_members", None)
    return {"channel": info}


@method("conversations.members")
def conversations_members(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    channel = arg_str(args, "channel")
    if channel is None:
        raise SlackError("channel_not_found")
    sb.workspace.conversation_info(channel, actor)  # existence and visibility
    items = [{"id": m} for m in sb.workspace.members(channel)]
    page, cursor = paginate(items, "id", arg_str(args, "cursor"), arg_int(args, "limit"), default=100, maximum=1000)
    return {"members": [m["id"] for m in page], "response_metadata": {"next_cursor": cursor}}


@method("conversations.history")
def conversations_history(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    ws = sb.workspace
    channel = arg_str(args, "channel")
    if channel is None:
        raise SlackError("channel_not_found")
    ws.require_readable(channel, actor)
    items = ws.history(
        channel,
        oldest=arg_str(args, "oldest"),
        latest=arg_str(args, "latest"),
        inclusive=arg_bool(args, "inclusive"),
    )
    page, cursor = paginate(items, "ts", arg_str(args, "cursor"), arg_int(args, "limit"), default=100, maximum=999)
    return {
        "messages": page,
        "has_more": bool(cursor),
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": cursor},
    }


@method("conversations.replies")
def conversations_replies(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    ws = sb.workspace
    channel = arg_str(args, "channel")
    if channel is None:
        raise SlackError("channel_not_found")
    ws.require_readable(channel, actor)
    ts = require_str(args, "ts")
    thread = ws.thread(channel, ts)
    oldest, latest = arg_str(args, "oldest"), arg_str(args, "latest")
    if oldest or latest:
        inclusive = arg_bool(args, "inclusive")
        thread = [thread[0], *(m for m in thread[1:] if in_range(m["ts"], oldest, latest, inclusive))]
    page, cursor = paginate(thread, "ts", arg_str(args, "cursor"), arg_int(args, "limit"), default=100, maximum=1000)
    return {"messages": page, "has_more": bool(cursor), "response_metadata": {"next_cursor": cursor}}


@method("conversations.open")
def conversations_open(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    ws = sb.workspace
    existing = arg_str(args, "channel")
    if existing:
        info = ws.conversation_info(existing, actor)
        return {"no_op": True, "already_open": True, "channel": info}
    users = arg_list(args, "users")
    if not users:
        raise SlackError("users_list_not_supplied")
    if len(users) > 8:
        raise SlackError("too_many_users")
    for user in users:
        if not ws.user_exists(user):
            raise SlackError("user_not_found")
    if len(users) == 1:
        channel, already = ws.open_dm(actor, users[0])
    else:
        channel, already = ws.open_mpim([actor, *users])
    info = ws.conversation_info(channel, actor)
    if not arg_bool(args, "return_im") and info.get("is_im"):
        info = {"id": channel}
    return {"no_op": already, "already_open": already, "channel": info}


@method("conversations.join")
def conversations_join(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    channel = arg_str(args, "channel")
    if channel is None:
        raise SlackError("channel_not_found")
    already = sb.workspace.join(channel, actor)
    out: dict[str, Any] = {"channel": sb.workspace.conversation_info(channel, actor)}
    if already:
        out["warning"] = "already_in_channel"
        out["response_metadata"] = {"warnings": ["already_in_channel"]}
    return out


# ---- users ---------------------------------------------------------------------------------


@method("users.info")
def users_info(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    user = arg_str(args, "user")
    if user is None:
        raise SlackError("user_not_found")
    return {"user": sb.workspace.user_info(user)}


@method("users.list")
def users_list(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    items = sb.workspace.list_users()
    page, cursor = paginate(items, "id", arg_str(args, "cursor"), arg_int(args, "limit"), default=200, maximum=1000)
    return {"members": page, "cache_ts": 0, "response_metadata": {"next_cursor": cursor}}


@method("users.lookupByEmail")
def users_lookup_by_email(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    email = arg_str(args, "email")
    if email is None:
        raise SlackError("users_not_found")
    return {"user": sb.workspace.lookup_by_email(email)}


# ---- reactions -----------------------------------------------------------------------------


def _react(sb: Sandbox, args: dict[str, Any], actor: str, *, add: bool) -> dict[str, Any]:
    ws = sb.workspace
    channel = ws.resolve_channel(arg_str(args, "channel"), actor)
    ws.require_readable(channel, actor)
    ts = arg_str(args, "timestamp")
    name = arg_str(args, "name")
    if ts is None:
        raise SlackError("message_not_found")
    if name is None:
        raise SlackError("invalid_name")
    ws.react(channel=channel, ts=ts, user=actor, name=name, add=add)
    sb.feed.publish("reaction", channel=channel, ts=ts)
    return {}


@method("reactions.add")
def reactions_add(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    return _react(sb, args, actor, add=True)


@method("reactions.remove")
def reactions_remove(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    return _react(sb, args, actor, add=False)


# ---- views ---------------------------------------------------------------------------------


def _view_arg(args: dict[str, Any]) -> Any:
    view = arg_json(args, "view", error="invalid_arguments")
    if view is None:
        raise SlackError("invalid_arguments", messages=["[ERROR] missing required field: view"])
    return view


@method("views.open")
def views_open(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    view = sb.views.open(arg_str(args, "trigger_id") or arg_str(args, "interactivity_pointer"), _view_arg(args))
    sb.feed.publish("view", view_id=view["id"])
    return {"view": view}


@method("views.push")
def views_push(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    view = sb.views.push(arg_str(args, "trigger_id") or arg_str(args, "interactivity_pointer"), _view_arg(args))
    sb.feed.publish("view", view_id=view["id"])
    return {"view": view}


@method("views.update")
def views_update(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    view = sb.views.update(
        view_id=arg_str(args, "view_id"),
        external_id=arg_str(args, "external_id"),
        spec=_view_arg(args),
        hash_=arg_str(args, "hash"),
    )
    sb.feed.publish("view", view_id=view["id"])
    return {"view": view}


@method("views.publish")
def views_publish(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    user = arg_str(args, "user_id")
    if user is None or not sb.workspace.user_exists(user):
        raise SlackError("user_not_found")
    view = sb.views.publish(user, _view_arg(args), arg_str(args, "hash"))
    sb.feed.publish("home", user=user)
    return {"view": view}


# ---- assistant threads ---------------------------------------------------------------------


def _assistant_target(sb: Sandbox, args: dict[str, Any], actor: str) -> tuple[str, str]:
    ws = sb.workspace
    channel = arg_str(args, "channel_id")
    if channel is None:
        raise SlackError("channel_not_found")
    ws.require_readable(channel, actor)
    thread_ts = require_str(args, "thread_ts")
    return channel, thread_ts


@method("assistant.threads.setStatus")
def assistant_set_status(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    channel, thread_ts = _assistant_target(sb, args, actor)
    if "status" not in args:
        raise SlackError("invalid_arguments", messages=["[ERROR] missing required field: status"])
    loading = arg_json(args, "loading_messages")
    changes: dict[str, Any] = {"status": str(args.get("status") or "")}
    changes["loading_messages"] = loading if isinstance(loading, list) else None
    sb.workspace.set_assistant_thread(channel, thread_ts, changes)
    sb.feed.publish("assistant", channel=channel, thread_ts=thread_ts)
    return {}


@method("assistant.threads.setSuggestedPrompts")
def assistant_set_prompts(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    channel, thread_ts = _assistant_target(sb, args, actor)
    prompts = arg_json(args, "prompts")
    valid = isinstance(prompts, list) and all(
        isinstance(p, dict) and isinstance(p.get("title"), str) and isinstance(p.get("message"), str) for p in prompts
    )
    if not valid or not prompts or len(prompts) > 4:
        raise SlackError("invalid_arguments", messages=["[ERROR] prompts: 1 to 4 items with title and message"])
    changes: dict[str, Any] = {"suggested_prompts": prompts}
    title = arg_str(args, "title")
    if title is not None:
        changes["prompts_title"] = title
    sb.workspace.set_assistant_thread(channel, thread_ts, changes)
    sb.feed.publish("assistant", channel=channel, thread_ts=thread_ts)
    return {}


@method("assistant.threads.setTitle")
def assistant_set_title(sb: Sandbox, args: dict[str, Any], actor: str) -> dict[str, Any]:
    channel, thread_ts = _assistant_target(sb, args, actor)
    sb.workspace.set_assistant_thread(channel, thread_ts, {"title": require_str(args, "title")})
    sb.feed.publish("assistant", channel=channel, thread_ts=thread_ts)
    return {}
