"""Starting the scheduler inside the bot: digests are queued to the workers, reminders are sent from here."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.digests.reminders import send_reminders
from bot.digests.scheduler import DigestScheduler, Periodic
from bot.dispatch import DIGEST
from bot.services import BotServices
from bot.settings import Settings
from integrations.db import utcnow
from integrations.digests.base import Subscription

log = logging.getLogger(__name__)

REMINDER_SWEEP_SECONDS = 60.0


def start_scheduler(settings: Settings, services: BotServices, client: WebClient) -> DigestScheduler | None:
    """Compete for the scheduler lease (if this process is allowed to); None when scheduling is off here.

    Runs in the process that serves Slack, never in a worker. A digest's content is built in the workers
    (queued through the inbox like any other job), so a 9 o'clock rush of digests never delays an ack.
    """
    kit = services.digests
    if not settings.scheduler_enabled or kit is None:
        log.info("scheduler disabled in this process")
        return None

    def deliver(sub: Subscription, slot: datetime) -> None:
        queued = services.enqueue(
            [f"digest:{sub.id}:{slot.isoformat()}"],
            kind=DIGEST,
            thread_key=f"digest:{sub.id}",
            payload={"subscription_id": sub.id, "slot": slot.isoformat()},
        )
        if not queued:
            log.info("digest slot was already queued", extra={"subscription_id": sub.id})

    periodic: list[Periodic] = []
    if settings.approval_reminder_minutes > 0:
        lead = timedelta(minutes=settings.approval_reminder_minutes)
        periodic.append(
            Periodic(
                "approval-reminders",
                REMINDER_SWEEP_SECONDS,
                lambda: send_reminders(services.approvals, client, now=utcnow(), lead=lead),
            )
        )
    scheduler = DigestScheduler(
        kit.store,
        deliver=deliver,
        grace=timedelta(minutes=settings.digest_grace_minutes),
        lease_ttl=timedelta(seconds=settings.scheduler_lease_seconds),
        periodic=periodic,
    )
    kit.on_change(scheduler.sync)
    scheduler.start()
    return scheduler
