"""Google Calendar specifics: HttpMockSequence units, error mapping, credentials (OAuth and delegation)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from googleapiclient.http import HttpMockSequence
from hypothesis import given
from hypothesis import strategies as st

from integrations.calendar.base import Attendee, EventChanges, EventCreate
from integrations.calendar.google import GoogleCalendarBackend, event_id_for_key
from integrations.calendar.google_auth import NotConnectedError, service_account_credentials, user_oauth_credentials
from integrations.calendar.tokens import GoogleTokenStore
from integrations.db import open_database
from integrations.directory.base import StaticDirectory
from integrations.errors import BackendUnavailableError, ConflictError, IntegrationError, NotFoundError, ValidationError
from tests.integrations.calendar.conftest import MAYA, TOM
from tests.integrations.fake_google_calendar import RunningFake

MAYA_EMAIL, TOM_EMAIL = "maya.okafor@kestrel.example", "tom.becker@kestrel.example"
START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def google_event(event_id: str, *, etag: str = '"100"', summary: str = "Design review", **extra: Any) -> dict[str, Any]:
    """An events resource as Google returns it."""
    body = {
        "kind": "calendar#event",
        "id": event_id,
        "etag": etag,
        "status": "confirmed",
        "htmlLink": f"https://calendar.google.com/calendar/event?eid={event_id}",
        "created": "2026-11-30T10:00:00.000Z",
        "updated": "2026-11-30T10:00:00.000Z",
        "summary": summary,
        "organizer": {"email": MAYA_EMAIL, "self": True},
        "start": {"dateTime": "2026-12-07T09:00:00Z", "timeZone": "Europe/London"},
        "end": {"dateTime": "2026-12-07T10:00:00Z", "timeZone": "Europe/London"},
        "attendees": [{"email": TOM_EMAIL, "responseStatus": "accepted"}],
    }
    body.update(extra)
    return body


def error_body(status: int, reason: str, message: str) -> str:
    """Google's error JSON."""
    return json.dumps(
        {"error": {"errors": [{"domain": "global", "reason": reason, "message": message}], "code": status}}
    )


def test_retried_insert_gets_409_and_returns_the_existing_event(directory: StaticDirectory) -> None:
    """A create whose deterministic id already exists reads that event back instead of inserting twice."""
    event_id = event_id_for_key("thread-1:action-1")
    backend, http = recording(
        directory,
        [
            ({"status": "409"}, error_body(409, "duplicate", "The requested identifier already exists.")),
            ({"status": "200"}, json.dumps(google_event(event_id))),
        ],
    )
    data = EventCreate(title="Design review", start=START, end=START + timedelta(hours=1), organizer_id=MAYA)
    event = backend.create(MAYA, data, idempotency_key="thread-1:action-1")
    assert event.id == f"{MAYA}:{event_id}" and event.attendee_ids() == [MAYA, TOM]
    assert http.log == [
        ("POST", f"calendars/{MAYA_EMAIL}/events"),
        ("GET", f"calendars/{MAYA_EMAIL}/events/{event_id}"),
    ]


class RecordingSequence(HttpMockSequence):
    """HttpMockSequence that also remembers (method, path, headers, body) of each request."""

    def __init__(self, responses: list[tuple[dict[str, str], str]]) -> None:
        super().__init__(responses)
        self.log: list[tuple[str, str]] = []
        self.headers: list[dict[str, str]] = []
        self.bodies: list[Any] = []

    def request(self, uri: str, method: str = "GET", body: Any = None, headers: Any = None, **kwargs: Any) -> Any:
        """Record, then answer from the sequence."""
        path = unquote(uri.split("?")[0].split("/calendar/v3/")[-1])
        self.log.append((method, path))
        self.headers.append(dict(headers or {}))
        self.bodies.append(json.loads(body) if body else None)
        return super().request(uri, method, body, headers, **kwargs)


def recording(directory: StaticDirectory, responses: list[tuple[dict[str, str], str]]) -> tuple[Any, RecordingSequence]:
    """A backend answered by a RecordingSequence."""
    http = RecordingSequence(responses)
    return GoogleCalendarBackend(directory, http_factory=lambda: http, num_retries=0), http


def test_building_the_client_needs_no_network(directory: StaticDirectory) -> None:
    """The bundled discovery document is used: an empty mock sequence is never asked for anything."""
    backend, http = recording(directory, [])
    assert backend is not None and http.log == []


