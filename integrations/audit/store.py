"""The audit log in the app database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Engine
from sqlmodel import Field, Session, SQLModel, col, select

from integrations.audit.base import AuditEntry
from integrations.db import as_utc, session_scope


class AuditRow(SQLModel, table=True):
    """One audit entry."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_id: str | None = None
    event: str
    thread_id: str | None = Field(default=None, index=True)
    approval_id: str | None = Field(default=None, index=True)
    target: str | None = None
    outcome: str = "ok"
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SqlAuditLog:
    """AuditLog on SQLite."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, entry: AuditEntry) -> None:
        """Append one entry."""
        with session_scope(self._engine) as session:
            session.add(AuditRow.model_validate(entry.model_dump()))

    def entries(self, *, thread_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
        """Most recent first."""
        stmt = select(AuditRow)
        if thread_id is not None:
            stmt = stmt.where(AuditRow.thread_id == thread_id)
        stmt = stmt.order_by(col(AuditRow.id).desc()).limit(limit)
        with Session(self._engine) as session:
            return [
                AuditEntry.model_validate({**r.model_dump(exclude={"id"}), "at": as_utc(r.at)})
                for r in session.exec(stmt).all()
            ]
