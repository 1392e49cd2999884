"""response_url: the app answering a click or a slash command by replacing, deleting or adding messages."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from sandbox.bodies import parse_form
from sandbox.context import Sandbox
from sandbox.errors import SlackError


def apply_response(sb: Sandbox, context: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Does what a response_url body asks, in the place the interaction happened."""
    ws = sb.workspace
    bot = sb.identity.bot_user_id
    channel: str = context["channel"]
    text: str = body["text"] if isinstance(body.get("text"), str) else ""
    blocks = body.get("blocks")
    if blocks is not None and (
        not isinstance(blocks, list) or any(not isinstance(b, dict) or "type" not in b for b in blocks)
    ):
        raise SlackError("invalid_blocks")
    original = context.get("kind") == "message"
    if original and _flag(body.get("delete_original")):
        if context.get("ephemeral"):
            ws.replace_ephemeral(channel, context["ts"], None)
        else:
            ws.delete_message(channel=channel, ts=context["ts"], actor=bot, force=True)
        sb.feed.publish("message_deleted", channel=channel, ts=context["ts"])
        return {"ok": True}
    if original and _flag(body.get("replace_original")):
        if context.get("ephemeral"):
            current = ws.ephemeral(channel, context["ts"])["data"]
            current.update({"text": text})
            if blocks is not None:
                current["blocks"] = blocks
            else:
                current.pop("blocks", None)
            ws.replace_ephemeral(channel, context["ts"], current)
        else:
            changes: dict[str, Any] = {"text": text}
            if blocks is not None:
                changes["blocks"] = blocks
            if not text and blocks is None:
                raise SlackError("no_text")
            row = ws.message_row(channel, context["ts"])
            ws.update_message(
                channel=channel,
                ts=context["ts"],
                editor=row["author"],
                changes=changes,
                drop=() if blocks is not None else ("blocks",),
            )
        sb.feed.publish("message_changed", channel=channel, ts=context["ts"])
        return {"ok": True}
    if not text and not blocks:
        raise SlackError("no_text")
    thread_ts = body.get("thread_ts") or context.get("thread_ts")
    if body.get("response_type") == "in_channel":
        message = ws.post_message(channel=channel, author=bot, text=text, blocks=blocks, thread_ts=thread_ts)
        sb.feed.publish("message", channel=channel, ts=message["ts"])
        sb.delivery.message_posted(message, channel=channel)
        created = {"channel": channel, "ts": message["ts"], "ephemeral": False}
    else:
        message = ws.post_ephemeral(
            channel=channel, user=context["user"], author=bot, text=text, blocks=blocks, thread_ts=thread_ts
        )
        sb.feed.publish("ephemeral", channel=channel, ts=message["ts"], user=context["user"])
        created = {"channel": channel, "ts": message["ts"], "ephemeral": True}
    # Not part of Slack's answer: the endpoint records it so replay can follow clicks on this message.
    return {"ok": True, "created": created}


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


async def endpoint(request: Request) -> JSONResponse:
    """POST /sandbox/response/{token}: JSON like Slack (a form `payload=` body is accepted too)."""
    sb: Sandbox = request.app.state.sandbox
    raw = await request.body()
    body: Any = None
    created: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    try:
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            form = parse_form(raw)
            if "payload" not in form:
                raise SlackError("invalid_arguments", status=400)
            body = json.loads(form["payload"])
        else:
            body = json.loads(raw.decode("utf-8"))
        if not isinstance(body, dict):
            raise SlackError("invalid_json", status=400)
        context = sb.workspace.use_response_url(
            request.path_params["token"],
            ttl=sb.config.response_url_ttl,
            max_uses=sb.config.response_url_max_uses,
        )
        result = apply_response(sb, context, body)
        created = result.pop("created", None)
        status = 200
    except SlackError as exc:
        result, status = exc.body(), exc.status
    except (ValueError, UnicodeDecodeError):
        result, status = {"ok": False, "error": "invalid_json"}, 400
    sb.recorder.record(
        "bot->sandbox",
        "response_url",
        context=context,
        request={"body": body},
        response={"status": status, "body": result, "created": created},
    )
    return JSONResponse(result, status_code=status)