def test_insert_sends_a_client_id_derived_from_the_key(directory: StaticDirectory) -> None:
    """events.insert carries the deterministic id, the zone, the attendees and sendUpdates."""
    event_id = event_id_for_key("k")
    backend, http = recording(directory, [({"status": "200"}, json.dumps(google_event(event_id)))])
    data = EventCreate(
        title="Design review",
        start=START,
        end=START + timedelta(hours=1),
        tz="Europe/London",
        attendees=[Attendee(person_id=TOM)],
    )
    backend.create(MAYA, data, idempotency_key="k")
    body = http.bodies[0]
    assert http.log == [("POST", f"calendars/{MAYA_EMAIL}/events")]
    assert body["id"] == event_id and body["start"] == {
        "dateTime": "2026-12-07T09:00:00+00:00",
        "timeZone": "Europe/London",
    }
    assert body["attendees"] == [{"email": TOM_EMAIL, "responseStatus": "needsAction"}]


def test_update_retries_when_the_event_changed_underneath(directory: StaticDirectory) -> None:
    """A 412 on the If-Match patch re-reads the event and patches again against the new etag."""
    gid = "dhabc123"
    backend, http = recording(
        directory,
        [
            ({"status": "200"}, json.dumps(google_event(gid, etag='"1"'))),
            ({"status": "412"}, error_body(412, "conditionNotMet", "Precondition Failed")),
            ({"status": "200"}, json.dumps(google_event(gid, etag='"2"', summary="Renamed by Tom"))),
            ({"status": "200"}, json.dumps(google_event(gid, etag='"3"', summary="Final"))),
        ],
    )
    event = backend.update(f"{MAYA}:{gid}", EventChanges(title="Final"), idempotency_key="u")
    assert event.title == "Final" and event.version == 3
    assert [m for m, _ in http.log] == ["GET", "PATCH", "GET", "PATCH"]
    assert http.headers[1]["If-Match"] == '"1"' and http.headers[3]["If-Match"] == '"2"'
    assert any(k.startswith("deskhandWrite_") for k in http.bodies[3]["extendedProperties"]["private"])


def test_update_with_a_recorded_key_does_not_patch(directory: StaticDirectory) -> None:
    """If the event already carries this update's key, nothing is sent but the read."""
    gid = "dhabc123"
    first, http = recording(directory, [])
    marker_event = google_event(gid)
    backend, http = recording(directory, [({"status": "200"}, "{}")])
    # Learn the marker name by letting one update happen.
    backend, http = recording(
        directory,
        [({"status": "200"}, json.dumps(marker_event)), ({"status": "200"}, json.dumps(marker_event))],
    )
    backend.update(f"{MAYA}:{gid}", EventChanges(title="x"), idempotency_key="u")
    private = http.bodies[1]["extendedProperties"]["private"]
    replay = google_event(gid, extendedProperties={"private": private})
    backend, http = recording(directory, [({"status": "200"}, json.dumps(replay))])
    backend.update(f"{MAYA}:{gid}", EventChanges(title="x"), idempotency_key="u")
    assert [m for m, _ in http.log] == ["GET"]
    assert first is not None


@pytest.mark.parametrize(
    ("status", "reason", "error"),
    [
        (400, "invalid", ValidationError),
        (401, "authError", IntegrationError),
        (403, "forbidden", IntegrationError),
        (403, "rateLimitExceeded", BackendUnavailableError),
        (404, "notFound", NotFoundError),
        (429, "rateLimitExceeded", BackendUnavailableError),
        (500, "backendError", BackendUnavailableError),
        (503, "backendError", BackendUnavailableError),
    ],
)
def test_http_errors_map_to_integration_errors(
    directory: StaticDirectory, status: int, reason: str, error: type[Exception]
) -> None:
    """Google's status codes become the integration layer's exceptions, with Google's message kept."""
    backend, _ = recording(directory, [({"status": str(status)}, error_body(status, reason, "Something specific"))])
    with pytest.raises(error) as raised:
        backend.list_events(MAYA, start=START, end=START + timedelta(days=1))
    assert "Something specific" in str(raised.value) or status == 404


def test_list_follows_pages(directory: StaticDirectory) -> None:
    """nextPageToken is followed until the pages run out."""
    page1 = {"items": [google_event("dhone1")], "nextPageToken": "p2", "timeZone": "Europe/London"}
    page2 = {"items": [google_event("dhtwo2", summary="Second")], "timeZone": "Europe/London"}
    backend, http = recording(
        directory, [({"status": "200"}, json.dumps(page1)), ({"status": "200"}, json.dumps(page2))]
    )
    events = backend.list_events(MAYA, start=START - timedelta(days=1), end=START + timedelta(days=1), text="e")
    assert [e.id for e in events] == [f"{MAYA}:dhone1", f"{MAYA}:dhtwo2"]
    assert len(http.log) == 2


