"""Scenario fixtures: the real Bolt app over HTTP, Web API calls answered by the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.stack import Stack, running_stack


@pytest.fixture
def stack(isolated_env: Path) -> Iterator[Stack]:
    """deskhand and a sandbox Slack, fresh for each test."""
    with running_stack(isolated_env) as running:
        yield running
