"""Delivery to a real Bolt app over loopback HTTP: events, retries, interactivity, commands, App Home."""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import Ack, App, BoltResponse, Respond, Say
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from sandbox import SandboxClient
from tests.sandbox.helpers import BOT, BOT_TOKEN, DIEGO, GENERAL, IT_HELP, MAYA, SECRET, free_port, serve_bolt


def quiet_messages(app: App) -> list[dict[str, Any]]:
    """Registers a `message` listener (an app subscribed to message.* must handle them) and records them."""
    seen: list[dict[str, Any]] = []

    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        seen.append(event)

    return seen


def test_app_mention_reaches_bolt_signed_and_reply_shows(bolt_pair: Any) -> None:
    """A mention becomes a signed app_mention that Bolt accepts; its chat.postMessage reply shows in the thread."""
    sb, app, server = bolt_pair()
    quiet_messages(app)

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], say: Say) -> None:
        say(text=f"Hi <@{event['user']}>!", thread_ts=event["ts"])

    with SandboxClient(sb.base_url) as driver:
        posted = driver.post_message(MAYA, IT_HELP, f"<@{BOT}> my laptop is broken")
        reply = driver.wait_for_message(
            IT_HELP, lambda m: m.get("bot_id") == "B0DESKHAND", thread_ts=posted["ts"], timeout=5
        )
        assert reply["text"] == f"Hi <@{MAYA}>!"
        driver.wait_for(lambda: driver.messages(IT_HELP)[0]["sandbox"]["delivery"] == "delivered")
    mention = next(r for r in server.requests if '"app_mention"' in r["body"])
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(
        body=mention["body"],
        timestamp=mention["headers"]["x-slack-request-timestamp"],
        signature=mention["headers"]["x-slack-signature"],
    )
    envelope = json.loads(mention["body"])
    assert envelope["type"] == "event_callback"
    assert envelope["event_id"].startswith("Ev")
    assert envelope["authorizations"][0]["user_id"] == BOT
    assert envelope["event"]["channel"] == IT_HELP
    assert envelope["event"]["user"] == MAYA


def test_dm_and_thread_replies_arrive_as_message_events(bolt_pair: Any) -> None:
    """DMs arrive as message events with channel_type im; channel thread replies with channel_type channel."""
    sb, app, _server = bolt_pair()
    seen = quiet_messages(app)
    with SandboxClient(sb.base_url) as driver:
        dm = driver.post_message(DIEGO, BOT, "can you book a room?")
        parent = driver.post_message(MAYA, GENERAL, "standup notes")
        driver.post_message(DIEGO, GENERAL, "thanks", thread_ts=parent["ts"])
        driver.wait_for(lambda: len(seen) >= 3)
    by_text = {e["text"]: e for e in seen}
    assert by_text["can you book a room?"]["channel_type"] == "im"
    assert by_text["can you book a room?"]["channel"] == dm["channel"]
    reply = by_text["thanks"]
    assert reply["channel_type"] == "channel"
    assert reply["thread_ts"] == parent["ts"]
    assert reply["parent_user_id"] == MAYA


def test_slow_bot_is_retried_with_same_event_id(bolt_pair: Any) -> None:
    """A bot that answers after the timeout is retried with X-Slack-Retry-Num and reason http_timeout."""
    sb, app, server = bolt_pair(process_before_response=True, delivery_timeout=0.4)
    calls: list[int] = []

    @app.event("message")
    def slow(event: dict[str, Any]) -> None:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.8)

    with SandboxClient(sb.base_url) as driver:
        posted = driver.post_message(DIEGO, BOT, "hello?")
        driver.wait_for(
            lambda: driver.deliveries(channel=posted["channel"], ts=posted["ts"])[0]["status"] == "delivered"
        )
        row = driver.deliveries(channel=posted["channel"], ts=posted["ts"])[0]
    assert row["attempts"] == 2
    first, second = server.requests[0], server.requests[1]
    assert "x-slack-retry-num" not in first["headers"]
    assert second["headers"]["x-slack-retry-num"] == "1"
    assert second["headers"]["x-slack-retry-reason"] == "http_timeout"
    assert json.loads(first["body"])["event_id"] == json.loads(second["body"])["event_id"]


