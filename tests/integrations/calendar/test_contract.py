"""The CalendarBackend contract, run against the local backend and Google (through the loopback fake)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError as PydanticValidationError

from integrations.calendar.base import Attendee, CalendarBackend, Event, EventChanges, EventCreate, Interval
from integrations.errors import NotFoundError, ValidationError
from tests.integrations.calendar.conftest import DIEGO, HANA, MAYA, PRIYA, TOM

BASE = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Europe/London"))  # a Monday
WEEK = (BASE - timedelta(days=1), BASE + timedelta(days=7))


def meeting(
    title: str = "Design review",
    *,
    at: datetime = BASE,
    minutes: int = 60,
    organizer: str = MAYA,
    attendees: tuple[str, ...] = (TOM,),
    tz: str = "Europe/London",
    **extra: object,
) -> EventCreate:
    """An event organised by ``organizer`` with demo people as attendees."""
    return EventCreate(
        title=title,
        start=at,
        end=at + timedelta(minutes=minutes),
        tz=tz,
        organizer_id=organizer,
        attendees=[_demo_attendee(p) for p in attendees],
        **extra,  # type: ignore[arg-type]
    )


_EMAILS = {
    MAYA: "maya.okafor@kestrel.example",
    TOM: "tom.becker@kestrel.example",
    PRIYA: "priya.raman@kestrel.example",
    DIEGO: "diego.alvarez@kestrel.example",
    HANA: "hana.sato@kestrel.example",
}


def _demo_attendee(person_id: str) -> Attendee:
    return Attendee(person_id=person_id, email=_EMAILS[person_id], response="accepted")


def ids(events: list[Event]) -> list[str]:
    """Event ids in order."""
    return [e.id for e in events]


def test_create_then_get_returns_the_same_event(calendar: CalendarBackend) -> None:
    """A created event reads back with every field it was given, on the organiser's calendar."""
    created = calendar.create(
        MAYA,
        meeting(location="Room 4", description="Agenda: onboarding flow", video_link="https://meet.example/abc"),
        idempotency_key="c1",
    )
    got = calendar.get(created.id)
    assert got.id == created.id and got.calendar_id == MAYA and got.organizer_id == MAYA
    assert (got.title, got.location, got.description) == ("Design review", "Room 4", "Agenda: onboarding flow")
    assert got.video_link == "https://meet.example/abc"
    assert got.start == BASE and got.end == BASE + timedelta(hours=1)
    assert [(a.person_id, a.email, a.response) for a in got.attendees] == [
        (TOM, "tom.becker@kestrel.example", "accepted")
    ]
    assert got.attendee_ids() == [MAYA, TOM]
    assert got.url and got.version == created.version


def test_attendees_see_shared_events_and_others_do_not(calendar: CalendarBackend) -> None:
    """One event appears on the organiser's and every attendee's calendar, with one id, and nowhere else."""
    created = calendar.create(MAYA, meeting(attendees=(TOM, PRIYA)), idempotency_key="c1")
    for person in (MAYA, TOM, PRIYA):
        assert ids(calendar.list_events(person, start=WEEK[0], end=WEEK[1])) == [created.id]
    assert calendar.list_events(DIEGO, start=WEEK[0], end=WEEK[1]) == []


def test_list_is_earliest_first_and_range_is_half_open(calendar: CalendarBackend) -> None:
    """Events come back by start time; one ending exactly at the range start is not included; limit applies."""
    late = calendar.create(MAYA, meeting("Late", at=BASE + timedelta(hours=5)), idempotency_key="a")
    early = calendar.create(MAYA, meeting("Early", at=BASE), idempotency_key="b")
    mid = calendar.create(MAYA, meeting("Mid", at=BASE + timedelta(hours=2)), idempotency_key="c")
    assert ids(calendar.list_events(MAYA, start=WEEK[0], end=WEEK[1])) == [early.id, mid.id, late.id]
    after_early = calendar.list_events(MAYA, start=BASE + timedelta(hours=1), end=WEEK[1])
    assert ids(after_early) == [mid.id, late.id]
    assert ids(calendar.list_events(MAYA, start=WEEK[0], end=WEEK[1], limit=2)) == [early.id, mid.id]
    assert calendar.list_events(MAYA, start=BASE + timedelta(days=2), end=BASE + timedelta(days=3)) == []


