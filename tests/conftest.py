"""Suite-wide fixtures: every test runs with a clean environment and its own data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

_PREFIXES = ("DESKHAND_", "SLACK_", "OPENAI_")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No setting leaks in from the developer's shell or .env; data goes to a per-test folder."""
    for name in list(os.environ):
        if name.startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # a stray .env in the checkout must not be read
    data_dir = tmp_path / "data"
    monkeypatch.setenv("DESKHAND_DATA_DIR", str(data_dir))
    # The digest scheduler only runs in tests that ask for it (scheduler_enabled=True).
    monkeypatch.setenv("DESKHAND_SCHEDULER_ENABLED", "false")
    yield data_dir
