"""When a digest runs: a wall-clock time in the subscriber's zone, every day, every weekday or once a week.

DST rules, chosen so nobody gets two digests or none on the day the clocks change:

* a time the clocks skip (02:30 on a spring-forward night) happens as far after the skipped hour as it was
  into it: 02:30 becomes 03:30;
* a time that happens twice (01:30 on a fall-back night) happens once, the first time.

APScheduler 3.11's own CronTrigger fires twice on a fall-back night and then returns the same fire time
forever, which hangs its scheduler loop (agronholm/apscheduler#1021); ``DigestTrigger`` replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from integrations.calendar.base import resolve_zone
from integrations.digests.base import Cadence, SubscriptionBase

_WEEKDAYS = frozenset(range(5))
_EVERY_DAY = frozenset(range(7))


@dataclass(frozen=True)
class ScheduleSpec:
    """Every ``cadence`` at ``at`` in ``tz``; ``weekday`` (Monday = 0) for weekly ones."""

    cadence: Cadence
    at: time
    tz: str
    weekday: int | None = None

    @classmethod
    def of(cls, subscription: SubscriptionBase) -> ScheduleSpec:
        """The schedule of a subscription."""
        return cls(subscription.cadence, subscription.at(), subscription.tz, subscription.weekday)

    @property
    def zone(self) -> ZoneInfo:
        """The subscriber's zone."""
        return resolve_zone(self.tz)

    def days(self) -> frozenset[int]:
        """Weekdays (Monday = 0) with a slot."""
        if self.cadence == "weekly":
            return frozenset({self.weekday if self.weekday is not None else 0})
        return _WEEKDAYS if self.cadence == "weekdays" else _EVERY_DAY


def slot_on(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) that wall-clock ``at`` happens on ``day`` in ``zone``, by the DST rules above."""
    # fold=0 reads a skipped time with the offset from before the change (02:30 EST = 03:30 EDT) and a repeated
    # time as its first occurrence: both rules at once.
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)


def next_slot(spec: ScheduleSpec, after: datetime, *, inclusive: bool = False) -> datetime:
    """The first slot after ``after`` (or at it, when ``inclusive``), in UTC."""
    zone, days = spec.zone, spec.days()
    # Start a day early: a slot on the previous local date can still be ahead of ``after`` in UTC terms only
    # if zones disagree about the date, which they do near midnight.
    day = after.astimezone(zone).date() - timedelta(days=1)
    for _ in range(10):
        if day.weekday() in days:
            slot = slot_on(day, spec.at, zone)
            if slot > after or (inclusive and slot == after):
                return slot
        day += timedelta(days=1)
    raise AssertionError("a schedule with at least one day a week always has a slot within ten days")


def previous_slot(spec: ScheduleSpec, at_or_before: datetime) -> datetime:
    """The latest slot at or before ``at_or_before``, in UTC."""
    zone, days = spec.zone, spec.days()
    day = at_or_before.astimezone(zone).date() + timedelta(days=1)
    for _ in range(10):
        if day.weekday() in days:
            slot = slot_on(day, spec.at, zone)
            if slot <= at_or_before:
                return slot
        day -= timedelta(days=1)
    raise AssertionError("a schedule with at least one day a week always has a slot within ten days")


def slots_between(spec: ScheduleSpec, start: datetime, end: datetime) -> list[datetime]:
    """Every slot in [start, end), in order (for tests and for reasoning about missed runs)."""
    found: list[datetime] = []
    slot = next_slot(spec, start, inclusive=True)
    while slot < end:
        found.append(slot)
        slot = next_slot(spec, slot)
    return found


class DigestTrigger(BaseTrigger):
    """An APScheduler trigger that fires on a ``ScheduleSpec``'s slots; pickled into the job store."""

    def __init__(self, spec: ScheduleSpec) -> None:
        self.spec = spec

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        """The slot after the previous fire time (so missed slots are seen), or the first from ``now``."""
        if previous_fire_time is not None:
            return next_slot(self.spec, previous_fire_time)
        return next_slot(self.spec, now, inclusive=True)

    def __getstate__(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "version": 1,
            "cadence": spec.cadence,
            "at": spec.at.isoformat(),
            "tz": spec.tz,
            "weekday": spec.weekday,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.spec = ScheduleSpec(state["cadence"], time.fromisoformat(state["at"]), state["tz"], state["weekday"])

    def __str__(self) -> str:
        spec = self.spec
        day = f" on weekday {spec.weekday}" if spec.cadence == "weekly" else ""
        return f"digest[{spec.cadence}{day} at {spec.at.isoformat(timespec='minutes')} {spec.tz}]"

    def __repr__(self) -> str:
        return f"<DigestTrigger {self}>"
