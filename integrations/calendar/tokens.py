"""Per-user Google OAuth tokens, kept in the app database (one row per Google account).

Only the table and plain reads and writes live here, so opening the database never imports the Google client
libraries; ``integrations.calendar.google_auth`` turns a row into ``google.auth`` credentials.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Engine
from sqlmodel import Field, Session, SQLModel

from integrations.db import as_utc, session_scope, utcnow

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 (an endpoint, not a secret)


class GoogleTokenRow(SQLModel, table=True):
    """A person's Google OAuth grant: the refresh token is what matters, the access token is a cache."""

    __tablename__ = "google_oauth_tokens"
    email: str = Field(primary_key=True)
    refresh_token: str
    access_token: str | None = None
    expiry: datetime | None = None
    """When ``access_token`` stops working (UTC)."""
    token_uri: str = GOOGLE_TOKEN_URI
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime


class GoogleTokenStore:
    """Read and write stored grants, keyed by the (case-folded) email of the Google account."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save(
        self,
        email: str,
        *,
        refresh_token: str,
        access_token: str | None = None,
        expiry: datetime | None = None,
        scopes: list[str] | tuple[str, ...] = (),
        token_uri: str = GOOGLE_TOKEN_URI,
    ) -> None:
        """Store (or replace) a person's grant, e.g. at the end of the OAuth consent flow."""
        if not refresh_token:
            raise ValueError("a refresh token is required to act for a person later")
        with session_scope(self._engine) as session:
            session.merge(
                GoogleTokenRow(
                    email=email.casefold(),
                    refresh_token=refresh_token,
                    access_token=access_token,
                    expiry=as_utc(expiry) if expiry else None,
                    token_uri=token_uri,
                    scopes=list(scopes),
                    updated_at=utcnow(),
                )
            )

    def update_access_token(self, email: str, *, access_token: str, expiry: datetime | None) -> None:
        """Remember a refreshed access token so other processes do not refresh again."""
        with session_scope(self._engine) as session:
            row = session.get(GoogleTokenRow, email.casefold())
            if row is None:
                return
            row.access_token = access_token
            row.expiry = as_utc(expiry) if expiry else None
            row.updated_at = utcnow()
            session.add(row)

    def load(self, email: str) -> GoogleTokenRow | None:
        """The stored grant for ``email``, or None if that person has not connected their calendar."""
        with Session(self._engine) as session:
            row = session.get(GoogleTokenRow, email.casefold())
            if row is not None:
                session.expunge(row)
            return row

    def delete(self, email: str) -> bool:
        """Forget a grant (the person disconnected); True if there was one."""
        with session_scope(self._engine) as session:
            row = session.get(GoogleTokenRow, email.casefold())
            if row is None:
                return False
            session.delete(row)
            return True
