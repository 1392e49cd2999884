"""A local fake of the Google Calendar v3 REST API on loopback (Starlette served by uvicorn in a thread).

Implements what deskhand calls, with Google's JSON shapes and error bodies:

* ``GET    /calendar/v3/calendars/{calendarId}/events``            events.list (timeMin/timeMax/q/pages/...)
* ``POST   /calendar/v3/calendars/{calendarId}/events``            events.insert (client ids; 409 duplicate)
* ``GET    /calendar/v3/calendars/{calendarId}/events/{eventId}``  events.get (deleted → status "cancelled")
* ``PATCH  /calendar/v3/calendars/{calendarId}/events/{eventId}``  events.patch (merge, null deletes, If-Match)
* ``DELETE /calendar/v3/calendars/{calendarId}/events/{eventId}``  events.delete (404 unknown, 410 deleted)
* ``POST   /calendar/v3/freeBusy``                                 freebusy.query (merged busy; notFound errors)
* ``POST   /token``                                                an OAuth token endpoint (refresh and JWT grants)

One stored event is shared by its organiser's calendar and its attendees' calendars (as Google does within a
domain); only the organiser's calendar can change or delete it. ``tokens`` maps bearer tokens to the account
they belong to; when ``require_auth`` is set, a request for someone else's calendar gets 404 like Google's.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_ID = re.compile(r"^[a-v0-9]{5,1024}$")


def google_error(status: int, reason: str, message: str, *, domain: str = "global") -> JSONResponse:
    """An error response shaped like Google's."""
    return JSONResponse(
        {
            "error": {
                "errors": [{"domain": domain, "reason": reason, "message": message}],
                "code": status,
                "message": message,
            }
        },
        status_code=status,
    )


