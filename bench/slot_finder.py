"""Slot finding for 10 attendees over two weeks with 2,000 existing events: p50/p95, and the ratio to brute force.

``integrations.calendar.base.find_slots`` (merge busy intervals once, sweep) runs side by side, in this
process, with a naive baseline that checks every candidate start against every attendee's working hours and
then every event (stopping at the first clash). Both get the same inputs, in two shapes: the raw event intervals
(zone-aware, unmerged: the worst case) and what ``free_busy`` returns (UTC, merged: what the graph passes), and
all must return the same slots. Another figure times the whole local path: ``LocalCalendarBackend.free_busy`` on
an in-memory SQLite database holding the same events, then find_slots. Two worlds: one so booked that no common
slot exists (a full sweep), one with meeting-free Wednesday and Friday afternoons (slots exist).

    .venv/bin/python bench/slot_finder.py [--iterations 200] [--runs 5] [--events 2000] [--seed 1]

Each run reports p50/p95 over its iterations; the figures printed are the median over runs.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import percentile
from integrations.calendar.base import Attendee, Event, Interval, find_slots
from integrations.calendar.local import LocalCalendarBackend
from integrations.db import open_database

ZONES = [
    "Europe/London",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Berlin",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Lisbon",
    "America/New_York",
    "America/New_York",
    "America/Toronto",
]
TARGET_P95_MS = 20.0


def make_world(n_events: int, seed: int, *, quiet_afternoons: bool) -> tuple[dict[str, str], list[Event], datetime]:
    """Ten people in Europe and North America and ``n_events`` meetings (1-3 of them each) on weekdays, placed
    in the organiser's 08:00-19:00. With ``quiet_afternoons`` nothing is booked 14:00-17:00 UTC on Wednesdays and
    Fridays (a no-meeting policy), so common slots exist; without it every shared hour is taken somewhere."""
    rng = random.Random(seed)
    zones = {f"U{i:02d}": zone for i, zone in enumerate(ZONES)}
    people = list(zones)
    start = datetime(2026, 12, 7, tzinfo=UTC)  # a Monday
    created = start - timedelta(days=30)
    events: list[Event] = []
    while len(events) < n_events:
        who = rng.sample(people, rng.choice([1, 1, 1, 2, 2, 3]))
        zone = ZoneInfo(zones[who[0]])
        day = start.date() + timedelta(days=rng.choice([d for d in range(14) if d % 7 < 5]))
        local = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=15 * rng.randrange(32, 76))
        length = timedelta(minutes=rng.choice([15, 30, 30, 45, 60, 60, 90]))
        utc_start = local.astimezone(UTC)
        quiet_from = datetime.combine(utc_start.date(), datetime.min.time(), tzinfo=UTC) + timedelta(hours=14)
        if (
            quiet_afternoons
            and utc_start.weekday() in (2, 4)
            and utc_start < quiet_from + timedelta(hours=3)
            and utc_start + length > quiet_from
        ):
            continue
        n = len(events)
        events.append(
            Event(
                id=f"bench{n:05d}",
                calendar_id=who[0],
                title=f"Meeting {n}",
                start=local,
                end=local + length,
                tz=zones[who[0]],
                organizer_id=who[0],
                attendees=[Attendee(person_id=p) for p in who[1:]],
                created_at=created,
                updated_at=created,
            )
        )
    return zones, events, start


def busy_by_person(events: list[Event]) -> dict[str, list[Interval]]:
    """What free_busy would return, unmerged: each person's events as intervals."""
    busy: dict[str, list[Interval]] = {}
    for e in events:
        for person in e.attendee_ids():
            busy.setdefault(person, []).append(Interval(start=e.start, end=e.end))
    return busy


