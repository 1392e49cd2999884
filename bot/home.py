"""Publishing a person's App Home: gathered from the approval store, calendar, tickets and digests."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.home import HomeData, home_view
from bot.digests.content import pending_for
from bot.services import BotServices
from integrations.calendar.base import resolve_zone
from integrations.errors import IntegrationError
from integrations.tickets.base import TicketQuery

log = logging.getLogger(__name__)

HOME_TICKETS = 10


def gather_home(services: BotServices, client: WebClient, user_id: str) -> HomeData:
    """Everything on the person's Home tab; a backend that fails is named instead of breaking the tab."""
    deps = services.runtime.deps
    now = deps.clock()
    data = HomeData(user_id=user_id)
    try:
        data.approvals = pending_for(services.approvals.in_status("pending", limit=500), user_id=user_id, now=now)
    except IntegrationError:
        data.unavailable.append("approvals")
    if deps.calendar is not None:
        try:
            zone = resolve_zone(services.user(client, user_id).tz or "UTC")
        except ValueError:
            zone = resolve_zone("UTC")
        start = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
        try:
            events = deps.calendar.list_events(user_id, start=start, end=start + timedelta(days=1), limit=50)
            data.agenda = [e for e in events if e.end > now]
        except IntegrationError:
            data.unavailable.append("your calendar")
    try:
        found = deps.tickets.search(
            TicketQuery(assignee_id=user_id, include_done=False, order_by="due", limit=HOME_TICKETS)
        )
        data.tickets = [
            {
                "key": t.key,
                "title": t.title,
                "status": t.status,
                "priority": t.priority,
                "assignee": "you",
                "due": t.due_date.isoformat() if t.due_date else None,
                "url": t.url,
            }
            for t in found
        ]
    except IntegrationError:
        data.unavailable.append("tickets")
    if services.digests is not None:
        data.subscriptions = services.digests.store.find(user_id=user_id)
    return data


def publish_home(services: BotServices, client: WebClient, user_id: str) -> None:
    """Build and publish the Home tab; a failure is logged, never shown as an error page."""
    try:
        client.views_publish(user_id=user_id, view=home_view(gather_home(services, client, user_id)))
    except SlackApiError as exc:
        log.warning("could not publish the home tab", extra={"error": exc.response.get("error")})
