"""Credentials factories for ``GoogleCalendarBackend``: ``email -> google.auth.credentials.Credentials``.

Two ways to act on a person's Google calendar (README.md explains how to set each one up):

* per-user OAuth: each person granted deskhand access once; their refresh token sits in the app database
  (``google_oauth_tokens``) and refreshed access tokens are written back;
* a service account with domain-wide delegation: a Workspace admin allowed the service account's client id
  the calendar scopes, and deskhand impersonates each person (``with_subject(email)``).

Neither talks to Google until a request needs a token.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from google.auth.credentials import Credentials
from google.auth.transport import Request
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from integrations.calendar.google import CALENDAR_SCOPES
from integrations.calendar.tokens import GoogleTokenStore
from integrations.db import as_utc
from integrations.errors import IntegrationError


class NotConnectedError(IntegrationError):
    """The person has not granted deskhand access to their Google calendar yet."""


class StoredUserCredentials(user_credentials.Credentials):
    """User OAuth credentials that write each refreshed access token back to the token store."""

    def __init__(self, *args: Any, store: GoogleTokenStore | None = None, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deskhand_store = store
        self._deskhand_email = email

    def refresh(self, request: Request) -> None:
        """Refresh as usual, then persist the new access token so other workers reuse it."""
        super().refresh(request)
        if self._deskhand_store is not None and self.token:
            self._deskhand_store.update_access_token(self._deskhand_email, access_token=self.token, expiry=self.expiry)


def user_oauth_credentials(
    store: GoogleTokenStore,
    *,
    client_id: str,
    client_secret: str,
    scopes: Sequence[str] = CALENDAR_SCOPES,
) -> Callable[[str], Credentials]:
    """A factory giving each person's stored OAuth grant; NotConnectedError for someone with no grant."""

    def credentials_for(email: str) -> Credentials:
        row = store.load(email)
        if row is None:
            raise NotConnectedError(f"{email} has not connected their Google calendar to deskhand yet.")
        # google-auth compares expiry with a naive UTC clock.
        expiry = as_utc(row.expiry).replace(tzinfo=None) if row.expiry else None
        return StoredUserCredentials(
            row.access_token,
            refresh_token=row.refresh_token,
            token_uri=row.token_uri,
            client_id=client_id,
            client_secret=client_secret,
            scopes=list(row.scopes or scopes),
            expiry=expiry,
            store=store,
            email=row.email,
        )

    return credentials_for


def service_account_credentials(
    key: Mapping[str, Any] | str | Path,
    *,
    scopes: Sequence[str] = CALENDAR_SCOPES,
) -> Callable[[str], Credentials]:
    """A factory impersonating each person with a domain-wide-delegated service account.

    ``key`` is the service account's JSON key, parsed or as a file path.
    """
    if isinstance(key, (str, Path)):
        base = service_account.Credentials.from_service_account_file(str(key), scopes=list(scopes))
    else:
        base = service_account.Credentials.from_service_account_info(dict(key), scopes=list(scopes))

    def credentials_for(email: str) -> Credentials:
        return base.with_subject(email)

    return credentials_for
