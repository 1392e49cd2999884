"""The app database: one SQLite file (WAL mode) shared by every local backend and the bot's bookkeeping.

Tables are SQLModel classes declared in each sub-package; ``open_database`` creates the engine and applies
migrations, tracked by name in ``schema_migrations`` so a later release can add columns without guessing
which ones exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

log = logging.getLogger(__name__)

Migration = Callable[[Any], None]


@dataclass(frozen=True)
class NamedMigration:
    """A schema change applied once, in order, and recorded by name."""

    name: str
    apply: Migration


def _create_all(connection: Any) -> None:
    # Importing the table modules registers them on SQLModel.metadata before create_all runs.
    import integrations.approvals.store
    import integrations.audit.store
    import integrations.bookkeeping
    import integrations.calendar.local
    import integrations.calendar.tokens
    import integrations.digests.store
    import integrations.leases
    import integrations.tickets.local  # noqa: F401

    SQLModel.metadata.create_all(connection)


MIGRATIONS: list[NamedMigration] = [
    NamedMigration("0001_initial_tables", _create_all),
    # create_all only adds tables that are missing, so new tables arrive as a re-run of it.
    NamedMigration("0002_inbox", _create_all),
    # The local calendar (events, who is on them, applied writes) and stored Google OAuth tokens.
    NamedMigration("0003_calendar", _create_all),
    # Links between local tickets (the ticket_links table).
    NamedMigration("0004_ticket_links", _create_all),
    # Digest subscriptions, their runs (the run key) and the scheduler's lease.
    NamedMigration("0005_digests", _create_all),
]


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (SQLite stores it naive; see ``as_utc``)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite drops tzinfo on the way back; every stored timestamp is UTC, so put it back."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers proceed while one writer commits; busy_timeout makes writers queue instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_sqlite_engine(path: Path | None) -> Engine:
    """An engine for the file at ``path``, or a private in-memory database when ``path`` is None."""
    if path is None:
        engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def migrate(engine: Engine) -> list[str]:
    """Apply the migrations this database has not seen yet; returns the names applied."""
    applied: list[str] = []
    with engine.begin() as conn:
        conn.execute(
            text("CREATE TABLE IF NOT EXISTS schema_migrations ( name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        )
        done = {row[0] for row in conn.execute(text("SELECT name FROM schema_migrations"))}
        for migration in MIGRATIONS:
            if migration.name in done:
                continue
            migration.apply(conn)
            conn.execute(
                text("INSERT INTO schema_migrations (name, applied_at) VALUES (:n, :t)"),
                {"n": migration.name, "t": utcnow().isoformat()},
            )
            applied.append(migration.name)
    if applied:
        log.info("database migrated", extra={"migrations": applied})
    return applied


def open_database(path: Path | None) -> Engine:
    """Create the engine for the app database and bring its schema up to date."""
    engine = create_sqlite_engine(path)
    migrate(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error, so no write is half-applied."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
