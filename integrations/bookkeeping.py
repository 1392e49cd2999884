"""Delivery bookkeeping: which Slack events were already handled, and which threads deskhand is part of.

Slack retries an event when it does not see a 200 in time; these tables make a retry a no-op even after a
restart, and let the bot answer replies in its own threads without answering every channel message.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, Engine, delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from integrations.db import create_sqlite_engine, session_scope, utcnow


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


INBOX_TABLES = ("processed_events", "inbox")
_INSERT_SEEN = "INSERT INTO processed_events (key, received_at) VALUES (?, ?)"
_INSERT_JOB = (
    "INSERT INTO inbox (key, kind, thread_key, payload, status, attempts, received_at)"
    " VALUES (?, ?, ?, ?, 'queued', 0, ?)"
)


def open_inbox_database(path: Path | None) -> Engine:
    """The inbox's own SQLite file: the process that acks Slack writes here, and only here, so its writes
    never queue behind the workers' checkpoint and ticket transactions."""
    engine = create_sqlite_engine(path)
    SQLModel.metadata.create_all(engine, tables=[SQLModel.metadata.tables[name] for name in INBOX_TABLES])
    return engine


class Inbox:
    """Accepted Slack work. ``accept`` de-duplicates (every alias key is remembered) and persists the job."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def accept(self, keys: list[str], *, kind: str, thread_key: str, payload: dict[str, Any]) -> bool:
        """Store a job under ``keys[0]``; False (and nothing stored) if any key was seen before.

        This runs in the process that acks Slack, next to its HTTP server, for every event: it goes straight to
        the DB-API connection with two prepared INSERTs (about 10x cheaper than the ORM, measured), so it holds
        the GIL as briefly as possible.
        """
        now = utcnow().replace(tzinfo=None).isoformat(sep=" ")
        connection = self._engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.executemany(_INSERT_SEEN, [(key, now) for key in keys])
                cursor.execute(_INSERT_JOB, (keys[0], kind, thread_key, json.dumps(payload), now))
                connection.commit()
            except sqlite3.IntegrityError:
                connection.rollback()
                return False
            finally:
                cursor.close()
        finally:
            connection.close()
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

    def record_progress(self, events: list[tuple[str, str, bool]]) -> None:
        """Apply ("start", key, _) and ("done", key, ok) reports from worker processes in one transaction."""
        if not events:
            return
        now = utcnow()
        with session_scope(self._engine) as session:
            for what, key, ok in events:
                if what == "start":
                    session.execute(
                        update(InboxRow)
                        .where(col(InboxRow.key) == key, col(InboxRow.status) == "queued")
                        .values(status="running", started_at=now, attempts=InboxRow.attempts + 1)
                    )
                else:
                    session.execute(
                        update(InboxRow)
                        .where(col(InboxRow.key) == key)
                        .values(status="done" if ok else "failed", finished_at=now)
                    )

    def depth(self) -> dict[str, int]:
        """How many jobs are queued and running (the health check reports it)."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(InboxRow.status, func.count())
                .where(col(InboxRow.status).in_(("queued", "running")))
                .group_by(InboxRow.status)
            ).all()
        counts = {"queued": 0, "running": 0}
        counts.update({str(status): int(n) for status, n in rows})
        return counts

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
