"""Who may decide an approval, and when it stops being decidable."""

from __future__ import annotations

from datetime import datetime

from integrations.approvals.base import ApprovalRecord


def may_decide(record: ApprovalRecord, user_id: str) -> bool:
    """The person who asked, or a configured approver. Nobody else, however they phrase it."""
    return bool(user_id) and (user_id == record.requester_id or user_id in record.approver_ids)


def is_expired(record: ApprovalRecord, now: datetime) -> bool:
    """Approvals stop being decidable at their expiry time."""
    return now >= record.expires_at
