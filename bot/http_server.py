"""HTTP mode: Slack's request URL (/slack/events), a health check, and read-only ticket pages for links."""

from __future__ import annotations

import html
import logging

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.starlette.handler import to_starlette_response
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from bot.composition import Core
from integrations.bookkeeping import Inbox
from integrations.errors import NotFoundError

log = logging.getLogger(__name__)


def _ping(core: Core) -> None:
    with core.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def create_http_app(bolt: App | None, core: Core | None, inbox: Inbox | None = None) -> Starlette:
    """The ASGI app; ``bolt`` may be None to serve health and tickets only (e.g. Socket Mode)."""

    async def slack_events(request: Request) -> Response:
        if bolt is None:
            return JSONResponse({"error": "slack events are not served in this mode"}, status_code=404)
        body = (await request.body()).decode("utf-8", errors="replace")
        bolt_request = BoltRequest(body=body, query=dict(request.query_params), headers=dict(request.headers))
        # Bolt's dispatch is synchronous (it verifies, acks, and hands listeners to its executor).
        bolt_response = await run_in_threadpool(bolt.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    async def healthz(_request: Request) -> Response:
        if core is not None:
            try:
                with core.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except Exception:
                log.exception("health check failed")
                return JSONResponse({"ok": False, "database": "unavailable"}, status_code=503)
        return JSONResponse({"ok": True})

    async def ticket_page(request: Request) -> Response:
        if core is None:
            return HTMLResponse("Not found", status_code=404)
        key = request.path_params["key"]
        try:
            ticket = core.tickets.get(key)
        except NotFoundError:
            return HTMLResponse(f"<h1>No ticket {html.escape(key)}</h1>", status_code=404)
        assignee = core.directory.get(ticket.assignee_id) if ticket.assignee_id else None
        rows = [
            ("Status", ticket.status),
            ("Priority", ticket.priority.capitalize()),
            ("Assignee", assignee.name if assignee else "Unassigned"),
            ("Due", ticket.due_date.isoformat() if ticket.due_date else "—"),
            ("Updated", ticket.updated_at.strftime("%Y-%m-%d %H:%M UTC")),
        ]
        table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
        page = (
            f"<!doctype html><meta charset=utf-8><title>{html.escape(ticket.key)}</title>"
            "<style>body{font:15px system-ui;margin:2rem;max-width:44rem}th{text-align:left;"
            "padding-right:1rem;color:#555}</style>"
            f"<h1>{html.escape(ticket.key)}: {html.escape(ticket.title)}</h1><table>{table}</table>"
            f"<p style='white-space:pre-wrap'>{html.escape(ticket.description)}</p>"
        )
        return HTMLResponse(page)

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/tickets/{key}", ticket_page, methods=["GET"]),
        ]
    )
