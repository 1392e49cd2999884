"""The web page: the Slack-like client at `/`, its static files, the live change stream and avatars.

The page is plain HTML/CSS/JS shipped in `sandbox/static/` (no build step, nothing from a CDN). It reads
and acts through the driver API (`/sandbox/...`) and learns about changes from `/sandbox/events` (SSE).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from html import escape
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from sandbox.context import CLOSED, Sandbox
from sandbox.errors import SlackError

STATIC_DIR = Path(__file__).resolve().parent / "static"
HEARTBEAT_SECONDS = 15.0
"""A comment line this often keeps proxies and the browser from timing the stream out."""


class _FreshStaticFiles(StaticFiles):
    """Static files the browser revalidates every time, so an edited file shows up on reload."""

    def file_response(self, full_path: Any, stat_result: Any, scope: Scope, status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        return response


async def index(request: Request) -> Response:
    return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


def _sse(data: dict[str, Any]) -> str:
    return f"event: change\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def events(request: Request) -> Response:
    """Server-sent events: one `change` event per change-feed notice ({kind, channel?, ts?, user?, ...}).

    Notices carry ids only, never message text; the page re-reads what it shows through the driver API.
    """
    sb: Sandbox = request.app.state.sandbox
    queue = sb.feed.subscribe()

    async def stream() -> AsyncIterator[str]:
        try:
            # `retry` makes EventSource reconnect quickly after a sandbox restart.
            yield "retry: 1000\n" + _sse({"kind": "hello", "socket_mode": sb.config.socket_mode})
            while True:
                try:
                    notice = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if notice.get("kind") == CLOSED:
                    return
                yield _sse(notice)
        finally:
            sb.feed.unsubscribe(queue)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


def _initials(name: str) -> str:
    parts = [p for p in name.replace(".", " ").split() if p]
    if not parts:
        return "?"
    letters = parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")
    return letters.upper()


def avatar_svg(user: dict[str, Any]) -> str:
    """A rounded-square avatar: initials on the user's colour; the app gets a distinct badge."""
    colour = "#" + str(user.get("color") or "611f69")
    if user.get("is_bot"):
        body = (
            '<rect width="64" height="64" rx="12" fill="#1d9bd1"/>'
            '<rect x="14" y="20" width="36" height="28" rx="8" fill="#fff"/>'
            '<circle cx="25" cy="34" r="4" fill="#1d9bd1"/><circle cx="39" cy="34" r="4" fill="#1d9bd1"/>'
            '<rect x="30" y="10" width="4" height="10" rx="2" fill="#fff"/>'
        )
    else:
        text = escape(_initials(str(user.get("real_name") or user.get("name") or "?")))
        body = (
            f'<rect width="64" height="64" rx="12" fill="{escape(colour)}"/>'
            '<text x="32" y="41" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" '
            f'font-size="26" font-weight="700" fill="#fff">{text}</text>'
        )
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">{body}</svg>'


SLACKBOT = {"id": "USLACKBOT", "real_name": "Slackbot", "color": "4a154b"}
"""Who the page shows for notices of the workspace itself (a failed command, a deleted message)."""


async def avatar(request: Request) -> Response:
    """The image_* URLs users.info hands out point here."""
    sb: Sandbox = request.app.state.sandbox
    user_id = request.path_params["user"]
    try:
        user = SLACKBOT if user_id == "USLACKBOT" else sb.workspace.user_info(user_id)
    except SlackError:
        return Response(status_code=404)
    return Response(avatar_svg(user), media_type="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


def routes() -> list[Route | Mount]:
    return [
        Route("/", index, methods=["GET"]),
        Route("/sandbox/events", events, methods=["GET"]),
        Route("/sandbox/avatars/{user}.svg", avatar, methods=["GET"]),
        Mount("/static", app=_FreshStaticFiles(directory=STATIC_DIR), name="static"),
    ]
