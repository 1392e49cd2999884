"""Fixtures: a sandbox server in a thread, a driver client, and a real Bolt app served over loopback HTTP."""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

# The package is not installed in the venv; make the checkout importable when run as `.venv/bin/pytest`.
_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import uvicorn  # noqa: E402
from slack_bolt import App, BoltRequest  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from sandbox import SandboxClient, SandboxConfig, run_in_thread  # noqa: E402
from sandbox.server import RunningSandbox  # noqa: E402

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


@pytest.fixture
def start_sandbox() -> Iterator[Callable[..., RunningSandbox]]:
    """Starts sandboxes with config overrides; stops them all at the end of the test."""
    running: list[RunningSandbox] = []

    def start(**overrides: Any) -> RunningSandbox:
        handle = run_in_thread(base_config(**overrides))
        running.append(handle)
        return handle

    yield start
    for handle in running:
        handle.stop()


@pytest.fixture
def sandbox(start_sandbox: Callable[..., RunningSandbox]) -> RunningSandbox:
    return start_sandbox()


@pytest.fixture
def client(sandbox: RunningSandbox) -> WebClient:
    return WebClient(base_url=sandbox.api_url, token=BOT_TOKEN)


@pytest.fixture
def driver(sandbox: RunningSandbox) -> Iterator[SandboxClient]:
    with SandboxClient(sandbox.base_url) as d:
        yield d


# ---- a real Bolt app on loopback ---------------------------------------------------------------


@dataclass
class BoltServer:
    app: App
    url: str
    server: uvicorn.Server
    thread: threading.Thread
    requests: list[dict[str, Any]]

    def stop(self) -> None:
        self.server.should_exit = True
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


@pytest.fixture
def bolt_pair(
    start_sandbox: Callable[..., RunningSandbox],
) -> Iterator[Callable[..., tuple[RunningSandbox, App, BoltServer]]]:
    """Builds (sandbox, Bolt app, its HTTP server) wired to each other; the test adds listeners."""
    servers: list[BoltServer] = []

    def make(**overrides: Any) -> tuple[RunningSandbox, App, BoltServer]:
        before_response = bool(overrides.pop("process_before_response", False))
        port = free_port()
        sb = start_sandbox(bot_request_url=f"http://127.0.0.1:{port}/slack/events", **overrides)
        app = App(
            token=BOT_TOKEN,
            signing_secret=SECRET,
            client=WebClient(base_url=sb.api_url, token=BOT_TOKEN),
            process_before_response=before_response,
        )
        server = serve_bolt(app, port)
        servers.append(server)
        return sb, app, server

    yield make
    for server in servers:
        server.stop()
