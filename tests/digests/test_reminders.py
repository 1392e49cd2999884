"""Approval reminders: one and only one per pending approval, to its approvers, before it expires."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.digests.reminders import reminder_due_at, send_reminders
from integrations.approvals.base import ApprovalRecord
from integrations.approvals.store import SqlApprovalStore
from integrations.db import open_database

CREATED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LEAD = timedelta(hours=2)


class PostRecorder:
    """Stands in for the Slack client: records chat.postMessage calls (thread-safe)."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:
        with self._lock:
            self.posts.append(kwargs)
        return {"ok": True, "ts": "1.000"}


def _approval(store: SqlApprovalStore, approval_id: str = "ap1", *, ttl: timedelta = timedelta(hours=24)) -> None:
    store.create(
        ApprovalRecord(
            id=approval_id,
            thread_id=f"T:C0ITHELP02:{approval_id}",
            channel_id="C0ITHELP02",
            requester_id="U0TOMB0004",
            approver_ids=["U0TOMB0004", "U0MAYA0001", "U0MAYA0001"],
            summary="Create ticket: the lift grinds",
            created_at=CREATED,
            expires_at=CREATED + ttl,
        )
    )


def _sweep(store: SqlApprovalStore, client: PostRecorder, at: datetime) -> int:
    return send_reminders(store, cast(WebClient, client), now=at, lead=LEAD)


def test_one_reminder_per_approval_to_its_approvers_however_often_the_sweep_runs(engine: Engine) -> None:
    """Before the lead time nothing; then one DM to Maya (not the requester); later sweeps send nothing more."""
    store, client = SqlApprovalStore(engine), PostRecorder()
    _approval(store)
    assert _sweep(store, client, CREATED + timedelta(hours=21, minutes=59)) == 0
    assert _sweep(store, client, CREATED + timedelta(hours=22)) == 1
    for minutes in (1, 30, 119):
        assert _sweep(store, client, CREATED + timedelta(hours=22, minutes=minutes)) == 0
    assert [p["channel"] for p in client.posts] == ["U0MAYA0001"]
    assert "lift grinds" in client.posts[0]["text"]


def test_two_processes_sweeping_at_once_send_one_reminder(tmp_path: Path) -> None:
    """Sweeps in two "processes" (own engines on one database) racing each other still remind once."""
    db = tmp_path / "app.db"
    _approval(SqlApprovalStore(open_database(db)))
    client = PostRecorder()
    stores = [SqlApprovalStore(open_database(db)) for _ in range(4)]
    at = CREATED + timedelta(hours=23)
    barrier = threading.Barrier(len(stores))

    def sweep(store: SqlApprovalStore) -> None:
        barrier.wait()
        _sweep(store, client, at)

    threads = [threading.Thread(target=sweep, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(client.posts) == 1


def test_decided_or_expired_approvals_get_no_reminder(engine: Engine) -> None:
    """An approval decided before its reminder time, or one already expired, is never reminded."""
    store, client = SqlApprovalStore(engine), PostRecorder()
    _approval(store, "decided")
    _approval(store, "expired", ttl=timedelta(hours=1))
    assert store.claim("decided", by="U0MAYA0001", decision={"outcome": "approve"}, now=CREATED + timedelta(hours=1))
    assert _sweep(store, client, CREATED + timedelta(hours=23)) == 0
    assert client.posts == []


def test_short_approvals_are_reminded_no_earlier_than_half_their_life(engine: Engine) -> None:
    """A 1-hour approval with a 2-hour lead is reminded at 30 minutes, not the moment it is created."""
    store = SqlApprovalStore(engine)
    _approval(store, ttl=timedelta(hours=1))
    record = store.get("ap1")
    assert record is not None
    assert reminder_due_at(record, LEAD) == CREATED + timedelta(minutes=30)
    client = PostRecorder()
    assert _sweep(store, client, CREATED + timedelta(minutes=29)) == 0
    assert _sweep(store, client, CREATED + timedelta(minutes=31)) == 1
