"""Approval reminders: one nudge per pending approval, to its approvers, before it expires.

A reminder is due ``lead`` before expiry, but never before half the approval's life has passed (a one-hour
approval is not "reminded" the moment it is created). The approval is marked reminded before anything is
sent, so a sweep that runs twice, or in two processes, sends it once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.reminder import reminder_blocks, reminder_text
from integrations.approvals.base import ApprovalRecord, ApprovalStore

log = logging.getLogger(__name__)


def reminder_due_at(record: ApprovalRecord, lead: timedelta) -> datetime:
    """When this approval's reminder is due."""
    halfway = record.created_at + (record.expires_at - record.created_at) / 2
    return max(halfway, record.expires_at - lead)


def due_reminders(records: list[ApprovalRecord], *, now: datetime, lead: timedelta) -> list[ApprovalRecord]:
    """Pending, not yet reminded, not expired, and past their reminder time."""
    return [
        r
        for r in records
        if r.status == "pending" and r.reminded_at is None and reminder_due_at(r, lead) <= now < r.expires_at
    ]


def reminder_recipients(record: ApprovalRecord) -> list[str]:
    """The approvers other than the requester; the requester alone when nobody else may decide."""
    others = [pid for pid in dict.fromkeys(record.approver_ids) if pid and pid != record.requester_id]
    return others or [record.requester_id]


def send_reminders(approvals: ApprovalStore, client: WebClient, *, now: datetime, lead: timedelta) -> int:
    """Remind approvers of every approval that is due; returns how many approvals were reminded."""
    sent = 0
    for record in due_reminders(approvals.in_status("pending", limit=500), now=now, lead=lead):
        if not approvals.mark_reminded(record.id, now=now):
            continue  # decided meanwhile, or another sweep got there first
        for user_id in reminder_recipients(record):
            try:
                client.chat_postMessage(channel=user_id, text=reminder_text(record), blocks=reminder_blocks(record))
            except SlackApiError as exc:
                log.warning(
                    "approval reminder not delivered",
                    extra={"approval_id": record.id, "user": user_id, "error": exc.response.get("error")},
                )
        log.info("approval reminder sent", extra={"approval_id": record.id})
        sent += 1
    return sent