def test_text_and_attendee_filters(calendar: CalendarBackend) -> None:
    """``text`` matches title words case-insensitively; ``attendee_id`` keeps events with that person."""
    review = calendar.create(MAYA, meeting("Design review: onboarding", attendees=(TOM,)), idempotency_key="a")
    sync = calendar.create(
        MAYA, meeting("Ops sync", at=BASE + timedelta(hours=2), attendees=(DIEGO,)), idempotency_key="b"
    )
    assert ids(calendar.list_events(MAYA, start=WEEK[0], end=WEEK[1], text="REVIEW onboard")) == [review.id]
    assert ids(calendar.list_events(MAYA, start=WEEK[0], end=WEEK[1], attendee_id=DIEGO)) == [sync.id]
    assert calendar.list_events(MAYA, start=WEEK[0], end=WEEK[1], text="retro") == []


def test_repeated_create_key_writes_once(calendar: CalendarBackend) -> None:
    """Creating twice with one idempotency key returns the first event and adds nothing."""
    first = calendar.create(MAYA, meeting(), idempotency_key="same")
    again = calendar.create(MAYA, meeting(title="Changed mind"), idempotency_key="same")
    assert again.id == first.id and again.title == "Design review"
    assert ids(calendar.list_events(MAYA, start=WEEK[0], end=WEEK[1])) == [first.id]


def test_update_changes_fields_and_version_and_a_repeated_key_does_nothing(calendar: CalendarBackend) -> None:
    """An update changes only what is set and the version; the same key again writes nothing more."""
    created = calendar.create(MAYA, meeting(location="Room 4"), idempotency_key="c")
    updated = calendar.update(created.id, EventChanges(title="Design review v2"), idempotency_key="u1")
    assert updated.title == "Design review v2" and updated.location == "Room 4"
    assert updated.version != created.version
    again = calendar.update(created.id, EventChanges(title="Something else"), idempotency_key="u1")
    assert again.title == "Design review v2" and again.version == updated.version
    assert calendar.get(created.id).title == "Design review v2"


def test_moving_by_start_keeps_the_length(calendar: CalendarBackend) -> None:
    """Setting only ``start`` moves the event; setting only ``end`` changes its length."""
    created = calendar.create(MAYA, meeting(minutes=45), idempotency_key="c")
    moved = calendar.update(created.id, EventChanges(start=BASE + timedelta(hours=3)), idempotency_key="m")
    assert (moved.start, moved.end) == (BASE + timedelta(hours=3), BASE + timedelta(hours=3, minutes=45))
    longer = calendar.update(created.id, EventChanges(end=BASE + timedelta(hours=5)), idempotency_key="l")
    assert (longer.start, longer.end) == (BASE + timedelta(hours=3), BASE + timedelta(hours=5))
    assert calendar.list_events(TOM, start=BASE + timedelta(hours=4), end=BASE + timedelta(hours=4, minutes=1))


def test_update_that_would_end_before_start_is_refused_and_changes_nothing(calendar: CalendarBackend) -> None:
    """Moving the end before the start raises ValidationError and leaves the event as it was."""
    created = calendar.create(MAYA, meeting(), idempotency_key="c")
    with pytest.raises(ValidationError, match="end after it starts"):
        calendar.update(created.id, EventChanges(end=BASE - timedelta(hours=1)), idempotency_key="bad")
    assert calendar.get(created.id).end == created.end
    assert calendar.get(created.id).version == created.version


