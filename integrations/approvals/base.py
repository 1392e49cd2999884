"""The approval record and the store contract.

An approval moves ``pending → deciding → approved | rejected | failed`` when someone clicks, or from
``pending`` straight to ``expired`` or ``superseded``. The ``pending → deciding`` step is a compare-and-set,
so of two simultaneous clicks exactly one wins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

ApprovalStatus = Literal["pending", "deciding", "approved", "rejected", "expired", "superseded", "failed"]
FINAL_STATUSES: frozenset[str] = frozenset({"approved", "rejected", "expired", "superseded", "failed"})


class ApprovalRecord(BaseModel):
    """One request for approval covering one or more proposed actions."""

    id: str
    thread_id: str
    team_id: str = ""
    channel_id: str = ""
    thread_ts: str = ""
    requester_id: str
    approver_ids: list[str] = Field(default_factory=list)
    actions: list[dict[str, Any]] = Field(default_factory=list)
    summary: str = ""
    status: ApprovalStatus = "pending"
    created_at: datetime
    expires_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision: dict[str, Any] | None = None
    results: list[dict[str, Any]] = Field(default_factory=list)
    card_channel: str | None = None
    card_ts: str | None = None
    reminded_at: datetime | None = None


class ApprovalStore(Protocol):
    """Persistence for approval records."""

    def create(self, record: ApprovalRecord) -> ApprovalRecord:
        """Store a new record; storing the same id again returns the existing one unchanged."""
        ...

    def get(self, approval_id: str) -> ApprovalRecord | None:
        """The record, or None."""
        ...

    def open_for_thread(self, thread_id: str) -> list[ApprovalRecord]:
        """Records of this thread still pending a decision."""
        ...

    def set_card(self, approval_id: str, *, channel: str, ts: str) -> None:
        """Remember where the approval card was posted so it can be updated in place."""
        ...

    def claim(self, approval_id: str, *, by: str, decision: dict[str, Any], now: datetime) -> bool:
        """Move pending → deciding with this decision; False if someone else got there first."""
        ...

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
        """Move to ``to_status`` only from one of ``from_statuses``; False if the record was elsewhere."""
        ...

    def in_status(self, status: ApprovalStatus, *, limit: int = 100) -> list[ApprovalRecord]:
        """Records currently in ``status`` (recovery after a crash, reminders, the App Home)."""
        ...

    def mark_reminded(self, approval_id: str, *, now: datetime) -> bool:
        """Record that approvers were reminded; False if it was already done or the record is no longer pending.

        Called before the reminder is sent, so each approval is reminded at most once.
        """
        ...
