"""Schedule maths with the clock under test control: wall-clock times in each subscriber's zone, across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digests.schedule import DigestTrigger, ScheduleSpec, next_slot, previous_slot, slots_between

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _first_fire(spec: ScheduleSpec) -> datetime | None:
    """What APScheduler asks a new job's trigger, with "now" read from the (controlled) clock."""
    return DigestTrigger(spec).get_next_fire_time(None, datetime.now(UTC))


@pytest.mark.parametrize(
    ("frozen_at", "expected"),
    [
        (_utc(2026, 1, 15, 6, 0), _utc(2026, 1, 15, 8, 0)),  # CET, UTC+1
        (_utc(2026, 7, 15, 6, 0), _utc(2026, 7, 15, 7, 0)),  # CEST, UTC+2
    ],
    ids=["winter", "summer"],
)
def test_daily_0900_berlin_fires_at_0800_utc_in_winter_and_0700_utc_in_summer(
    frozen_at: datetime, expected: datetime
) -> None:
    """A daily 09:00 Europe/Berlin digest is due at 08:00 UTC in winter and 07:00 UTC in summer."""
    spec = ScheduleSpec("daily", time(9, 0), "Europe/Berlin")
    with time_machine.travel(frozen_at, tick=False):
        first = _first_fire(spec)
    assert first == expected
    assert first is not None and first.astimezone(BERLIN).time() == time(9, 0)


def test_slot_at_the_due_instant_is_taken_and_one_just_after_moves_to_tomorrow() -> None:
    """At exactly 09:00 the job fires now; a second later the next one is tomorrow's."""
    spec = ScheduleSpec("daily", time(9, 0), "Europe/Berlin")
    with time_machine.travel(_utc(2026, 1, 15, 8, 0), tick=False):
        assert _first_fire(spec) == _utc(2026, 1, 15, 8, 0)
    with time_machine.travel(_utc(2026, 1, 15, 8, 0, 1), tick=False):
        assert _first_fire(spec) == _utc(2026, 1, 16, 8, 0)


def test_spring_forward_gap_runs_once_an_hour_later_in_wall_clock_terms() -> None:
    """02:30 does not exist in Berlin on 29 Mar 2026: that day's digest comes at 03:30 CEST (01:30 UTC), once."""
    spec = ScheduleSpec("daily", time(2, 30), "Europe/Berlin")
    slots = slots_between(spec, _utc(2026, 3, 27, 12, 0), _utc(2026, 3, 30, 12, 0))
    assert slots == [_utc(2026, 3, 28, 1, 30), _utc(2026, 3, 29, 1, 30), _utc(2026, 3, 30, 0, 30)]
    assert [s.astimezone(BERLIN).strftime("%d %H:%M %Z") for s in slots] == [
        "28 02:30 CET",
        "29 03:30 CEST",
        "30 02:30 CEST",
    ]
    # The same answer from the trigger when the clock stands just before the gap.
    with time_machine.travel(datetime(2026, 3, 29, 1, 59, tzinfo=BERLIN), tick=False):
        assert _first_fire(spec) == _utc(2026, 3, 29, 1, 30)


def test_fall_back_ambiguous_time_runs_once_at_its_first_occurrence() -> None:
    """02:30 happens twice in Berlin on 25 Oct 2026: the digest runs at the first (00:30 UTC) and not again."""
    spec = ScheduleSpec("daily", time(2, 30), "Europe/Berlin")
    slots = slots_between(spec, _utc(2026, 10, 24, 0, 0), _utc(2026, 10, 27, 0, 0))
    assert slots == [_utc(2026, 10, 24, 0, 30), _utc(2026, 10, 25, 0, 30), _utc(2026, 10, 26, 1, 30)]
    trigger = DigestTrigger(spec)
    # After the first 02:30 fired, the next fire time skips the repeated 02:30 CET (01:30 UTC) entirely.
    assert trigger.get_next_fire_time(_utc(2026, 10, 25, 0, 30), _utc(2026, 10, 25, 0, 30)) == _utc(2026, 10, 26, 1, 30)
    # A process that starts between the two 02:30s does not run the second one.
    with time_machine.travel(_utc(2026, 10, 25, 1, 0), tick=False):
        assert _first_fire(spec) == _utc(2026, 10, 26, 1, 30)


def test_weekly_digest_runs_on_its_weekday_only() -> None:
    """Weekly on Wednesday 10:00 Berlin: from a Monday the next is that Wednesday, then the next Wednesday."""
    spec = ScheduleSpec("weekly", time(10, 0), "Europe/Berlin", weekday=2)
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN), tick=False):
        first = _first_fire(spec)
    assert first == _utc(2026, 12, 2, 9, 0)
    assert DigestTrigger(spec).get_next_fire_time(first, first) == _utc(2026, 12, 9, 9, 0)
    slots = slots_between(spec, _utc(2026, 11, 1), _utc(2026, 12, 31))
    assert {s.astimezone(BERLIN).weekday() for s in slots} == {2} and len(slots) == 9


