"""Audit entries and the log contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, Field


class AuditEntry(BaseModel):
    """Who did what, when, to what, and how it ended."""

    at: datetime
    actor_id: str | None
    event: str
    thread_id: str | None = None
    approval_id: str | None = None
    target: str | None = None
    outcome: str = "ok"
    detail: dict[str, Any] = Field(default_factory=dict)


class AuditLog(Protocol):
    """Append-only record of decisions and writes."""

    def record(self, entry: AuditEntry) -> None:
        """Append one entry."""
        ...

    def entries(self, *, thread_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
        """Most recent entries first, optionally for one thread."""
        ...
