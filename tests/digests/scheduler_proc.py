"""A digest scheduler in its own process, for the multi-process tests (``python -m tests.digests.scheduler_proc``).

Delivery appends one JSON line per (subscription, slot) to ``<out>/deliveries.jsonl`` (O_APPEND, so lines from
several processes never interleave), with the run status this process read from the database at that moment
(it must already be "claimed"). The process writes ``<out>/<name>.ready`` once it competed for the lease, and
stops cleanly when ``<out>/stop`` appears.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.digests import scheduler as scheduler_module
from bot.digests.scheduler import DigestScheduler
from integrations.db import open_database
from integrations.digests.base import Subscription
from integrations.digests.store import SqlDigestStore


def main() -> None:
    """Run one scheduler until told to stop (or for at most ``--max-seconds``)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--lease", default="digest-scheduler")
    parser.add_argument("--jobs-table", default=None, help="a job store of its own (a split brain: both lead)")
    parser.add_argument("--ttl", type=float, default=3.0)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args()

    store = SqlDigestStore(open_database(args.db))
    deliveries, attempts = args.out / "deliveries.jsonl", args.out / "claims.jsonl"
    if args.jobs_table:
        scheduler_module.JOBS_TABLE = args.jobs_table
    claim_run = store.claim_run

    def claim_and_note(subscription_id: str, *, slot_at: datetime, now: datetime | None = None) -> bool:
        won = claim_run(subscription_id, slot_at=slot_at, now=now)
        _append(attempts, {"proc": args.name, "sub": subscription_id, "slot": slot_at.isoformat(), "won": won})
        return won

    store.claim_run = claim_and_note  # type: ignore[method-assign]

    def deliver(sub: Subscription, slot: datetime) -> None:
        seen = {r.slot_at.replace(tzinfo=UTC): r.status for r in store.runs(sub.id)}
        line = {"proc": args.name, "pid": os.getpid(), "sub": sub.id, "slot": slot.isoformat()}
        line["status_seen"] = seen.get(slot, "missing")
        _append(deliveries, line)
        store.finish_run(sub.id, slot_at=slot, status="posted")

    scheduler = DigestScheduler(
        store, deliver=deliver, lease_ttl=timedelta(seconds=args.ttl), sync_every=0.25, lease_name=args.lease
    )
    scheduler.start()
    # Written under a temporary name and renamed: the test polls for the file and reads it at once, so it must never
    # see it empty (a plain write_text creates the file before its content is in it).
    partial = args.out / f"{args.name}.ready.tmp"
    partial.write_text(json.dumps({"leading": scheduler.leading, "pid": os.getpid()}))
    partial.replace(args.out / f"{args.name}.ready")
    deadline = time.monotonic() + args.max_seconds
    while not (args.out / "stop").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    led = scheduler.leading
    scheduler.stop()
    (args.out / f"{args.name}.done").write_text(json.dumps({"leading_at_end": led}))


def _append(path: Path, line: dict[str, object]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, (json.dumps(line) + "\n").encode())
    finally:
        os.close(fd)


if __name__ == "__main__":
    main()