def _parse(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _when(obj: dict[str, Any]) -> datetime:
    if obj.get("dateTime"):
        return _parse(obj["dateTime"])
    return datetime.combine(
        date.fromisoformat(obj["date"]), datetime.min.time(), tzinfo=ZoneInfo(obj.get("timeZone") or "UTC")
    )


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """Google patch semantics: objects merge recursively, arrays and scalars replace, null deletes."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_patch(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


@dataclass
class FakeGoogleCalendar:
    """The fake's state; inspect ``events`` and ``requests`` in tests."""

    known_calendars: set[str] = field(default_factory=set)
    """Accounts that exist (free/busy answers notFound for others); organisers are added as they appear."""
    tokens: dict[str, str] = field(default_factory=dict)
    """Bearer token → account email."""
    require_auth: bool = False
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    """Status codes to answer the next requests with (e.g. [503])."""
    _etags: itertools.count[int] = field(default_factory=lambda: itertools.count(3181161784712000, 1000))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self, *, known_calendars: set[str] | None = None) -> None:
        """Forget every event, request, token and injected failure (between tests)."""
        with self._lock:
            self.events.clear()
            self.requests.clear()
            self.tokens.clear()
            self.fail_next.clear()
            self.require_auth = False
            self.known_calendars = {c.casefold() for c in (known_calendars or set())}

    # -- helpers -------------------------------------------------------------------------------------
    def _who(self, request: Request) -> str | None:
        auth = request.headers.get("authorization", "")
        return self.tokens.get(auth.removeprefix("Bearer ").strip()) if auth.startswith("Bearer ") else None

    def _visible(self, event: dict[str, Any], calendar: str) -> bool:
        cal = calendar.casefold()
        if event["organizer"]["email"].casefold() == cal:
            return True
        return any(a.get("email", "").casefold() == cal for a in event.get("attendees", []))

    def _public(self, event: dict[str, Any]) -> dict[str, Any]:
        if event.get("status") == "cancelled":
            return {"kind": "calendar#event", "etag": event["etag"], "id": event["id"], "status": "cancelled"}
        return copy.deepcopy(event)

    def _guard(self, request: Request, calendar: str) -> JSONResponse | None:
        auth = request.headers.get("authorization", "")
        self.requests.append(
            {"method": request.method, "path": request.url.path, "calendar": calendar, "authorization": auth}
        )
        if self.fail_next:
            status = self.fail_next.pop(0)
            return google_error(status, "backendError" if status >= 500 else "failed", "Injected failure")
        if self.require_auth:
            who = self._who(request)
            if who is None:
                return google_error(401, "authError", "Request had invalid authentication credentials.")
            if calendar and calendar.casefold() != who.casefold():
                return google_error(404, "notFound", "Not Found")
        return None

    # -- handlers ------------------------------------------------------------------------------------
    async def list_events(self, request: Request) -> Response:
        calendar = request.path_params["calendarId"]
        refused = self._guard(request, calendar)
        if refused:
            return refused
        q = request.query_params
        if q.get("orderBy") == "startTime" and q.get("singleEvents") not in ("true", "True"):
            return google_error(400, "badRequest", "The requested ordering is not available for the particular query.")
        lo = _parse(q["timeMin"]) if q.get("timeMin") else None
        hi = _parse(q["timeMax"]) if q.get("timeMax") else None
        if lo and hi and hi <= lo:
            return google_error(400, "timeRangeEmpty", "The specified time range is empty.", domain="calendar")
        show_deleted = q.get("showDeleted") in ("true", "True")
        text = (q.get("q") or "").casefold().split()
        max_results = min(int(q.get("maxResults") or 250), 2500)
        offset = int(q.get("pageToken") or 0)
        with self._lock:
            found = []
            for event in self.events.values():
                if not self._visible(event, calendar):
                    continue
                if event.get("status") == "cancelled" and not show_deleted:
                    continue
                start, end = _when(event["start"]), _when(event["end"])
                if (lo and end <= lo) or (hi and start >= hi):
                    continue
                haystack = " ".join(
                    [event.get("summary", ""), event.get("description", ""), event.get("location", "")]
                    + [a.get("email", "") + " " + a.get("displayName", "") for a in event.get("attendees", [])]
                ).casefold()
                if text and not all(word in haystack for word in text):
                    continue
                found.append(event)
            found.sort(key=lambda e: (_when(e["start"]), e["id"]))
            page = [self._public(e) for e in found[offset : offset + max_results]]
        body: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": f'"{next(self._etags)}"',
            "summary": calendar,
            "updated": _stamp(datetime.now(UTC)),
            "timeZone": "UTC",
            "accessRole": "owner",
            "items": page,
        }
        if offset + max_results < len(found):
            body["nextPageToken"] = str(offset + max_results)
        return JSONResponse(body)

    async def insert_event(self, request: Request) -> Response:
        calendar = request.path_params["calendarId"]
        refused = self._guard(request, calendar)
        if refused:
            return refused
        body = await request.json()
        event_id = body.get("id") or f"fake{next(self._etags):x}"
        if not _ID.match(event_id):
            return google_error(400, "invalid", "Invalid resource id value.")
        for part in ("start", "end"):
            if not isinstance(body.get(part), dict) or not (body[part].get("dateTime") or body[part].get("date")):
                return google_error(400, "required", "Missing end time." if part == "end" else "Missing start time.")
        if _when(body["end"]) < _when(body["start"]):
            return google_error(400, "timeRangeEmpty", "The specified time range is empty.", domain="calendar")
        with self._lock:
            if event_id in self.events:
                return google_error(409, "duplicate", "The requested identifier already exists.")
            now = datetime.now(UTC)
            event = copy.deepcopy(body)
            event.update(
                {
                    "kind": "calendar#event",
                    "id": event_id,
                    "etag": f'"{next(self._etags)}"',
                    "status": "confirmed",
                    "htmlLink": f"https://calendar.google.com/calendar/event?eid={event_id}",
                    "created": _stamp(now),
                    "updated": _stamp(now),
                    "creator": {"email": calendar},
                    "organizer": {"email": calendar, "self": True},
                    "iCalUID": f"{event_id}@google.com",
                    "sequence": 0,
                    "reminders": {"useDefault": True},
                    "eventType": "default",
                }
            )
            self.events[event_id] = event
            self.known_calendars.add(calendar.casefold())
            return JSONResponse(self._public(event))

    async def get_event(self, request: Request) -> Response:
        calendar, event_id = request.path_params["calendarId"], request.path_params["eventId"]
        refused = self._guard(request, calendar)
        if refused:
            return refused
        with self._lock:
            event = self.events.get(event_id)
            if event is None or not self._visible(event, calendar):
                return google_error(404, "notFound", "Not Found")
            return JSONResponse(self._public(event))

    async def patch_event(self, request: Request) -> Response:
        calendar, event_id = request.path_params["calendarId"], request.path_params["eventId"]
        refused = self._guard(request, calendar)
        if refused:
            return refused
        patch = await request.json()
        with self._lock:
            event = self.events.get(event_id)
            if event is None or not self._visible(event, calendar):
                return google_error(404, "notFound", "Not Found")
            if event.get("status") == "cancelled":
                return google_error(410, "deleted", "Resource has been deleted")
            if event["organizer"]["email"].casefold() != calendar.casefold():
                return google_error(
                    403, "forbiddenForNonOrganizer", "The operation can only be performed by the organizer."
                )
            if_match = request.headers.get("if-match")
            if if_match and if_match != event["etag"]:
                return google_error(412, "conditionNotMet", "Precondition Failed")
            updated = copy.deepcopy(event)
            _merge_patch(updated, {k: v for k, v in patch.items() if k not in ("id", "organizer", "creator", "etag")})
            if _when(updated["end"]) < _when(updated["start"]):
                return google_error(400, "timeRangeEmpty", "The specified time range is empty.", domain="calendar")
            updated["etag"] = f'"{next(self._etags)}"'
            updated["updated"] = _stamp(datetime.now(UTC))
            updated["sequence"] = int(updated.get("sequence", 0)) + 1
            self.events[event_id] = updated
            return JSONResponse(self._public(updated))

    async def delete_event(self, request: Request) -> Response:
        calendar, event_id = request.path_params["calendarId"], request.path_params["eventId"]
        refused = self._guard(request, calendar)
        if refused:
            return refused
        with self._lock:
            event = self.events.get(event_id)
            if event is None or not self._visible(event, calendar):
                return google_error(404, "notFound", "Not Found")
            if event.get("status") == "cancelled":
                return google_error(410, "deleted", "Resource has been deleted")
            if event["organizer"]["email"].casefold() != calendar.casefold():
                return google_error(
                    403, "forbiddenForNonOrganizer", "The operation can only be performed by the organizer."
                )
            event["status"] = "cancelled"
            event["etag"] = f'"{next(self._etags)}"'
            event["updated"] = _stamp(datetime.now(UTC))
            return Response(status_code=204)

    async def free_busy(self, request: Request) -> Response:
        refused = self._guard(request, "")
        if refused:
            return refused
        body = await request.json()
        lo, hi = _parse(body["timeMin"]), _parse(body["timeMax"])
        if hi <= lo:
            return google_error(400, "timeRangeEmpty", "The specified time range is empty.", domain="calendar")
        items = body.get("items") or []
        if len(items) > 50:
            return google_error(400, "tooManyCalendarsRequested", "Too many calendars requested.", domain="calendar")
        calendars: dict[str, Any] = {}
        with self._lock:
            for item in items:
                cal = item["id"]
                if cal.casefold() not in self.known_calendars:
                    calendars[cal] = {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
                    continue
                spans = []
                for event in self.events.values():
                    if event.get("status") == "cancelled" or event.get("transparency") == "transparent":
                        continue
                    if not self._visible(event, cal):
                        continue
                    declined = any(
                        a.get("email", "").casefold() == cal.casefold() and a.get("responseStatus") == "declined"
                        for a in event.get("attendees", [])
                    )
                    if declined:
                        continue
                    s, e = max(_when(event["start"]), lo), min(_when(event["end"]), hi)
                    if s < e:
                        spans.append((s, e))
                merged: list[list[datetime]] = []
                for s, e in sorted(spans):
                    if merged and s <= merged[-1][1]:
                        merged[-1][1] = max(merged[-1][1], e)
                    else:
                        merged.append([s, e])
                calendars[cal] = {"busy": [{"start": _stamp(s), "end": _stamp(e)} for s, e in merged]}
        return JSONResponse(
            {"kind": "calendar#freeBusy", "timeMin": _stamp(lo), "timeMax": _stamp(hi), "calendars": calendars}
        )

    async def token(self, request: Request) -> Response:
        """OAuth token endpoint: refresh_token grants and service-account JWT bearer grants."""
        form = parse_qs((await request.body()).decode("utf-8"))
        grant = (form.get("grant_type") or [""])[0]
        if grant == "refresh_token":
            refresh = (form.get("refresh_token") or [""])[0]
            if not refresh.startswith("refresh-"):
                return JSONResponse({"error": "invalid_grant", "error_description": "Token has been revoked."}, 400)
            email = refresh.removeprefix("refresh-")
        elif grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            assertion = (form.get("assertion") or [""])[0]
            claims_part = assertion.split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(claims_part + "=" * (-len(claims_part) % 4)))
            email = claims.get("sub") or claims.get("iss")
        else:
            return JSONResponse({"error": "unsupported_grant_type"}, 400)
        access = f"access-{email}-{next(self._etags)}"
        self.tokens[access] = email
        self.requests.append({"method": "POST", "path": "/token", "calendar": email, "grant": grant})
        return JSONResponse({"access_token": access, "expires_in": 3600, "token_type": "Bearer"})

    def app(self) -> Starlette:
        """The ASGI app."""
        base = "/calendar/v3/calendars/{calendarId}/events"
        return Starlette(
            routes=[
                Route(base, self.list_events, methods=["GET"]),
                Route(base, self.insert_event, methods=["POST"]),
                Route(base + "/{eventId}", self.get_event, methods=["GET"]),
                Route(base + "/{eventId}", self.patch_event, methods=["PATCH"]),
                Route(base + "/{eventId}", self.delete_event, methods=["DELETE"]),
                Route("/calendar/v3/freeBusy", self.free_busy, methods=["POST"]),
                Route("/token", self.token, methods=["POST"]),
            ]
        )


@dataclass
class RunningFake:
    """The fake, served from a thread on a loopback port."""

    fake: FakeGoogleCalendar
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def api_endpoint(self) -> str:
        """What ``GoogleCalendarBackend(api_endpoint=...)`` needs (the path included)."""
        return f"{self.base_url}/calendar/v3/"

    @property
    def token_uri(self) -> str:
        """The fake OAuth token endpoint."""
        return f"{self.base_url}/token"

    def stop(self) -> None:
        """Shut the server down."""
        self.server.should_exit = True
        self.thread.join(timeout=5)


def serve_fake_google_calendar(fake: FakeGoogleCalendar) -> RunningFake:
    """Start the fake on a free loopback port."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(fake.app(), log_level="warning", access_log=False))
    thread = threading.Thread(target=lambda: server.run(sockets=[sock]), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    if not server.started:
        raise RuntimeError("the fake Google Calendar server did not start")
    return RunningFake(fake=fake, base_url=f"http://127.0.0.1:{port}", server=server, thread=thread)


__all__ = ["FakeGoogleCalendar", "RunningFake", "google_error", "serve_fake_google_calendar"]
