"""Local calendar specifics: one row per event, writes in one transaction with their key, tombstones, migration."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import text

from integrations.calendar.base import Attendee, Event, EventChanges, EventCreate
from integrations.calendar.local import LocalCalendarBackend
from integrations.db import open_database
from tests.integrations.calendar.conftest import MAYA, PRIYA, TOM

T0 = datetime(2026, 12, 7, 9, tzinfo=UTC)


def data(
    title: str = "Sync", *, at: datetime = T0, minutes: int = 30, attendees: tuple[str, ...] = (TOM,)
) -> EventCreate:
    """A Maya-organised event."""
    return EventCreate(
        title=title,
        start=at,
        end=at + timedelta(minutes=minutes),
        organizer_id=MAYA,
        attendees=[Attendee(person_id=p) for p in attendees],
    )


@pytest.fixture
def file_backend(tmp_path: Path) -> LocalCalendarBackend:
    """A local calendar on a file database, so threads get their own connections."""
    return LocalCalendarBackend(open_database(tmp_path / "cal.db"))


def test_migration_is_recorded_and_tables_exist(tmp_path: Path) -> None:
    """open_database applies 0003_calendar once and creates the calendar and token tables."""
    engine = open_database(tmp_path / "app.db")
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM schema_migrations"))}
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    assert "0003_calendar" in names
    assert {"calendar_events", "calendar_event_people", "calendar_writes", "google_oauth_tokens"} <= tables
    assert open_database(tmp_path / "app.db") is not None  # re-opening applies nothing twice


def test_concurrent_creates_with_one_key_make_one_event(file_backend: LocalCalendarBackend) -> None:
    """Eight threads racing with the same idempotency key produce a single event."""
    ids: list[str] = []

    def create() -> None:
        ids.append(file_backend.create(MAYA, data(), idempotency_key="same").id)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 1 and file_backend.count() == 1


def test_one_row_is_shared_by_everyone_on_the_event(file_backend: LocalCalendarBackend) -> None:
    """An event with three people is one row; renaming it shows everywhere at once."""
    created = file_backend.create(MAYA, data(attendees=(TOM, PRIYA)), idempotency_key="c")
    file_backend.update(created.id, EventChanges(title="Renamed"), idempotency_key="u")
    titles = {
        p: [e.title for e in file_backend.list_events(p, start=T0 - timedelta(days=1), end=T0 + timedelta(days=1))]
        for p in (MAYA, TOM, PRIYA)
    }
    assert titles == {MAYA: ["Renamed"], TOM: ["Renamed"], PRIYA: ["Renamed"]}
    assert file_backend.count() == 1


def test_a_no_op_update_keeps_the_version(file_backend: LocalCalendarBackend) -> None:
    """Setting fields to the values they already have is recorded but changes nothing, version included."""
    created = file_backend.create(MAYA, data(), idempotency_key="c")
    same = file_backend.update(created.id, EventChanges(title="Sync", start=T0), idempotency_key="u")
    assert same.version == created.version == 1


def test_cancelled_events_are_tombstones_not_counted(file_backend: LocalCalendarBackend) -> None:
    """count() and free/busy ignore cancelled events; cancelling again with a new key is still a no-op."""
    created = file_backend.create(MAYA, data(), idempotency_key="c")
    file_backend.delete(created.id, idempotency_key="d1")
    file_backend.delete(created.id, idempotency_key="d2")
    assert file_backend.count() == 0
    assert file_backend.free_busy([MAYA, TOM], start=T0, end=T0 + timedelta(hours=1)) == {MAYA: [], TOM: []}


def test_invalid_data_is_revalidated_and_nothing_written(file_backend: LocalCalendarBackend) -> None:
    """An EventCreate built without validation (model_construct) is checked again before writing."""
    bad = EventCreate.model_construct(title="x", start=T0, end=T0 - timedelta(hours=1), tz="Nowhere/Land")
    with pytest.raises(PydanticValidationError):
        file_backend.create(MAYA, bad, idempotency_key="c")
    assert file_backend.count() == 0
    with file_backend._engine.connect() as conn:  # the key was not consumed either
        assert conn.execute(text("SELECT count(*) FROM calendar_writes")).scalar() == 0


def test_import_keeps_ids_and_timestamps_and_replaces_on_reimport(file_backend: LocalCalendarBackend) -> None:
    """import_event stores the event as given; importing the same id again replaces it."""
    made = datetime(2026, 11, 1, tzinfo=UTC)
    event = Event(
        id="fixture-1",
        calendar_id=MAYA,
        title="Imported",
        start=T0,
        end=T0 + timedelta(hours=1),
        organizer_id=MAYA,
        attendees=[Attendee(person_id=TOM)],
        version=3,
        created_at=made,
        updated_at=made,
    )
    file_backend.import_event(event)
    file_backend.import_event(event.model_copy(update={"title": "Imported again", "attendees": []}))
    got = file_backend.get("fixture-1")
    assert (got.title, got.version, got.created_at) == ("Imported again", 3, made)
    assert file_backend.list_events(TOM, start=T0, end=T0 + timedelta(hours=1)) == []
    assert file_backend.count() == 1


def test_clock_and_url_template_are_used() -> None:
    """created_at comes from the injected clock; url from the template."""
    frozen = datetime(2026, 12, 1, 8, tzinfo=UTC)
    backend = LocalCalendarBackend(
        open_database(None), clock=lambda: frozen, url_template="https://deskhand.example/cal/{id}"
    )
    created = backend.create(MAYA, data(), idempotency_key="c")
    assert created.created_at == frozen and created.url == f"https://deskhand.example/cal/{created.id}"


def test_wide_ranges_and_big_limits_work(file_backend: LocalCalendarBackend) -> None:
    """The evals' snapshot query (ten years either way, limit 100,000) returns every event in order."""
    for i in range(5):
        file_backend.create(MAYA, data(f"E{i}", at=T0 + timedelta(days=400 * i)), idempotency_key=f"k{i}")
    span = timedelta(days=3650)
    events = file_backend.list_events(MAYA, start=T0 - span, end=T0 + span, limit=100_000)
    assert [e.title for e in events] == ["E0", "E1", "E2", "E3", "E4"]


