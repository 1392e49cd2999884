"""Mention → approval card → click → exactly one write, through signed HTTP requests into the real app."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx

from bot.blocks.approval import APPROVE, EDIT, REJECT
from tests.support.slack_requests import event_body, mention_event, post_signed, sign
from tests.support.stack import BOT, DIEGO, HANA, IT_HELP, MAYA, SECRET, TOM, Stack, wait_for


def _ask_for_ticket(
    stack: Stack, user: str = TOM, text: str = "open a ticket: coffee machine leaks"
) -> tuple[str, dict]:
    ts = stack.say(user, IT_HELP, f"<@{BOT}> {text}")
    return ts, stack.wait_card(IT_HELP, ts)


def test_mention_card_approve_creates_ticket_and_updates_card(stack: Stack) -> None:
    """Approving the card creates the ticket once and turns the card into a record of who approved it."""
    before = len(stack.tickets())
    ts, card = _ask_for_ticket(stack)
    assert "Coffee machine leaks" in str(card["blocks"])
    assert len(stack.tickets()) == before, "nothing is written before approval"

    assert stack.click(TOM, IT_HELP, card, APPROVE).status_code == 200
    created = wait_for(lambda: [t for t in stack.tickets() if t.title == "Coffee machine leaks"], what="ticket")
    assert len(created) == 1 and created[0].reporter_id == TOM and created[0].project == "OPS"
    updated = wait_for(
        lambda: (m := stack.message(IT_HELP, card["ts"])) and "actions" not in [b["type"] for b in m["blocks"]] and m,
        what="card update",
    )
    text = str(updated["blocks"])
    assert f"Approved by <@{TOM}>" in text and created[0].key in text
    reply = stack.wait_reply(IT_HELP, ts, count=2)[-1]
    assert created[0].key in reply["text"]


def test_forged_and_stale_signatures_are_rejected_and_change_nothing(stack: Stack) -> None:
    """A wrong signature or a timestamp older than five minutes gets 401 and no reply, no ticket."""
    message = stack.workspace.post_message(channel=IT_HELP, author=TOM, text=f"<@{BOT}> open a ticket: forged")
    body = event_body(mention_event(user=TOM, channel=IT_HELP, ts=message["ts"], text=message["text"]))
    forged = post_signed(stack.bot.events_url, body, "not-the-secret")
    stale = post_signed(stack.bot.events_url, body, SECRET, timestamp=int(time.time()) - 600)
    unsigned = httpx.post(stack.bot.events_url, content=body, headers={"content-type": "application/json"})
    assert (forged.status_code, stale.status_code, unsigned.status_code) == (401, 401, 401)
    time.sleep(0.5)
    stack.idle()
    assert stack.bot_replies(IT_HELP, message["ts"]) == []
    assert not [t for t in stack.tickets() if t.title == "Forged"]


def test_same_event_delivered_three_times_yields_one_card(stack: Stack) -> None:
    """Slack retries (same event_id) are processed once, so one card and, once approved, one ticket."""
    ts = stack.say(TOM, IT_HELP, f"<@{BOT}> open a ticket: projector in room 4 is dead", deliveries=3)
    card = stack.wait_card(IT_HELP, ts)
    stack.idle()
    assert len(stack.bot_replies(IT_HELP, ts)) == 1
    stack.click(TOM, IT_HELP, card, APPROVE)
    wait_for(lambda: [t for t in stack.tickets() if t.title == "Projector in room 4 is dead"], what="ticket")
    stack.idle()
    assert len([t for t in stack.tickets() if t.title == "Projector in room 4 is dead"]) == 1


def test_retry_header_delivery_is_deduplicated_across_event_kinds(stack: Stack) -> None:
    """A mention also arrives as a message event; deskhand still answers once."""
    ts = stack.say(TOM, IT_HELP, f"<@{BOT}> hello")
    body = event_body(
        {
            "type": "message",
            "user": TOM,
            "text": f"<@{BOT}> hello",
            "ts": ts,
            "channel": IT_HELP,
            "channel_type": "channel",
            "event_ts": ts,
        }
    )
    post_signed(stack.bot.events_url, body, SECRET)
    stack.wait_reply(IT_HELP, ts)
    stack.idle()
    assert len(stack.bot_replies(IT_HELP, ts)) == 1


def test_two_approve_clicks_create_one_ticket(stack: Stack) -> None:
    """Double-clicking Approve (or two approvers at once) still writes exactly once."""
    _ts, card = _ask_for_ticket(stack, text="open a ticket: double click test")
    first = stack.click(TOM, IT_HELP, card, APPROVE)
    second = stack.click(MAYA, IT_HELP, card, APPROVE)
    assert first.status_code == second.status_code == 200
    wait_for(lambda: [t for t in stack.tickets() if t.title == "Double click test"], what="ticket")
    stack.idle()
    assert len([t for t in stack.tickets() if t.title == "Double click test"]) == 1


def test_non_approver_click_is_refused_privately_and_changes_nothing(stack: Stack) -> None:
    """Someone who is neither the requester nor an approver gets an ephemeral refusal; the card stays."""
    _ts, card = _ask_for_ticket(stack, text="open a ticket: refusal test")
    stack.click(HANA, IT_HELP, card, APPROVE)
    notice = wait_for(lambda: stack.ephemerals(IT_HELP, HANA), what="ephemeral refusal")
    assert "Only <@" in notice[-1]["text"]
    stack.idle()
    assert not [t for t in stack.tickets() if t.title == "Refusal test"]
    assert any(b["type"] == "actions" for b in stack.message(IT_HELP, card["ts"])["blocks"])
    assert stack.ephemerals(IT_HELP, TOM) == []


def test_configured_approver_may_approve_someone_elses_request(stack: Stack) -> None:
    """Maya is a configured approver in the demo company, so her click counts."""
    _ts, card = _ask_for_ticket(stack, text="open a ticket: approver test")
    stack.click(MAYA, IT_HELP, card, APPROVE)
    ticket = wait_for(lambda: [t for t in stack.tickets() if t.title == "Approver test"], what="ticket")[0]
    assert ticket.reporter_id == TOM


def test_expired_approval_turns_card_expired_and_changes_nothing(stack: Stack) -> None:
    """A click after the approval's lifetime marks the card expired; nothing is written."""
    ts, card = _ask_for_ticket(stack, text="open a ticket: too late")
    deps = stack.bot.services.runtime.deps
    real_clock = deps.clock
    deps.clock = lambda: real_clock() + timedelta(hours=25)
    stack.click(TOM, IT_HELP, card, APPROVE)
    updated = wait_for(
        lambda: "Expired" in str(stack.message(IT_HELP, card["ts"])["blocks"]) and stack.message(IT_HELP, card["ts"]),
        what="expired card",
    )
    assert not any(b["type"] == "actions" for b in updated["blocks"])
    stack.idle()
    assert not [t for t in stack.tickets() if t.title == "Too late"]
    assert "expired" in stack.bot_replies(IT_HELP, ts)[-1]["text"].lower()


