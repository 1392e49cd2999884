"""Unit fixtures: the real graph and backends on in-memory databases, no Slack."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.composition import Core, build_core
from bot.settings import Settings
from graph.state import ConversationContext

TOM, PRIYA, DIEGO, MAYA, HANA = "U0TOMB0004", "U0PRIYA003", "U0DIEGO002", "U0MAYA0001", "U0HANA0005"
_threads = itertools.count(1)


@pytest.fixture
def core(isolated_env: Path) -> Core:
    """The demo company loaded into in-memory backends, with the local model."""
    return build_core(Settings(data_dir=isolated_env), in_memory=True)


@pytest.fixture
def ctx() -> Callable[..., ConversationContext]:
    """A conversation context factory; each call is a new thread unless ``thread_ts`` is given."""

    def make(user: str = TOM, thread_ts: str | None = None, **extra: Any) -> ConversationContext:
        values: dict[str, Any] = {
            "team_id": "T0KESTREL",
            "channel_id": "C0ITHELP02",
            "thread_ts": thread_ts or f"1700000000.{next(_threads):06d}",
            "user_id": user,
            "user_tz": "Europe/Berlin",
            "channel_type": "channel",
            "default_project": "OPS",
        }
        values.update(extra)
        return ConversationContext(**values)  # type: ignore[typeddict-item]

    return make
