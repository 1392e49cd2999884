"""Workflow rules and configuration, and local-tracker details outside the shared contract."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from integrations.db import open_database
from integrations.errors import ValidationError
from integrations.tickets.base import (
    DEFAULT_WORKFLOW,
    BulkResult,
    Project,
    TicketChanges,
    TicketCreate,
    TicketQuery,
    normalise_relation,
)
from integrations.tickets.local import LocalTicketBackend
from integrations.tickets.workflow import Workflow

STAGED = Workflow.staged(DEFAULT_WORKFLOW)


def test_default_workflow_allows_adjacent_moves_close_and_reopen() -> None:
    """Default rule: one stage either way, close from anywhere, back to Backlog/In Progress from anywhere."""
    assert STAGED.as_dict() == {
        "Backlog": ["In Progress", "Done"],
        "In Progress": ["Backlog", "In Review", "Done"],
        "In Review": ["Backlog", "In Progress", "Done"],
        "Done": ["Backlog", "In Progress", "In Review"],
    }
    assert STAGED.allows("in review", "in review")


def test_longer_workflow_refuses_forward_skips() -> None:
    """With five statuses, skipping a stage forward is refused unless it closes the ticket."""
    flow = Workflow.staged(["Backlog", "To Do", "In Progress", "Review", "Done"])
    assert not flow.allows("Backlog", "In Progress") and not flow.allows("To Do", "Review")
    assert flow.allows("Backlog", "Done") and flow.allows("Review", "To Do") and flow.allows("Done", "Backlog")


def test_forbidden_move_message_names_allowed_statuses() -> None:
    """The refusal says where the ticket is, where it was asked to go, and where it may go."""
    with pytest.raises(ValidationError, match=r"OPS-1 can't move from Backlog to In Review\. .*In Progress or Done"):
        STAGED.check("backlog", "in review", key="OPS-1")


def test_workflow_from_config_variants() -> None:
    """Settings can give a list of statuses, 'any' transitions, or an explicit transition table."""
    assert Workflow.from_config(["Open", "Closed"]).as_dict() == {"Open": ["Closed"], "Closed": ["Open"]}
    assert (
        Workflow.from_config({"statuses": list(DEFAULT_WORKFLOW), "transitions": "stages"}).as_dict()
        == STAGED.as_dict()
    )
    free = Workflow.from_config({"statuses": ["A", "B", "C"], "transitions": "any"})
    assert free.allows("A", "C") and free.allows("C", "A")
    strict = Workflow.from_config(
        {"statuses": ["New", "Doing", "Done"], "transitions": {"New": ["Doing"], "Doing": ["done"]}}
    )
    assert strict.next_statuses("new") == ["Doing"] and strict.next_statuses("Done") == []
    with pytest.raises(ValidationError, match="nowhere"):
        strict.check("Done", "New")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (["Only"], "at least two"),
        (["A", "a"], "repeat"),
        ({"statuses": ["A", "B"], "transitions": {"A": ["Z"]}}, "'Z' in the transitions"),
        ({"transitions": "sometimes"}, "transitions must be"),
    ],
    ids=["one status", "repeated status", "unknown target", "bad keyword"],
)
def test_bad_workflow_config_is_rejected(spec: object, message: str) -> None:
    """A workflow with fewer than two statuses, repeats, or transitions to unknown statuses is refused."""
    with pytest.raises(ValueError, match=message):
        Workflow.from_config(spec)  # type: ignore[arg-type]


def _tracker(**options: object) -> LocalTicketBackend:
    backend = LocalTicketBackend(open_database(None), **options)  # type: ignore[arg-type]
    backend.upsert_project(Project(key="OPS", name="Operations"))
    return backend


def test_local_backend_enforces_a_custom_workflow() -> None:
    """A custom workflow passed to LocalTicketBackend governs updates and transitions()."""
    flow = Workflow(["New", "Doing", "Done"], {"New": ["Doing"], "Doing": ["Done", "New"], "Done": []})
    tickets = _tracker(workflow=flow)
    ticket = tickets.create(TicketCreate(title="x", project="OPS", status="new"), idempotency_key="c")
    assert ticket.status == "New" and tickets.workflow() == ("New", "Doing", "Done")
    with pytest.raises(ValidationError, match="From New it can move to Doing"):
        tickets.update(ticket.key, TicketChanges(status="Done"), idempotency_key="skip")
    tickets.update(ticket.key, TicketChanges(status="Doing"), idempotency_key="1")
    tickets.update(ticket.key, TicketChanges(status="Done"), idempotency_key="2")
    assert tickets.transitions("Done") == [] and tickets.get(ticket.key).status == "Done"


def test_plain_status_list_allows_any_move_and_no_directory_accepts_any_assignee() -> None:
    """Callers passing only statuses get a free workflow (any move); without a directory any assignee id is accepted."""
    tickets = _tracker(workflow=["Backlog", "In Progress", "In Review", "Done"])
    ticket = tickets.create(TicketCreate(title="x", project="OPS", assignee_id="UANY"), idempotency_key="c")
    assert ticket.assignee_id == "UANY"
    moved = tickets.update(ticket.key, TicketChanges(status="In Review"), idempotency_key="skip")
    assert moved.status == "In Review"
    with pytest.raises(ValidationError, match="not a status"):
        tickets.update(ticket.key, TicketChanges(status="Limbo"), idempotency_key="bad")


def test_priority_order_breaks_ties_by_age() -> None:
    """Ordering by priority puts highest first and, within a priority, the oldest first."""
    tickets = _tracker()
    for n, priority in enumerate(["low", "high", "high", "highest"]):
        tickets.create(TicketCreate(title=f"T{n}", project="OPS", priority=priority), idempotency_key=str(n))  # type: ignore[arg-type]
    assert [t.title for t in tickets.search(TicketQuery(order_by="priority"))] == ["T3", "T1", "T2", "T0"]


def test_overdue_defaults_to_today() -> None:
    """Without as_of, overdue means due before today (UTC) and not done."""
    tickets = _tracker()
    tickets.create(TicketCreate(title="Old", project="OPS", due_date=date(2000, 1, 1)), idempotency_key="a")
    tickets.create(TicketCreate(title="Future", project="OPS", due_date=date(2999, 1, 1)), idempotency_key="b")
    assert [t.title for t in tickets.search(TicketQuery(overdue=True))] == ["Old"]


def test_label_filter_matches_whole_labels_only() -> None:
    """A label filter does not match a label that merely contains it."""
    tickets = _tracker()
    tickets.create(TicketCreate(title="A", project="OPS", labels=["network-core"]), idempotency_key="a")
    tickets.create(TicketCreate(title="B", project="OPS", labels=["network", "café"]), idempotency_key="b")
    assert [t.title for t in tickets.search(TicketQuery(labels=["network"]))] == ["B"]
    assert [t.title for t in tickets.search(TicketQuery(labels=["café", "network"]))] == ["B"]
    assert tickets.search(TicketQuery(labels=["net%"])) == []


def test_links_migration_is_recorded(tmp_path: Path) -> None:
    """Opening a database creates ticket_links and records the 0004_ticket_links migration."""
    engine = open_database(tmp_path / "app.db")
    assert "ticket_links" in inspect(engine).get_table_names()
    with engine.connect() as conn:
        names = {row[0] for row in conn.execute(text("SELECT name FROM schema_migrations"))}
    assert "0004_ticket_links" in names


def test_relation_names_are_normalised() -> None:
    """Link relations accept inward wording and simple variants; anything else is refused."""
    assert normalise_relation("Blocked by") == ("blocks", True)
    assert normalise_relation("duplicate of") == ("duplicates", False)
    assert normalise_relation("related-to") == ("relates to", False)
    with pytest.raises(ValidationError):
        normalise_relation("follows")


def test_bulk_result_summaries() -> None:
    """BulkResult lists succeeded keys in order and failures with their messages."""
    result = BulkResult.model_validate(
        {
            "items": [
                {"key": "A-1", "ok": True},
                {"key": "A-2", "ok": False, "error": "nope"},
                {"key": "A-3", "ok": True},
            ]
        }
    )
    assert result.succeeded == ["A-1", "A-3"] and result.failed == {"A-2": "nope"}
