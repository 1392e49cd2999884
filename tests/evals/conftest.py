"""Shared helpers for the eval harness tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from evals.fixtures import Fixture, FixturePerson, FixtureProject, FixtureTicket
from evals.matchers import MatchContext

NOW = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)


@pytest.fixture
def small_fixture() -> Fixture:
    """Three people, one project, two tickets, clock frozen."""
    return Fixture(
        name="small",
        now=NOW,
        people=[
            FixturePerson(id="U1", name="Ada Lovelace", email="ada@example.com", tz="Europe/London"),
            FixturePerson(id="U2", name="Grace Hopper", email="grace@example.com", tz="America/New_York"),
            FixturePerson(id="U3", name="Alan Turing", email="alan@example.com"),
        ],
        projects=[FixtureProject(key="OPS", name="Operations")],
        tickets=[
            FixtureTicket(key="OPS-1", title="Printer jams", status="Backlog", assignee="U1", reporter="U2"),
            FixtureTicket(key="OPS-2", title="VPN drops", status="In Progress", priority="high"),
        ],
    )


@pytest.fixture
def ctx() -> MatchContext:
    """A match context in London on the frozen clock, resolving three people."""
    people = {"ada": "U1", "ada lovelace": "U1", "u1": "U1", "grace": "U2", "u2": "U2", "u3": "U3", "me": "U3"}
    return MatchContext(tz="Europe/London", now=NOW, person=lambda ref: people.get(ref.strip().casefold()))
