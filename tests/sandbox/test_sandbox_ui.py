"""The web page's HTTP side: static files, the SSE change stream, avatars, retry and DM routes, typed rich text."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from slack_bolt import App, Say
from slack_sdk import WebClient

from sandbox import SandboxClient
from sandbox.config import INTERACTIVE_PORT, INTERACTIVE_RETRY_DELAYS, interactive_config
from sandbox.server import RunningSandbox
from sandbox.shapes import rich_text_blocks
from tests.sandbox.helpers import BOT, BOT_TOKEN, HANA, IT_HELP, MAYA, SECRET, free_port, serve_bolt


def _events(response: httpx.Response) -> Iterator[dict[str, Any]]:
    """Parsed `change` events of an SSE response, as they arrive."""
    data: list[str] = []
    for line in response.iter_lines():
        if line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            yield json.loads("".join(data))
            data = []


def test_page_and_static_files_are_served(sandbox: RunningSandbox) -> None:
    """`/` is the client page; its modules and styles come from /static with no-cache; unknown files are 404."""
    with httpx.Client(base_url=sandbox.base_url, trust_env=False) as http:
        page = http.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert '<script type="module" src="/static/app.js">' in page.text
        for name in ("app.js", "blocks.js", "mrkdwn.js", "composer.js", "messages.js", "modal.js", "app.css"):
            asset = http.get(f"/static/{name}")
            assert asset.status_code == 200, name
            assert asset.headers["cache-control"] == "no-cache"
        assert "javascript" in http.get("/static/app.js").headers["content-type"]
        assert http.get("/static/nope.js").status_code == 404


def test_sse_stream_delivers_a_notice_when_a_message_is_posted(sandbox: RunningSandbox, driver: SandboxClient) -> None:
    """An open /sandbox/events stream says hello, then gets {kind: message, channel, ts} (ids, no text) for a post."""
    with (
        httpx.Client(base_url=sandbox.base_url, timeout=5, trust_env=False) as http,
        http.stream("GET", "/sandbox/events") as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        events = _events(response)
        assert next(events)["kind"] == "hello"
        posted = driver.post_message(MAYA, IT_HELP, "is the VPN down for anyone else?")
        notice = next(events)
    assert notice == {"kind": "message", "channel": IT_HELP, "ts": posted["ts"]}


def test_sse_reports_bot_updates_and_ephemerals_for_their_user(sandbox: RunningSandbox, client: WebClient) -> None:
    """chat.update and chat.postEphemeral from the app reach the stream, the ephemeral naming its viewer."""
    posted = client.chat_postMessage(channel=IT_HELP, text="working on it")
    with (
        httpx.Client(base_url=sandbox.base_url, timeout=5, trust_env=False) as http,
        http.stream("GET", "/sandbox/events") as response,
    ):
        events = _events(response)
        next(events)
        client.chat_update(channel=IT_HELP, ts=posted["ts"], text="done")
        client.chat_postEphemeral(channel=IT_HELP, user=HANA, text="only for you")
        changed, ephemeral = next(events), next(events)
    assert changed == {"kind": "message_changed", "channel": IT_HELP, "ts": posted["ts"]}
    assert ephemeral["kind"] == "ephemeral" and ephemeral["user"] == HANA


def test_open_streams_end_when_the_sandbox_stops(start_sandbox: Callable[..., RunningSandbox]) -> None:
    """Stopping the sandbox ends live streams at once instead of waiting out uvicorn's grace period."""
    sb = start_sandbox()
    ended = threading.Event()

    def listen() -> None:
        with (
            httpx.Client(timeout=10, trust_env=False) as http,
            http.stream("GET", sb.base_url + "/sandbox/events") as r,
        ):
            for _ in r.iter_lines():
                pass
        ended.set()

    reader = threading.Thread(target=listen, daemon=True)
    reader.start()
    SandboxClient.wait_for(lambda: len(sb.sandbox.feed._queues) == 1)
    started = time.monotonic()
    sb.stop()
    assert time.monotonic() - started < 1.5
    assert ended.wait(2), "the stream finished"