def test_weekdays_cadence_skips_the_weekend() -> None:
    """A weekdays digest after Friday's slot comes next on Monday, at the same wall-clock time."""
    spec = ScheduleSpec("weekdays", time(8, 30), "Europe/Berlin")
    friday_slot = _utc(2026, 12, 4, 7, 30)
    assert next_slot(spec, friday_slot) == _utc(2026, 12, 7, 7, 30)
    assert previous_slot(spec, _utc(2026, 12, 6, 12, 0)) == friday_slot


def test_subscribers_in_los_angeles_and_tokyo_get_their_own_local_monday() -> None:
    """Weekly Monday 08:00: Tokyo's is Sunday 23:00 UTC, Los Angeles' is Monday 16:00 UTC (local Monday for both)."""
    sunday_noon_utc = _utc(2026, 11, 29, 12, 0)
    tokyo = ScheduleSpec("weekly", time(8, 0), "Asia/Tokyo", weekday=0)
    la = ScheduleSpec("weekly", time(8, 0), "America/Los_Angeles", weekday=0)
    with time_machine.travel(sunday_noon_utc, tick=False):
        tokyo_first, la_first = _first_fire(tokyo), _first_fire(la)
    assert tokyo_first == _utc(2026, 11, 29, 23, 0)
    assert la_first == _utc(2026, 11, 30, 16, 0)
    assert tokyo_first is not None and la_first is not None
    assert tokyo_first.astimezone(TOKYO).strftime("%a %H:%M") == "Mon 08:00"
    assert la_first.astimezone(LOS_ANGELES).strftime("%a %H:%M") == "Mon 08:00"


def test_los_angeles_dst_moves_utc_time_while_tokyo_stays() -> None:
    """Daily 09:00: LA moves from 17:00 to 16:00 UTC on 8 Mar 2026; Tokyo (no DST) stays at 00:00 UTC."""
    la = ScheduleSpec("daily", time(9, 0), "America/Los_Angeles")
    tokyo = ScheduleSpec("daily", time(9, 0), "Asia/Tokyo")
    span = (_utc(2026, 3, 7, 0, 0), _utc(2026, 3, 10, 0, 0))
    assert [s.hour for s in slots_between(la, *span)] == [17, 16, 16]
    assert [s.hour for s in slots_between(tokyo, *span)] == [0, 0, 0]


def test_trigger_survives_pickling_as_stored_in_the_job_store() -> None:
    """The trigger pickles to a small versioned state and comes back with the same schedule."""
    import pickle

    spec = ScheduleSpec("weekly", time(7, 15, 30), "America/Los_Angeles", weekday=4)
    restored = pickle.loads(pickle.dumps(DigestTrigger(spec)))  # noqa: S301 -- our own bytes, as the job store does
    assert restored.spec == spec
    assert "weekday 4" in str(restored)


_ZONES = ["Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo", "Australia/Lord_Howe", "America/Sao_Paulo", "UTC"]


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(_ZONES),
    at=st.times(),
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    cadence=st.sampled_from(["daily", "weekdays"]),
)
def test_every_scheduled_local_day_has_exactly_one_slot(zone: str, at: time, start: date, cadence: str) -> None:
    """Over any 40 days, in any zone (DST or not), each scheduled local day gets exactly one slot, in order."""
    spec = ScheduleSpec(cadence, at.replace(microsecond=0), zone)  # type: ignore[arg-type]
    tz = ZoneInfo(zone)
    begin = datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC)
    end = begin + timedelta(days=40)
    slots = slots_between(spec, begin, end)
    days = [s.astimezone(tz).date() for s in slots]
    assert slots == sorted(set(slots))
    assert len(days) == len(set(days)), "no local day gets two digests"
    expected = {start + timedelta(days=i) for i in range(1, 39)}
    expected = {d for d in expected if d.weekday() in spec.days()}
    assert expected <= set(days), "no scheduled local day is skipped"
    for slot in slots:
        local = slot.astimezone(tz)
        wall = datetime.combine(local.date(), spec.at)
        exists = wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall
        # The wall-clock time is kept; only a time the clocks skip that day comes later (by the gap).
        assert local.time() == spec.at if exists else local.time() > spec.at
        assert previous_slot(spec, slot) == slot and next_slot(spec, slot - timedelta(microseconds=1)) == slot
