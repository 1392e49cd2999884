"""`deskhand run`: the local Slack sandbox and deskhand wired to each other, on the offline defaults.

The sandbox is a separate, bot-agnostic package; this module is the only place that starts both and tells
each where the other is (the sandbox's Web API URL for the bot, the bot's request URL for the sandbox).
"""

from __future__ import annotations

import signal
import socket
import tempfile
import threading
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console

from bot.runner import RunningBot, start_in_thread
from bot.settings import Settings
from sandbox import ReplayReport, SandboxConfig, interactive_config, replay, run_in_thread

console = Console()

# What deskhand subscribes to in its Slack app manifest (manifest.yaml); the sandbox sends only these.
SUBSCRIBED_EVENTS = frozenset(
    {"app_mention", "message.channels", "message.groups", "message.im", "message.mpim", "app_home_opened"}
)


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def wired_settings(settings: Settings, sandbox: SandboxConfig, api_url: str) -> Settings:
    """The bot's settings pointed at a sandbox, with the sandbox's local token and signing secret."""
    return settings.model_copy(
        update={
            "slack_bot_token": SecretStr(sandbox.bot_token),
            "slack_signing_secret": SecretStr(sandbox.signing_secret),
            "slack_api_url": api_url,
            "slack_mode": "http",
        }
    )


def run_local(settings: Settings) -> None:
    """Start sandbox + bot, print where to go, and stop both cleanly on Ctrl-C."""
    for name, port in (("deskhand", settings.port), ("sandbox", settings.sandbox_port)):
        if not _port_free(settings.host, port):
            raise SystemExit(
                f"Port {port} ({name}) is already in use. Stop the other process or set "
                f"DESKHAND_{'PORT' if name == 'deskhand' else 'SANDBOX_PORT'}."
            )
    bot_url = f"http://{settings.host}:{settings.port}/slack/events"
    config = interactive_config(
        data_dir=settings.data_dir / "sandbox",
        bot_request_url=bot_url,
        port=settings.sandbox_port,
        bot_events=SUBSCRIBED_EVENTS,
        slash_commands=("/deskhand",),
    )
    with console.status("Starting the local Slack workspace and deskhand…"):
        sandbox = run_in_thread(config)
        try:
            bot = start_in_thread(wired_settings(settings, config, sandbox.api_url))
        except BaseException:
            sandbox.stop()
            raise
    console.print(
        f"\n[bold green]deskhand is running[/bold green] on its offline defaults "
        f"(local model; local tickets, calendars and handbook; data in {settings.data_dir}).\n"
        f"  Open [bold]{sandbox.base_url}/[/bold] in your browser: you are in Kestrel Analytics' Slack.\n"
        f"  Try in #it-help: [italic]@deskhand open a ticket: the office printer is jammed[/italic],\n"
        f"  [italic]@deskhand what's on my calendar tomorrow?[/italic] or "
        f"[italic]@deskhand how many vacation days do I get?[/italic]\n"
        f"  Ctrl-C stops everything; data is kept for next time.\n"
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    console.print("Stopping…")
    bot.stop()
    sandbox.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def replay_recording(file: Path, settings: Settings) -> ReplayReport:
    """Replay a recorded sandbox session against a fresh deskhand (empty data dir, demo company)."""
    sandbox_port, bot_port = _free_port(), _free_port()
    base = SandboxConfig()
    # Links keep the configured public URL, so they match what was recorded with `deskhand run`.
    fresh = settings.model_copy(
        update={
            "data_dir": Path(tempfile.mkdtemp(prefix="deskhand-replay-")),
            "port": bot_port,
            "worker_processes": 0,
            "public_url": settings.base_url(),
        }
    )
    started: list[RunningBot] = []

    def start_bot(running: object) -> None:
        # The replay's sandbox is up now, so the bot's start-up auth.test can reach it.
        started.append(start_in_thread(wired_settings(fresh, base, f"http://127.0.0.1:{sandbox_port}/api/")))

    try:
        return replay(
            file,
            bot_url=f"http://127.0.0.1:{bot_port}/slack/events",
            signing_secret=base.signing_secret,
            bot_token=base.bot_token,
            port=sandbox_port,
            on_ready=start_bot,
        )
    finally:
        for bot in started:
            bot.stop()
