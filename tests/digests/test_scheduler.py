"""The digest scheduler over a real SQLite app database, with the clock under test control.

Missed runs at start-up (within the grace window, or skipped and logged), a restart between scheduling and the
run, the run key and the lease.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import text

from bot.digests.scheduler import JOBS_TABLE, STALE_RUN_AFTER, DigestScheduler
from integrations.db import open_database
from integrations.digests.base import Subscription
from integrations.digests.store import SqlDigestStore
from integrations.leases import acquire_lease, lease_holder
from tests.support.stack import wait_for

MONDAY_0850 = datetime(2026, 11, 30, 8, 50, tzinfo=UTC)
SLOT_0900 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class Recorder:
    """A ``deliver`` that records each (subscription, slot) and the run's status as stored at that moment."""

    def __init__(self, store: SqlDigestStore) -> None:
        self.store = store
        self.calls: list[tuple[str, datetime, str]] = []
        self._lock = threading.Lock()

    def __call__(self, sub: Subscription, slot: datetime) -> None:
        stored = {r.slot_at.replace(tzinfo=UTC): r.status for r in self.store.runs(sub.id)}
        with self._lock:
            self.calls.append((sub.id, slot, stored.get(slot, "missing")))
        self.store.finish_run(sub.id, slot_at=slot, status="posted")


@contextmanager
def running(
    db: Path, *, grace_minutes: float = 60, lease_seconds: float = 60
) -> Iterator[tuple[DigestScheduler, Recorder]]:
    """A scheduler on its own engine over ``db`` (as a new process would open it), stopped on exit."""
    store = SqlDigestStore(open_database(db))
    recorder = Recorder(store)
    scheduler = DigestScheduler(
        store,
        deliver=recorder,
        grace=timedelta(minutes=grace_minutes),
        lease_ttl=timedelta(seconds=lease_seconds),
        sync_every=3600,
    )
    scheduler.start()
    try:
        yield scheduler, recorder
    finally:
        scheduler.stop()


