"""Approval records in the app database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from integrations.approvals.base import ApprovalRecord, ApprovalStatus
from integrations.db import as_utc, session_scope


class ApprovalRow(SQLModel, table=True):
    """An approval request and its outcome."""

    __tablename__ = "approvals"
    id: str = Field(primary_key=True)
    thread_id: str = Field(index=True)
    team_id: str = ""
    channel_id: str = ""
    thread_ts: str = ""
    requester_id: str
    approver_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    actions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    summary: str = ""
    status: str = Field(default="pending", index=True)
    created_at: datetime
    expires_at: datetime = Field(index=True)
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    results: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    card_channel: str | None = None
    card_ts: str | None = None
    reminded_at: datetime | None = None


def _to_record(row: ApprovalRow) -> ApprovalRecord:
    data = row.model_dump()
    for name in ("created_at", "expires_at", "decided_at", "reminded_at"):
        if data.get(name) is not None:
            data[name] = as_utc(data[name])
    return ApprovalRecord.model_validate(data)


class SqlApprovalStore:
    """ApprovalStore on SQLite; claims and transitions are single conditional UPDATEs."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, record: ApprovalRecord) -> ApprovalRecord:
        """Store a new record; the same id again returns the stored one."""
        try:
            with session_scope(self._engine) as session:
                session.add(ApprovalRow.model_validate(record.model_dump()))
        except IntegrityError:
            pass
        stored = self.get(record.id)
        assert stored is not None
        return stored

    def get(self, approval_id: str) -> ApprovalRecord | None:
        """The record, or None."""
        with Session(self._engine) as session:
            row = session.get(ApprovalRow, approval_id)
            return _to_record(row) if row else None

    def open_for_thread(self, thread_id: str) -> list[ApprovalRecord]:
        """Pending records of a thread, oldest first."""
        with Session(self._engine) as session:
            rows = session.exec(
                select(ApprovalRow)
                .where(ApprovalRow.thread_id == thread_id, ApprovalRow.status == "pending")
                .order_by(col(ApprovalRow.created_at))
            ).all()
            return [_to_record(r) for r in rows]

    def set_card(self, approval_id: str, *, channel: str, ts: str) -> None:
        """Remember where the card lives."""
        with session_scope(self._engine) as session:
            session.execute(
                update(ApprovalRow).where(col(ApprovalRow.id) == approval_id).values(card_channel=channel, card_ts=ts)
            )

    def claim(self, approval_id: str, *, by: str, decision: dict[str, Any], now: datetime) -> bool:
        """pending → deciding, atomically."""
        with session_scope(self._engine) as session:
            result = session.execute(
                update(ApprovalRow)
                .where(col(ApprovalRow.id) == approval_id, col(ApprovalRow.status) == "pending")
                .values(status="deciding", decided_by=by, decided_at=now, decision=decision)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def transition(
        self,
        approval_id: str,
        *,
        from_statuses: tuple[str, ...],
        to_status: ApprovalStatus,
        results: list[dict[str, Any]] | None = None,
        now: datetime | None = None,
        by: str | None = None,
    ) -> bool:
        """Conditional status change; only one caller can move a record out of a given status."""
        values: dict[str, Any] = {"status": to_status}
        if results is not None:
            values["results"] = results
        if now is not None and by is not None:
            values["decided_at"] = now
            values["decided_by"] = by
        with session_scope(self._engine) as session:
            result = session.execute(
                update(ApprovalRow)
                .where(col(ApprovalRow.id) == approval_id, col(ApprovalRow.status).in_(from_statuses))
                .values(**values)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def mark_reminded(self, approval_id: str, *, now: datetime) -> bool:
        """pending and not yet reminded → reminded at ``now``, atomically (one reminder per approval)."""
        with session_scope(self._engine) as session:
            result = session.execute(
                update(ApprovalRow)
                .where(
                    col(ApprovalRow.id) == approval_id,
                    col(ApprovalRow.status) == "pending",
                    col(ApprovalRow.reminded_at).is_(None),
                )
                .values(reminded_at=now)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def in_status(self, status: ApprovalStatus, *, limit: int = 100) -> list[ApprovalRecord]:
        """Records in a status, oldest first."""
        with Session(self._engine) as session:
            rows = session.exec(
                select(ApprovalRow)
                .where(ApprovalRow.status == status)
                .order_by(col(ApprovalRow.created_at))
                .limit(limit)
            ).all()
            return [_to_record(r) for r in rows]