def test_reject_changes_nothing_and_records_who(stack: Stack) -> None:
    """Reject writes nothing and the card says who rejected."""
    _ts, card = _ask_for_ticket(stack, text="open a ticket: please reject me")
    stack.click(TOM, IT_HELP, card, REJECT)
    wait_for(lambda: "Rejected by" in str(stack.message(IT_HELP, card["ts"])["blocks"]), what="rejected card")
    stack.idle()
    assert not [t for t in stack.tickets() if t.title == "Please reject me"]


def test_edit_opens_modal_and_edited_values_are_what_runs(stack: Stack) -> None:
    """Edit opens a modal pre-filled with the proposal; the submitted values are what gets created."""
    _ts, card = _ask_for_ticket(stack, text="open a ticket: wrong title here")
    stack.click(TOM, IT_HELP, card, EDIT)
    view = wait_for(lambda: stack.sandbox.sandbox.views.top_modal(TOM), what="edit modal")
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert inputs["a1.title"]["element"]["initial_value"] == "Wrong title here"
    values = {
        "a1.title": {"value": {"type": "plain_text_input", "value": "Right title"}},
        "a1.priority": {"value": {"type": "static_select", "selected_option": {"value": "highest"}}},
        "a1.assignee": {"value": {"type": "users_select", "selected_user": DIEGO}},
    }
    response = stack.submit_view(TOM, view, values)
    assert response.status_code == 200
    ticket = wait_for(lambda: [t for t in stack.tickets() if t.title == "Right title"], what="edited ticket")[0]
    assert (ticket.priority, ticket.assignee_id) == ("highest", DIEGO)
    assert not [t for t in stack.tickets() if t.title == "Wrong title here"]