def test_all_day_and_conference_events_are_read(directory: StaticDirectory) -> None:
    """An all-day event spans midnight to midnight in its zone; a Meet link becomes the video link."""
    raw = google_event(
        "dhallday",
        start={"date": "2026-12-07"},
        end={"date": "2026-12-08"},
        hangoutLink="https://meet.google.com/abc-defg-hij",
    )
    backend, _ = recording(directory, [({"status": "200"}, json.dumps({"items": [raw], "timeZone": "Asia/Tokyo"}))])
    (event,) = backend.list_events(MAYA, start=START - timedelta(days=2), end=START + timedelta(days=2))
    assert event.tz == "Asia/Tokyo" and event.start.isoformat() == "2026-12-07T00:00:00+09:00"
    assert event.end - event.start == timedelta(days=1)
    assert event.video_link == "https://meet.google.com/abc-defg-hij"


def test_organiser_other_than_the_calendar_owner_is_refused(directory: StaticDirectory) -> None:
    """Google makes the calendar's owner the organiser, so a different organiser is a ValidationError."""
    backend, http = recording(directory, [])
    data = EventCreate(title="x", start=START, end=START + timedelta(hours=1), organizer_id=TOM)
    with pytest.raises(ValidationError, match="organiser"):
        backend.create(MAYA, data, idempotency_key="k")
    assert http.log == []


def test_unknown_people_are_not_found_before_any_request(directory: StaticDirectory) -> None:
    """A person id the directory does not know (and that is no email) raises NotFoundError."""
    backend, http = recording(directory, [])
    with pytest.raises(NotFoundError, match="U0NOBODY"):
        backend.free_busy(["U0NOBODY"], start=START, end=START + timedelta(hours=1))
    assert http.log == []


@given(st.text(min_size=0, max_size=200))
def test_event_ids_from_keys_are_valid_google_ids(key: str) -> None:
    """Every idempotency key maps to a base32hex id of allowed length, the same one every time."""
    event_id = event_id_for_key(key)
    assert re.fullmatch(r"[a-v0-9]{5,1024}", event_id)
    assert event_id == event_id_for_key(key)


def test_distinct_keys_give_distinct_ids() -> None:
    """Different keys give different ids (no accidental sharing between two proposals)."""
    assert len({event_id_for_key(f"thread:{i}") for i in range(5000)}) == 5000


# -- against the loopback fake -------------------------------------------------------------------------
def test_each_calendar_is_read_with_its_owners_credentials(
    google_backend: GoogleCalendarBackend, fake_google: RunningFake
) -> None:
    """Per-user credentials: Maya's calendar with Maya's token, Tom's with Tom's."""
    google_backend.list_events(MAYA, start=START, end=START + timedelta(days=1))
    google_backend.list_events(TOM, start=START, end=START + timedelta(days=1))
    seen = [(r["calendar"], r["authorization"]) for r in fake_google.fake.requests]
    assert seen == [(MAYA_EMAIL, f"Bearer token-{MAYA_EMAIL}"), (TOM_EMAIL, f"Bearer token-{TOM_EMAIL}")]


def test_free_busy_for_an_unknown_account_is_an_error(
    google_backend: GoogleCalendarBackend, fake_google: RunningFake
) -> None:
    """freebusy.query's per-calendar notFound becomes a clear IntegrationError, not an empty calendar."""
    fake_google.fake.require_auth = False
    with pytest.raises(IntegrationError, match=r"ghost@kestrel\.example"):
        google_backend.free_busy(["ghost@kestrel.example"], start=START, end=START + timedelta(hours=1))


def test_server_errors_are_backend_unavailable(google_backend: GoogleCalendarBackend, fake_google: RunningFake) -> None:
    """A 503 from Google is BackendUnavailableError; the next request works again."""
    fake_google.fake.fail_next.append(503)
    with pytest.raises(BackendUnavailableError):
        google_backend.list_events(MAYA, start=START, end=START + timedelta(days=1))
    assert google_backend.list_events(MAYA, start=START, end=START + timedelta(days=1)) == []


def test_only_the_organiser_copy_is_written(google_backend: GoogleCalendarBackend, fake_google: RunningFake) -> None:
    """Updating an event listed from an attendee's calendar patches the organiser's calendar."""
    data = EventCreate(
        title="Sync", start=START, end=START + timedelta(minutes=30), attendees=[Attendee(person_id=TOM)]
    )
    created = google_backend.create(MAYA, data, idempotency_key="c")
    (seen_by_tom,) = google_backend.list_events(TOM, start=START, end=START + timedelta(days=1))
    assert seen_by_tom.id == created.id
    google_backend.update(seen_by_tom.id, EventChanges(title="Sync (moved)"), idempotency_key="u")
    patches = [r for r in fake_google.fake.requests if r["method"] == "PATCH"]
    assert [r["calendar"] for r in patches] == [MAYA_EMAIL]


