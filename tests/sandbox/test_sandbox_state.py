"""Persistence across restarts, the JSONL recording with secrets redacted, and the driver's read API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from sandbox import SandboxClient, run_in_thread
from tests.sandbox.helpers import BOT, BOT_TOKEN, DIEGO, GENERAL, MAYA, base_config


def test_state_survives_restart(tmp_path: Path) -> None:
    """Messages, DMs and home tabs written to the data dir are there after a restart; ts keep increasing."""
    config = base_config(data_dir=tmp_path)
    with run_in_thread(config) as first:
        client = WebClient(base_url=first.api_url, token=BOT_TOKEN)
        before = client.chat_postMessage(channel=MAYA, text="remember me")
        client.views_publish(user_id=MAYA, view={"type": "home", "blocks": [{"type": "divider"}]})
    with run_in_thread(config) as second, SandboxClient(second.base_url) as driver:
        client = WebClient(base_url=second.api_url, token=BOT_TOKEN)
        history = client.conversations_history(channel=before["channel"])["messages"]
        assert [m["text"] for m in history] == ["remember me"]
        assert driver.home(MAYA) is not None
        after = client.chat_postMessage(channel=GENERAL, text="later")
        assert float(after["ts"]) > float(before["ts"])


def test_in_memory_when_no_data_dir(start_sandbox: Any) -> None:
    """Without a data dir nothing is shared between two sandboxes."""
    first = start_sandbox()
    WebClient(base_url=first.api_url, token=BOT_TOKEN).chat_postMessage(channel=GENERAL, text="only here")
    second = start_sandbox()
    assert WebClient(base_url=second.api_url, token=BOT_TOKEN).conversations_history(channel=GENERAL)["messages"] == []


def test_recording_is_jsonl_with_secrets_redacted(tmp_path: Path, bolt_pair: Any) -> None:
    """Web API calls, deliveries and driver actions are appended as JSONL; tokens and signatures never appear."""
    sb, app, _server = bolt_pair(data_dir=tmp_path)

    @app.event("message")
    def reply(event: dict[str, Any], say: Any) -> None:
        say(text="noted")

    with SandboxClient(sb.base_url) as driver:
        posted = driver.post_message(DIEGO, BOT, "hello")
        driver.wait_for_message(posted["channel"], lambda m: m.get("text") == "noted")
        driver.wait_for(lambda: driver.messages(posted["channel"])[0]["sandbox"]["delivery"] == "delivered")
    files = list((tmp_path / "recordings").glob("*.jsonl"))
    assert len(files) == 1
    raw = files[0].read_text()
    entries = [json.loads(line) for line in raw.splitlines()]
    kinds = {(e["direction"], e["kind"]) for e in entries}
    assert ("driver", "/sandbox/messages") in kinds
    assert ("sandbox->bot", "events_api") in kinds
    assert ("bot->sandbox", "web_api") in kinds
    assert BOT_TOKEN not in raw
    assert "xoxb-" not in raw
    assert "test-signing-secret" not in raw
    delivery = next(e for e in entries if e["kind"] == "events_api")
    assert delivery["request"]["headers"]["X-Slack-Signature"] == "[redacted]"
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)


def test_driver_reads_threads_and_conversations(driver: SandboxClient, client: WebClient) -> None:
    """The driver lists a user's conversations and a thread with its replies and delivery states."""
    names = {c.get("name") for c in driver.get("/sandbox/conversations", user=MAYA)["channels"]}
    assert {"general", "it-help", "people-ops"} <= names
    assert "design" not in names
    parent = driver.post_message(MAYA, GENERAL, "question")
    client.chat_postMessage(channel=GENERAL, thread_ts=parent["ts"], text="answer")
    thread = driver.thread(GENERAL, parent["ts"])
    assert [m["text"] for m in thread] == ["question", "answer"]
    assert thread[0]["reply_count"] == 1
    # No request URL is configured here, so the person's message cannot reach the app.
    assert driver.wait_for(lambda: driver.thread(GENERAL, parent["ts"])[0]["sandbox"]["delivery"] == "not_delivered")
