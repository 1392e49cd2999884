"""Digest fixtures: an app database file, a subscription factory, and a sandbox that delivers to the real bot."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.runner import RunningBot, start_in_thread
from integrations.db import open_database
from integrations.digests.base import Subscription, SubscriptionCreate
from integrations.digests.store import SqlDigestStore
from sandbox import SandboxConfig, run_in_thread
from sandbox.client import SandboxClient
from sandbox.server import RunningSandbox
from tests.support.stack import BOT_TOKEN, SECRET, bot_settings


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """A migrated app database in a file (schedulers in several processes share it)."""
    return open_database(tmp_path / "app.db")


@pytest.fixture
def store(engine: Engine) -> SqlDigestStore:
    """The digest store on that database."""
    return SqlDigestStore(engine)


@pytest.fixture
def subscribe(store: SqlDigestStore) -> Callable[..., Subscription]:
    """subscribe(**fields): a stored subscription (a channel digest of tickets at 09:00 UTC unless told)."""

    def make(**fields: Any) -> Subscription:
        values: dict[str, Any] = {
            "created_by": "U0TOMB0004",
            "target_kind": "channel",
            "target_id": "C0ITHELP02",
            "time_of_day": "09:00",
            "tz": "UTC",
            "sections": ["tickets"],
        }
        values.update(fields)
        return store.create(SubscriptionCreate(**values))

    return make


def free_port() -> int:
    """A loopback port nobody listens on yet."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Live:
    """A sandbox that delivers commands, clicks and events to a running deskhand, and a driver to act in it."""

    sandbox: RunningSandbox
    bot: RunningBot
    driver: SandboxClient


@contextmanager
def live_stack(data_dir: Path, **overrides: Any) -> Iterator[Live]:
    """Sandbox → deskhand over loopback, wired both ways like `deskhand run` (turns on threads)."""
    bot_port = free_port()  # the sandbox must know where the bot listens before the bot starts
    sandbox = run_in_thread(
        SandboxConfig(
            signing_secret=SECRET,
            bot_token=BOT_TOKEN,
            bot_request_url=f"http://127.0.0.1:{bot_port}/slack/events",
            record=False,
            retry_delays=(1.0,),
        )
    )
    try:
        bot = start_in_thread(bot_settings(data_dir, sandbox.api_url, port=bot_port, **overrides))
    except BaseException:
        sandbox.stop()
        raise
    driver = SandboxClient(sandbox.base_url)
    try:
        yield Live(sandbox=sandbox, bot=bot, driver=driver)
    finally:
        driver.close()
        sandbox.signal_stop()
        bot.stop()
        sandbox.stop()
