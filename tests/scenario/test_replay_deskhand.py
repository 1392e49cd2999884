"""A session recorded in the sandbox with deskhand replays against a fresh deskhand with no differences."""

from __future__ import annotations

import socket
from pathlib import Path

from pydantic import SecretStr

from bot.blocks.approval import APPROVE
from bot.local_run import replay_recording
from bot.runner import start_in_thread
from bot.settings import Settings
from sandbox import SandboxClient, SandboxConfig, run_in_thread
from tests.support.stack import IT_HELP, TOM, wait_for

PUBLIC_URL = "http://deskhand.test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _record_session(data_dir: Path) -> Path:
    """Tom asks for a ticket and approves it, through the sandbox, with the real deskhand answering."""
    config = SandboxConfig()  # the sandbox's local token and signing secret, as `deskhand run` uses
    bot_port = _free_port()
    sandbox = run_in_thread(
        SandboxConfig(data_dir=data_dir / "sandbox", bot_request_url=f"http://127.0.0.1:{bot_port}/slack/events")
    )
    settings = Settings(
        data_dir=data_dir / "bot",
        slack_bot_token=SecretStr(config.bot_token),
        slack_signing_secret=SecretStr(config.signing_secret),
        slack_api_url=sandbox.api_url,
        port=bot_port,
        worker_processes=0,
        public_url=PUBLIC_URL,
    )
    bot = start_in_thread(settings)
    try:
        with SandboxClient(sandbox.base_url) as people:
            ts = people.post_message(TOM, IT_HELP, "<@U0DESKHAND> open a ticket: replay me please")["ts"]
            card = wait_for(
                lambda: next(
                    (
                        m
                        for m in people.thread(IT_HELP, ts)[1:]
                        if any(b["type"] == "actions" for b in m.get("blocks", []))
                    ),
                    None,
                ),
                what="approval card",
            )
            people.click(TOM, IT_HELP, card["ts"], APPROVE)
            wait_for(
                lambda: any("Approved by" in str(m.get("blocks")) for m in people.thread(IT_HELP, ts)),
                what="approved card",
            )
            wait_for(bot.idle, what="bot idle")
    finally:
        bot.stop()
        sandbox.stop()
    recordings = sorted((data_dir / "sandbox" / "recordings").glob("*.jsonl"))
    assert recordings, "the sandbox recorded nothing"
    return recordings[-1]


def test_recorded_session_replays_without_differences(isolated_env: Path) -> None:
    """Replaying the recording against a fresh deskhand produces the same Web API calls."""
    recording = _record_session(isolated_env)
    report = replay_recording(recording, Settings(data_dir=isolated_env / "unused", public_url=PUBLIC_URL))
    assert report.ok, report.render(verbose=True)
