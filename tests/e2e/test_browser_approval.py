"""The sandbox page with the real deskhand: ask for a ticket, approve it, and be refused as someone else."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.support import CHROMIUM, LiveStack

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (scripts/ensure-chromium.sh)"),
]

TOM, HANA = "U0TOMB0004", "U0HANA0005"
IT_HELP = "C0ITHELP02"


def act_as(page: Any, user_id: str) -> None:
    """Switch "acting as" through the top-bar menu, as a person would."""
    page.get_by_test_id("acting-as").click()
    page.locator(f"[data-testid=acting-as-option][data-user-id={user_id}]").click()
    page.wait_for_selector(f"[data-testid=acting-as][data-user-id={user_id}]")


def open_it_help_as_tom(page: Any, stack: LiveStack) -> None:
    page.goto(stack.url + "/")
    act_as(page, TOM)
    page.locator(f"[data-testid=sidebar-channel][data-channel-id={IT_HELP}]").click()
    page.wait_for_selector("[data-testid=channel-name]:has-text('it-help')")


def _channel_digest(stack: LiveStack) -> str:
    """What the sandbox holds for #it-help (who said what, thread replies), to explain a missing reply."""
    workspace = stack.sandbox.sandbox.workspace
    lines = []
    for row in workspace.history_rows(IT_HELP)[:5]:  # newest first; rows are (author, data JSON, ...)
        text = json.loads(row["data"]).get("text", "")
        replies = workspace.thread(IT_HELP, row["ts"])[1:]
        lines.append(f"{row['author']}: {text[:80]!r} replies={[r['author'] for r in replies]}")
    return "\n".join(lines)


def ask_deskhand(page: Any, request: str, stack: LiveStack | None = None) -> Any:
    """Mention @deskhand through the completion popup, send, and open the thread it answers in."""
    composer = page.get_by_test_id("composer")
    composer.click()
    composer.type("@desk")
    page.locator(".completion .mention-option[data-user-id=U0DESKHAND]").wait_for()
    composer.press("Enter")  # picks the highlighted completion
    expect(composer).to_have_value(re.compile(r"^@deskhand\s$"))  # the mention is in, not sent as plain "@desk"
    composer.type(request)
    composer.press("Enter")
    message = page.locator("#messages [data-testid=message]", has_text=request)
    # appears once deskhand has replied; the first turn of a fresh stack also loads the embedding model
    try:
        message.get_by_test_id("thread-summary").click(timeout=30_000)
    except Exception as exc:
        held = _channel_digest(stack) if stack else "?"
        raise AssertionError(f"no thread reply shown; #it-help holds:\n{held}") from exc
    card = page.locator(
        "#thread-messages [data-testid=message]", has=page.locator(".b-header", has_text="Approval needed")
    )
    card.wait_for()
    return card


def test_mention_approve_and_see_ticket(page: Any, live_stack: LiveStack, shoot: Any) -> None:
    """Tom asks @deskhand for a ticket, approves the card, and sees it turn into "Approved by" with the OPS key."""
    open_it_help_as_tom(page, live_stack)
    shoot(page, "it-help")
    card = ask_deskhand(page, "open a ticket: coffee machine leaks", live_stack)
    assert "Coffee machine leaks" in card.inner_text()
    assert card.locator("button.btn-primary", has_text="Approve").is_visible()
    assert card.locator("button.btn-danger", has_text="Reject").is_visible()
    shoot(page, "approval-card")

    card.locator("button", has_text="Approve").click()
    thread = page.locator("#thread-messages")
    thread.locator(".b-context", has_text="Approved by").wait_for()
    reply = thread.locator("[data-testid=message]", has_text=re.compile(r"OPS-\d+")).last
    reply.wait_for()
    shoot(page, "approved")

    decided = thread.locator("[data-testid=message]").nth(1)
    assert "@Tom Becker" in decided.locator(".b-context", has_text="Approved by").inner_text()
    assert decided.locator("button", has_text="Approve").count() == 0, "a decided card has no buttons"
    key = re.search(r"OPS-\d+", reply.inner_text())
    assert key is not None
    ticket = live_stack.bot.core.tickets.get(key.group(0))  # the key on screen is a real ticket
    assert ticket.title == "Coffee machine leaks" and ticket.reporter_id == TOM


def test_non_approver_is_refused_privately(page: Any, live_stack: LiveStack, shoot: Any) -> None:
    """Hana (not the requester, not an approver) clicks Approve on Tom's card: only she sees a refusal; buttons stay."""
    open_it_help_as_tom(page, live_stack)
    card = ask_deskhand(page, "open a ticket: projector in room 4 is broken", live_stack)
    shoot(page, "tom-card")

    act_as(page, HANA)
    assert page.get_by_test_id("acting-as").inner_text().find("Hana Sato") >= 0
    card.locator("button", has_text="Approve").click()
    refusal = page.locator("#thread-messages [data-testid=message].ephemeral", has_text="can decide")
    refusal.wait_for()
    text = refusal.inner_text()
    assert "Only visible to you" in text
    assert re.search(r"Only @Tom Becker .*can decide", text)
    assert card.locator("button", has_text="Approve").is_visible(), "the card keeps its buttons"
    assert card.locator("button", has_text="Reject").is_visible()
    shoot(page, "hana-refused")

    page.reload()  # "acting as" is remembered (localStorage) and the open thread is in the URL
    expect(page.get_by_test_id("acting-as")).to_have_attribute("data-user-id", HANA)
    expect(card.locator("button", has_text="Approve")).to_be_visible()

    act_as(page, TOM)  # the refusal was Hana's alone
    expect(page.locator("#thread-messages [data-testid=message].ephemeral")).to_have_count(0)
    expect(card.locator("button", has_text="Approve")).to_be_visible()
    shoot(page, "tom-does-not-see-refusal")
