"""Turning graph outcomes into Slack messages: replies, approval cards, card updates, failures."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.approval import approval_blocks, card_fallback_text, decided_blocks
from bot.blocks.messages import failure_text, reply_blocks
from bot.blocks.results import attachment_blocks, ticket_unfurl_blocks
from bot.logging_setup import new_reference
from bot.services import BotServices
from graph.runtime import DecisionOutcome
from graph.state import ConversationContext, thread_id_for
from integrations.approvals.base import ApprovalRecord
from integrations.errors import IntegrationError

log = logging.getLogger(__name__)

WORKING_REACTION = "eyes"


def message_context(
    services: BotServices, client: WebClient, event: dict[str, Any], team_id: str
) -> ConversationContext:
    """The conversation context for a Slack message event."""
    user = services.user(client, event.get("user", ""))
    channel = event.get("channel", "")
    return ConversationContext(
        team_id=team_id,
        channel_id=channel,
        thread_ts=event.get("thread_ts") or event.get("ts", ""),
        user_id=user.id,
        user_name=user.name,
        user_tz=user.tz,
        channel_type=event.get("channel_type") or ("im" if channel.startswith("D") else "channel"),
        default_project=services.project_for_channel(channel),
    )


def run_message_turn(services: BotServices, client: WebClient, event: dict[str, Any], team_id: str) -> None:
    """Handle one person's message end to end; always ends with a reply in the thread."""
    ctx = message_context(services, client, event, team_id)
    channel, thread_ts, ts = ctx["channel_id"], ctx["thread_ts"], event.get("ts", "")
    services.conversations.join(
        thread_id=thread_id_for(team_id, channel, thread_ts),
        team_id=team_id,
        channel_id=channel,
        thread_ts=thread_ts,
        user_id=ctx["user_id"],
    )
    reacted = _react(client, channel, ts, add=True)
    try:
        outcome = services.runtime.handle_message(ctx, event.get("text") or "")
        for old in outcome.superseded:
            update_card(client, old)
        if outcome.new_approval is not None:
            post_card(services, client, outcome.new_approval, intro=outcome.reply)
        elif outcome.reply:
            extra = attachment_blocks(
                outcome.attachments, services.directory, viewer=ctx["user_id"], tz=ctx.get("user_tz", "UTC")
            )
            # With a rendered list, the reply's first line is the heading and the rest is the text fallback.
            heading = outcome.reply.split("\n", 1)[0] if extra else outcome.reply
            _post(client, channel, thread_ts, outcome.reply, blocks=[*reply_blocks(heading), *extra] if extra else None)
        else:
            _post(client, channel, thread_ts, "I don't have anything to add there.")
    except Exception:
        reference = new_reference()
        log.exception("turn failed", extra={"reference": reference, "channel": channel, "thread_ts": thread_ts})
        _post(client, channel, thread_ts, failure_text(reference))
    finally:
        if reacted:
            _react(client, channel, ts, add=False)


