"""Calendar through Slack: booking with approval, a conflict found at re-check, agenda and slot buttons."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.blocks.approval import APPROVE
from integrations.calendar.base import Attendee, EventCreate
from tests.support.slack_requests import block_actions_body, post_form_signed
from tests.support.stack import BOT, HANA, IT_HELP, PRIYA, SECRET, TOM, Stack, wait_for


def _events(stack: Stack, person: str, title: str) -> list:
    calendar = stack.bot.core.calendar
    assert calendar is not None
    now = stack.bot.core.deps.clock()
    return [
        e
        for e in calendar.list_events(person, start=now - timedelta(days=1), end=now + timedelta(days=60))
        if e.title == title
    ]


def test_booking_is_proposed_then_created_on_approval(stack: Stack) -> None:
    """A booking request shows a card; approving creates one shared event for everyone invited."""
    ts = stack.say(TOM, IT_HELP, f"<@{BOT}> book a roadmap review with Hana and Priya on Dec 3 at 9 for 45 minutes")
    card = stack.wait_card(IT_HELP, ts)
    assert "Roadmap review" in str(card["blocks"])
    assert "<!date^" in str(card["blocks"]), "times are Slack date tokens, shown in each viewer's own zone"
    assert _events(stack, TOM, "Roadmap review") == []
    stack.click(TOM, IT_HELP, card, APPROVE)
    created = wait_for(lambda: _events(stack, HANA, "Roadmap review"), what="event on Hana's calendar")
    assert len(created) == 1
    assert set(created[0].attendee_ids()) == {TOM, HANA, PRIYA}
    assert created[0].end - created[0].start == timedelta(minutes=45)


def test_conflict_found_at_recheck_is_reported_and_nothing_is_booked(stack: Stack) -> None:
    """If the slot fills up between proposal and approval, deskhand reports the conflict instead of double-booking."""
    ts = stack.say(TOM, IT_HELP, f"<@{BOT}> book a budget chat with Hana on Dec 10 at 10 for 30 minutes")
    card = stack.wait_card(IT_HELP, ts)
    calendar = stack.bot.core.calendar
    assert calendar is not None
    proposal = stack.bot.services.approvals.get(card["blocks"][-1]["block_id"].split(":", 1)[1])
    assert proposal is not None
    start = datetime.fromisoformat(proposal.actions[0]["params"]["start"])
    calendar.create(
        HANA,
        EventCreate(
            title="Dentist",
            start=start,
            end=start + timedelta(minutes=30),
            tz="UTC",
            organizer_id=HANA,
            attendees=[Attendee(person_id=HANA)],
        ),
        idempotency_key="someone-else-booked-it",
    )
    stack.click(TOM, IT_HELP, card, APPROVE)
    reply = wait_for(
        lambda: next((m for m in stack.bot_replies(IT_HELP, ts) if "no longer free" in m.get("text", "")), None),
        what="conflict reply",
    )
    assert "Dentist" in reply["text"]
    assert _events(stack, TOM, "Budget chat") == []


def test_agenda_and_free_slot_buttons_book_through_approval(stack: Stack) -> None:
    """Free times come back as buttons; pressing one proposes that meeting, which still needs approval."""
    ts = stack.say(TOM, IT_HELP, f"<@{BOT}> find 30 minutes for me and Priya next week")
    reply = stack.wait_reply(IT_HELP, ts)[0]
    buttons = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons and all(b["action_id"].startswith("slot_book_") for b in buttons)
    trigger = stack.sandbox.sandbox.views.issue_trigger(TOM)
    body = block_actions_body(
        user=TOM,
        channel=IT_HELP,
        message=reply,
        action_id=buttons[0]["action_id"],
        value=buttons[0]["value"],
        trigger_id=trigger,
    )
    assert post_form_signed(stack.bot.events_url, body, SECRET).status_code == 200
    card = wait_for(
        lambda: next((m for m in stack.bot_replies(IT_HELP, ts) if "Approval needed" in str(m["blocks"])), None),
        what="approval card from the slot button",
    )
    assert "Meeting with Priya Raman" in str(card["blocks"])
