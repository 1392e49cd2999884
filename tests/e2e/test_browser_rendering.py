"""The sandbox page on its own (no deskhand): mrkdwn, Block Kit, confirm dialogs, streaming, delivery status."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from slack_sdk import WebClient

from sandbox import SandboxClient, SandboxConfig, run_in_thread
from sandbox.server import RunningSandbox
from tests.e2e.support import BOT_TOKEN, CHROMIUM, SECRET, free_port

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (scripts/ensure-chromium.sh)"),
]

HANA, MAYA = "U0HANA0005", "U0MAYA0001"  # Hana is in Asia/Tokyo (UTC+9, no DST)
IT_HELP = "C0ITHELP02"


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    """A sandbox whose app is down (nothing listens at its request URL), with quick retries."""
    sb = run_in_thread(
        SandboxConfig(
            signing_secret=SECRET,
            bot_token=BOT_TOKEN,
            bot_request_url=f"http://127.0.0.1:{free_port()}/slack/events",
            delivery_timeout=0.5,
            retry_delays=(0.1, 0.1),
        )
    )
    yield sb
    sb.stop()


def render(page: Any, text: str) -> str:
    html: str = page.evaluate(
        "(t) => window.sandbox.mrkdwn(t, { tz: 'Asia/Tokyo', userName: () => 'Maya Okafor' })", text
    )
    return html


def test_mrkdwn_renders_like_slack(page: Any, sandbox: RunningSandbox) -> None:
    """*bold* _italic_ ~strike~ `code`, code blocks, links, mentions, bullets and dates in the viewer's zone."""
    page.goto(f"{sandbox.base_url}/?as={HANA}")
    page.wait_for_function("window.sandbox && window.sandbox.S.ws")
    assert render(page, "*bold* _it_ ~gone~ `x*y*`") == (
        '<b>bold</b> <i>it</i> <s>gone</s> <code class="mk-code">x*y*</code>'
    )
    assert '<pre class="mk-pre">a &lt; b\n*not bold*</pre>' in render(page, "```a &lt; b\n*not bold*```")
    link = render(page, "see <https://example.com/a_b_c|the docs> and <mailto:x@y.z|mail>")
    assert 'href="https://example.com/a_b_c"' in link and ">the docs</a>" in link and "<i>" not in link
    assert "@Maya Okafor</span>" in render(page, f"hi <@{MAYA}>")
    assert "javascript" not in render(page, "<javascript:alert(1)|click>")
    assert render(page, "a &amp; b &lt;tag&gt;") == "a &amp; b &lt;tag&gt;"
    bullets = render(page, "Try:\n• one\n• two")
    assert bullets.count('class="mk-li"') == 2 and bullets.startswith("Try:<br>")
    # 2024-01-01 00:00 UTC is 09:00 in Tokyo: the viewer's zone, not the server's.
    date = render(page, "<!date^1704067200^{date_num} {time}|Jan 1>")
    assert ">2024-01-01 9:00 AM</time>" in date
    assert "&gt; quoted" not in render(page, "&gt; quoted") and "mk-quote" in render(page, "&gt; quoted")


