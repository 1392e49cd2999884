"""The demo calendar: relative dates, seeding once, and meetings people could really attend."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from integrations.calendar.local import LocalCalendarBackend
from integrations.db import open_database
from integrations.demo_company import (
    demo_calendar_events,
    demo_week_start,
    load_demo_company,
    seed_calendar,
)
from tests.integrations.calendar.conftest import MAYA, SAM

# Load dates covering every mix of summer and winter time among the demo zones (US, EU, Sydney).
REFERENCE_DAYS = [
    "2026-01-14",
    "2026-03-11",  # US on summer time, Europe not yet
    "2026-03-18",
    "2026-03-25",
    "2026-04-01",  # Sydney still on summer time
    "2026-04-08",
    "2026-07-15",
    "2026-10-07",  # Sydney back on summer time
    "2026-10-21",
    "2026-10-28",  # Europe back on winter time, US not yet
    "2026-11-04",
    "2026-12-02",
]


def test_seed_loads_two_weeks_once() -> None:
    """Seeding an empty calendar loads every meeting; seeding again does nothing."""
    demo = load_demo_company()
    backend = LocalCalendarBackend(open_database(None))
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    loaded = seed_calendar(backend, demo, now=now)
    assert loaded == backend.count() == len(demo_calendar_events(demo, now=now)) > 60
    assert seed_calendar(backend, demo, now=now) == 0
    monday = datetime(2026, 11, 30, tzinfo=UTC)
    maya_week = backend.list_events(MAYA, start=monday, end=monday + timedelta(days=14))
    titles = {e.title for e in maya_week}
    for expected in ("Ops standup", "1:1 Maya / Diego", "Interview: Security", "Q1 planning", "Town hall"):
        assert any(t.startswith(expected) for t in titles), expected
    assert min(e.start for e in maya_week) >= monday and max(e.end for e in maya_week) <= monday + timedelta(days=14)


def test_week_zero_is_this_week_or_next_on_weekends() -> None:
    """A weekday load starts at this Monday; a Saturday or Sunday load starts at the coming Monday."""
    assert demo_week_start(datetime(2026, 12, 2, tzinfo=UTC)) == date(2026, 11, 30)
    assert demo_week_start(datetime(2026, 12, 5, tzinfo=UTC)) == date(2026, 12, 7)
    assert demo_week_start(datetime(2026, 12, 6, 23, tzinfo=UTC)) == date(2026, 12, 7)


def test_cross_zone_meetings_cross_the_date_line() -> None:
    """Sam's Monday-afternoon 1:1 with Akira is Tuesday morning in Sydney."""
    demo = load_demo_company()
    events = demo_calendar_events(demo, now=datetime(2026, 12, 2, tzinfo=UTC))
    one_on_one = next(e for e in events if e.id == "demo-sam-akira-1on1-w0-mon")
    assert one_on_one.organizer_id == SAM and one_on_one.start.astimezone(ZoneInfo("America/Los_Angeles")).hour == 16
    sydney = one_on_one.start.astimezone(ZoneInfo("Australia/Sydney"))
    assert (sydney.strftime("%a"), sydney.hour) == ("Tue", 11)


@pytest.mark.parametrize("day", REFERENCE_DAYS)
def test_every_meeting_fits_everyones_working_day_and_nobody_is_double_booked(day: str) -> None:
    """Whatever the date (and DST mix), each person's meetings are 09:00-18:00 on their weekdays, with no overlaps."""
    demo = load_demo_company()
    zones = {p.id: ZoneInfo(p.tz) for p in demo.people}
    events = demo_calendar_events(demo, now=datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))
    busy: dict[str, list[tuple[datetime, datetime, str]]] = {}
    for event in events:
        for person in event.attendee_ids():
            local_start, local_end = event.start.astimezone(zones[person]), event.end.astimezone(zones[person])
            assert local_start.weekday() < 5, (event.id, person)
            assert local_start.hour >= 9 and local_end.date() == local_start.date(), (event.id, person)
            assert local_end.hour + local_end.minute / 60 <= 18, (event.id, person)
            if not any(a.person_id == person and a.response == "declined" for a in event.attendees):
                busy.setdefault(person, []).append((event.start, event.end, event.id))
    for person, spans in busy.items():
        spans.sort()
        for (_, end, first), (start, _, second) in itertools.pairwise(spans):
            assert start >= end, (person, first, second)
