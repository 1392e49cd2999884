"""Delivery bookkeeping: which Slack events were already handled, and which threads deskhand is part of.

Slack retries an event when it does not see a 200 in time; these tables make a retry a no-op even after a
restart, and let the bot answer replies in its own threads without answering every channel message.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col

from integrations.db import session_scope, utcnow


class ProcessedEventRow(SQLModel, table=True):
    """A Slack delivery that has been accepted for processing."""

    __tablename__ = "processed_events"
    key: str = Field(primary_key=True)
    received_at: datetime = Field(index=True)


class ConversationRow(SQLModel, table=True):
    """A Slack thread deskhand has taken part in."""

    __tablename__ = "conversations"
    thread_id: str = Field(primary_key=True)
    team_id: str
    channel_id: str
    thread_ts: str
    started_by: str | None = None
    created_at: datetime


class EventLedger:
    """Remembers processed event keys; ``first_time`` is an atomic insert-if-absent."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def first_time(self, *keys: str) -> bool:
        """True exactly once for a delivery: when none of ``keys`` was seen before (all are then recorded)."""
        now = utcnow()
        try:
            with session_scope(self._engine) as session:
                for key in keys:
                    session.add(ProcessedEventRow(key=key, received_at=now))
                session.flush()
        except IntegrityError:
            return False
        return True

    def prune(self, older_than: timedelta) -> int:
        """Forget keys older than Slack's retry window could ever resend; returns how many went."""
        with session_scope(self._engine) as session:
            result = session.execute(
                delete(ProcessedEventRow).where(col(ProcessedEventRow.received_at) < utcnow() - older_than)
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
