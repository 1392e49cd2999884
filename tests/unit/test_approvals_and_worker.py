"""Approval claims are compare-and-set; the worker keeps per-thread order."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from bot.worker import KeyedExecutor
from integrations.approvals.base import ApprovalRecord
from integrations.approvals.store import SqlApprovalStore
from integrations.bookkeeping import Inbox
from integrations.db import open_database


def _record(approval_id: str = "ap1") -> ApprovalRecord:
    now = datetime.now(UTC)
    return ApprovalRecord(
        id=approval_id, thread_id="t", requester_id="U1", created_at=now, expires_at=now + timedelta(hours=1)
    )


def test_only_one_of_many_concurrent_claims_wins(tmp_path: object) -> None:
    """Ten simultaneous clicks: exactly one claim succeeds."""
    from pathlib import Path

    store = SqlApprovalStore(open_database(Path(str(tmp_path)) / "a.db"))
    store.create(_record())
    wins: list[bool] = []
    barrier = threading.Barrier(10)

    def click(i: int) -> None:
        barrier.wait()
        wins.append(store.claim("ap1", by=f"U{i}", decision={"outcome": "approve"}, now=datetime.now(UTC)))

    threads = [threading.Thread(target=click, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1
    stored = store.get("ap1")
    assert stored is not None and stored.status == "deciding"


def test_create_is_idempotent_and_times_come_back_aware(tmp_path: object) -> None:
    """Storing the same id twice keeps the first; timestamps round-trip with their UTC zone."""
    store = SqlApprovalStore(open_database(None))
    first = store.create(_record())
    second = store.create(_record().model_copy(update={"requester_id": "U2"}))
    assert second.requester_id == "U1" and first.expires_at.tzinfo is not None


def test_inbox_accepts_each_delivery_once_and_runs_it_once() -> None:
    """A job is stored once per key set (any seen alias makes it a duplicate) and can be started once."""
    inbox = Inbox(open_database(None))
    assert inbox.accept(["msg:C:1", "event:1"], kind="message", thread_key="t", payload={"n": 1}) is True
    assert inbox.accept(["msg:C:1", "event:1"], kind="message", thread_key="t", payload={"n": 1}) is False
    assert inbox.accept(["msg:C:1", "event:2"], kind="message", thread_key="t", payload={}) is False
    assert [r.key for r in inbox.in_status("queued")] == ["msg:C:1"]
    started = inbox.start("msg:C:1")
    assert started is not None
    assert started.payload == {"n": 1}
    assert inbox.start("msg:C:1") is None
    inbox.finish("msg:C:1", ok=True)
    assert inbox.in_status("queued") == []
    assert inbox.in_status("running") == []


def test_inbox_abandons_a_job_left_running_by_a_dead_process() -> None:
    """A job still marked running at start-up is abandoned exactly once."""
    inbox = Inbox(open_database(None))
    inbox.accept(["k"], kind="message", thread_key="t", payload={})
    inbox.start("k")
    assert inbox.abandon("k") is True
    assert inbox.abandon("k") is False
    assert inbox.in_status("failed")[0].key == "k"


def test_keyed_executor_runs_same_key_in_order_and_other_keys_in_parallel() -> None:
    """Jobs on one key never overlap and keep submission order; another key is not blocked."""
    pool = KeyedExecutor(max_workers=4)
    order: list[int] = []
    running = threading.Event()
    other_done = threading.Event()

    def slow(i: int) -> None:
        running.set()
        time.sleep(0.05)
        order.append(i)

    futures = [pool.submit("thread-a", lambda i=i: slow(i)) for i in range(5)]
    running.wait(1)
    pool.submit("thread-b", other_done.set)
    assert other_done.wait(0.2), "a different key waited behind thread-a"
    for f in futures:
        f.result(timeout=5)
    assert order == [0, 1, 2, 3, 4]
    pool.shutdown()


def test_keyed_executor_survives_a_failing_job() -> None:
    """A job that raises does not stop later jobs on the same key."""
    pool = KeyedExecutor(max_workers=1)
    done: list[str] = []

    def boom() -> None:
        raise RuntimeError("boom")

    failed = pool.submit("k", boom)
    ok = pool.submit("k", lambda: done.append("after"))
    ok.result(timeout=5)
    assert done == ["after"] and failed.exception() is not None
    pool.shutdown()
