"""The ASGI app (create_app) and ways to serve it: blocking (serve) or in a thread (run_in_thread)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from sandbox import driver, responses, ui, webapi
from sandbox.config import SandboxConfig
from sandbox.context import Sandbox
from sandbox.delivery import Delivery
from sandbox.ratelimit import RateLimiter
from sandbox.recording import Recorder
from sandbox.socketmode import SocketHub
from sandbox.views import Views
from sandbox.workspace import Workspace, load_company

log = logging.getLogger(__name__)


def build_sandbox(config: SandboxConfig, base_url: str | None = None) -> Sandbox:
    """Everything but the HTTP layer: state, recorder, delivery, sockets."""
    company = load_company(config.company_file)
    db_path = None if config.data_dir is None else config.data_dir / "sandbox.sqlite3"
    workspace = Workspace(company, db_path)
    workspace.abandon_unfinished_deliveries()
    recordings = None if config.data_dir is None else config.data_dir / "recordings"
    sb = Sandbox(
        config=config,
        workspace=workspace,
        views=Views(workspace.store, workspace.identity, trigger_ttl=config.trigger_ttl),
        recorder=Recorder(recordings, enabled=config.record),
        limiter=RateLimiter(config.rate_limits_per_minute),
        base_url=(base_url or f"http://{config.host}:{config.port}").rstrip("/"),
    )
    sb.delivery = Delivery(sb)
    sb.sockets = SocketHub(sb)
    return sb


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    # Any bug answers like Slack's internal_error instead of dropping the connection.
    log.exception("unhandled error on %s", request.url.path)
    return JSONResponse({"ok": False, "error": "internal_error"}, status_code=500)


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"ok": False, "error": "not_found"}, status_code=404)


async def _method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"ok": False, "error": "method_not_allowed"}, status_code=405)


def create_app(config: SandboxConfig, *, base_url: str | None = None, sandbox: Sandbox | None = None) -> Starlette:
    """The sandbox as an ASGI app; `base_url` is how the app reaches it (for response_url and ws:// URLs)."""
    sb = sandbox or build_sandbox(config, base_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await sb.delivery.start()
        try:
            yield
        finally:
            await sb.sockets.close_all()
            await sb.delivery.stop()

    routes: list[Any] = [
        Route("/api/{method}", webapi.endpoint, methods=["GET", "POST"]),
        Route("/sandbox/response/{token}", responses.endpoint, methods=["POST"]),
        WebSocketRoute("/sandbox/socket-mode", sb.sockets.endpoint),
        *driver.routes(),
        *ui.routes(),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={404: _not_found, 405: _method_not_allowed, Exception: _internal_error},
    )
    app.state.sandbox = sb
    return app


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, ending the UI's live streams as soon as shutdown starts.

    uvicorn waits for open responses before it stops; an SSE stream never ends by itself, so without
    this every Ctrl-C (and every test teardown with a browser attached) would wait out the grace period.
    """

    def __init__(self, config: uvicorn.Config, sandbox: Sandbox) -> None:
        super().__init__(config)
        self.sandbox = sandbox
        self.loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().serve(sockets=sockets)

    def close_streams(self) -> None:
        """Safe from any thread and from a signal handler."""
        loop = self.loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.sandbox.feed.close)

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.close_streams()
        super().handle_exit(sig, frame)


def _uvicorn(app: Starlette) -> _Server:
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", ws="auto", timeout_graceful_shutdown=2
    )
    return _Server(config, app.state.sandbox)


def serve(config: SandboxConfig) -> None:
    """Serve until interrupted (the CLI's `deskhand sandbox` calls this)."""
    sock = _bind(config.host, config.port)
    host, port = sock.getsockname()[:2]
    app = create_app(config, base_url=f"http://{host}:{port}")
    server = _uvicorn(app)
    try:
        server.run(sockets=[sock])
    finally:
        app.state.sandbox.workspace.close()


@dataclass
class RunningSandbox:
    """A sandbox served from a background thread."""

    base_url: str
    sandbox: Sandbox
    _server: _Server
    _thread: threading.Thread
    _loop: asyncio.AbstractEventLoop | None = None

    @property
    def api_url(self) -> str:
        """What to give WebClient(base_url=...)."""
        return f"{self.base_url}/api/"

    @property
    def ui_url(self) -> str:
        """The web page (the same as base_url; named for readers of `deskhand run`)."""
        return f"{self.base_url}/"

    def signal_stop(self) -> None:
        """Asks the server to shut down without waiting (lets a caller stop several at once)."""
        self._server.close_streams()
        self._server.should_exit = True

    def stop(self) -> None:
        self.signal_stop()
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self.sandbox.workspace.close()

    def call(self, coro: Any, timeout: float = 10.0) -> Any:
        """Runs a coroutine on the server's loop (e.g. sandbox.delivery.idle())."""
        if self._loop is None:
            raise RuntimeError("server loop not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_in_thread(config: SandboxConfig, *, startup_timeout: float = 10.0) -> RunningSandbox:
    """Starts the sandbox on `config.port` (0: a free loopback port) and returns once it accepts requests.

    A fixed port that is taken raises OSError at once (nothing is left running).
    """
    sock = _bind(config.host, config.port)
    host, port = sock.getsockname()[:2]
    base_url = f"http://{host}:{port}"
    app = create_app(config, base_url=base_url)
    server = _uvicorn(app)
    holder: dict[str, asyncio.AbstractEventLoop] = {}

    async def main() -> None:
        holder["loop"] = asyncio.get_running_loop()
        await server.serve(sockets=[sock])

    thread = threading.Thread(target=lambda: asyncio.run(main()), name=f"sandbox-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("sandbox server did not start")
        time.sleep(0.01)
    return RunningSandbox(base_url, app.state.sandbox, server, thread, holder.get("loop"))


@contextlib.contextmanager
def running(config: SandboxConfig) -> Iterator[RunningSandbox]:
    handle = run_in_thread(config)
    try:
        yield handle
    finally:
        handle.stop()
