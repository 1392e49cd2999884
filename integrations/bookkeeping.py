"""Delivery bookkeeping: which Slack events were already handled, and which threads deskhand is part of.

Slack retries an event when it does not see a 200 in time; these tables make a retry a no-op even after a
restart, and let the bot answer replies in its own threads without answering every channel message.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, Engine, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from integrations.db import session_scope, utcnow


class ProcessedEventRow(SQLModel, table=True):
    """A Slack delivery that has been accepted for processing."""

    __tablename__ = "processed_events"
    key: str = Field(primary_key=True)
    received_at: datetime = Field(index=True)


class InboxRow(SQLModel, table=True):
    """Work accepted from Slack and not yet finished: survives a crash between the ack and the turn."""

    __tablename__ = "inbox"
    key: str = Field(primary_key=True)
    kind: str
    thread_key: str
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="queued", index=True)
    attempts: int = 0
    received_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


class ConversationRow(SQLModel, table=True):
    """A Slack thread deskhand has taken part in."""

    __tablename__ = "conversations"
    thread_id: str = Field(primary_key=True)
    team_id: str
    channel_id: str
    thread_ts: str
    started_by: str | None = None
    created_at: datetime


class Inbox:
    """Accepted Slack work. ``accept`` de-duplicates (every alias key is remembered) and persists the job."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def accept(self, keys: list[str], *, kind: str, thread_key: str, payload: dict[str, Any]) -> bool:
        """Store a job under ``keys[0]``; False (and nothing stored) if any key was seen before."""
        now = utcnow()
        try:
            with session_scope(self._engine) as session:
                for key in keys:
                    session.add(ProcessedEventRow(key=key, received_at=now))
                session.add(InboxRow(key=keys[0], kind=kind, thread_key=thread_key, payload=payload, received_at=now))
                session.flush()
        except IntegrityError:
            return False
        return True

    def start(self, key: str) -> InboxRow | None:
        """Claim a queued job for running; None if it is not queued (already taken or finished)."""
        with session_scope(self._engine) as session:
            result = session.execute(
                update(InboxRow)
                .where(col(InboxRow.key) == key, col(InboxRow.status) == "queued")
                .values(status="running", started_at=utcnow(), attempts=InboxRow.attempts + 1)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                return None
            return session.get(InboxRow, key)

    def finish(self, key: str, *, ok: bool) -> None:
        """Mark a job done (or failed: it was answered with an error message)."""
        with session_scope(self._engine) as session:
            session.execute(
                update(InboxRow)
                .where(col(InboxRow.key) == key)
                .values(status="done" if ok else "failed", finished_at=utcnow())
            )

    def in_status(self, status: str, *, limit: int = 500) -> list[InboxRow]:
        """Jobs in a status, oldest first (start-up replays queued ones)."""
        with Session(self._engine) as session:
            rows = session.exec(
                select(InboxRow).where(InboxRow.status == status).order_by(col(InboxRow.received_at)).limit(limit)
            ).all()
            return list(rows)

    def abandon(self, key: str) -> bool:
        """running → failed, for a job whose process died mid-turn; True if this call did it."""
        with session_scope(self._engine) as session:
            result = session.execute(
                update(InboxRow)
                .where(col(InboxRow.key) == key, col(InboxRow.status) == "running")
                .values(status="failed", finished_at=utcnow())
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def prune(self, older_than: timedelta) -> int:
        """Forget finished jobs older than ``older_than``."""
        with session_scope(self._engine) as session:
            result = session.execute(
                delete(InboxRow).where(
                    col(InboxRow.status).in_(("done", "failed")), col(InboxRow.received_at) < utcnow() - older_than
                )
            )
            return int(result.rowcount)  # type: ignore[attr-defined]


class ConversationRegistry:
    """Which Slack threads deskhand has joined."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def join(self, *, thread_id: str, team_id: str, channel_id: str, thread_ts: str, user_id: str | None) -> None:
        """Record that deskhand is part of this thread (idempotent)."""
        try:
            with session_scope(self._engine) as session:
                session.add(
                    ConversationRow(
                        thread_id=thread_id,
                        team_id=team_id,
                        channel_id=channel_id,
                        thread_ts=thread_ts,
                        started_by=user_id,
                        created_at=utcnow(),
                    )
                )
        except IntegrityError:
            pass

    def is_member(self, thread_id: str) -> bool:
        """True when deskhand has already taken part in this thread."""
        with Session(self._engine) as session:
            return session.get(ConversationRow, thread_id) is not None