def test_avatars_are_svg_initials_and_unknown_users_404(sandbox: RunningSandbox) -> None:
    """users.info image URLs resolve: initials for people, a badge for the app, Slackbot, 404 for strangers."""
    with httpx.Client(base_url=sandbox.base_url, trust_env=False) as http:
        maya = http.get(f"/sandbox/avatars/{MAYA}.svg")
        assert maya.status_code == 200 and maya.headers["content-type"].startswith("image/svg+xml")
        assert ">MO</text>" in maya.text
        assert "<text" not in http.get(f"/sandbox/avatars/{BOT}.svg").text
        assert ">S</text>" in http.get("/sandbox/avatars/USLACKBOT.svg").text
        assert http.get("/sandbox/avatars/U0NOBODY99.svg").status_code == 404


def test_message_not_delivered_while_bot_is_down_then_retried(start_sandbox: Callable[..., RunningSandbox]) -> None:
    """With the bot down a message ends not_delivered; once it is up, the message's retry route delivers it."""
    bot_port = free_port()
    sb = start_sandbox(
        bot_request_url=f"http://127.0.0.1:{bot_port}/slack/events", delivery_timeout=0.5, retry_delays=(0.05, 0.05)
    )
    with SandboxClient(sb.base_url) as driver:
        posted = driver.post_message(MAYA, IT_HELP, f"<@{BOT}> hello?")
        driver.wait_for(lambda: driver.messages(IT_HELP)[-1]["sandbox"]["delivery"] == "not_delivered")

        app = App(signing_secret=SECRET, client=WebClient(base_url=sb.api_url, token=BOT_TOKEN))

        @app.event("app_mention")
        def on_mention(event: dict[str, Any], say: Say) -> None:
            say(text="I'm here now", thread_ts=event["ts"])

        @app.event("message")
        def on_message() -> None:
            return None

        server = serve_bolt(app, bot_port)
        try:
            retried = driver.post(f"/sandbox/conversations/{IT_HELP}/messages/{posted['ts']}/retry", {})
            assert len(retried["retried"]) == 2  # the app_mention and the message event
            driver.wait_for_message(IT_HELP, lambda m: m.get("text") == "I'm here now", thread_ts=posted["ts"])
            driver.wait_for(lambda: driver.messages(IT_HELP)[-1]["sandbox"]["delivery"] == "delivered")
            retry = next(r for r in server.requests if '"app_mention"' in r["body"])
            assert retry["headers"]["x-slack-retry-num"] == "3"
        finally:
            server.stop()


def test_dm_route_opens_a_conversation_the_sidebar_lists(driver: SandboxClient) -> None:
    """POST /sandbox/dms gives the DM's id before anyone has posted, and it shows in the person's sidebar."""
    opened = driver.post("/sandbox/dms", {"user": MAYA, "with": HANA})
    channels = driver.get("/sandbox/conversations", user=MAYA)["channels"]
    assert any(c["id"] == opened["channel"] and c.get("user") == HANA for c in channels)
    info = driver.get("/sandbox/workspace")
    assert info["slash_commands"] == ["/deskhand"] and info["general"] == "C0GENERAL1"


def test_typed_text_becomes_rich_text_like_slacks_client() -> None:
    """Mentions, links, :emoji: and *bold*/_italic_/`code` become elements; &lt; &gt; &amp; are unescaped."""
    typed = f"<@{BOT}> is *this* _ok_ &lt;b&gt; <https://x.test|docs> `a*b` :tada:"
    section = rich_text_blocks(typed, "b1")[0]["elements"][0]
    assert section["elements"] == [
        {"type": "user", "user_id": BOT},
        {"type": "text", "text": " is "},
        {"type": "text", "text": "this", "style": {"bold": True}},
        {"type": "text", "text": " "},
        {"type": "text", "text": "ok", "style": {"italic": True}},
        {"type": "text", "text": " <b> "},
        {"type": "link", "url": "https://x.test", "text": "docs"},
        {"type": "text", "text": " "},
        {"type": "text", "text": "a*b", "style": {"code": True}},
        {"type": "text", "text": " "},
        {"type": "emoji", "name": "tada"},
    ]


def test_interactive_config_is_fixed_port_persistent_and_quick_to_retry(tmp_path: Path) -> None:
    """The `deskhand run` preset: port 3001, state in data_dir, Slack's three retries seconds apart."""
    config = interactive_config(data_dir=tmp_path, bot_request_url="http://127.0.0.1:3000/slack/events")
    assert (config.port, config.data_dir, config.delivery_timeout) == (INTERACTIVE_PORT, tmp_path, 3.0)
    assert config.retry_delays == INTERACTIVE_RETRY_DELAYS and len(config.retry_delays) == 3
    assert max(config.retry_delays) <= 30