def test_block_kit_card_buttons_and_confirm_dialog(page: Any, sandbox: RunningSandbox, shoot: Any) -> None:
    """A bot card shows header, fields, context and styled buttons; a confirm dialog guards a danger button."""
    client = WebClient(base_url=sandbox.api_url, token=BOT_TOKEN)
    page.goto(f"{sandbox.base_url}/?as={HANA}#/c/{IT_HELP}")
    page.get_by_test_id("composer").wait_for()
    client.chat_postMessage(
        channel=IT_HELP,
        text="A card",
        blocks=[
            {"type": "header", "text": {"type": "plain_text", "text": "Deploy to production?"}},
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "*Service* `billing`"},
                "fields": [{"type": "mrkdwn", "text": "*When*\n<!date^1704067200^{time}|midnight UTC>"}],
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Asked by <@{MAYA}>"}]},
            {"type": "divider"},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "go",
                        "style": "primary",
                        "text": {"type": "plain_text", "text": "Deploy"},
                    },
                    {
                        "type": "button",
                        "action_id": "stop",
                        "style": "danger",
                        "text": {"type": "plain_text", "text": "Cancel release"},
                        "confirm": {
                            "title": {"type": "plain_text", "text": "Cancel the release?"},
                            "text": {"type": "mrkdwn", "text": "This *cannot* be undone."},
                            "confirm": {"type": "plain_text", "text": "Yes, cancel"},
                            "deny": {"type": "plain_text", "text": "Keep it"},
                            "style": "danger",
                        },
                    },
                ],
            },
            {"type": "image", "image_url": "https://example.com/chart.png", "alt_text": "weekly chart"},
        ],
    )
    card = page.locator("#messages [data-testid=message]").last
    expect(card.locator(".b-header")).to_have_text("Deploy to production?")  # arrives live, no reload
    expect(card.locator(".b-field")).to_contain_text("9:00 AM")  # Hana's zone
    expect(card.locator(".b-context .mention")).to_have_text("@Maya Okafor")
    assert "btn-primary" in (card.locator("button", has_text="Deploy").get_attribute("class") or "")
    assert "btn-danger" in (card.locator("button", has_text="Cancel release").get_attribute("class") or "")
    expect(card.locator(".img-placeholder-large")).to_contain_text("weekly chart")  # offline: not fetched

    card.locator("button", has_text="Cancel release").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("This cannot be undone.")
    shoot(page, "confirm")
    dialog.locator("button", has_text="Keep it").click()
    expect(dialog).to_have_count(0)
    time.sleep(0.2)
    kinds = [e.get("kind") for e in sandbox.sandbox.recorder.entries() if e.get("direction") == "driver"]
    assert "/sandbox/actions" not in kinds, "denying the confirm sends nothing"

    card.locator("button", has_text="Cancel release").click()
    page.get_by_test_id("confirm-yes").click()
    expect(card.locator(".msg-notice")).to_contain_text("not running")  # the app is down: Slack-like error
    shoot(page, "app-down-click")


def test_streamed_answer_grows_live_and_the_caret_goes_when_done(page: Any, sandbox: RunningSandbox) -> None:
    """chat.startStream/appendStream text appears as it is appended; stopStream removes the writing caret."""
    client = WebClient(base_url=sandbox.api_url, token=BOT_TOKEN)
    parent = client.chat_postMessage(channel=IT_HELP, text="Question thread")
    page.goto(f"{sandbox.base_url}/?as={HANA}#/c/{IT_HELP}/t/{parent['ts']}")
    thread = page.locator("#thread-messages")
    expect(thread.locator("[data-testid=message]")).to_have_count(1)
    stream = client.api_call("chat.startStream", json={"channel": IT_HELP, "thread_ts": parent["ts"]})
    client.api_call("chat.appendStream", json={"channel": IT_HELP, "ts": stream["ts"], "markdown_text": "The VPN "})
    expect(thread).to_contain_text("The VPN")
    expect(thread.locator(".stream-caret")).to_have_count(1)
    client.api_call("chat.appendStream", json={"channel": IT_HELP, "ts": stream["ts"], "markdown_text": "is **back**."})
    expect(thread.locator("b", has_text="back")).to_be_visible()
    client.api_call("chat.stopStream", json={"channel": IT_HELP, "ts": stream["ts"]})
    expect(thread.locator(".stream-caret")).to_have_count(0)


