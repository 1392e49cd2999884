"""Tickets through Slack: bulk changes on one card, and ticket keys mentioned in a channel unfurl."""

from __future__ import annotations

import time

from bot.blocks.approval import APPROVE
from integrations.tickets.base import TicketQuery
from tests.support.stack import BOT, IT_HELP, PRIYA, TOM, Stack, wait_for


def test_bulk_reassignment_is_one_card_listing_each_ticket(stack: Stack) -> None:
    """ "give all of Priya's in-progress tickets to Tom" proposes one change per ticket on a single card."""
    before = stack.bot.core.tickets.search(TicketQuery(assignee_id=PRIYA, statuses=["In Progress"]))
    assert len(before) >= 2
    ts = stack.say(TOM, IT_HELP, f"<@{BOT}> Priya is out this week, give all of her in progress tickets to Tom")
    card = stack.wait_card(IT_HELP, ts)
    text = str(card["blocks"])
    assert all(t.key in text for t in before)
    stack.click(TOM, IT_HELP, card, APPROVE)
    wait_for(lambda: all(stack.bot.core.tickets.get(t.key).assignee_id == TOM for t in before), what="reassigned")


def test_ticket_keys_in_channel_chatter_unfurl_as_a_compact_card(stack: Stack) -> None:
    """A plain channel message mentioning OPS-1 gets a compact ticket card in its thread; unknown keys are ignored."""
    ts = stack.say(TOM, IT_HELP, "heads up, OPS-1 and XYZ-9 are related", mention=False)
    card = stack.wait_reply(IT_HELP, ts)[0]
    text = str(card["blocks"])
    assert "OPS-1" in text and "VPN" in text
    assert "XYZ-9" not in text


def test_plain_chatter_without_keys_gets_nothing(stack: Stack) -> None:
    """No ticket keys, no mention: deskhand stays quiet."""
    ts = stack.say(TOM, IT_HELP, "lunch at 12?", mention=False)
    time.sleep(0.5)
    stack.idle()
    assert stack.bot_replies(IT_HELP, ts) == []
