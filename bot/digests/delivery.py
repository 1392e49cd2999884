"""Posting one digest slot. The run key was claimed before this runs, so each slot is posted at most once."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.digest import digest_blocks
from bot.digests.content import build_digest
from bot.digests.kit import DigestKit

log = logging.getLogger(__name__)

# Slack errors that will not go away by trying again tomorrow: the digest is paused and its creator told.
_GONE = frozenset({"channel_not_found", "not_in_channel", "is_archived", "user_not_found", "account_inactive"})


def post_digest(kit: DigestKit, client: WebClient, subscription_id: str, slot: datetime) -> bool:
    """Build and post the digest for a claimed slot; record the outcome. False when nothing could be posted."""
    sub = kit.store.get(subscription_id)
    if sub is None or sub.paused:
        kit.store.finish_run(subscription_id, slot_at=slot, status="failed", error="paused or deleted")
        return False
    if not kit.store.begin_posting(sub.id, slot_at=slot):
        # A replay of a job that already ran (or died while posting): posting again could double-post.
        log.warning("digest slot already posting or done", extra={"subscription_id": sub.id, "slot": slot.isoformat()})
        return False
    digest = build_digest(sub, kit.sources, slot=slot)
    if digest.is_empty() and kit.empty == "skip":
        kit.store.finish_run(sub.id, slot_at=slot, status="empty")
        log.info("empty digest not posted", extra={"subscription_id": sub.id, "slot": slot.isoformat()})
        return True
    try:
        response = client.chat_postMessage(
            channel=sub.target_id,
            text=digest.summary(),
            blocks=digest_blocks(digest),
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "slack_error")
        kit.store.finish_run(sub.id, slot_at=slot, status="failed", error=error)
        log.warning("digest not posted", extra={"subscription_id": sub.id, "error": error})
        if error in _GONE:
            _pause_unreachable(kit, client, sub.id, sub.created_by, error)
        return False
    kit.store.finish_run(sub.id, slot_at=slot, status="posted", message_ts=str(response.get("ts") or ""))
    log.info("digest posted", extra={"subscription_id": sub.id, "slot": slot.isoformat()})
    return True


def _pause_unreachable(kit: DigestKit, client: WebClient, subscription_id: str, creator: str, error: str) -> None:
    kit.store.set_paused(subscription_id, paused=True)
    kit.changed()
    try:
        client.chat_postMessage(
            channel=creator,
            text=(
                f"I paused your digest `{subscription_id}`: I can't post where it goes (`{error}`). "
                "Invite me there and resume it with `/deskhand digest resume "
                f"{subscription_id}`, or delete it."
            ),
        )
    except SlackApiError as exc:
        log.warning("could not tell the creator about a paused digest", extra={"error": exc.response.get("error")})


def run_digest_job(kit: DigestKit | None, client: WebClient, payload: dict[str, Any]) -> bool:
    """The worker side of a scheduled digest (queued by the scheduler after it claimed the slot)."""
    if kit is None:
        log.error("digest job but digests are not wired", extra={"subscription_id": payload.get("subscription_id")})
        return False
    return post_digest(kit, client, str(payload["subscription_id"]), datetime.fromisoformat(payload["slot"]))
