"""Calendar backends for the contract tests: the local one on SQLite, and Google's against the loopback fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from google.oauth2.credentials import Credentials

from integrations.calendar.base import CalendarBackend
from integrations.calendar.google import GoogleCalendarBackend
from integrations.calendar.local import LocalCalendarBackend
from integrations.db import open_database
from integrations.demo_company import load_demo_company
from integrations.directory.base import StaticDirectory
from tests.integrations.fake_google_calendar import FakeGoogleCalendar, RunningFake, serve_fake_google_calendar

MAYA, DIEGO, PRIYA, TOM, HANA, SAM = (
    "U0MAYA0001",
    "U0DIEGO002",
    "U0PRIYA003",
    "U0TOMB0004",
    "U0HANA0005",
    "U0SAMW0006",
)


@pytest.fixture(scope="session")
def directory() -> StaticDirectory:
    """The demo company's people (ids, emails, zones)."""
    return load_demo_company().directory()


@pytest.fixture(scope="session")
def google_server() -> Iterator[RunningFake]:
    """One fake Google Calendar server for the session; each test resets its state."""
    running = serve_fake_google_calendar(FakeGoogleCalendar())
    yield running
    running.stop()


@pytest.fixture
def fake_google(google_server: RunningFake, directory: StaticDirectory) -> RunningFake:
    """The fake, emptied, knowing the demo accounts, with per-user bearer tokens enforced."""
    emails = {p.email for p in directory.everyone()}
    google_server.fake.reset(known_calendars=emails)
    google_server.fake.tokens.update({f"token-{e}": e for e in emails})
    google_server.fake.require_auth = True
    return google_server


def per_user_credentials(email: str) -> Credentials:
    """Stand-in for a stored OAuth grant: a bearer token the fake maps back to ``email``."""
    return Credentials(token=f"token-{email}")


@pytest.fixture
def google_backend(fake_google: RunningFake, directory: StaticDirectory) -> GoogleCalendarBackend:
    """The Google backend pointed at the fake, one credential per person."""
    return GoogleCalendarBackend(
        directory, credentials_for=per_user_credentials, api_endpoint=fake_google.api_endpoint, num_retries=0
    )


@pytest.fixture
def local_backend() -> LocalCalendarBackend:
    """The local backend on a private in-memory database."""
    return LocalCalendarBackend(open_database(None))


@pytest.fixture(params=["local", "google"])
def calendar(request: pytest.FixtureRequest) -> CalendarBackend:
    """Each contract test runs against both backends."""
    name = "local_backend" if request.param == "local" else "google_backend"
    backend: CalendarBackend = request.getfixturevalue(name)
    return backend