def test_attendee_changes_move_visibility(calendar: CalendarBackend) -> None:
    """Replacing the attendees takes the event off the old attendee's calendar and onto the new one's."""
    created = calendar.create(MAYA, meeting(attendees=(TOM,)), idempotency_key="c")
    calendar.update(created.id, EventChanges(attendees=[_demo_attendee(PRIYA)]), idempotency_key="u")
    assert calendar.list_events(TOM, start=WEEK[0], end=WEEK[1]) == []
    assert ids(calendar.list_events(PRIYA, start=WEEK[0], end=WEEK[1])) == [created.id]


def test_delete_removes_the_event_and_repeating_is_a_no_op(calendar: CalendarBackend) -> None:
    """A cancelled event is gone from get and lists; cancelling again with the same key does nothing."""
    created = calendar.create(MAYA, meeting(), idempotency_key="c")
    calendar.delete(created.id, idempotency_key="d")
    calendar.delete(created.id, idempotency_key="d")
    with pytest.raises(NotFoundError):
        calendar.get(created.id)
    assert calendar.list_events(MAYA, start=WEEK[0], end=WEEK[1]) == []
    assert calendar.list_events(TOM, start=WEEK[0], end=WEEK[1]) == []


def test_retrying_a_create_after_its_event_was_cancelled_does_not_bring_it_back(calendar: CalendarBackend) -> None:
    """The create's key was used: a retry reports the cancellation instead of creating the event again."""
    created = calendar.create(MAYA, meeting(), idempotency_key="c")
    calendar.delete(created.id, idempotency_key="d")
    with pytest.raises(NotFoundError, match="cancelled"):
        calendar.create(MAYA, meeting(), idempotency_key="c")
    assert calendar.list_events(MAYA, start=WEEK[0], end=WEEK[1]) == []


@pytest.mark.parametrize("unknown", ["ev000000000000", f"{MAYA}:dh0000000000", "nonsense"])
def test_unknown_ids_raise_not_found(calendar: CalendarBackend, unknown: str) -> None:
    """get, update and delete of an id that does not exist raise NotFoundError and write nothing."""
    with pytest.raises(NotFoundError):
        calendar.get(unknown)
    with pytest.raises(NotFoundError):
        calendar.update(unknown, EventChanges(title="x"), idempotency_key="u")
    with pytest.raises(NotFoundError):
        calendar.delete(unknown, idempotency_key="d")
    assert calendar.list_events(MAYA, start=WEEK[0], end=WEEK[1]) == []


def test_free_busy_merges_clips_and_covers_attendees(calendar: CalendarBackend) -> None:
    """Busy time is merged per person, clipped to the range, in UTC; free people get an empty list."""
    calendar.create(MAYA, meeting(minutes=60, attendees=(TOM,)), idempotency_key="a")
    calendar.create(MAYA, meeting(at=BASE + timedelta(minutes=30), minutes=60, attendees=()), idempotency_key="b")
    calendar.create(MAYA, meeting(at=BASE + timedelta(hours=4), minutes=30, attendees=(TOM,)), idempotency_key="c")
    busy = calendar.free_busy([MAYA, TOM, DIEGO], start=BASE + timedelta(minutes=15), end=BASE + timedelta(hours=8))
    utc = BASE.astimezone(UTC)
    assert busy[MAYA] == [
        Interval(start=utc + timedelta(minutes=15), end=utc + timedelta(minutes=90)),
        Interval(start=utc + timedelta(hours=4), end=utc + timedelta(hours=4, minutes=30)),
    ]
    assert busy[TOM] == [
        Interval(start=utc + timedelta(minutes=15), end=utc + timedelta(hours=1)),
        Interval(start=utc + timedelta(hours=4), end=utc + timedelta(hours=4, minutes=30)),
    ]
    assert busy[DIEGO] == []
    assert all(iv.start.utcoffset() == timedelta(0) for ivs in busy.values() for iv in ivs)


