"""The local tracker: writes are all-or-nothing and an idempotency key never applies twice."""

from __future__ import annotations

import threading

import pytest

from integrations.db import open_database
from integrations.errors import NotFoundError, ValidationError
from integrations.tickets.base import Project, TicketChanges, TicketCreate, TicketQuery
from integrations.tickets.local import LocalTicketBackend


@pytest.fixture
def backend(tmp_path: object) -> LocalTicketBackend:
    """An empty tracker with two projects, on a file database (so threads use real connections)."""
    from pathlib import Path

    engine = open_database(Path(str(tmp_path)) / "t.db")
    tickets = LocalTicketBackend(engine)
    tickets.upsert_project(Project(key="OPS", name="Operations"))
    tickets.upsert_project(Project(key="ENG", name="Engineering"))
    return tickets


def test_create_numbers_per_project_and_repeat_key_returns_same(backend: LocalTicketBackend) -> None:
    """Keys count up per project; re-sending the same idempotency key files nothing new."""
    first = backend.create(TicketCreate(title="One", project="OPS"), idempotency_key="k1")
    again = backend.create(TicketCreate(title="One", project="OPS"), idempotency_key="k1")
    other = backend.create(TicketCreate(title="Two", project="eng"), idempotency_key="k2")
    assert (first.key, again.key, other.key) == ("OPS-1", "OPS-1", "ENG-1")
    assert backend.count() == 2


def test_concurrent_creates_with_one_key_make_one_ticket(backend: LocalTicketBackend) -> None:
    """Eight threads racing with the same key produce a single ticket."""
    results: list[str] = []

    def create() -> None:
        results.append(backend.create(TicketCreate(title="Race", project="OPS"), idempotency_key="same").key)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results) == {"OPS-1"} and backend.count() == 1


def test_unknown_project_and_status_are_refused_without_writing(backend: LocalTicketBackend) -> None:
    """Bad input raises a clear error and leaves the tracker unchanged."""
    with pytest.raises(NotFoundError, match="no project 'NOPE'"):
        backend.create(TicketCreate(title="x", project="NOPE"), idempotency_key="a")
    with pytest.raises(ValidationError, match="not a status"):
        backend.create(TicketCreate(title="x", project="OPS", status="Limbo"), idempotency_key="b")
    assert backend.count() == 0


def test_update_is_idempotent_and_partial(backend: LocalTicketBackend) -> None:
    """Only given fields change; a repeated key does not re-apply (even if the ticket changed since)."""
    ticket = backend.create(TicketCreate(title="Fix it", project="OPS", priority="low"), idempotency_key="c")
    backend.update(ticket.key, TicketChanges(status="in progress"), idempotency_key="u1")
    backend.update(ticket.key, TicketChanges(status="Backlog"), idempotency_key="u2")
    replay = backend.update(ticket.key, TicketChanges(status="in progress"), idempotency_key="u1")
    assert replay.status == "Backlog" and replay.priority == "low"


def test_comment_requires_text_and_is_idempotent(backend: LocalTicketBackend) -> None:
    """Blank comments are refused; the same key posts one comment."""
    ticket = backend.create(TicketCreate(title="Fix it", project="OPS"), idempotency_key="c")
    with pytest.raises(ValidationError):
        backend.add_comment(ticket.key, "  ", author_id=None, idempotency_key="x")
    backend.add_comment(ticket.key, "done", author_id="U1", idempotency_key="m")
    backend.add_comment(ticket.key, "done", author_id="U1", idempotency_key="m")
    assert [c.body for c in backend.comments(ticket.key)] == ["done"]


def test_search_filters_combine(backend: LocalTicketBackend) -> None:
    """Text, assignee and status filters all apply together."""
    backend.create(TicketCreate(title="VPN drops", project="OPS", assignee_id="U1"), idempotency_key="1")
    backend.create(TicketCreate(title="VPN slow", project="OPS", assignee_id="U2"), idempotency_key="2")
    backend.create(TicketCreate(title="Printer", project="OPS", assignee_id="U1"), idempotency_key="3")
    found = backend.search(TicketQuery(text="vpn", assignee_id="U1"))
    assert [t.title for t in found] == ["VPN drops"]
    assert backend.search(TicketQuery(statuses=["done"])) == []
