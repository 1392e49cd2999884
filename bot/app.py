"""The Bolt app factory."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot.errors import ConfigurationError
from bot.listeners import register_all
from bot.services import BotServices
from bot.settings import Settings

log = logging.getLogger(__name__)


def web_client(settings: Settings) -> WebClient:
    """A Web API client for the bot token, pointed at the sandbox or at real Slack."""
    if settings.slack_api_url:
        return WebClient(token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url.rstrip("/") + "/")
    return WebClient(token=settings.secret("slack_bot_token"))


def create_app(settings: Settings, services: BotServices, *, client: WebClient | None = None) -> App:
    """A Bolt app with every listener attached; it verifies request signatures unless in Socket Mode."""
    token = settings.secret("slack_bot_token")
    secret = settings.secret("slack_signing_secret")
    if not token:
        raise ConfigurationError(
            "SLACK_BOT_TOKEN is not set. `make run` sets it for the local sandbox; for real Slack see the README."
        )
    if settings.slack_mode == "http" and not secret:
        raise ConfigurationError("SLACK_SIGNING_SECRET is required in HTTP mode so requests can be verified.")
    slack = client or web_client(settings)
    auth = slack.auth_test()
    services.bot_user_id = str(auth.get("user_id") or "")
    services.runtime.deps.extra["bot_user_id"] = services.bot_user_id
    app = App(
        client=slack,
        signing_secret=secret or "socket-mode-does-not-sign",
        token_verification_enabled=False,  # auth.test already ran above, once
        # Ack first, then let the listener persist and queue the job: measured, running listeners before the
        # response put SQLite lock waits (workers write the same files) on the ack path (bench/ack_latency.py).
        process_before_response=False,
        request_verification_enabled=settings.slack_mode == "http",
        ignoring_self_events_enabled=True,
        name="deskhand",
    )
    register_all(app, services)
    return app
