"""In a shared thread the open approval card belongs to its requester: others may ask, not revise or take it over."""

from __future__ import annotations

from collections.abc import Callable

from bot.composition import Core
from graph.state import ConversationContext

from .conftest import PRIYA, TOM


def test_another_users_correction_leaves_the_open_card_as_it_was(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """Priya's "actually keep Friday's" in Tom's thread changes nothing on Tom's cancellation card."""
    thread = "1700000000.900001"
    first = core.runtime.handle_message(ctx(user=TOM, thread_ts=thread), "cancel my platform standups this week")
    card = first.new_approval
    assert card is not None and len(card.actions) >= 2 and card.requester_id == TOM

    second = core.runtime.handle_message(ctx(user=PRIYA, thread_ts=thread), "actually keep friday's")

    assert second.new_approval is None and not second.superseded
    assert "waiting for" in second.reply and TOM in second.reply
    still = core.runtime._approvals.get(card.id)
    assert still is not None and still.status == "pending" and still.requester_id == TOM
    assert len(still.actions) == len(card.actions)


def test_another_users_new_request_is_not_merged_into_the_open_card(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """A second person asking for a booking in that thread gets no share of Tom's card and no card of their own."""
    thread = "1700000000.900002"
    first = core.runtime.handle_message(ctx(user=TOM, thread_ts=thread), "cancel my platform standups this week")
    assert first.new_approval is not None

    second = core.runtime.handle_message(
        ctx(user=PRIYA, thread_ts=thread), "book 30 minutes with diego tomorrow at 3pm called 'ingest review'"
    )

    assert second.new_approval is None and not second.superseded
    assert "waiting for" in second.reply
    still = core.runtime._approvals.get(first.new_approval.id)
    assert still is not None and still.status == "pending" and len(still.actions) == len(first.new_approval.actions)


def test_the_requester_can_still_revise_their_own_card(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """Tom's own correction in his thread still replaces his card."""
    thread = "1700000000.900003"
    first = core.runtime.handle_message(ctx(user=TOM, thread_ts=thread), "cancel my platform standups this week")
    assert first.new_approval is not None

    second = core.runtime.handle_message(ctx(user=TOM, thread_ts=thread), "actually keep friday's")

    assert second.new_approval is not None and second.new_approval.requester_id == TOM
    assert len(second.new_approval.actions) == len(first.new_approval.actions) - 1