def test_erroring_bot_is_retried_with_http_error(bolt_pair: Any) -> None:
    """A 5xx answer counts as a failure and is retried with reason http_error, up to three retries."""
    sb, app, server = bolt_pair()

    @app.middleware
    def fail(req: Any, resp: BoltResponse, next: Any) -> BoltResponse:
        return BoltResponse(status=500, body="boom")

    with SandboxClient(sb.base_url) as driver:
        posted = driver.post_message(DIEGO, BOT, "anyone?")
        driver.wait_for(lambda: driver.messages(posted["channel"])[0]["sandbox"]["delivery"] == "not_delivered")
    assert len(server.requests) == 4
    assert [r["headers"].get("x-slack-retry-num") for r in server.requests] == [None, "1", "2", "3"]
    assert {r["headers"].get("x-slack-retry-reason") for r in server.requests[1:]} == {"http_error"}


def test_bot_down_marks_message_not_delivered_then_retry_succeeds(start_sandbox: Any) -> None:
    """With nothing listening the message is retrying, then not delivered; a manual retry later delivers it."""
    port = free_port()
    sb = start_sandbox(bot_request_url=f"http://127.0.0.1:{port}/slack/events", retry_delays=(0.3, 0.05, 0.05))
    with SandboxClient(sb.base_url) as driver:
        posted = driver.post_message(DIEGO, BOT, "is anyone there?")
        driver.wait_for(lambda: driver.messages(posted["channel"])[0]["sandbox"]["delivery"] == "retrying")
        driver.wait_for(lambda: driver.messages(posted["channel"])[0]["sandbox"]["delivery"] == "not_delivered")
        row = driver.deliveries(channel=posted["channel"], ts=posted["ts"])[0]
        assert row["attempts"] == 4
        assert row["last_error"] == "connection_failed"

        app = App(signing_secret=SECRET, client=WebClient(base_url=sb.api_url, token=BOT_TOKEN))
        seen = quiet_messages(app)
        server = serve_bolt(app, port)
        try:
            driver.retry_delivery(row["id"])
            driver.wait_for(lambda: driver.messages(posted["channel"])[0]["sandbox"]["delivery"] == "delivered")
            assert seen[0]["text"] == "is anyone there?"
            assert server.requests[0]["headers"]["x-slack-retry-num"] == "4"
        finally:
            server.stop()


BUTTONS = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "Create ticket *VPN down*?"}},
    {
        "type": "actions",
        "block_id": "approval",
        "elements": [
            {
                "type": "button",
                "action_id": "approve",
                "style": "primary",
                "value": "req-1",
                "text": {"type": "plain_text", "text": "Approve"},
            },
            {
                "type": "button",
                "action_id": "reject",
                "value": "req-1",
                "text": {"type": "plain_text", "text": "Reject"},
            },
        ],
    },
]


