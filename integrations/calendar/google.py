"""Google Calendar through google-api-python-client (Calendar API v3), implementing ``CalendarBackend``.

The client is built from the discovery document bundled with the library (``static_discovery=True``), so
building it needs no network. Every request runs with the credentials of the Google account whose calendar it
touches (``credentials_for(email)``: a per-user OAuth grant from the database, or a service account acting for
that user through domain-wide delegation; see ``google_auth`` and README.md). ``http_factory`` and
``api_endpoint`` let tests point the client at ``HttpMockSequence`` or at a local fake of the REST API.

Identities: the Protocol speaks person ids (Slack user ids); Google speaks email addresses. The directory maps
between them. An event id handed out by this backend is ``"<owner person id>:<google event id>"`` where the owner
is the organiser when the organiser is a known person (else the calendar it was listed from), so the same event
gets the same id whoever's calendar it was read from, and writes go to the organiser's copy.

Idempotency: a create uses a client-supplied event id derived from the idempotency key, so a retried insert gets
409 and returns the event already there. An update records its key in the event's private extended properties
and is sent with ``If-Match: <etag>``; a retried update sees its key and writes nothing. A delete of an event that
is already gone (410) is a no-op.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import threading
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import httplib2
from google.auth.credentials import Credentials
from google.auth.exceptions import RefreshError, TransportError
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from integrations.calendar.base import (
    Attendee,
    Event,
    EventChanges,
    EventCreate,
    Interval,
    resolve_zone,
    text_matches,
)
from integrations.directory.base import Directory
from integrations.errors import (
    BackendUnavailableError,
    ConflictError,
    IntegrationError,
    NotFoundError,
    ValidationError,
)

CALENDAR_SCOPES: tuple[str, ...] = (
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.freebusy",
)
"""Least privilege for this backend: read and write events, and query free/busy."""

CredentialsFactory = Callable[[str], Credentials]
HttpFactory = Callable[[], httplib2.Http]

_ID_SEPARATOR = ":"
_MARKER_PREFIX = "deskhandWrite_"
_VIDEO_KEY = "deskhandVideoLink"
_MAX_MARKERS = 20
_UPDATE_ATTEMPTS = 3
_FREEBUSY_BATCH = 50  # freebusy.query answers at most 50 calendars per request


def event_id_for_key(idempotency_key: str) -> str:
    """A Calendar v3 event id (base32hex: a-v, 0-9; 5-1024 chars) that depends only on the idempotency key."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).digest()
    return "dh" + base64.b32hexencode(digest).decode("ascii").rstrip("=").lower()


def _marker(idempotency_key: str) -> str:
    return _MARKER_PREFIX + hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:20]


