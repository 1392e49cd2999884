"""Settings for one sandbox run, given at start-up and never read from the environment here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The repository's demo company; a caller may point at any file of the same format.
DEFAULT_COMPANY_FILE = Path(__file__).resolve().parent.parent / "demo" / "company.json"

# Slack retries a failed Events API delivery "nearly immediately, after 1 minute and after 5 minutes".
SLACK_RETRY_DELAYS: tuple[float, ...] = (0.0, 60.0, 300.0)
# For a person at the web page: the same three retries, close enough together that a bot started a few
# seconds after the sandbox (or restarted) still gets the message while they watch.
INTERACTIVE_RETRY_DELAYS: tuple[float, ...] = (0.0, 5.0, 20.0)
INTERACTIVE_PORT = 3001


@dataclass(frozen=True)
class SandboxConfig:
    """Everything a sandbox server needs; tests build one with short timings."""

    data_dir: Path | None = None
    """Where the SQLite state and the JSONL recordings live; None keeps everything in memory."""
    company_file: Path = DEFAULT_COMPANY_FILE
    """Users, channels, team and bot identity loaded into an empty workspace."""
    bot_request_url: str | None = None
    """Events API request URL of the app (HTTP mode); None means the app is not reachable over HTTP."""
    interactivity_url: str | None = None
    """Interactivity request URL; defaults to bot_request_url like Bolt's single /slack/events endpoint."""
    commands_url: str | None = None
    """Slash command request URL; defaults to bot_request_url."""
    # Well-known defaults of a local fake workspace, not credentials for anything real.
    signing_secret: str = "sandbox-signing-secret"  # noqa: S105
    bot_token: str = "xoxb-sandbox-bot-token"  # noqa: S105
    app_token: str = "xapp-1-sandbox-app-token"  # noqa: S105
    verification_token: str = "sandbox-verification-token"  # noqa: S105
    """The deprecated `token` field Slack still puts in payloads."""
    socket_mode: bool = False
    """Deliver over Socket Mode WebSockets instead of HTTP POSTs."""
    rate_limit: bool = False
    rate_limits_per_minute: Mapping[str, int] = field(default_factory=dict)
    """Per-method overrides of the Slack tier limits (calls a minute), mostly for tests."""
    delivery_timeout: float = 3.0
    """Slack gives up on a request after 3 s and counts it as failed."""
    retry_delays: tuple[float, ...] = SLACK_RETRY_DELAYS
    """Delay before each retry; its length is the number of retries."""
    trigger_ttl: float = 3.0
    """Trigger ids are usable for 3 s on Slack."""
    response_url_ttl: float = 30 * 60.0
    response_url_max_uses: int = 5
    host: str = "127.0.0.1"
    port: int = 0
    """0 picks a free port."""
    echo_bot_messages: bool = True
    """Send the app message events for its own posts, as Slack does (Bolt drops them by default)."""
    record: bool = True
    bot_events: frozenset[str] | None = None
    """Event types the app subscribes to, as in its manifest ("app_mention", "message.im", "message.channels",
    "reaction_added", ...); None sends every kind. Slack sends nothing else, so an app is not bothered (and
    not retried) with events it has no listener for."""
    slash_commands: tuple[str, ...] = ()
    """Commands the app declares, offered by the web composer; empty offers `/<app name>`."""

    @property
    def effective_interactivity_url(self) -> str | None:
        return self.interactivity_url or self.bot_request_url

    @property
    def effective_commands_url(self) -> str | None:
        return self.commands_url or self.bot_request_url


def interactive_config(
    *,
    data_dir: Path | None,
    bot_request_url: str | None,
    port: int = INTERACTIVE_PORT,
    **overrides: Any,
) -> SandboxConfig:
    """What a person at the web page wants (`deskhand run`): a fixed port, state and recordings kept in
    `data_dir`, Slack's 3 s timeout, and retries seconds apart instead of minutes."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "bot_request_url": bot_request_url,
        "port": port,
        "retry_delays": INTERACTIVE_RETRY_DELAYS,
        **overrides,
    }
    return SandboxConfig(**values)
