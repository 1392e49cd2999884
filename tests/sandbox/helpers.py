"""Shared test helpers: demo ids, a test SandboxConfig, and a real Bolt app served over loopback HTTP."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

import uvicorn
from slack_bolt import App, BoltRequest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox import SandboxConfig

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-bot-token"
APP_TOKEN = "xapp-1-test-app-token"
MAYA, DIEGO, PRIYA, HANA = "U0MAYA0001", "U0DIEGO002", "U0PRIYA003", "U0HANA0005"
BOT = "U0DESKHAND"
GENERAL, IT_HELP, DESIGN, RANDOM = "C0GENERAL1", "C0ITHELP02", "C0DESIGN04", "C0RANDOM06"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def base_config(**overrides: Any) -> SandboxConfig:
    """Test timings: short delivery timeout and retry delays, so the suite stays fast."""
    config = SandboxConfig(
        signing_secret=SECRET,
        bot_token=BOT_TOKEN,
        app_token=APP_TOKEN,
        delivery_timeout=1.0,
        retry_delays=(0.05, 0.05, 0.05),
    )
    return replace(config, **overrides)


# ---- a real Bolt app on loopback ---------------------------------------------------------------


@dataclass
class BoltServer:
    app: App
    url: str
    server: uvicorn.Server
    thread: threading.Thread
    requests: list[dict[str, Any]]

    def signal_stop(self) -> None:
        self.server.should_exit = True

    def stop(self) -> None:
        self.signal_stop()
        self.thread.join(timeout=10)


def serve_bolt(app: App, port: int | None = None) -> BoltServer:
    """Serves a Bolt App at /slack/events; dispatch runs in a worker thread like a WSGI server would."""
    seen: list[dict[str, Any]] = []

    async def events(request: Request) -> Response:
        body = (await request.body()).decode()
        seen.append({"headers": dict(request.headers), "body": body})
        bolt_request = BoltRequest(body=body, query=request.url.query, headers=dict(request.headers))
        response = await run_in_threadpool(app.dispatch, bolt_request)
        return Response(response.body, status_code=response.status, headers=response.first_headers())

    starlette_app = Starlette(routes=[Route("/slack/events", events, methods=["POST"])])
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(starlette_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("bolt server did not start")
        time.sleep(0.01)
    return BoltServer(app, f"http://127.0.0.1:{port}/slack/events", server, thread, seen)
