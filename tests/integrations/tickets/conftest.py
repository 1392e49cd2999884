"""Fixtures for ticket backend tests: the same small world as a local tracker and as Jira behind the fake."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from integrations.db import open_database
from integrations.directory.base import Person, StaticDirectory
from integrations.tickets.base import DEFAULT_WORKFLOW, Project, TicketBackend, TicketQuery
from integrations.tickets.jira import JiraCloudBackend
from integrations.tickets.local import LocalTicketBackend
from integrations.tickets.workflow import Workflow
from tests.integrations.tickets.fake_jira import FakeJira, RunningFakeJira, serve_fake_jira

PEOPLE = [
    Person(id="U1", name="Ana Lima", email="ana@example.com"),
    Person(id="U2", name="Ben Okafor", email="ben@example.com"),
    Person(id="U3", name="Chloe Park", email="chloe@example.com"),
]
PROJECTS = [Project(key="OPS", name="Operations"), Project(key="ENG", name="Engineering")]


@dataclass
class World:
    """One backend under test, with what the contract tests need to look behind it."""

    kind: str
    backend: TicketBackend
    fake: FakeJira | None = None
    sleeps: list[float] = field(default_factory=list)

    def snapshot(self) -> list[dict[str, Any]]:
        """Every ticket with its comments, to prove that a refused write changed nothing."""
        tickets = self.backend.search(TicketQuery(limit=500, order_by="oldest"))
        return [
            {**t.model_dump(exclude={"url"}), "comments": [c.body for c in self.backend.comments(t.key)]}
            for t in tickets
        ]


@pytest.fixture(scope="session")
def jira_server() -> Iterator[RunningFakeJira]:
    """One fake Jira for the whole run (reset per test)."""
    running = serve_fake_jira(FakeJira())
    yield running
    running.stop()


def make_jira_world(running: RunningFakeJira, **options: Any) -> World:
    """A fresh fake Jira with the standard projects and people, and a backend pointed at it."""
    fake = running.fake
    fake.reset()
    for project in PROJECTS:
        fake.add_project(project.key, project.name)
    for person in PEOPLE:
        fake.add_user(person.email, person.name)
    sleeps: list[float] = []
    settings: dict[str, Any] = {
        "project_keys": [p.key for p in PROJECTS],
        "people": StaticDirectory(PEOPLE),
        "sleep": sleeps.append,
        "timeout_s": 5.0,
    }
    settings.update(options)
    backend = JiraCloudBackend(running.base_url, fake.email, fake.token, **settings)
    return World(kind="jira", backend=backend, fake=fake, sleeps=sleeps)


def make_local_world() -> World:
    """A fresh in-memory local tracker with the standard projects and the staged workflow (the same rules as the
    fake Jira's), checking people against the directory."""
    backend = LocalTicketBackend(
        open_database(None), people=StaticDirectory(PEOPLE), workflow=Workflow.staged(DEFAULT_WORKFLOW)
    )
    for project in PROJECTS:
        backend.upsert_project(project)
    return World(kind="local", backend=backend)


@pytest.fixture(params=["local", "jira"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    """The contract's subject: the local tracker, then Jira Cloud against the fake."""
    if request.param == "local":
        yield make_local_world()
        return
    made = make_jira_world(request.getfixturevalue("jira_server"))
    yield made
    assert isinstance(made.backend, JiraCloudBackend)
    made.backend.close()


@pytest.fixture
def jira_world(jira_server: RunningFakeJira) -> Iterator[Callable[..., World]]:
    """Build a Jira world with custom backend options (closed at the end of the test)."""
    made: list[World] = []

    def build(**options: Any) -> World:
        w = make_jira_world(jira_server, **options)
        made.append(w)
        return w

    yield build
    for w in made:
        assert isinstance(w.backend, JiraCloudBackend)
        w.backend.close()