def _service_account_key(token_uri: str) -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {
        "type": "service_account",
        "project_id": "deskhand-test",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": "deskhand@deskhand-test.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": token_uri,
    }


def test_service_account_impersonates_each_person(directory: StaticDirectory, fake_google: RunningFake) -> None:
    """Domain-wide delegation: a signed JWT with sub=<person> is exchanged, and that token reads their calendar."""
    factory = service_account_credentials(_service_account_key(fake_google.token_uri))
    backend = GoogleCalendarBackend(
        directory, credentials_for=factory, api_endpoint=fake_google.api_endpoint, num_retries=0
    )
    backend.list_events(MAYA, start=START, end=START + timedelta(days=1))
    backend.list_events(MAYA, start=START, end=START + timedelta(days=1))
    grants = [r for r in fake_google.fake.requests if r["path"] == "/token"]
    assert [(g["grant"], g["calendar"]) for g in grants] == [
        ("urn:ietf:params:oauth:grant-type:jwt-bearer", MAYA_EMAIL)
    ]  # the token is reused for the second call
    credentials = factory(TOM_EMAIL)
    assert credentials._subject == TOM_EMAIL  # type: ignore[attr-defined]
    assert set(credentials._scopes) == {  # type: ignore[attr-defined]
        "https://www.googleapis.com/auth/calendar.events",
        "https://www.googleapis.com/auth/calendar.freebusy",
    }


def test_stored_user_tokens_are_refreshed_and_saved(directory: StaticDirectory, fake_google: RunningFake) -> None:
    """Per-user OAuth: an expired access token is refreshed with the stored refresh token and written back."""
    store = GoogleTokenStore(open_database(None))
    store.save(
        MAYA_EMAIL,
        refresh_token=f"refresh-{MAYA_EMAIL}",
        access_token="stale",
        expiry=datetime.now(UTC) - timedelta(hours=1),
        token_uri=fake_google.token_uri,
    )
    factory = user_oauth_credentials(store, client_id="client", client_secret="secret")
    backend = GoogleCalendarBackend(
        directory, credentials_for=factory, api_endpoint=fake_google.api_endpoint, num_retries=0
    )
    assert backend.list_events(MAYA, start=START, end=START + timedelta(days=1)) == []
    row = store.load(MAYA_EMAIL)
    assert row is not None and row.access_token and row.access_token.startswith(f"access-{MAYA_EMAIL}")
    assert row.expiry is not None
    with pytest.raises(NotConnectedError, match=r"tom\.becker"):
        backend.list_events(TOM, start=START, end=START + timedelta(days=1))


def test_revoked_grants_ask_the_person_to_reconnect(directory: StaticDirectory, fake_google: RunningFake) -> None:
    """A refresh token Google rejects becomes an IntegrationError saying to reconnect."""
    store = GoogleTokenStore(open_database(None))
    store.save(MAYA_EMAIL, refresh_token="revoked", token_uri=fake_google.token_uri)
    factory = user_oauth_credentials(store, client_id="client", client_secret="secret")
    backend = GoogleCalendarBackend(
        directory, credentials_for=factory, api_endpoint=fake_google.api_endpoint, num_retries=0
    )
    with pytest.raises(IntegrationError, match="reconnect"):
        backend.list_events(MAYA, start=START, end=START + timedelta(days=1))


def test_update_of_a_deleted_event_is_not_found(google_backend: GoogleCalendarBackend) -> None:
    """Google keeps deleted events as 'cancelled'; the backend reports them as not found."""
    data = EventCreate(title="Sync", start=START, end=START + timedelta(minutes=30))
    created = google_backend.create(MAYA, data, idempotency_key="c")
    google_backend.delete(created.id, idempotency_key="d")
    with pytest.raises(NotFoundError):
        google_backend.update(created.id, EventChanges(title="x"), idempotency_key="u")
    google_backend.delete(created.id, idempotency_key="another")  # 410: already gone, a no-op


def test_conflict_error_is_raised_when_the_event_never_settles(directory: StaticDirectory) -> None:
    """Three 412s in a row give up with ConflictError rather than overwrite someone else's change."""
    gid = "dhabc123"
    responses: list[tuple[dict[str, str], str]] = []
    for n in range(3):
        responses.append(({"status": "200"}, json.dumps(google_event(gid, etag=f'"{n}"'))))
        responses.append(({"status": "412"}, error_body(412, "conditionNotMet", "Precondition Failed")))
    backend, _ = recording(directory, responses)
    with pytest.raises(ConflictError, match="kept changing"):
        backend.update(f"{MAYA}:{gid}", EventChanges(title="x"), idempotency_key="u")