def _stored_next_run(db: Path, job_id: str) -> datetime | None:
    with open_database(db).connect() as conn:
        value = conn.execute(text(f"SELECT next_run_time FROM {JOBS_TABLE} WHERE id = :id"), {"id": job_id}).scalar()
    return None if value is None else datetime.fromtimestamp(float(value), UTC)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The app database file every scheduler in a test shares."""
    path = tmp_path / "app.db"
    open_database(path)
    return path


def test_restart_between_scheduling_and_the_run_posts_once_at_the_due_time(
    db: Path, subscribe: Callable[..., Subscription]
) -> None:
    """One scheduler stores the job and stops; a new one over the same database posts at 09:00, exactly once."""
    sub = subscribe(time_of_day="09:00", tz="UTC")
    with time_machine.travel(MONDAY_0850, tick=True) as clock:
        with running(db) as (first, first_calls):
            assert first.leading and first.next_run_time(sub.id) == SLOT_0900
        assert _stored_next_run(db, sub.id) == SLOT_0900, "the job outlives the scheduler that made it"

        clock.shift(timedelta(minutes=5))
        with running(db) as (second, calls):
            assert second.leading
            assert second.sync() == 0, "the new scheduler runs the stored job, it does not recreate it"
            assert calls.calls == [], "nothing before its time"
            clock.shift(timedelta(minutes=5, seconds=1))
            second.wakeup()
            wait_for(lambda: calls.calls, what="the digest at 09:00")
            clock.shift(timedelta(minutes=3))
            second.wakeup()
            wait_for(lambda: second.next_run_time(sub.id) == SLOT_0900 + timedelta(days=1), what="tomorrow's slot")
        assert first_calls.calls == []
        assert calls.calls == [(sub.id, SLOT_0900, "claimed")], "posted once, its run key stored before posting"
        assert [(r.status, r.slot_at.replace(tzinfo=UTC)) for r in SqlDigestStore(open_database(db)).runs(sub.id)] == [
            ("posted", SLOT_0900)
        ]


def test_run_missed_while_down_posts_once_at_start_up_within_the_grace_window(
    db: Path, subscribe: Callable[..., Subscription]
) -> None:
    """Down from 08:50 until 09:20 (grace 60 min): the 09:00 digest is posted once when deskhand starts again."""
    sub = subscribe(time_of_day="09:00", tz="UTC")
    with time_machine.travel(MONDAY_0850, tick=True) as clock:
        with running(db) as (first, _):
            assert first.next_run_time(sub.id) == SLOT_0900
        clock.move_to(SLOT_0900 + timedelta(minutes=20))
        with running(db, grace_minutes=60) as (second, calls):
            wait_for(lambda: calls.calls, what="the late digest")
            wait_for(lambda: second.next_run_time(sub.id) == SLOT_0900 + timedelta(days=1), what="tomorrow's slot")
            second.wakeup()
        assert calls.calls == [(sub.id, SLOT_0900, "claimed")]


def test_run_missed_beyond_the_grace_window_is_skipped_and_logged(
    db: Path, subscribe: Callable[..., Subscription], caplog: pytest.LogCaptureFixture
) -> None:
    """Down until 10:30 with a 60-minute grace: the 09:00 digest is not posted, a warning names it, tomorrow stays."""
    sub = subscribe(time_of_day="09:00", tz="UTC")
    caplog.set_level(logging.WARNING, logger="bot.digests.scheduler")
    with time_machine.travel(MONDAY_0850, tick=True) as clock:
        with running(db) as _:
            pass
        clock.move_to(SLOT_0900 + timedelta(minutes=90))
        with running(db, grace_minutes=60) as (second, calls):
            wait_for(lambda: second.next_run_time(sub.id) == SLOT_0900 + timedelta(days=1), what="tomorrow's slot")
            wait_for(lambda: _skipped(caplog, sub.id), what="the skip warning")
        assert calls.calls == []
        assert SqlDigestStore(open_database(db)).runs(sub.id) == [], "a skipped slot claims no run key"
    assert _skipped(caplog, sub.id)[0].slot == SLOT_0900.isoformat()


def test_several_missed_slots_post_only_the_latest_within_grace(
    db: Path, subscribe: Callable[..., Subscription], caplog: pytest.LogCaptureFixture
) -> None:
    """Down for two days: the two older slots are skipped (logged), today's slot within grace is posted once."""
    sub = subscribe(time_of_day="09:00", tz="UTC")
    caplog.set_level(logging.WARNING, logger="bot.digests.scheduler")
    with time_machine.travel(MONDAY_0850, tick=True) as clock:
        with running(db):
            pass
        clock.move_to(SLOT_0900 + timedelta(days=2, minutes=10))
        with running(db, grace_minutes=60) as (second, calls):
            wait_for(lambda: calls.calls, what="today's digest")
            wait_for(lambda: second.next_run_time(sub.id) == SLOT_0900 + timedelta(days=3), what="the next slot")
        assert calls.calls == [(sub.id, SLOT_0900 + timedelta(days=2), "claimed")]
    assert sorted(r.slot for r in _skipped(caplog, sub.id)) == [
        (SLOT_0900 + timedelta(days=d)).isoformat() for d in (0, 1)
    ]


def test_fall_back_night_posts_the_ambiguous_time_once_and_keeps_scheduling(
    db: Path, subscribe: Callable[..., Subscription]
) -> None:
    """02:30 Berlin on 25 Oct 2026 posts at its first occurrence only; the next job is the 26th (no stuck loop)."""
    sub = subscribe(time_of_day="02:30", tz="Europe/Berlin")
    first_0230 = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    with time_machine.travel(first_0230 - timedelta(minutes=5), tick=True) as clock, running(db) as (sched, calls):
        assert sched.next_run_time(sub.id) == first_0230
        clock.move_to(first_0230 + timedelta(seconds=2))
        sched.wakeup()
        wait_for(lambda: calls.calls, what="the first 02:30")
        clock.move_to(first_0230 + timedelta(hours=1, seconds=2))  # 02:30 again, now CET
        sched.wakeup()
        wait_for(lambda: sched.next_run_time(sub.id) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC), what="the 26th")
        assert calls.calls == [(sub.id, first_0230, "claimed")]