def test_declined_attendees_are_not_busy(calendar: CalendarBackend) -> None:
    """Someone who declined still sees the event but is free during it."""
    data = meeting(attendees=())
    data.attendees = [_demo_attendee(TOM).model_copy(update={"response": "declined"})]
    created = calendar.create(MAYA, data, idempotency_key="a")
    assert ids(calendar.list_events(TOM, start=WEEK[0], end=WEEK[1])) == [created.id]
    assert calendar.free_busy([TOM], start=WEEK[0], end=WEEK[1]) == {TOM: []}


@pytest.mark.parametrize(
    ("zone", "local"),
    [
        ("Asia/Tokyo", datetime(2026, 12, 8, 10, 0)),
        ("America/New_York", datetime(2026, 7, 8, 10, 0)),  # summer time
        ("America/New_York", datetime(2026, 1, 8, 10, 0)),
        ("Asia/Kolkata", datetime(2026, 12, 8, 15, 30)),
        ("Australia/Sydney", datetime(2026, 12, 8, 9, 0)),
    ],
)
def test_time_zones_round_trip(calendar: CalendarBackend, zone: str, local: datetime) -> None:
    """Times given in any offset come back as the same instants, shown in the event's own zone."""
    start = local.replace(tzinfo=ZoneInfo(zone))
    data = EventCreate(
        title="Sync", start=start.astimezone(UTC), end=(start + timedelta(minutes=30)).astimezone(UTC), tz=zone
    )
    data.organizer_id = MAYA
    created = calendar.create(MAYA, data, idempotency_key=f"tz-{zone}-{local.isoformat()}")
    got = calendar.get(created.id)
    assert got.tz == zone
    assert got.start == start and got.end == start + timedelta(minutes=30)
    assert got.start.utcoffset() == start.utcoffset()
    assert (got.start.hour, got.start.minute) == (local.hour, local.minute)
    day = calendar.list_events(MAYA, start=start - timedelta(hours=1), end=start + timedelta(hours=1))
    assert ids(day) == [created.id]


def test_external_attendees_keep_their_email(calendar: CalendarBackend) -> None:
    """A guest outside the directory is kept by email with no person id."""
    data = meeting(attendees=(TOM,))
    data.attendees.append(Attendee(email="alex.rivera@example.com", name="Alex Rivera"))
    created = calendar.create(MAYA, data, idempotency_key="c")
    guests = [(a.person_id, a.email, a.name) for a in calendar.get(created.id).attendees]
    assert (None, "alex.rivera@example.com", "Alex Rivera") in guests


def test_bad_ranges_are_refused(calendar: CalendarBackend) -> None:
    """Searching with an end before the start, or with naive times, raises ValidationError."""
    with pytest.raises(ValidationError, match="before its start"):
        calendar.list_events(MAYA, start=WEEK[1], end=WEEK[0])
    with pytest.raises(ValidationError, match="time zone"):
        calendar.free_busy([MAYA], start=datetime(2026, 12, 7), end=datetime(2026, 12, 8))


def test_invalid_events_never_reach_the_backend(calendar: CalendarBackend) -> None:
    """Unknown zones, end before start and naive times fail validation with clear messages; nothing is written."""
    with pytest.raises(PydanticValidationError, match="unknown time zone 'Mars/Olympus_Mons'"):
        meeting(tz="Mars/Olympus_Mons")
    with pytest.raises(PydanticValidationError, match="end after it starts"):
        meeting(minutes=0)
    with pytest.raises(PydanticValidationError, match="end after it starts"):
        meeting(minutes=-30)
    with pytest.raises(PydanticValidationError, match="time zone"):
        EventCreate(title="x", start=datetime(2026, 12, 7, 9), end=datetime(2026, 12, 7, 10))
    with pytest.raises(PydanticValidationError, match="needs a title"):
        meeting(title="   ")
    with pytest.raises(PydanticValidationError, match="unknown time zone"):
        EventChanges(tz="Europe/Atlantis")
    assert calendar.list_events(MAYA, start=WEEK[0], end=WEEK[1]) == []
