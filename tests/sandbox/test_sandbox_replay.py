"""Record a session with a small Bolt app, replay it against the same app (same) and a changed one (different)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from sandbox import SandboxClient, run_in_thread
from sandbox.__main__ import main as sandbox_main
from sandbox.normalise import Normaliser, call_lines
from sandbox.replay import ReplayError, load_recording, plan, replay
from tests.sandbox.helpers import BOT, BOT_TOKEN, IT_HELP, MAYA, SECRET, BoltServer, base_config, free_port, serve_bolt


def ticket_bot(api_port: int, behaviour: dict[str, str]) -> App:
    """A tiny approval bot: a card with fresh ids and dates on every run; `behaviour` lets a test change it."""
    app = App(signing_secret=SECRET, client=WebClient(base_url=f"http://127.0.0.1:{api_port}/api/", token=BOT_TOKEN))

    @app.event("message")
    def ignore(event: dict[str, Any]) -> None:
        return None

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], client: WebClient) -> None:
        client.reactions_add(channel=event["channel"], timestamp=event["ts"], name="eyes")
        approval = uuid.uuid4().hex  # volatile on purpose: replay must see through it
        soon = int(time.time()) + 3600
        client.chat_postMessage(
            channel=event["channel"],
            thread_ts=event["ts"],
            text=behaviour["card"],
            blocks=[
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": f"*{behaviour['card']}* for <@{event['user']}>"},
                },
                {"type": "context", "elements": [{"type": "mrkdwn", "text": f"expires <!date^{soon}^{{time}}|soon>"}]},
                {
                    "type": "actions",
                    "block_id": f"approval:{approval}",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "approve",
                            "text": {"type": "plain_text", "text": "Approve"},
                            "value": approval,
                        },
                        {
                            "type": "button",
                            "action_id": "edit",
                            "text": {"type": "plain_text", "text": "Edit"},
                            "value": approval,
                        },
                    ],
                },
            ],
        )
        client.reactions_remove(channel=event["channel"], timestamp=event["ts"], name="eyes")

    @app.action("edit")
    def on_edit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "edit_modal",
                "private_metadata": body["actions"][0]["value"],
                "title": {"type": "plain_text", "text": "Edit"},
                "submit": {"type": "plain_text", "text": "Save"},
                "blocks": [
                    {
                        "type": "input",
                        "block_id": "title",
                        "label": {"type": "plain_text", "text": "Title"},
                        "element": {"type": "plain_text_input", "action_id": "v"},
                    }
                ],
            },
        )

    @app.view("edit_modal")
    def on_submit(ack: Ack, view: dict[str, Any]) -> None:
        title = view["state"]["values"]["title"]["v"]["value"] or ""
        if len(title) < 5:
            ack(response_action="errors", errors={"title": "At least 5 characters"})
        else:
            ack()

    @app.action("approve")
    def on_approve(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        channel, card = body["channel"]["id"], body["message"]
        now = int(time.time())
        client.chat_update(
            channel=channel,
            ts=card["ts"],
            text="Approved",
            blocks=[
                {
                    "type": "context",
                    "elements": [
                        {"type": "mrkdwn", "text": f"Approved by <@{body['user']['id']}> <!date^{now}^{{time}}|now>"}
                    ],
                }
            ],
        )
        client.chat_postMessage(channel=channel, thread_ts=card["thread_ts"], text=behaviour["done"])

    @app.command("/tickets")
    def on_command(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="You have 1 open ticket.")

    return app


def _card(driver: SandboxClient, thread_ts: str) -> dict[str, Any]:
    return driver.wait_for_message(IT_HELP, lambda m: bool(m.get("bot_id")), thread_ts=thread_ts)


ORIGINAL = {"card": "Open ticket: printer on fire", "done": "Created TICKET-1"}


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int, BoltServer, dict[str, str]]]:
    """A recording of Maya asking, editing (one validation error), approving and running a command.

    Recorded once for the module; the bot keeps serving so each test can replay against it."""
    api_port, bot_port = free_port(), free_port()
    behaviour = dict(ORIGINAL)
    bot_url = f"http://127.0.0.1:{bot_port}/slack/events"
    data_dir = tmp_path_factory.mktemp("recording")
    sb = run_in_thread(base_config(data_dir=data_dir, port=api_port, bot_request_url=bot_url))
    server = serve_bolt(ticket_bot(api_port, behaviour), bot_port)  # Bolt calls auth.test as it starts
    try:
        with SandboxClient(sb.base_url) as driver:
            asked = driver.post_message(MAYA, IT_HELP, f"<@{BOT}> the printer is on fire")
            card = _card(driver, asked["ts"])
            driver.wait_for(lambda: not driver.messages(IT_HELP)[0].get("reactions"))
            driver.click(MAYA, IT_HELP, card["ts"], "edit", block_id=card["blocks"][2]["block_id"])
            view = driver.wait_for(lambda: driver.modal(MAYA)["view"])
            assert driver.submit_view(MAYA, view["id"], {"title": {"v": "abc"}})["response_action"] == "errors"
            driver.submit_view(MAYA, view["id"], {"title": {"v": "Printer on fire"}})
            driver.click(MAYA, IT_HELP, card["ts"], "approve", block_id=card["blocks"][2]["block_id"])
            driver.wait_for_message(IT_HELP, lambda m: m.get("text") == behaviour["done"], thread_ts=asked["ts"])
            driver.slash_command(MAYA, IT_HELP, "/tickets")
            driver.wait_for(lambda: any("open ticket" in m["text"] for m in driver.messages(IT_HELP, user=MAYA)))
        path = sb.sandbox.recorder.path
        assert path is not None
    finally:
        sb.stop()
    yield path, api_port, server, behaviour
    server.stop()


@pytest.fixture
def recorded(
    session: tuple[Path, int, BoltServer, dict[str, str]],
) -> Iterator[tuple[Path, int, BoltServer, dict[str, str]]]:
    """The module's recording, with the bot's behaviour restored after each test changes it."""
    yield session
    session[3].update(ORIGINAL)


def test_replay_against_the_same_bot_reports_no_differences(
    recorded: tuple[Path, int, BoltServer, dict[str, str]],
) -> None:
    """Replaying a session against the unchanged bot matches every step despite new ts, ids and dates."""
    path, api_port, server, _ = recorded
    report = replay(path, bot_url=server.url, signing_secret=SECRET, bot_token=BOT_TOKEN, port=api_port, quiet_ms=150)
    assert [s.step.kind for s in report.steps] == ["message", "click", "submit", "submit", "click", "command"]
    assert report.ok, report.render()
    first = report.steps[0]
    assert any(line.startswith("chat.postMessage → ok") for line in first.actual)
    assert any(line.startswith("reactions.add → ok") for line in first.actual)
    assert "<id1>" in "\n".join(first.actual), "the card's uuid is labelled, not compared raw"
    assert (
        report.steps[2].actual[0] == 'outcome: {"delivered": true, "errors": {"title": "At least 5 characters"}, '
        '"ok": true, "response_action": "errors", "status": 200}'
    )
    assert "same as recorded" in report.render()


def test_replay_against_a_changed_bot_reports_the_difference(
    recorded: tuple[Path, int, BoltServer, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """When the bot answers differently, the CLI prints a unified diff of the changed call and exits 1."""
    path, api_port, server, behaviour = recorded
    behaviour["done"] = "Created TICKET-2"
    code = sandbox_main(
        [
            "replay",
            str(path),
            "--bot-url",
            server.url,
            "--signing-secret",
            SECRET,
            "--bot-token",
            BOT_TOKEN,
            "--port",
            str(api_port),
            "--quiet-ms",
            "150",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "✗ step 5: U0MAYA0001 clicks approve" in out
    assert "~ chat.postMessage → ok" in out
    assert '-      "text": "Created TICKET-1",' in out and '+      "text": "Created TICKET-2",' in out
    assert "✓ step 1" in out and "DIFFERENT: 1 step(s) changed" in out


def test_replay_ignore_patterns_make_expected_variation_equal(
    recorded: tuple[Path, int, BoltServer, dict[str, str]],
) -> None:
    """--ignore turns matches into one placeholder, so a bot whose ticket counter moved on still matches."""
    path, api_port, server, behaviour = recorded
    behaviour["done"] = "Created TICKET-7"
    report = replay(
        path,
        bot_url=server.url,
        signing_secret=SECRET,
        bot_token=BOT_TOKEN,
        port=api_port,
        quiet_ms=150,
        ignore=[r"TICKET-\d+"],
    )
    assert report.ok, report.render()


def test_replay_of_a_silent_bot_times_out_and_reports_missing_calls(
    recorded: tuple[Path, int, BoltServer, dict[str, str]],
) -> None:
    """A bot that is down: steps report the recorded calls as missing and unmappable clicks as errors."""
    path, api_port, _server, _ = recorded
    dead = f"http://127.0.0.1:{free_port()}/slack/events"
    report = replay(
        path, bot_url=dead, signing_secret=SECRET, bot_token=BOT_TOKEN, port=api_port, quiet_ms=50, step_timeout=0.5
    )
    assert not report.ok
    first = report.steps[0]
    assert "- missing: chat.postMessage → ok" in first.diff()
    assert report.steps[1].error is not None and "has not posted" in report.steps[1].error


def test_recording_without_actions_or_garbage_is_refused(tmp_path: Path) -> None:
    """A file that is not a recording, or has no person actions, is a ReplayError (CLI exit code 2)."""
    garbage = tmp_path / "x.jsonl"
    garbage.write_text("{not json\n")
    with pytest.raises(ReplayError):
        load_recording(garbage)
    empty = tmp_path / "empty.jsonl"
    empty.write_text(
        json.dumps({"seq": 1, "direction": "bot->sandbox", "kind": "web_api", "method": "auth.test"}) + "\n"
    )
    with pytest.raises(ReplayError):
        plan(load_recording(empty))
    assert sandbox_main(["replay", str(tmp_path / "missing.jsonl"), "--bot-url", "http://127.0.0.1:9/"]) == 2


def test_normaliser_labels_volatile_values_consistently() -> None:
    """Timestamps, hex ids and date tokens become labels by first appearance; plain text is kept."""
    norm = Normaliser()
    entry = {
        "direction": "bot->sandbox",
        "kind": "web_api",
        "method": "chat.update",
        "request": {
            "args": {
                "token": "[redacted]",
                "channel": "C0ITHELP02",
                "ts": "1700000000.000100",
                "blocks": json.dumps(
                    [
                        {"type": "actions", "block_id": "approval:0123456789abcdef0123", "elements": []},
                        {
                            "type": "context",
                            "text": "due <!date^1700000000^{date_short}|Nov 14> thread 1700000000.000100",
                        },
                    ]
                ),
            }
        },
        "response": {"body": {"ok": True}},
    }
    lines = call_lines(entry, norm)
    text = "\n".join(lines)
    assert lines[0] == "chat.update → ok"
    assert '"ts": "<ts1>"' in text and "thread <ts1>" in text
    assert "approval:<id1>" in text
    assert "<!date^<time>^{date_short}|<fallback>>" in text
    assert "token" not in text and "C0ITHELP02" in text