def slot_request_text(slot: dict[str, Any], services: BotServices, client: WebClient, user_id: str) -> str:
    """The request a slot button stands for, in words the model reads like any other message."""
    tz = services.user(client, user_id).tz or "UTC"
    start = datetime.fromisoformat(slot["start"]).astimezone(ZoneInfo(tz))
    end = datetime.fromisoformat(slot["end"]).astimezone(ZoneInfo(tz))
    minutes = int((end - start).total_seconds() // 60)
    others = [pid for pid in slot.get("attendees") or [] if pid != user_id]
    names = ", ".join(
        (services.directory.get(pid).name if services.directory.get(pid) else pid)  # type: ignore[union-attr]
        for pid in others
    )
    title = slot.get("title") or (f"Meeting with {names}" if names else "Focus time")
    who = " ".join(f"<@{pid}>" for pid in others)
    with_part = f" with {who}" if who else ""
    return f'book "{title}"{with_part} on {start:%Y-%m-%d %H:%M} for {minutes} minutes'


def run_unfurl(services: BotServices, client: WebClient, payload: dict[str, Any]) -> None:
    """Post a compact card for the tickets a channel message mentioned (unknown keys are ignored quietly)."""
    tickets = services.runtime.deps.tickets
    items = []
    for key in payload.get("keys") or []:
        try:
            ticket = tickets.get(key)
        except IntegrationError:
            continue
        assignee = services.directory.get(ticket.assignee_id) if ticket.assignee_id else None
        items.append(
            {
                "key": ticket.key,
                "title": ticket.title,
                "status": ticket.status,
                "priority": ticket.priority,
                "assignee": assignee.name if assignee else None,
                "due": ticket.due_date.isoformat() if ticket.due_date else None,
                "url": ticket.url,
            }
        )
    if items:
        client.chat_postMessage(
            channel=payload["channel"],
            thread_ts=payload.get("thread_ts"),
            text=", ".join(str(i["key"]) for i in items),
            blocks=ticket_unfurl_blocks(items),
        )


def apologise_for_restart(client: WebClient, event: dict[str, Any]) -> None:
    """A turn was cut short by a restart: say so in its thread rather than stay silent."""
    channel, ts = event.get("channel", ""), event.get("thread_ts") or event.get("ts", "")
    if not channel or not ts:
        return
    try:
        _post(
            client,
            channel,
            ts,
            "Sorry, I restarted while working on this and didn't finish. "
            "Please ask me again; nothing was changed without an approval.",
        )
    except SlackApiError as exc:
        log.warning("could not post restart notice", extra={"error": exc.response.get("error")})


def post_card(services: BotServices, client: WebClient, record: ApprovalRecord, *, intro: str | None) -> None:
    """Post the approval card in the thread and remember where it is."""
    response = client.chat_postMessage(
        channel=record.channel_id,
        thread_ts=record.thread_ts or None,
        text=card_fallback_text(record),
        blocks=approval_blocks(record, intro=intro),
    )
    services.approvals.set_card(record.id, channel=response["channel"], ts=response["ts"])


def update_card(client: WebClient, record: ApprovalRecord) -> None:
    """Show the card's final state in place (no buttons)."""
    if not record.card_channel or not record.card_ts:
        return
    try:
        client.chat_update(
            channel=record.card_channel,
            ts=record.card_ts,
            text=card_fallback_text(record),
            blocks=decided_blocks(record),
        )
    except SlackApiError as exc:
        log.warning(
            "could not update approval card", extra={"approval_id": record.id, "error": exc.response.get("error")}
        )


def run_decision(
    services: BotServices,
    client: WebClient,
    *,
    approval_id: str,
    user_id: str,
    outcome: str,
    channel_id: str,
    edits: dict[str, dict[str, str | None]] | None = None,
) -> DecisionOutcome | None:
    """Handle a click (or modal submission) and show the result: card, thread reply, or a private notice."""
    try:
        result = services.runtime.decide(
            approval_id,
            user_id=user_id,
            outcome=outcome,  # type: ignore[arg-type]
            edits=edits,
        )
    except Exception:
        reference = new_reference()
        log.exception("decision failed", extra={"reference": reference, "approval_id": approval_id})
        _ephemeral(client, channel_id, user_id, failure_text(reference))
        return None
    show_decision(services, client, result, clicker=user_id, channel_id=channel_id)
    return result


def show_decision(
    services: BotServices, client: WebClient, result: DecisionOutcome, *, clicker: str, channel_id: str
) -> None:
    """Update the card for outcomes that change it; tell only the clicker about refusals."""
    record = result.approval
    if result.kind in {"applied", "rejected", "expired", "stale", "already_decided"} and record is not None:
        update_card(client, record)
    if result.reply and record is not None:
        _post(client, record.channel_id, record.thread_ts, result.reply)
    if result.notice and result.kind not in {"applied", "rejected"}:
        _ephemeral(
            client,
            record.card_channel if record and record.card_channel else channel_id,
            clicker,
            result.notice,
            thread_ts=record.thread_ts if record else None,
        )


def _post(
    client: WebClient, channel: str, thread_ts: str | None, text: str, blocks: list[dict[str, Any]] | None = None
) -> None:
    client.chat_postMessage(
        channel=channel, thread_ts=thread_ts or None, text=text[:3000], blocks=blocks or reply_blocks(text)
    )


def _ephemeral(client: WebClient, channel: str, user: str, text: str, *, thread_ts: str | None = None) -> None:
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=thread_ts or None)
    except SlackApiError as exc:
        log.warning("could not send ephemeral notice", extra={"error": exc.response.get("error")})


def _react(client: WebClient, channel: str, ts: str, *, add: bool) -> bool:
    """Show (or clear) the working indicator; a missing scope or reaction must not fail the turn."""
    if not ts:
        return False
    try:
        if add:
            client.reactions_add(channel=channel, timestamp=ts, name=WORKING_REACTION)
        else:
            client.reactions_remove(channel=channel, timestamp=ts, name=WORKING_REACTION)
        return True
    except SlackApiError as exc:
        log.debug("reaction failed", extra={"error": exc.response.get("error")})
        return False