def test_message_to_a_down_bot_shows_not_delivered_with_retry(page: Any, sandbox: RunningSandbox, shoot: Any) -> None:
    """With the app down, a mention is retried like Slack and then marked "Not delivered" with a Retry link."""
    page.goto(f"{sandbox.base_url}/?as={MAYA}#/c/{IT_HELP}")
    composer = page.get_by_test_id("composer")
    composer.click()
    composer.type("@deskhand are you up?")
    composer.press("Escape")  # close the completion; the typed handle still becomes a mention
    composer.press("Enter")
    message = page.locator("#messages [data-testid=message]", has_text="are you up?")
    expect(message.locator(".mention")).to_have_text("@deskhand")
    expect(message.get_by_test_id("delivery-status")).to_contain_text("Not delivered to deskhand")
    shoot(page, "not-delivered")
    message.get_by_test_id("retry-delivery").click()
    ts = message.get_attribute("data-ts")

    def retried_and_failed() -> bool:
        rows = sandbox.sandbox.workspace.deliveries(channel=IT_HELP, ts=ts)
        # Three tries (one and two retries), then the manual retry: it is still down, so it fails again.
        return bool(rows) and all(r["attempts"] >= 4 and r["status"] == "failed" for r in rows)

    SandboxClient.wait_for(retried_and_failed, timeout=10)
    expect(message.get_by_test_id("delivery-status")).to_contain_text("Not delivered")


def _modal(title: str, *, note: str = "") -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "v"},
        },
        {
            "type": "input",
            "block_id": "priority",
            "label": {"type": "plain_text", "text": "Priority"},
            "element": {
                "type": "static_select",
                "action_id": "v",
                "options": [
                    {"text": {"type": "plain_text", "text": "High"}, "value": "high"},
                    {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "who",
            "optional": True,
            "label": {"type": "plain_text", "text": "Assignee"},
            "element": {"type": "users_select", "action_id": "v"},
        },
    ]
    if note:
        blocks.insert(0, {"type": "section", "text": {"type": "mrkdwn", "text": note}})
    return {
        "type": "modal",
        "callback_id": "ticket",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Create"},
        "blocks": blocks,
    }


def test_modal_flags_required_inputs_keeps_typing_across_updates_and_closes(
    page: Any, sandbox: RunningSandbox, shoot: Any
) -> None:
    """A modal opened by the app appears live; empty required inputs are flagged; views.update keeps input."""
    client = WebClient(base_url=sandbox.api_url, token=BOT_TOKEN)
    page.goto(f"{sandbox.base_url}/?as={HANA}#/c/{IT_HELP}")
    page.get_by_test_id("composer").wait_for()
    opened = client.views_open(trigger_id=sandbox.sandbox.views.issue_trigger(HANA), view=_modal("New ticket"))
    modal = page.get_by_test_id("modal")
    expect(modal.locator(".modal-title")).to_have_text("New ticket")
    expect(modal.locator("[data-block-id=who] select option", has_text="Maya Okafor")).to_have_count(1)

    page.get_by_test_id("modal-submit").click()
    expect(modal.locator("[data-block-id=title] .b-error")).to_have_text("Please complete this required field.")
    expect(modal.locator("[data-block-id=priority] .b-error")).to_have_text("Please complete this required field.")
    expect(modal.locator("[data-block-id=who] .b-error")).to_have_text("")
    shoot(page, "required")

    modal.locator("[data-block-id=title] input").fill("Broken chair")
    modal.locator("[data-block-id=priority] select").select_option("high")
    page.get_by_test_id("modal-submit").click()
    expect(modal.locator(".modal-banner")).to_contain_text("trouble connecting")  # the app is down

    client.views_update(view_id=opened["view"]["id"], view=_modal("New ticket (2)", note="*Almost there*"))
    expect(modal.locator(".modal-title")).to_have_text("New ticket (2)")
    expect(modal.locator("[data-block-id=title] input")).to_have_value("Broken chair")
    expect(modal.locator("[data-block-id=priority] select")).to_have_value("high")
    shoot(page, "updated")

    page.get_by_test_id("modal-close").click()
    expect(page.get_by_test_id("modal")).to_have_count(0)
    assert sandbox.sandbox.views.stack(HANA) == [], "closing in the page closes it in the workspace"