def test_button_click_reaches_action_listener_and_update_shows(bolt_pair: Any) -> None:
    """A click becomes a block_actions payload; the listener's chat.update replaces the card in the sandbox."""
    sb, app, _server = bolt_pair()
    quiet_messages(app)
    received: list[dict[str, Any]] = []

    @app.action("approve")
    def approve(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        received.append(body)
        client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"], text="Approved: OPS-42", blocks=[])

    card = WebClient(base_url=sb.api_url, token=BOT_TOKEN).chat_postMessage(
        channel=GENERAL, text="approval needed", blocks=BUTTONS
    )
    with SandboxClient(sb.base_url) as driver:
        outcome = driver.click(MAYA, GENERAL, card["ts"], "approve")
        assert outcome["delivered"] is True
        driver.wait_for(lambda: driver.messages(GENERAL)[0]["text"] == "Approved: OPS-42")
    payload = received[0]
    assert payload["type"] == "block_actions"
    assert payload["user"]["id"] == MAYA
    assert payload["actions"][0]["value"] == "req-1"
    assert payload["actions"][0]["block_id"] == "approval"
    assert payload["container"] == {
        "type": "message",
        "message_ts": card["ts"],
        "channel_id": GENERAL,
        "is_ephemeral": False,
    }
    assert payload["trigger_id"]
    assert payload["response_url"].startswith(sb.base_url)


def test_response_url_replaces_and_adds_ephemeral(bolt_pair: Any) -> None:
    """respond() through response_url can replace the original and post an ephemeral reply."""
    sb, app, _server = bolt_pair()
    quiet_messages(app)

    @app.action("reject")
    def reject(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="Rejected by you", replace_original=True)
        respond(text="Only the requester may decide.", response_type="ephemeral")

    card = WebClient(base_url=sb.api_url, token=BOT_TOKEN).chat_postMessage(
        channel=GENERAL, text="approval needed", blocks=BUTTONS
    )
    with SandboxClient(sb.base_url) as driver:
        driver.click(DIEGO, GENERAL, card["ts"], "reject")
        driver.wait_for(lambda: len(driver.messages(GENERAL, user=DIEGO)) == 2)
        seen_by_diego = driver.messages(GENERAL, user=DIEGO)
        assert seen_by_diego[0]["text"] == "Rejected by you"
        assert "blocks" not in seen_by_diego[0]
        assert seen_by_diego[1]["text"] == "Only the requester may decide."
        assert seen_by_diego[1]["sandbox"]["ephemeral"] is True
        assert len(driver.messages(GENERAL, user=MAYA)) == 1


FORM = {
    "type": "modal",
    "callback_id": "new_ticket",
    "title": {"type": "plain_text", "text": "New ticket"},
    "submit": {"type": "plain_text", "text": "File"},
    "notify_on_close": True,
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "priority",
            "label": {"type": "plain_text", "text": "Priority"},
            "element": {
                "type": "static_select",
                "action_id": "choice",
                "options": [
                    {"text": {"type": "plain_text", "text": "High"}, "value": "high"},
                    {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
                ],
            },
        },
    ],
}


def test_slash_command_opens_modal_and_submission_reaches_bolt(bolt_pair: Any) -> None:
    """A slash command carries a trigger_id that opens a modal; submitting it sends view_submission values."""
    sb, app, _server = bolt_pair()
    quiet_messages(app)
    submitted: list[dict[str, Any]] = []

    @app.command("/ticket")
    def ticket(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=FORM)

    @app.view("new_ticket")
    def on_submit(ack: Ack, view: dict[str, Any], body: dict[str, Any]) -> None:
        values = view["state"]["values"]
        if not values["title"]["value"]["value"].strip():
            ack(response_action="errors", errors={"title": "Say what is wrong"})
            return
        ack()
        submitted.append(values)

    with SandboxClient(sb.base_url) as driver:
        assert driver.slash_command(MAYA, IT_HELP, "/ticket", "vpn")["delivered"] is True
        modal = driver.wait_for(lambda: driver.modal(MAYA)["view"])
        assert modal["callback_id"] == "new_ticket"
        missing = driver.submit_view(MAYA, modal["id"], {"priority": {"choice": "high"}})
        assert missing["delivered"] is False
        assert missing["missing"] == ["title"]
        refused = driver.submit_view(MAYA, modal["id"], {"title": {"value": "  "}, "choice": "low"})
        assert refused["response_action"] == "errors"
        assert driver.modal(MAYA)["errors"] == {"title": "Say what is wrong"}
        done = driver.submit_view(MAYA, modal["id"], {"value": "VPN down", "choice": "high"})
        assert done["delivered"] is True
        assert driver.modal(MAYA)["view"] is None
    assert submitted[0]["title"]["value"] == {"type": "plain_text_input", "value": "VPN down"}
    assert submitted[0]["priority"]["choice"]["selected_option"]["value"] == "high"


def test_slash_command_fields_and_immediate_reply(bolt_pair: Any) -> None:
    """Slash commands are form-encoded like Slack's; a reply in the ack body shows as an ephemeral message."""
    sb, app, server = bolt_pair()

    @app.command("/deskhand")
    def help_command(ack: Ack) -> None:
        ack(text="Try `/deskhand book a room`")

    with SandboxClient(sb.base_url) as driver:
        driver.slash_command(DIEGO, IT_HELP, "/deskhand", "help")
        shown = driver.messages(IT_HELP, user=DIEGO)
        assert [m["text"] for m in shown] == ["Try `/deskhand book a room`"]
    fields = {k: v[0] for k, v in parse_qs(server.requests[0]["body"]).items()}
    assert fields["command"] == "/deskhand"
    assert fields["text"] == "help"
    assert fields["user_id"] == DIEGO
    assert fields["channel_id"] == IT_HELP
    assert fields["response_url"]
    assert fields["trigger_id"]