def test_invalid_edit_is_shown_in_the_modal_and_nothing_runs(stack: Stack) -> None:
    """An empty required title comes back as a field error; no ticket is created."""
    _ts, card = _ask_for_ticket(stack, text="open a ticket: keep my title")
    stack.click(TOM, IT_HELP, card, EDIT)
    view = wait_for(lambda: stack.sandbox.sandbox.views.top_modal(TOM), what="edit modal")
    response = stack.submit_view(TOM, view, {"a1.title": {"value": {"type": "plain_text_input", "value": "  "}}})
    assert response.json()["response_action"] == "errors"
    assert "a1.title" in response.json()["errors"]
    stack.idle()
    assert not [t for t in stack.tickets() if t.title in ("Keep my title", "")]


def test_follow_up_in_thread_revises_pending_proposal(stack: Stack) -> None:
    """'make it high priority' in the same thread replaces the card; the old card says it was replaced."""
    ts, first = _ask_for_ticket(stack, text="open a ticket: standing desk wobbles")
    stack.say(TOM, IT_HELP, "make it high priority and assign it to Diego", thread_ts=ts, mention=False)
    second = wait_for(lambda: (c := stack.wait_card(IT_HELP, ts)) and c["ts"] != first["ts"] and c, what="new card")
    assert "High" in str(second["blocks"]) and "Diego Alvarez" in str(second["blocks"])
    wait_for(lambda: "Replaced" in str(stack.message(IT_HELP, first["ts"])["blocks"]), what="old card replaced")
    stack.click(TOM, IT_HELP, first, APPROVE)  # the old card no longer does anything
    stack.idle()
    assert not [t for t in stack.tickets() if t.title == "Standing desk wobbles"]
    stack.click(TOM, IT_HELP, second, APPROVE)
    ticket = wait_for(lambda: [t for t in stack.tickets() if t.title == "Standing desk wobbles"], what="ticket")[0]
    assert (ticket.priority, ticket.assignee_id) == ("high", DIEGO)


def test_channel_chatter_without_mention_gets_no_reply(stack: Stack) -> None:
    """deskhand never answers top-level channel messages it is not mentioned in."""
    ts = stack.say(TOM, IT_HELP, "open a ticket: nobody asked the bot", mention=False)
    time.sleep(0.5)
    stack.idle()
    assert stack.bot_replies(IT_HELP, ts) == []


def test_direct_message_gets_a_reply(stack: Stack) -> None:
    """A DM needs no mention."""
    dm, _ = stack.workspace.open_dm(TOM, BOT)
    ts = stack.say(TOM, dm, "what tickets are assigned to me?")
    reply = stack.wait_reply(dm, ts)[0]
    assert "ENG-" in reply["text"] or "DES-" in reply["text"]


def test_failure_becomes_a_friendly_reply_with_a_reference(stack: Stack) -> None:
    """When something breaks inside a turn, the person sees a short message with a reference id."""
    runtime = stack.bot.services.runtime

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database on fire")

    runtime.handle_message = broken  # type: ignore[method-assign]
    ts = stack.say(TOM, IT_HELP, f"<@{BOT}> open a ticket: anything")
    reply = stack.wait_reply(IT_HELP, ts)[0]
    assert "ref-" in reply["text"] and "database on fire" not in reply["text"]
    assert "Traceback" not in reply["text"]


def test_health_check_reports_ok(stack: Stack) -> None:
    """/healthz answers 200 when the database is reachable."""
    response = httpx.get(f"{stack.bot.url}/healthz")
    assert response.status_code == 200 and response.json()["ok"] is True


def test_signed_headers_helper_matches_bolt_verification() -> None:
    """The test signer produces headers Bolt's own verifier accepts (guards the other tests' premise)."""
    from slack_sdk.signature import SignatureVerifier

    headers = sign(SECRET, "{}")
    assert SignatureVerifier(SECRET).is_valid("{}", headers["x-slack-request-timestamp"], headers["x-slack-signature"])
