"""Building 1,000 digests over 10k tickets and 5k events with the real local backends: total time (target < 10 s).

A synthetic company goes into a temporary data directory through the real local backends' tables: 200 people,
10 projects, 10,000 tickets (every status, due dates around today, some closed since yesterday), 5,000
calendar events with 1-4 attendees over two weeks, and 60 pending approvals. 1,000 subscriptions: 600 personal
(today's meetings, tickets assigned to them, approvals) and 400 channel ones (a project's tickets, or all
projects, and approvals). Each digest is built from the backends (``build_digest``) and rendered to Block Kit
(``digest_blocks``) exactly as the scheduler's delivery does, minus the Slack call.

The baseline, in the same process on the same database: per digest, one bare SQL query fetching the tickets
in its scope (what any digest must at least read). The ratio says what the digest's extra reads and rendering
cost over that floor.

    .venv/bin/python bench/digest_build.py [--runs 3] [--digests 1000] [--tickets 10000] [--events 5000]

Figures are the median over runs; per-digest p50/p95 come from the median run.
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, insert

from bench._harness import percentile
from bot.blocks.digest import digest_blocks
from bot.digests.content import build_digest
from bot.digests.kit import DigestKit, make_digest_kit
from integrations.approvals.base import ApprovalRecord
from integrations.approvals.store import SqlApprovalStore
from integrations.calendar.base import Attendee, Event
from integrations.calendar.local import LocalCalendarBackend
from integrations.db import open_database
from integrations.digests.base import Subscription, SubscriptionCreate
from integrations.directory.base import Person, StaticDirectory
from integrations.tickets.base import DEFAULT_WORKFLOW, Project
from integrations.tickets.local import LocalTicketBackend, TicketRow

TARGET_TOTAL_S = 10.0
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Berlin
ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "UTC"]
PROJECTS = ["OPS", "ENG", "DES", "MKT", "FIN", "HR", "SEC", "DATA", "WEB", "APP"]


def make_company(engine: Engine, *, n_tickets: int, n_events: int, seed: int) -> StaticDirectory:
    """Fill the local tracker, calendar and approval store; returns the people."""
    rng = random.Random(seed)
    people = [Person(id=f"U{i:04d}", name=f"Person {i}", handle=f"p{i}", tz=ZONES[i % len(ZONES)]) for i in range(200)]
    directory = StaticDirectory(people)
    tickets = LocalTicketBackend(engine)
    for key in PROJECTS:
        tickets.upsert_project(Project(key=key, name=f"Project {key}"))
    today = NOW.date()
    rows: list[dict[str, Any]] = []
    numbers = dict.fromkeys(PROJECTS, 0)
    for i in range(n_tickets):
        project = PROJECTS[i % len(PROJECTS)]
        numbers[project] += 1
        status = rng.choice(DEFAULT_WORKFLOW)
        updated = NOW - timedelta(hours=rng.uniform(0, 24 * 30))
        due = today + timedelta(days=rng.randint(-20, 30)) if rng.random() < 0.7 else None
        rows.append(
            {
                "key": f"{project}-{numbers[project]}",
                "project": project,
                "number": numbers[project],
                "title": f"Synthetic ticket {i} about the {rng.choice(['printer', 'VPN', 'laptop', 'invoice'])}",
                "description": "",
                "status": status,
                "priority": rng.choice(["low", "medium", "high", "highest"]),
                "assignee_id": people[rng.randrange(len(people))].id if rng.random() < 0.9 else None,
                "reporter_id": people[rng.randrange(len(people))].id,
                "due_date": due,
                "labels": [],
                "created_at": updated - timedelta(days=rng.uniform(0, 60)),
                "updated_at": updated,
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(TicketRow.__table__), rows)  # type: ignore[attr-defined]

    calendar = LocalCalendarBackend(engine)
    start_day = datetime(2026, 11, 23, tzinfo=UTC)
    events: list[Event] = []
    for i in range(n_events):
        organiser = people[rng.randrange(len(people))]
        invited = rng.sample(people, rng.randint(0, 3))
        start = start_day + timedelta(days=rng.randrange(14), hours=rng.randint(6, 18), minutes=rng.choice([0, 30]))
        events.append(
            Event(
                id=f"ev{i:05d}",
                calendar_id=organiser.id,
                title=f"Meeting {i}",
                start=start,
                end=start + timedelta(minutes=rng.choice([30, 60])),
                organizer_id=organiser.id,
                attendees=[Attendee(person_id=p.id, response="accepted") for p in invited if p.id != organiser.id],
                created_at=NOW - timedelta(days=30),
                updated_at=NOW - timedelta(days=30),
            )
        )
    calendar.import_events(events)

    approvals = SqlApprovalStore(engine)
    for i in range(60):
        requester = people[rng.randrange(len(people))]
        approvals.create(
            ApprovalRecord(
                id=f"ap{i:03d}",
                thread_id=f"T1:C{i % 20:03d}:{i}",
                channel_id=f"C{i % 20:03d}",
                requester_id=requester.id,
                approver_ids=[people[0].id, people[1].id],
                summary=f"Create ticket {i}",
                created_at=NOW - timedelta(hours=rng.uniform(1, 20)),
                expires_at=NOW + timedelta(hours=rng.uniform(1, 20)),
            )
        )
    return directory


def make_subscriptions(kit: DigestKit, directory: StaticDirectory, n: int, seed: int) -> list[Subscription]:
    """``n`` subscriptions: 60 % personal, 40 % channel (most per project, some for all projects)."""
    rng = random.Random(seed + 1)
    people = directory.everyone()
    subs: list[Subscription] = []
    for i in range(n):
        person = people[i % len(people)]
        if i % 5 < 3:
            data = SubscriptionCreate(
                created_by=person.id,
                target_kind="user",
                target_id=person.id,
                tz=person.tz,
                sections=["meetings", "tickets", "approvals"],
                ticket_assignee=person.id,
            )
        else:
            data = SubscriptionCreate(
                created_by=person.id,
                target_kind="channel",
                target_id=f"C{i % 20:03d}",
                tz=person.tz,
                cadence=rng.choice(["daily", "weekdays", "weekly"]),
                sections=["tickets", "approvals"],
                ticket_project=None if i % 10 == 3 else PROJECTS[i % len(PROJECTS)],
            )
        subs.append(kit.store.create(data, now=NOW))
    return subs


def build_all(kit: DigestKit, subs: list[Subscription]) -> tuple[float, list[float], int]:
    """Build and render every digest once; total seconds, per-digest milliseconds, and blocks produced."""
    per: list[float] = []
    blocks = 0
    began = time.perf_counter()
    for sub in subs:
        t0 = time.perf_counter()
        digest = build_digest(sub, kit.sources, slot=NOW)
        blocks += len(digest_blocks(digest))
        per.append((time.perf_counter() - t0) * 1000)
    return time.perf_counter() - began, per, blocks


def baseline_all(db: Path, subs: list[Subscription]) -> tuple[float, int]:
    """Per digest, one bare query for the tickets in its scope; total seconds and rows read."""
    conn = sqlite3.connect(db)
    rows = 0
    began = time.perf_counter()
    for sub in subs:
        sql = "SELECT key, title, status, due_date, updated_at FROM tickets"
        args: list[str] = []
        if sub.ticket_assignee:
            sql, args = sql + " WHERE assignee_id = ?", [sub.ticket_assignee]
        elif sub.ticket_project:
            sql, args = sql + " WHERE project = ?", [sub.ticket_project]
        rows += len(conn.execute(sql, args).fetchall())
    elapsed = time.perf_counter() - began
    conn.close()
    return elapsed, rows


def _timed(label: str, fn: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    value = fn()
    print(f"  {label}: {time.perf_counter() - t0:.2f} s")
    return value


def main() -> None:
    """Print setup time, then the median total, per-digest p50/p95 and the ratio to the baseline."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--digests", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="deskhand-digest-bench-") as tmp:
        db = Path(tmp) / "app.db"
        engine = open_database(db)
        print(f"setup ({args.tickets} tickets, {args.events} events, {args.digests} subscriptions):")
        directory = _timed(
            "company", lambda: make_company(engine, n_tickets=args.tickets, n_events=args.events, seed=args.seed)
        )
        kit = make_digest_kit(
            engine=engine,
            directory=directory,
            tickets=LocalTicketBackend(engine),
            calendar=LocalCalendarBackend(engine),
            approvals=SqlApprovalStore(engine),
        )
        subs = _timed("subscriptions", lambda: make_subscriptions(kit, directory, args.digests, args.seed))
        build_all(kit, subs[:20])  # warm caches and imports once, outside the timings

        totals: list[float] = []
        pers: list[list[float]] = []
        bases: list[float] = []
        for run in range(args.runs):
            gc.collect()
            total, per, blocks = build_all(kit, subs)
            base, rows = baseline_all(db, subs)
            totals.append(total)
            pers.append(per)
            bases.append(base)
            print(f"run {run + 1}: {total:.2f} s for {len(subs)} digests ({blocks} blocks); baseline {base:.2f} s")
        median_total = statistics.median(totals)
        median_run = sorted(range(len(totals)), key=lambda i: totals[i])[len(totals) // 2]
        per = pers[median_run]
        base = statistics.median(bases)
        verdict = "meets" if median_total < TARGET_TOTAL_S else "MISSES"
        print(
            f"\n{len(subs)} digests over {args.tickets} tickets and {args.events} events "
            f"(median of {args.runs} runs):\n"
            f"  total            {median_total:.2f} s  ({verdict} the < {TARGET_TOTAL_S:.0f} s target)\n"
            f"  per digest       p50 {percentile(per, 50):.2f} ms  p95 {percentile(per, 95):.2f} ms  "
            f"max {max(per):.2f} ms\n"
            f"  baseline         {base:.2f} s  (one bare ticket query per digest, {rows} rows)\n"
            f"  ratio            {median_total / base:.1f}x the baseline"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
