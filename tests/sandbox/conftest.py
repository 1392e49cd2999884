"""Fixtures: a sandbox server in a thread, a driver client, and a Bolt app wired to the sandbox."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The package is not installed in the venv; make the checkout importable when run as `.venv/bin/pytest`.
_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from slack_bolt import App  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from sandbox import SandboxClient, run_in_thread  # noqa: E402
from sandbox.server import RunningSandbox  # noqa: E402
from tests.sandbox.helpers import BOT_TOKEN, SECRET, BoltServer, base_config, free_port, serve_bolt  # noqa: E402


@pytest.fixture
def _servers() -> Iterator[list[Any]]:
    """Every server a test started; all are told to stop first, then awaited, so shutdowns overlap."""
    servers: list[Any] = []
    yield servers
    for server in servers:
        server.signal_stop()
    for server in servers:
        server.stop()


@pytest.fixture
def start_sandbox(_servers: list[Any]) -> Callable[..., RunningSandbox]:
    """Starts sandboxes with config overrides; they are stopped at the end of the test."""

    def start(**overrides: Any) -> RunningSandbox:
        handle = run_in_thread(base_config(**overrides))
        _servers.append(handle)
        return handle

    return start


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


@pytest.fixture
def bolt_pair(
    start_sandbox: Callable[..., RunningSandbox], _servers: list[Any]
) -> Callable[..., tuple[RunningSandbox, App, BoltServer]]:
    """Builds (sandbox, Bolt app, its HTTP server) wired to each other; the test adds listeners."""

    def make(**overrides: Any) -> tuple[RunningSandbox, App, BoltServer]:
        before_response = bool(overrides.pop("process_before_response", False))
        port = free_port()
        sb = start_sandbox(bot_request_url=f"http://127.0.0.1:{port}/slack/events", **overrides)
        app = App(
            signing_secret=SECRET,
            client=WebClient(base_url=sb.api_url, token=BOT_TOKEN),
            process_before_response=before_response,
        )
        server = serve_bolt(app, port)
        _servers.append(server)
        return sb, app, server

    return make