def split_event_id(event_id: str) -> tuple[str, str]:
    """``(owner person id, Google event id)`` from an id this backend handed out; NotFoundError otherwise."""
    owner, sep, google_id = event_id.rpartition(_ID_SEPARATOR)
    if not sep or not owner or not google_id:
        raise NotFoundError(f"There is no event {event_id}.")
    return owner, google_id


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_instant(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _zone_name(name: str | None, fallback: str = "UTC") -> str:
    for candidate in (name, fallback):
        if candidate:
            try:
                resolve_zone(candidate)
                return candidate
            except ValueError:
                continue
    return "UTC"


class _Duplicate(ConflictError):
    """409: an event with this id already exists."""


class _Stale(ConflictError):
    """412: the event changed since it was read (If-Match failed)."""


class _Gone(NotFoundError):
    """410: the event was deleted."""


def _http_error(exc: HttpError, email: str) -> IntegrationError:
    status = int(getattr(exc.resp, "status", 0) or 0)
    message, reason = exc.reason or "", ""
    with contextlib.suppress(ValueError, TypeError, AttributeError, IndexError):
        error = json.loads(exc.content.decode("utf-8"))["error"]
        first = (error.get("errors") or [{}])[0]
        message = error.get("message") or first.get("message") or message
        reason = first.get("reason", "")
    if status == 400:
        return ValidationError(f"Google Calendar rejected the request: {message}")
    if status == 401:
        return IntegrationError(f"Google Calendar did not accept the credentials for {email}: {message}")
    if status == 403 and reason in {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"}:
        return BackendUnavailableError(f"Google Calendar is rate limiting requests: {message}")
    if status == 403:
        return IntegrationError(f"Google Calendar does not allow this on {email}'s calendar: {message}")
    if status == 404:
        return NotFoundError(f"Google Calendar found nothing there: {message}")
    if status == 409:
        return _Duplicate(message or "already exists")
    if status == 410:
        return _Gone(message or "deleted")
    if status == 412:
        return _Stale(message or "changed since it was read")
    if status == 429 or status >= 500:
        return BackendUnavailableError(f"Google Calendar is unavailable ({status}): {message}")
    return IntegrationError(f"Google Calendar answered {status}: {message}")


class GoogleCalendarBackend:
    """Calendars in Google Workspace, one Google account per person."""

    def __init__(
        self,
        directory: Directory,
        *,
        credentials_for: CredentialsFactory | None = None,
        http_factory: HttpFactory | None = None,
        api_endpoint: str | None = None,
        num_retries: int = 3,
        send_updates: str = "all",
        freebusy_as: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        """``directory`` maps person ids to emails; ``credentials_for(email)`` gives that account's credentials
        (None: send requests unauthenticated, for fakes); ``http_factory`` makes the transport (default
        ``httplib2.Http(timeout=timeout)``); ``api_endpoint`` replaces ``https://www.googleapis.com/calendar/v3/``
        (keep the path); ``send_updates`` is Google's sendUpdates for writes (all | externalOnly | none);
        ``freebusy_as`` is whose credentials query free/busy (default: the first person asked about)."""
        self._directory = directory
        self._credentials_for = credentials_for
        self._http_factory: HttpFactory = http_factory or (lambda: httplib2.Http(timeout=timeout))
        self._num_retries = num_retries
        self._send_updates = send_updates
        self._freebusy_as = freebusy_as
        self._credentials: dict[str, Credentials] = {}
        self._emails: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self._service: Any = build(
            "calendar",
            "v3",
            http=self._http_factory(),
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": api_endpoint} if api_endpoint else None,
        )

    # -- reads -------------------------------------------------------------------------------------
    def list_events(
        self,
        calendar_id: str,
        *,
        start: datetime,
        end: datetime,
        text: str | None = None,
        attendee_id: str | None = None,
        limit: int = 500,
    ) -> list[Event]:
        """Events on the person's Google calendar overlapping [start, end), earliest first (recurring expanded)."""
        _check_range(start, end)
        if end == start or limit <= 0:
            return []
        email = self._email(calendar_id)
        found: list[Event] = []
        page: str | None = None
        page_size = 250 if (text or attendee_id) else min(max(limit, 1), 2500)
        while True:
            request = self._service.events().list(
                calendarId=email,
                timeMin=_rfc3339(start),
                timeMax=_rfc3339(end),
                singleEvents=True,
                orderBy="startTime",
                maxResults=page_size,
                pageToken=page,
            )
            response = self._execute(request, email)
            calendar_tz = response.get("timeZone")
            for raw in response.get("items", []):
                if raw.get("status") == "cancelled":
                    continue
                event = self._to_event(raw, listed_on=calendar_id, calendar_tz=calendar_tz)
                if not text_matches(text, event.title):
                    continue
                if attendee_id and attendee_id not in event.attendee_ids():
                    continue
                found.append(event)
            page = response.get("nextPageToken")
            if not page or len(found) >= limit:
                break
        found.sort(key=lambda e: (e.start, e.id))
        return found[:limit]

    def get(self, event_id: str) -> Event:
        """One live event; raises NotFoundError (also for cancelled events)."""
        owner, google_id = split_event_id(event_id)
        email = self._email(owner)
        return self._to_event(self._get_raw(email, google_id, event_id), listed_on=owner)

    def free_busy(self, person_ids: list[str], *, start: datetime, end: datetime) -> dict[str, list[Interval]]:
        """Busy intervals per person within [start, end), from freebusy.query (merged and clipped by Google)."""
        _check_range(start, end)
        result: dict[str, list[Interval]] = {pid: [] for pid in person_ids}
        if not person_ids or end == start:
            return result
        emails = {pid: self._email(pid) for pid in dict.fromkeys(person_ids)}
        asker = self._email(self._freebusy_as) if self._freebusy_as else emails[person_ids[0]]
        unique = list(dict.fromkeys(emails.values()))
        calendars: dict[str, Any] = {}
        for i in range(0, len(unique), _FREEBUSY_BATCH):
            body = {
                "timeMin": _rfc3339(start),
                "timeMax": _rfc3339(end),
                "timeZone": "UTC",
                "items": [{"id": e} for e in unique[i : i + _FREEBUSY_BATCH]],
            }
            response = self._execute(self._service.freebusy().query(body=body), asker)
            calendars.update({k.casefold(): v for k, v in (response.get("calendars") or {}).items()})
        for pid, email in emails.items():
            entry = calendars.get(email.casefold())
            if entry is None:
                raise IntegrationError(f"Google Calendar did not report free/busy for {email}.")
            if entry.get("errors"):
                reason = entry["errors"][0].get("reason", "unknown")
                raise IntegrationError(f"I can't see {email}'s free/busy on Google Calendar ({reason}).")
            spans = sorted((_parse_instant(b["start"]), _parse_instant(b["end"])) for b in entry.get("busy", []))
            merged: list[list[datetime]] = []
            for s, e in spans:
                s, e = max(s, start), min(e, end)
                if e <= s:
                    continue
                if merged and s <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], e)
                else:
                    merged.append([s, e])
            result[pid] = [Interval(start=s.astimezone(UTC), end=e.astimezone(UTC)) for s, e in merged]
        return result

    # -- writes ------------------------------------------------------------------------------------
    def create(self, calendar_id: str, data: EventCreate, *, idempotency_key: str) -> Event:
        """Insert the event on the person's calendar (they become its organiser); a repeated key returns it."""
        data = EventCreate.model_validate(data.model_dump())
        if data.organizer_id and data.organizer_id != calendar_id:
            raise ValidationError(
                "On Google Calendar the owner of the calendar is the organiser: create the event on the "
                "organiser's calendar."
            )
        email = self._email(calendar_id)
        google_id = event_id_for_key(idempotency_key)
        body = self._event_body(data)
        body["id"] = google_id
        request = self._service.events().insert(calendarId=email, body=body, sendUpdates=self._send_updates)
        try:
            raw = self._execute(request, email)
        except _Duplicate:
            # A retry of a create that already happened: answer with what is there.
            raw = self._get_raw(email, google_id, google_id, allow_cancelled=True)
            if raw.get("status") == "cancelled":
                raise NotFoundError(
                    f"The event this request created ({calendar_id}{_ID_SEPARATOR}{google_id}) has since been "
                    "cancelled."
                ) from None
        return self._to_event(raw, listed_on=calendar_id)

    def update(self, event_id: str, changes: EventChanges, *, idempotency_key: str) -> Event:
        """Patch the organiser's copy (If-Match on its etag); a repeated key returns the event unchanged."""
        owner, google_id = split_event_id(event_id)
        email = self._email(owner)
        marker = _marker(idempotency_key)
        for _ in range(_UPDATE_ATTEMPTS):
            raw = self._get_raw(email, google_id, event_id)
            private = dict((raw.get("extendedProperties") or {}).get("private") or {})
            if marker in private:
                return self._to_event(raw, listed_on=owner)
            current = self._to_event(raw, listed_on=owner)
            body = self._patch_body(current, changes)
            stamps = sorted((v, k) for k, v in private.items() if k.startswith(_MARKER_PREFIX))
            written: dict[str, str | None] = {k: None for _, k in stamps[: max(0, len(stamps) - _MAX_MARKERS + 1)]}
            written[marker] = datetime.now(UTC).isoformat()
            body.setdefault("extendedProperties", {}).setdefault("private", {}).update(written)
            request = self._service.events().patch(
                calendarId=email, eventId=google_id, body=body, sendUpdates=self._send_updates
            )
            if raw.get("etag"):
                request.headers["If-Match"] = raw["etag"]
            try:
                raw = self._execute(request, email)
            except _Stale:
                continue
            except NotFoundError as exc:
                raise NotFoundError(f"There is no event {event_id}.") from exc
            return self._to_event(raw, listed_on=owner)
        raise ConflictError(f"Event {event_id} kept changing while I tried to update it; please try again.")

    def delete(self, event_id: str, *, idempotency_key: str) -> None:
        """Delete the organiser's copy; deleting an event that is already gone (410) is a no-op."""
        owner, google_id = split_event_id(event_id)
        email = self._email(owner)
        request = self._service.events().delete(calendarId=email, eventId=google_id, sendUpdates=self._send_updates)
        try:
            self._execute(request, email)
        except _Gone:
            return
        except NotFoundError as exc:
            raise NotFoundError(f"There is no event {event_id}.") from exc

    # -- plumbing ----------------------------------------------------------------------------------
    def _execute(self, request: Any, email: str) -> dict[str, Any]:
        try:
            response = request.execute(http=self._http(email), num_retries=self._num_retries)
        except HttpError as exc:
            raise _http_error(exc, email) from exc
        except RefreshError as exc:
            raise IntegrationError(
                f"Google did not accept the stored sign-in for {email} ({exc}); they may need to reconnect."
            ) from exc
        except (TransportError, httplib2.HttpLib2Error, OSError) as exc:
            raise BackendUnavailableError(f"Google Calendar could not be reached: {exc}") from exc
        return response if isinstance(response, dict) else {}

    def _http(self, email: str) -> httplib2.Http | AuthorizedHttp:
        base = self._http_factory()
        if self._credentials_for is None:
            return base
        with self._lock:
            credentials = self._credentials.get(email)
            if credentials is None:
                credentials = self._credentials[email] = self._credentials_for(email)
        return AuthorizedHttp(credentials, http=base)

    def _get_raw(self, email: str, google_id: str, shown_id: str, *, allow_cancelled: bool = False) -> dict[str, Any]:
        request = self._service.events().get(calendarId=email, eventId=google_id)
        try:
            raw = self._execute(request, email)
        except NotFoundError as exc:
            raise NotFoundError(f"There is no event {shown_id}.") from exc
        if raw.get("status") == "cancelled" and not allow_cancelled:
            raise NotFoundError(f"There is no event {shown_id}.")
        return raw

    def _email(self, person_id: str) -> str:
        person = self._directory.get(person_id)
        if person is not None and person.email:
            return person.email
        if "@" in person_id:
            return person_id
        raise NotFoundError(f"I don't know a Google account for {person_id}.")

    def _person_for_email(self, email: str) -> str | None:
        key = email.casefold()
        with self._lock:
            if key in self._emails:
                return self._emails[key]
        found = next((p.id for p in self._directory.lookup(email) if p.email.casefold() == key), None)
        with self._lock:
            self._emails[key] = found
        return found

    def _attendee_body(self, attendee: Attendee) -> dict[str, Any]:
        email = attendee.email
        if not email and attendee.person_id:
            person = self._directory.get(attendee.person_id)
            email = person.email if person else ""
        if not email:
            raise ValidationError(f"I don't have an email address for {attendee.name or attendee.person_id}.")
        body: dict[str, Any] = {"email": email, "responseStatus": attendee.response}
        if attendee.name:
            body["displayName"] = attendee.name
        return body

    def _event_body(self, data: EventCreate) -> dict[str, Any]:
        zone = resolve_zone(data.tz)
        body: dict[str, Any] = {
            "summary": data.title,
            "description": data.description,
            "location": data.location,
            "start": {"dateTime": data.start.astimezone(zone).isoformat(), "timeZone": data.tz},
            "end": {"dateTime": data.end.astimezone(zone).isoformat(), "timeZone": data.tz},
            "attendees": [self._attendee_body(a) for a in data.attendees],
        }
        if data.video_link:
            body["extendedProperties"] = {"private": {_VIDEO_KEY: data.video_link}}
        return body

    def _patch_body(self, current: Event, changes: EventChanges) -> dict[str, Any]:
        start, end = current.start, current.end
        if changes.start is not None and changes.end is None:
            start, end = changes.start, changes.start + (end - start)
        elif changes.start is not None and changes.end is not None:
            start, end = changes.start, changes.end
        elif changes.end is not None:
            end = changes.end
        if end <= start:
            raise ValidationError("An event must end after it starts.")
        body: dict[str, Any] = {}
        tz = changes.tz or current.tz
        if changes.start is not None or changes.end is not None or changes.tz is not None:
            zone = resolve_zone(tz)
            body["start"] = {"dateTime": start.astimezone(zone).isoformat(), "timeZone": tz}
            body["end"] = {"dateTime": end.astimezone(zone).isoformat(), "timeZone": tz}
        if changes.title is not None:
            body["summary"] = changes.title
        if changes.description is not None:
            body["description"] = changes.description
        if changes.location is not None:
            body["location"] = changes.location
        if changes.attendees is not None:
            body["attendees"] = [self._attendee_body(a) for a in changes.attendees]
        if changes.video_link is not None:
            body["extendedProperties"] = {"private": {_VIDEO_KEY: changes.video_link}}
        return body

    def _to_event(self, raw: dict[str, Any], *, listed_on: str, calendar_tz: str | None = None) -> Event:
        organizer_email = (raw.get("organizer") or {}).get("email", "")
        organizer_id = self._person_for_email(organizer_email) if organizer_email else None
        owner = organizer_id or listed_on
        start_raw, end_raw = raw.get("start") or {}, raw.get("end") or {}
        tz = _zone_name(start_raw.get("timeZone"), calendar_tz or "UTC")
        zone = resolve_zone(tz)
        attendees = [
            Attendee(
                person_id=self._person_for_email(a.get("email", "")) if a.get("email") else None,
                email=a.get("email", ""),
                name=a.get("displayName", ""),
                response=a.get("responseStatus", "needsAction"),
            )
            for a in raw.get("attendees") or []
            if not a.get("resource") and not (a.get("organizer") and a.get("email") == organizer_email)
        ]
        private = (raw.get("extendedProperties") or {}).get("private") or {}
        video = private.get(_VIDEO_KEY) or raw.get("hangoutLink") or ""
        if not video:
            entry_points = (raw.get("conferenceData") or {}).get("entryPoints") or []
            video = next((p.get("uri", "") for p in entry_points if p.get("entryPointType") == "video"), "")
        now = datetime.now(UTC)
        return Event(
            id=f"{owner}{_ID_SEPARATOR}{raw['id']}",
            calendar_id=owner,
            title=(raw.get("summary") or "").strip() or "(no title)",
            start=_event_time(start_raw, zone),
            end=_event_time(end_raw, zone),
            tz=tz,
            organizer_id=organizer_id,
            attendees=attendees,
            location=raw.get("location", ""),
            video_link=video,
            description=raw.get("description", ""),
            version=_version(raw),
            created_at=_parse_instant(raw["created"]) if raw.get("created") else now,
            updated_at=_parse_instant(raw["updated"]) if raw.get("updated") else now,
            url=raw.get("htmlLink", ""),
        )


def _check_range(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError("Search times must carry a time zone.")
    if end < start:
        raise ValidationError("The end of the range is before its start.")


def _event_time(raw: dict[str, Any], zone: Any) -> datetime:
    if raw.get("dateTime"):
        return _parse_instant(raw["dateTime"]).astimezone(zone)
    if raw.get("date"):
        # An all-day event: midnight to midnight in the event's zone.
        return datetime.combine(date.fromisoformat(raw["date"]), time(0), tzinfo=zone)
    raise IntegrationError("Google Calendar returned an event without a start or end time.")


def _version(raw: dict[str, Any]) -> int:
    """Changes whenever the event does: Google's etag (a quoted number) when it is one, else a checksum."""
    etag = str(raw.get("etag", "")).strip('"')
    if etag.isdigit():
        return int(etag)
    if etag:
        return zlib.crc32(etag.encode("utf-8"))
    return int(raw.get("sequence", 0)) + 1
