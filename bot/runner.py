"""Start deskhand: build everything from settings, finish interrupted decisions, serve HTTP or Socket Mode."""

from __future__ import annotations

import logging
import threading

import uvicorn
from slack_sdk import WebClient

from bot.app import create_app, web_client
from bot.composition import build_core, build_services
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


def serve_forever(settings: Settings) -> None:
    """Blocks until interrupted."""
    core = build_core(settings)
    services = build_services(core)
    client = web_client(settings)
    bolt = create_app(settings, services, client=client)
    recovered = recover_pending_decisions(services, client)
    if recovered:
        log.info("finished interrupted decisions", extra={"count": recovered})
    if settings.slack_mode == "socket":
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        token = settings.secret("slack_app_token")
        if not token:
            raise SystemExit("SLACK_APP_TOKEN (xapp-...) is required for Socket Mode.")
        handler = SocketModeHandler(bolt, token, web_client=client)
        handler.connect()
        log.info("socket mode connected")
        # Health checks and ticket pages still need HTTP; Slack traffic arrives over the socket.
        http = create_http_app(None, core)
    else:
        http = create_http_app(bolt, core)
        log.info("listening", extra={"url": f"http://{settings.host}:{settings.port}/slack/events"})
    config = uvicorn.Config(http, host=settings.host, port=settings.port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    try:
        server.run()
    finally:
        services.worker.shutdown(wait=True)


def start_in_thread(settings: Settings) -> tuple[uvicorn.Server, threading.Thread, BotServices]:
    """Serve in a background thread (used by ``deskhand run`` and by tests)."""
    core = build_core(settings)
    services = build_services(core)
    client = web_client(settings)
    bolt = create_app(settings, services, client=client)
    recover_pending_decisions(services, client)
    config = uvicorn.Config(
        create_http_app(bolt, core), host=settings.host, port=settings.port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="deskhand-http", daemon=True)
    thread.start()
    return server, thread, services
