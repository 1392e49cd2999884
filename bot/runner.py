"""Start deskhand: build everything from settings, finish interrupted work, serve HTTP and/or Socket Mode."""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn
from slack_bolt import App
from slack_sdk import WebClient

from bot.app import create_app, web_client
from bot.composition import Core, build_core, build_services
from bot.digests.scheduler import DigestScheduler
from bot.digests.wiring import start_scheduler
from bot.dispatch import make_dispatcher, replay_unfinished
from bot.http_server import create_http_app
from bot.services import BotServices
from bot.settings import Settings
from bot.turns import show_decision

log = logging.getLogger(__name__)


def recover_pending_decisions(services: BotServices, client: WebClient) -> int:
    """Complete decisions a previous process claimed but did not finish, and refresh their cards."""
    outcomes = services.runtime.recover()
    for outcome in outcomes:
        if outcome.approval is not None:
            show_decision(
                services,
                client,
                outcome,
                clicker=outcome.approval.decided_by or "",
                channel_id=outcome.approval.channel_id,
            )
    return len(outcomes)


@dataclass
class Prepared:
    """Everything wired and recovered, not yet serving."""

    core: Core
    services: BotServices
    client: WebClient
    bolt: App
    socket_handler: Any = None
    scheduler: DigestScheduler | None = None


def prepare(settings: Settings) -> Prepared:
    """Build, finish interrupted decisions, start the dispatcher, replay queued work, connect Socket Mode."""
    core = build_core(settings)
    services = build_services(core)
    client = web_client(settings)
    bolt = create_app(settings, services, client=client)
    recovered = recover_pending_decisions(services, client)
    if recovered:
        log.info("finished interrupted decisions", extra={"count": recovered})
    services.dispatcher = make_dispatcher(settings, services, client)
    replayed = replay_unfinished(services, services.dispatcher, client)
    if replayed:
        log.info("replaying queued jobs", extra={"count": replayed})
    prepared = Prepared(core=core, services=services, client=client, bolt=bolt)
    # After the dispatcher: a digest missed while we were down may be queued the moment the lease is taken.
    prepared.scheduler = start_scheduler(settings, services, client)
    if settings.slack_mode == "socket":
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        token = settings.secret("slack_app_token")
        if not token:
            raise SystemExit("SLACK_APP_TOKEN (xapp-...) is required for Socket Mode.")
        prepared.socket_handler = SocketModeHandler(bolt, token, web_client=client)
        prepared.socket_handler.connect()
        log.info("socket mode connected")
    return prepared


def _http_app(prepared: Prepared, settings: Settings) -> Any:
    # In Socket Mode, Slack traffic arrives over the socket; HTTP still serves health checks and ticket pages.
    bolt = None if settings.slack_mode == "socket" else prepared.bolt
    return create_http_app(bolt, prepared.core, prepared.services.inbox)


def serve_forever(settings: Settings) -> None:
    """Blocks until interrupted."""
    # This process acks Slack; its other threads (listeners, queue feeders) do little. A short GIL switch
    # interval stops one of them holding up an ack for the default 5 ms.
    sys.setswitchinterval(settings.ack_switch_interval_ms / 1000)
    prepared = prepare(settings)
    if settings.slack_mode == "http":
        log.info("listening", extra={"url": f"http://{settings.host}:{settings.port}/slack/events"})
    config = uvicorn.Config(
        _http_app(prepared, settings), host=settings.host, port=settings.port, log_level="warning", access_log=False
    )
    try:
        uvicorn.Server(config).run()
    finally:
        if prepared.scheduler is not None:
            prepared.scheduler.stop()
        if prepared.socket_handler is not None:
            prepared.socket_handler.close()
        if prepared.services.dispatcher is not None:
            prepared.services.dispatcher.shutdown()


@dataclass
class RunningBot:
    """deskhand served from a background thread."""

    url: str
    services: BotServices
    core: Core
    server: uvicorn.Server
    thread: threading.Thread
    socket_handler: Any = None
    scheduler: DigestScheduler | None = None

    @property
    def events_url(self) -> str:
        """Slack's request URL for this bot."""
        return f"{self.url}/slack/events"

    def idle(self) -> bool:
        """No turn queued or running."""
        return self.services.dispatcher is None or self.services.dispatcher.idle()

    def stop(self) -> None:
        """Stop serving and let running turns finish."""
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.socket_handler is not None:
            self.socket_handler.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)
        if self.services.dispatcher is not None:
            self.services.dispatcher.shutdown()


def start_in_thread(settings: Settings, *, startup_timeout: float = 15.0) -> RunningBot:
    """Serve on ``settings.host`` (port 0 picks a free one) in a thread; returns once it accepts requests."""
    prepared = prepare(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(
        _http_app(prepared, settings), log_level="warning", access_log=False, timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: server.run(sockets=[sock]), name="deskhand-http", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("deskhand HTTP server did not start")
        time.sleep(0.01)
    return RunningBot(
        url=f"http://{host}:{port}",
        services=prepared.services,
        core=prepared.core,
        server=server,
        thread=thread,
        socket_handler=prepared.socket_handler,
        scheduler=prepared.scheduler,
    )
