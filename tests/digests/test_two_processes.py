"""Two deskhand scheduler processes against one SQLite app database post each (subscription, slot) once.

Real separate processes (``tests.digests.scheduler_proc``) on the real clock, with schedules to the second.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.digests.scheduler import JOBS_TABLE
from integrations.db import open_database
from integrations.digests.base import Subscription
from integrations.digests.store import SqlDigestStore
from tests.support.stack import wait_for

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@contextmanager
def schedulers(db: Path, out: Path, *extra_args: list[str]) -> Iterator[list[subprocess.Popen[bytes]]]:
    """One scheduler process per ``extra_args`` entry, all on ``db``; stopped (or killed) on exit."""
    procs = [_spawn(db, out, f"p{i}", args) for i, args in enumerate(extra_args)]
    try:
        wait_for(lambda: all((out / f"p{i}.ready").exists() for i in range(len(procs))), timeout=60, what="ready")
        yield procs
    finally:
        (out / "stop").touch()
        for proc in procs:
            try:
                proc.wait(timeout=45)  # see below
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    assert [p.returncode for p in procs] == [0] * len(procs)


def _spawn(db: Path, out: Path, name: str, args: list[str]) -> subprocess.Popen[bytes]:
    out.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "tests.digests.scheduler_proc", "--db", str(db), "--out", str(out)]
    return subprocess.Popen([*command, "--name", name, *args], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _subscribe_soon(subscribe: Callable[..., Subscription], count: int) -> tuple[list[Subscription], datetime]:
    """``count`` daily subscriptions whose slot is a few whole seconds from now (UTC)."""
    slot = (datetime.now(UTC) + timedelta(seconds=4)).replace(microsecond=0)
    subs = [subscribe(time_of_day=slot.strftime("%H:%M:%S"), tz="UTC") for _ in range(count)]
    return subs, slot


def _settle(out: Path, expected: int, slot: datetime) -> list[dict[str, Any]]:
    wait_for(lambda: len(_lines(out / "deliveries.jsonl")) >= expected, timeout=30, what="the deliveries")
    # Give a second, late poster time to show up if it exists.
    time.sleep(max(0.0, (slot - datetime.now(UTC)).total_seconds()) + 1.5)
    return _lines(out / "deliveries.jsonl")


def test_two_processes_sharing_the_lease_post_each_slot_once(
    tmp_path: Path, store: SqlDigestStore, subscribe: Callable[..., Subscription]
) -> None:
    """Two scheduler processes compete for the lease: one leads, and three digests due together post once each."""
    db, out = tmp_path / "app.db", tmp_path / "out"
    with schedulers(db, out, [], []):
        ready = [json.loads((out / f"p{i}.ready").read_text()) for i in range(2)]
        assert sorted(r["leading"] for r in ready) == [False, True], "exactly one process leads"
        leader = f"p{[r['leading'] for r in ready].index(True)}"
        subs, slot = _subscribe_soon(subscribe, 3)
        delivered = _settle(out, 3, slot)
    assert sorted(d["sub"] for d in delivered) == sorted(s.id for s in subs)
    assert {d["proc"] for d in delivered} == {leader}
    assert {(d["slot"], d["status_seen"]) for d in delivered} == {(slot.isoformat(), "claimed")}
    assert all([r.status for r in store.runs(s.id)] == ["posted"] for s in subs)


def test_two_leading_processes_with_their_own_job_stores_still_post_each_slot_once(
    tmp_path: Path, store: SqlDigestStore, subscribe: Callable[..., Subscription]
) -> None:
    """A split brain (both lead, each with every job): both fire every slot, the run key lets one post each."""
    db, out = tmp_path / "app.db", tmp_path / "out"
    split = [["--lease", "lease-a", "--jobs-table", "jobs_a"], ["--lease", "lease-b", "--jobs-table", "jobs_b"]]
    with schedulers(db, out, *split):
        assert all(json.loads((out / f"p{i}.ready").read_text())["leading"] for i in range(2))
        subs, slot = _subscribe_soon(subscribe, 3)
        delivered = _settle(out, 3, slot)
        wait_for(lambda: len(_lines(out / "claims.jsonl")) >= 6, timeout=10, what="both processes' claims")
    claims = _lines(out / "claims.jsonl")
    assert sorted((c["sub"], c["proc"]) for c in claims) == sorted((s.id, p) for s in subs for p in ("p0", "p1"))
    assert sorted(c["sub"] for c in claims if c["won"]) == sorted(s.id for s in subs), "one winner per slot"
    assert sorted(d["sub"] for d in delivered) == sorted(s.id for s in subs), "each slot posted exactly once"
    assert {(d["slot"], d["status_seen"]) for d in delivered} == {(slot.isoformat(), "claimed")}
    assert all([r.status for r in store.runs(s.id)] == ["posted"] for s in subs)


def test_scheduler_process_killed_between_scheduling_and_the_run_is_replaced_and_posts_once(
    tmp_path: Path, store: SqlDigestStore, subscribe: Callable[..., Subscription]
) -> None:
    """p0 stores the job and is SIGKILLed (lease not released); p1 takes over after the ttl and posts once."""
    db, out = tmp_path / "app.db", tmp_path / "out"
    first = _spawn(db, out, "p0", [])
    second: subprocess.Popen[bytes] | None = None
    try:
        wait_for(lambda: (out / "p0.ready").exists(), timeout=60, what="p0 ready")
        slot = (datetime.now(UTC) + timedelta(seconds=8)).replace(microsecond=0)
        sub = subscribe(time_of_day=slot.strftime("%H:%M:%S"), tz="UTC")
        wait_for(lambda: _stored_job(db, sub.id), timeout=10, what="the job in the job store")
        first.kill()
        first.wait(timeout=10)
        second = _spawn(db, out, "p1", [])
        delivered = _settle(out, 1, slot)
    finally:
        (out / "stop").touch()
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                try:
                    # Generous: a clean stop may queue behind SQLite's 30 s busy timeout. (Stops that never
                    # finished were APScheduler's shutdown deadlocking on a sync; see DigestScheduler._step_down.)
                    proc.wait(timeout=45)
                except subprocess.TimeoutExpired:
                    proc.kill()
    assert second is not None and second.returncode == 0, "p1 did not stop cleanly within 45 s of being told to"
    assert [(d["proc"], d["sub"], d["slot"], d["status_seen"]) for d in delivered] == [
        ("p1", sub.id, slot.isoformat(), "claimed")
    ]
    assert [r.status for r in store.runs(sub.id)] == ["posted"]


def _stored_job(db: Path, job_id: str) -> bool:
    with open_database(db).connect() as conn:
        return conn.execute(text(f"SELECT 1 FROM {JOBS_TABLE} WHERE id = :id"), {"id": job_id}).first() is not None
