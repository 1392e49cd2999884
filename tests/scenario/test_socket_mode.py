"""Socket Mode: deskhand connects out over the sandbox's WebSocket and handles a mention and a click."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.blocks.approval import APPROVE
from bot.runner import RunningBot, start_in_thread
from integrations.tickets.base import TicketQuery
from sandbox import SandboxClient, SandboxConfig, run_in_thread
from sandbox.server import RunningSandbox
from tests.support.stack import BOT_TOKEN, IT_HELP, SECRET, TOM, bot_settings, wait_for

APP_TOKEN = "xapp-1-scenario-app-token"


@pytest.fixture
def socket_pair(isolated_env: Path) -> Iterator[tuple[RunningSandbox, RunningBot]]:
    """A sandbox delivering over Socket Mode and deskhand connected to it."""
    sandbox = run_in_thread(
        SandboxConfig(signing_secret=SECRET, bot_token=BOT_TOKEN, app_token=APP_TOKEN, socket_mode=True, record=False)
    )
    settings = bot_settings(isolated_env, sandbox.api_url, slack_mode="socket", slack_app_token=SecretStr(APP_TOKEN))
    bot = start_in_thread(settings)
    try:
        yield sandbox, bot
    finally:
        bot.stop()
        sandbox.stop()


def _card(people: SandboxClient, ts: str) -> dict | None:
    return next(
        (m for m in people.thread(IT_HELP, ts)[1:] if any(b["type"] == "actions" for b in m.get("blocks", []))), None
    )


def test_mention_and_approval_over_socket_mode(socket_pair: tuple[RunningSandbox, RunningBot]) -> None:
    """A person's mention reaches deskhand over the WebSocket; their Approve click files the ticket."""
    sandbox, bot = socket_pair
    with SandboxClient(sandbox.base_url) as people:
        posted = people.post_message(TOM, IT_HELP, "<@U0DESKHAND> open a ticket: socket mode test")
        ts = posted["ts"]
        card = wait_for(lambda: _card(people, ts), what="approval card over socket mode")
        people.click(TOM, IT_HELP, card["ts"], APPROVE)
        wait_for(
            lambda: any(
                t.title == "Socket mode test" for t in bot.core.tickets.search(TicketQuery(text="socket mode"))
            ),
            what="ticket created",
        )