def test_view_closed_is_sent_when_asked(bolt_pair: Any) -> None:
    """Closing a modal with notify_on_close sends view_closed to the app."""
    sb, app, _server = bolt_pair()
    closed: list[dict[str, Any]] = []

    @app.view_closed("new_ticket")
    def on_close(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        closed.append(body)

    view = WebClient(base_url=sb.api_url, token=BOT_TOKEN).views_open(
        trigger_id=sb.sandbox.views.issue_trigger(MAYA), view=FORM
    )["view"]
    with SandboxClient(sb.base_url) as driver:
        assert driver.close_view(MAYA, view["id"])["delivered"] is True
        assert driver.modal(MAYA)["view"] is None
    assert closed[0]["type"] == "view_closed"
    assert closed[0]["view"]["id"] == view["id"]


def test_app_home_opened_lets_bot_publish_home(bolt_pair: Any) -> None:
    """Opening App Home sends app_home_opened; the bot's views.publish shows as the user's home tab."""
    sb, app, _server = bolt_pair()

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"Hello <@{event['user']}>"}}]
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": blocks})

    with SandboxClient(sb.base_url) as driver:
        driver.open_app_home(MAYA)
        home_view = driver.wait_for(lambda: driver.home(MAYA))
    assert home_view["blocks"][0]["text"]["text"] == f"Hello <@{MAYA}>"


def test_socket_mode_round_trip(start_sandbox: Any) -> None:
    """In Socket Mode, Bolt's SocketModeHandler connects, gets the mention over the WebSocket and replies."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    sb = start_sandbox(socket_mode=True)
    app = App(client=WebClient(base_url=sb.api_url, token=BOT_TOKEN))
    quiet_messages(app)
    clicked = threading.Event()

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], say: Say) -> None:
        say(text="over the socket", thread_ts=event["ts"])

    @app.action("approve")
    def approve(ack: Ack) -> None:
        ack()
        clicked.set()

    handler = SocketModeHandler(app, "xapp-1-test-app-token")
    handler.connect()
    try:
        with SandboxClient(sb.base_url) as driver:
            driver.wait_for(lambda: sb.sandbox.sockets.connected >= 1)
            posted = driver.post_message(MAYA, GENERAL, f"<@{BOT}> ping")
            reply = driver.wait_for_message(GENERAL, lambda m: m.get("user") == BOT, thread_ts=posted["ts"])
            assert reply["text"] == "over the socket"
            card = app.client.chat_postMessage(channel=GENERAL, text="card", blocks=BUTTONS)
            assert driver.click(MAYA, GENERAL, card["ts"], "approve")["delivered"] is True
            assert clicked.wait(5)
    finally:
        handler.close()


def test_only_subscribed_event_types_are_sent(bolt_pair: Any) -> None:
    """With bot_events set like a manifest, unsubscribed kinds (message.channels, reaction_added) are not sent."""
    sb, app, server = bolt_pair(bot_events=frozenset({"app_mention", "message.im"}))
    seen: list[str] = []

    @app.event("app_mention")
    def on_mention(event: dict[str, Any]) -> None:
        seen.append("app_mention")

    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        seen.append(f"message.{event['channel_type']}")

    with SandboxClient(sb.base_url) as driver:
        posted = driver.post_message(MAYA, IT_HELP, f"<@{BOT}> ping")
        assert len(posted["deliveries"]) == 1
        driver.react(DIEGO, IT_HELP, posted["ts"], "eyes")
        driver.post_message(MAYA, BOT, "a DM")
        driver.wait_for(lambda: len(seen) >= 2)
        time.sleep(0.2)
    assert sorted(seen) == ["app_mention", "message.im"]
    assert not any('"reaction_added"' in r["body"] for r in server.requests)
