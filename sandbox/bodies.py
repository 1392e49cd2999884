"""Reading Web API arguments the way Slack does: query string, form, multipart or JSON body."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from sandbox.errors import SlackError


def parse_form(raw: bytes) -> dict[str, str]:
    """application/x-www-form-urlencoded, strictly: a body that is not `k=v&...` is invalid_form_data."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SlackError("invalid_charset") from exc
    if not text.strip():
        return {}
    try:
        pairs = parse_qsl(text.strip(), keep_blank_values=True, strict_parsing=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise SlackError("invalid_charset") from exc
    except ValueError as exc:
        raise SlackError("invalid_form_data") from exc
    return dict(pairs)


def parse_multipart(raw: bytes, content_type: str) -> dict[str, str]:
    """multipart/form-data text fields (slack_sdk uses it when an app passes `data=`); files are ignored."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
    )
    if not message.is_multipart():
        raise SlackError("invalid_form_data")
    out: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or part.get_filename():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        try:
            out[name] = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SlackError("invalid_charset") from exc
    return out


def parse_json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SlackError("invalid_charset") from exc
    except ValueError as exc:
        raise SlackError("invalid_json") from exc
    if not isinstance(value, dict):
        raise SlackError("json_not_object")
    return value


async def read_arguments(request: Request) -> tuple[dict[str, Any], bytes]:
    """All arguments of a call (body wins over query string, as the body is what slack_sdk fills)."""
    raw = await request.body()
    args: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if not raw.strip():
        return args, raw
    if media == "application/json":
        args.update(parse_json_object(raw))
    elif media in ("application/x-www-form-urlencoded", ""):
        args.update(parse_form(raw))
    elif media == "multipart/form-data":
        args.update(parse_multipart(raw, content_type))
    else:
        raise SlackError("invalid_post_type")
    return args, raw


def bearer_token(request: Request, args: dict[str, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    token = args.get("token")
    return str(token) if token else None


# ---- typed argument access ---------------------------------------------------------------


def arg_str(args: dict[str, Any], name: str) -> str | None:
    value = args.get(name)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def require_str(args: dict[str, Any], name: str) -> str:
    value = arg_str(args, name)
    if value is None:
        raise SlackError("invalid_arguments", messages=[f"[ERROR] missing required field: {name}"])
    return value


def arg_bool(args: dict[str, Any], name: str, default: bool = False) -> bool:
    value = args.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes")


def arg_int(args: dict[str, Any], name: str) -> int | None:
    value = args.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise SlackError("invalid_arguments", messages=[f"[ERROR] {name} must be an integer"]) from exc


def arg_json(args: dict[str, Any], name: str, error: str = "invalid_arguments") -> Any:
    """A structured argument: JSON bodies carry it as-is, form bodies as a JSON-encoded string."""
    value = args.get(name)
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except ValueError as exc:
            raise SlackError(error) from exc
    return value


def arg_list(args: dict[str, Any], name: str) -> list[str]:
    """Comma-separated lists (users=U1,U2) or real lists from JSON bodies."""
    value = args.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]