def test_evals_world_uses_the_local_backend() -> None:
    """evals.world.make_calendar now picks this backend instead of its in-memory stand-in."""
    from evals.world import make_calendar

    assert isinstance(make_calendar(open_database(None)), LocalCalendarBackend)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.integers(0, 96), st.integers(1, 16), st.sets(st.sampled_from([MAYA, TOM, PRIYA]), max_size=2)),
        max_size=12,
    ),
    st.integers(0, 48),
    st.integers(1, 96),
)
def test_free_busy_is_the_union_of_each_persons_events(
    spans: list[tuple[int, int, set[str]]], lo: int, length: int
) -> None:
    """For random events, free/busy equals each person's merged, clipped event times."""
    backend = LocalCalendarBackend(open_database(None))
    quarter = timedelta(minutes=15)
    for i, (at, n, attendees) in enumerate(spans):
        backend.create(
            MAYA, data(at=T0 + at * quarter, minutes=15 * n, attendees=tuple(attendees)), idempotency_key=str(i)
        )
    start, end = T0 + lo * quarter, T0 + (lo + length) * quarter
    got = backend.free_busy([MAYA, TOM, PRIYA], start=start, end=end)
    for person in (MAYA, TOM, PRIYA):
        minutes = set()
        for at, n, attendees in spans:
            if person == MAYA or person in attendees:
                minutes |= {m for m in range(at * 15, (at + n) * 15) if lo * 15 <= m < (lo + length) * 15}
        covered = set()
        for interval in got[person]:
            first = int((interval.start - T0) / timedelta(minutes=1))
            covered |= set(range(first, int((interval.end - T0) / timedelta(minutes=1))))
        assert covered == minutes
        assert all(a.end < b.start for a, b in itertools.pairwise(got[person]))  # merged: gaps between