def test_claimed_slot_is_never_posted_again(db: Path, subscribe: Callable[..., Subscription]) -> None:
    """If another process already claimed the slot's run key, firing the job posts nothing."""
    sub = subscribe(time_of_day="09:00", tz="UTC")
    with time_machine.travel(SLOT_0900 + timedelta(seconds=30), tick=False):
        store = SqlDigestStore(open_database(db))
        assert store.claim_run(sub.id, slot_at=SLOT_0900)
        recorder = Recorder(store)
        scheduler = DigestScheduler(store, deliver=recorder)
        assert scheduler.fire(sub.id) is False
        assert recorder.calls == []


def test_only_the_lease_holder_leads_and_a_dead_holder_is_replaced_after_its_ttl(db: Path) -> None:
    """A second scheduler does not lead while the first renews; once the holder stops renewing it takes over."""
    with time_machine.travel(MONDAY_0850, tick=True) as clock:
        with running(db, lease_seconds=3) as (first, _), running(db, lease_seconds=3) as (second, _):
            assert first.leading and not second.leading
        # A holder that died without releasing: its lease stands until it expires.
        engine = open_database(db)
        assert acquire_lease(engine, name="digest-scheduler", holder="dead", ttl=timedelta(seconds=3), now=clock_now())
        with running(db, lease_seconds=3) as (third, _):
            assert not third.leading
            clock.shift(timedelta(seconds=4))
            wait_for(lambda: third.leading, timeout=10, what="the takeover after the ttl")
            assert lease_holder(engine, name="digest-scheduler", now=clock_now()) == third.holder


def clock_now() -> datetime:
    """The (travelled) current time."""
    return datetime.now(UTC)


def _skipped(caplog: pytest.LogCaptureFixture, subscription_id: str) -> list[Any]:
    return [
        r
        for r in caplog.records
        if r.getMessage().startswith("digest skipped") and getattr(r, "subscription_id", None) == subscription_id
    ]


def test_run_left_posting_by_a_dead_process_is_marked_failed_and_never_reposted(
    db: Path, subscribe: Callable[..., Subscription]
) -> None:
    """A run stuck "posting" for hours is marked failed and never re-posted; a merely queued ("claimed") one is kept."""
    sub = subscribe(time_of_day="09:00", tz="UTC")
    queued = subscribe(time_of_day="09:00", tz="UTC")
    store = SqlDigestStore(open_database(db))
    assert store.claim_run(sub.id, slot_at=SLOT_0900, now=SLOT_0900)
    assert store.begin_posting(sub.id, slot_at=SLOT_0900)
    assert store.claim_run(queued.id, slot_at=SLOT_0900, now=SLOT_0900)
    later = SLOT_0900 + STALE_RUN_AFTER + timedelta(minutes=1)
    scheduler = DigestScheduler(store, deliver=Recorder(store), clock=lambda: later)
    assert scheduler.fail_stale_runs() == 1
    [run] = store.runs(sub.id)
    assert run.status == "failed" and run.error and "interrupted" in run.error
    assert store.begin_posting(sub.id, slot_at=SLOT_0900) is False
    assert store.runs(queued.id)[0].status == "claimed"  # queued jobs are replayed after a restart: still to post
    assert store.begin_posting(queued.id, slot_at=SLOT_0900) is True


