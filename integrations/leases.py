"""Named leases in the app database: at most one live holder per name, replaced when it stops renewing.

The digest scheduler holds one so that, however many deskhand processes share a database, only one of them
runs scheduled jobs. A holder that dies simply stops renewing; after ``ttl`` another process takes over.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, case, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select

from integrations.db import session_scope


class LeaseRow(SQLModel, table=True):
    """Who holds a named lease, and until when."""

    __tablename__ = "leases"
    name: str = Field(primary_key=True)
    holder: str
    expires_at: datetime
    acquired_at: datetime


def acquire_lease(engine: Engine, *, name: str, holder: str, ttl: timedelta, now: datetime) -> bool:
    """Take or renew the lease; True when ``holder`` holds it until ``now + ttl``.

    One statement (an upsert whose update only applies to our own or an expired lease), so two processes
    racing for a free lease cannot both win.
    """
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    table = LeaseRow.__table__  # type: ignore[attr-defined]
    at, until = now, now + ttl
    stmt = dialect.insert(table).values(name=name, holder=holder, expires_at=until, acquired_at=at)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.name],
        set_={
            "holder": stmt.excluded.holder,
            "expires_at": stmt.excluded.expires_at,
            # A renewal keeps the original acquisition time; a takeover starts a new one.
            "acquired_at": case(
                (table.c.holder == stmt.excluded.holder, table.c.acquired_at), else_=stmt.excluded.acquired_at
            ),
        },
        where=(table.c.holder == stmt.excluded.holder) | (table.c.expires_at < at),
    )
    with session_scope(engine) as session:
        session.execute(stmt)
        current = session.get(LeaseRow, name)
        return current is not None and current.holder == holder


def release_lease(engine: Engine, *, name: str, holder: str) -> None:
    """Give the lease up at once (a clean shutdown), so another process need not wait for it to expire."""
    with session_scope(engine) as session:
        session.execute(delete(LeaseRow).where(col(LeaseRow.name) == name, col(LeaseRow.holder) == holder))


def lease_holder(engine: Engine, *, name: str, now: datetime) -> str | None:
    """The live holder of ``name``, or None when nobody holds it (or their lease ran out)."""
    with Session(engine) as session:
        row = session.exec(select(LeaseRow).where(LeaseRow.name == name)).first()
        if row is None or row.expires_at < now:
            return None
        return row.holder
