"""A click hours later, after a restart (or a crash mid-decision), resumes the right thread exactly once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.blocks.approval import APPROVE
from bot.composition import build_core
from bot.settings import Settings
from graph.nodes.approval import Decision
from graph.nodes.execute import idempotency_key
from integrations.tickets.base import TicketCreate, TicketQuery
from sandbox import SandboxConfig, run_in_thread
from sandbox.server import RunningSandbox
from tests.support.slack_requests import block_actions_body, event_body, mention_event, post_form_signed, post_signed
from tests.support.stack import BOT, BOT_TOKEN, IT_HELP, SECRET, TOM, wait_for


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    """A sandbox Web API that outlives the bot processes."""
    running = run_in_thread(SandboxConfig(signing_secret=SECRET, bot_token=BOT_TOKEN, record=False))
    yield running
    running.stop()


def _start_bot(data_dir: Path, api_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DESKHAND_DATA_DIR": str(data_dir),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "DESKHAND_SLACK_API_URL": api_url,
        "DESKHAND_PORT": str(port),
        "DESKHAND_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env)
    wait_for(lambda: _healthy(port) or process.poll() is not None, timeout=60, what="bot process to start")
    assert process.poll() is None, "bot process exited during start-up"
    return process


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _buttons(message: dict) -> list[dict]:
    return [e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


def test_click_after_restart_creates_the_ticket_once(isolated_env: Path, sandbox: RunningSandbox) -> None:
    """Process one posts the card and exits; process two handles the click; one ticket, card updated."""
    workspace = sandbox.sandbox.workspace
    port = _free_port()
    first = _start_bot(isolated_env, sandbox.api_url, port)
    try:
        message = workspace.post_message(channel=IT_HELP, author=TOM, text=f"<@{BOT}> open a ticket: survives restart")
        body = event_body(mention_event(user=TOM, channel=IT_HELP, ts=message["ts"], text=message["text"]))
        assert post_signed(f"http://127.0.0.1:{port}/slack/events", body, SECRET).status_code == 200
        card = wait_for(
            lambda: next((m for m in workspace.thread(IT_HELP, message["ts"])[1:] if _buttons(m)), None),
            timeout=30,
            what="approval card",
        )
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)

    second = _start_bot(isolated_env, sandbox.api_url, port)
    try:
        approve = next(b for b in _buttons(card) if b["action_id"] == APPROVE)
        click = block_actions_body(user=TOM, channel=IT_HELP, message=card, action_id=APPROVE, value=approve["value"])
        url = f"http://127.0.0.1:{port}/slack/events"
        assert post_form_signed(url, click, SECRET).status_code == 200
        assert post_form_signed(url, click, SECRET).status_code == 200  # an impatient second click
        wait_for(
            lambda: "Approved by" in str(workspace.message(IT_HELP, card["ts"])["blocks"]),
            timeout=30,
            what="card marked approved",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)

    core = build_core(Settings(data_dir=isolated_env))
    found = core.tickets.search(TicketQuery(text="survives restart", limit=50))
    assert [t.title for t in found] == ["Survives restart"]


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, slack_bot_token=SecretStr(BOT_TOKEN), slack_signing_secret=SecretStr(SECRET))


def test_decision_claimed_before_a_crash_is_finished_once_at_startup(isolated_env: Path) -> None:
    """If a process dies after claiming a click (even after writing), the next start finishes it exactly once."""
    ctx = {
        "team_id": "T0KESTREL",
        "channel_id": IT_HELP,
        "thread_ts": "1700000000.000100",
        "user_id": TOM,
        "user_tz": "Europe/Berlin",
        "channel_type": "channel",
        "default_project": "OPS",
    }
    before = build_core(_settings(isolated_env))
    outcome = before.runtime.handle_message(ctx, "open a ticket: crash in the middle")  # type: ignore[arg-type]
    record = outcome.new_approval
    assert record is not None
    decision = Decision(approval_id=record.id, outcome="approve", by=TOM)
    assert before.approvals.claim(record.id, by=TOM, decision=decision.model_dump(), now=before.deps.clock())
    # The crashed process had already filed the ticket under the action's idempotency key.
    before.tickets.create(
        TicketCreate(title="Crash in the middle", project="OPS", reporter_id=TOM),
        idempotency_key=idempotency_key(record.thread_id, record.id, "a1"),
    )

    after = build_core(_settings(isolated_env))
    finished = after.runtime.recover()
    assert [o.kind for o in finished] == ["applied"]
    assert after.runtime.recover() == []
    assert len(after.tickets.search(TicketQuery(text="crash in the middle"))) == 1
    stored = after.approvals.get(record.id)
    assert stored is not None and stored.status == "approved"