def naive_find_slots(
    *,
    busy: dict[str, list[Interval]],
    zones: dict[str, str],
    start: datetime,
    end: datetime,
    duration: timedelta,
    working_hours: tuple[float, float] = (9, 18),
    step: timedelta = timedelta(minutes=30),
    buffer: timedelta = timedelta(0),
    limit: int = 10,
) -> list[Interval]:
    """The baseline: every grid start, checked against everyone's local working hours and every event."""
    events = [(iv.start, iv.end) for intervals in busy.values() for iv in intervals]
    tzs = [ZoneInfo(z) for z in zones.values()]
    seconds = step.total_seconds()
    t = datetime.fromtimestamp(-(-start.timestamp() // seconds) * seconds, UTC)
    found: list[Interval] = []
    while t + duration <= end and len(found) < limit:
        slot_end = t + duration
        ok = True
        for tz in tzs:
            ls, le = t.astimezone(tz), slot_end.astimezone(tz)
            if ls.weekday() >= 5 or ls.date() != le.date():
                ok = False
                break
            if ls.hour + ls.minute / 60 < working_hours[0] or le.hour + le.minute / 60 > working_hours[1]:
                ok = False
                break
        if ok:
            for s, e in events:
                if t < e + buffer and slot_end > s - buffer:
                    ok = False
                    break
        if ok:
            found.append(Interval(start=t, end=slot_end))
        t += step
    return found


def timed(fn: Callable[[], Any], iterations: int) -> tuple[list[float], Any]:
    """Milliseconds per call over ``iterations`` calls (GC off while timing, like timeit)."""
    out: list[float] = []
    result = None
    gc.collect()
    gc.disable()
    try:
        for _ in range(iterations):
            t0 = time.perf_counter()
            result = fn()
            out.append((time.perf_counter() - t0) * 1000)
    finally:
        gc.enable()
    return out, result


def run_world(name: str, args: argparse.Namespace, *, quiet_afternoons: bool) -> tuple[float, bool]:
    """Time one world; returns (worst find_slots p95, whether all paths returned the same slots)."""
    zones, events, start = make_world(args.events, args.seed, quiet_afternoons=quiet_afternoons)
    end = start + timedelta(days=14)
    raw = busy_by_person(events)
    backend = LocalCalendarBackend(open_database(None))
    backend.import_events(events)
    merged = backend.free_busy(list(zones), start=start, end=end)
    query: dict[str, Any] = {
        "zones": zones,
        "start": start,
        "end": end,
        "duration": timedelta(minutes=30),
        "buffer": timedelta(minutes=5),
        "limit": 10,
    }

    def end_to_end() -> list[Interval]:
        return find_slots(busy=backend.free_busy(list(zones), start=start, end=end), **query)

    results = [
        find_slots(busy=raw, **query),
        find_slots(busy=merged, **query),
        naive_find_slots(busy=raw, **query),
        naive_find_slots(busy=merged, **query),
        end_to_end(),
    ]
    agree = all([s.start for s in r] == [s.start for s in results[0]] for r in results)
    keys = ("raw", "merged", "naive", "naive_merged", "e2e")
    figures: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in keys}
    calls = {
        "raw": (lambda: find_slots(busy=raw, **query), args.iterations),
        "merged": (lambda: find_slots(busy=merged, **query), args.iterations),
        "naive": (lambda: naive_find_slots(busy=raw, **query), args.naive_iterations),
        "naive_merged": (lambda: naive_find_slots(busy=merged, **query), args.naive_iterations),
        "e2e": (end_to_end, max(20, args.iterations // 4)),
    }
    for _ in range(args.runs):
        for key, (fn, iterations) in calls.items():
            ms, _ = timed(fn, iterations)
            figures[key][0].append(percentile(ms, 50))
            figures[key][1].append(percentile(ms, 95))
    med = statistics.median
    p50 = {k: med(v[0]) for k, v in figures.items()}
    p95 = {k: med(v[1]) for k, v in figures.items()}
    found = results[0]
    print(
        f"\n[{name}] {len(events)} events = {sum(len(v) for v in raw.values())} busy intervals on 10 calendars "
        f"({sum(len(v) for v in merged.values())} after free_busy merges them); "
        f"{len(found)} slots found{' from ' + found[0].start.isoformat() if found else ''}; "
        f"all five paths agree: {'yes' if agree else 'NO'}"
    )
    rows = [
        ("find_slots, raw event intervals", "raw"),
        ("find_slots, free_busy output", "merged"),
        ("naive baseline, raw intervals", "naive"),
        ("naive baseline, free_busy output", "naive_merged"),
        ("local free_busy + find_slots", "e2e"),
    ]
    for label, key in rows:
        print(f"  {label:<34} p50 {p50[key]:8.2f} ms   p95 {p95[key]:8.2f} ms")
    for label, naive, fast in (("raw intervals", "naive", "raw"), ("free_busy output", "naive_merged", "merged")):
        print(
            f"  naive / find_slots on {label + ':':<18} p50 {p50[naive] / p50[fast]:5.1f}x   "
            f"p95 {p95[naive] / p95[fast]:5.1f}x"
        )
    return max(p95["raw"], p95["merged"]), agree


def main() -> None:
    """Run the bench and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=200, help="calls per run for find_slots")
    parser.add_argument("--naive-iterations", type=int, default=15, help="calls per run for the baseline")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(
        f"slot finder: 10 attendees in {len(set(ZONES))} zones (Europe + North America), {args.events} events, "
        "14 days, 30-minute meeting, 5-minute buffer, limit 10, working hours 09-18 local"
    )
    print(f"{args.runs} runs x {args.iterations} calls (baseline {args.naive_iterations}); figures are medians of runs")
    worst_p95, agree_a = run_world("saturated: no common slot, full sweep", args, quiet_afternoons=False)
    p95_b, agree_b = run_world("quiet Wed/Fri afternoons: slots exist", args, quiet_afternoons=True)
    worst_p95 = max(worst_p95, p95_b)
    verdict = "PASS" if worst_p95 < TARGET_P95_MS else "FAIL"
    print(f"\ntarget: find_slots p95 < {TARGET_P95_MS:.0f} ms -> worst p95 {worst_p95:.2f} ms: {verdict}")
    if not (agree_a and agree_b):
        sys.exit(1)


if __name__ == "__main__":
    main()