def test_sweep_never_overwrites_a_run_that_finished_meanwhile(db: Path, subscribe: Callable[..., Subscription]) -> None:
    """A slow worker that finished the post before the sweep keeps its "posted" status."""
    sub = subscribe(time_of_day="09:00", tz="UTC")
    store = SqlDigestStore(open_database(db))
    assert store.claim_run(sub.id, slot_at=SLOT_0900, now=SLOT_0900)
    assert store.begin_posting(sub.id, slot_at=SLOT_0900)
    store.finish_run(sub.id, slot_at=SLOT_0900, status="posted", message_ts="1.2")
    later = SLOT_0900 + STALE_RUN_AFTER + timedelta(minutes=1)
    assert store.fail_stale_runs(older_than=STALE_RUN_AFTER, now=later) == []
    assert store.runs(sub.id)[0].status == "posted"


def test_digest_job_running_when_the_process_died_is_recorded_as_interrupted(
    db: Path, subscribe: Callable[..., Subscription]
) -> None:
    """At start-up an abandoned digest job's run is marked failed, so it is neither lost silently nor posted twice."""
    sub = subscribe(time_of_day="09:00", tz="UTC")
    store = SqlDigestStore(open_database(db))
    assert store.claim_run(sub.id, slot_at=SLOT_0900, now=SLOT_0900)
    assert store.fail_interrupted_run(sub.id, slot_at=SLOT_0900) is True
    assert store.runs(sub.id)[0].status == "failed"
    assert store.fail_interrupted_run(sub.id, slot_at=SLOT_0900) is False  # only once


def test_restart_records_the_digest_job_a_dead_process_was_running(
    db: Path, subscribe: Callable[..., Subscription]
) -> None:
    """replay_unfinished marks a digest job left running as an interrupted run and replays nothing for it."""
    from types import SimpleNamespace

    from bot.dispatch import DIGEST, replay_unfinished
    from integrations.bookkeeping import Inbox

    sub = subscribe(time_of_day="09:00", tz="UTC")
    engine = open_database(db)
    store = SqlDigestStore(engine)
    assert store.claim_run(sub.id, slot_at=SLOT_0900, now=SLOT_0900)
    inbox = Inbox(engine)
    key = f"digest:{sub.id}:{SLOT_0900.isoformat()}"
    inbox.accept(
        [key], kind=DIGEST, thread_key=sub.id, payload={"subscription_id": sub.id, "slot": SLOT_0900.isoformat()}
    )
    assert inbox.start(key) is not None
    submitted: list[str] = []
    services = SimpleNamespace(inbox=inbox, digests=SimpleNamespace(store=store))
    dispatcher = SimpleNamespace(submit=lambda thread_key, k, kind, payload: submitted.append(k))
    assert replay_unfinished(services, dispatcher, client=None) == 0  # type: ignore[arg-type]
    assert submitted == []
    assert store.runs(sub.id)[0].status == "failed"


class _GatedStore(SqlDigestStore):
    """A store whose ``active()`` (read by every sync) parks on a gate once armed, so a test can hold a sync mid-run."""

    def __init__(self, db: Path) -> None:
        super().__init__(open_database(db))
        self.armed = threading.Event()
        self.entered = threading.Event()
        self.gate = threading.Event()

    def active(self) -> list[Subscription]:
        if self.armed.is_set():
            self.entered.set()
            self.gate.wait(10)
        return super().active()


def test_stop_while_a_sync_job_runs_finishes_instead_of_deadlocking(
    db: Path, subscribe: Callable[..., Subscription]
) -> None:
    """Stopping while the periodic sync job is mid-run waits for it and returns (APScheduler's shutdown lock)."""
    subscribe(time_of_day="09:00", tz="UTC")
    store = _GatedStore(db)
    scheduler = DigestScheduler(store, deliver=Recorder(store), sync_every=0.2)
    scheduler.start()
    assert scheduler.leading
    store.armed.set()
    assert store.entered.wait(5), "the periodic sync job ran in the scheduler's pool"

    stopper = threading.Thread(target=scheduler.stop, daemon=True)
    stopper.start()
    # Give stop() time to reach APScheduler's shutdown before the sync job goes on to read the job store.
    stopper.join(0.5)
    store.gate.set()
    stopper.join(15)
    assert not stopper.is_alive(), "stop() hung behind the sync job it was waiting for"
    assert not scheduler.leading
