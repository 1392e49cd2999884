"""Sandbox recordings become eval case skeletons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from evals.cli import eval_app
from evals.datasets import validate_case
from evals.recordings import cases_from_recording
from evals.schema import Case
from sandbox.payloads import app_mention_event, event_envelope, message_event
from sandbox.recording import Recorder
from sandbox.workspace import Identity

IDENT = Identity(
    team_id="T0KESTREL",
    team_name="Kestrel",
    domain="kestrel",
    bot_user_id="U0DESKHAND",
    bot_id="B0DESKHAND",
    app_id="A0DESKHAND",
    bot_name="deskhand",
)


def _deliver(rec: Recorder, event: dict[str, Any], *, retry: int = 0, envelope: dict[str, Any] | None = None) -> None:
    body = envelope or event_envelope(IDENT, event, verification_token="vt")
    rec.record(
        "sandbox->bot",
        "events_api",
        transport="http",
        retry_num=retry,
        request={"headers": {}, "body": body},
        response={"status": 200, "ok": True, "reason": None, "body": ""},
    )


def _click(rec: Recorder, user: str, channel: str, thread_ts: str, action_id: str) -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "container": {"type": "message", "channel_id": channel, "message_ts": "9.9", "thread_ts": thread_ts},
        "actions": [{"type": "button", "action_id": action_id, "value": "apr1"}],
    }
    rec.record(
        "sandbox->bot",
        "interactive",
        transport="http",
        retry_num=0,
        request={"headers": {}, "body": payload},
        response={"status": 200, "ok": True, "reason": None, "body": ""},
    )


def _post(rec: Recorder, channel: str, thread_ts: str, text: str) -> None:
    rec.record(
        "bot->sandbox",
        "web_api",
        method="chat.postMessage",
        request={"args": {"channel": channel, "thread_ts": thread_ts, "text": text}, "authorization": "Bearer xoxb-1"},
        response={"status": 200, "body": {"ok": True}},
    )


def _recording(tmp_path: Path) -> Path:
    rec = Recorder(tmp_path)
    root = {
        "type": "message",
        "ts": "100.1",
        "user": "U0MAYA0001",
        "text": "<@U0DESKHAND> open a ticket: printer on fire",
    }
    mention = app_mention_event(root, channel="C0ITHELP02")
    envelope = event_envelope(IDENT, mention, verification_token="vt")
    _deliver(rec, mention, envelope=envelope)
    _deliver(rec, mention, envelope=envelope, retry=1)  # Slack retry of the same event
    _deliver(rec, message_event(root, channel="C0ITHELP02", channel_type="channel"))  # same message, as a message event
    _post(rec, "C0ITHELP02", "100.1", "Here's what I'll do once it's approved:")
    follow = {
        "type": "message",
        "ts": "100.5",
        "thread_ts": "100.1",
        "user": "U0MAYA0001",
        "text": "make it high priority",
    }
    _deliver(rec, message_event(follow, channel="C0ITHELP02", channel_type="channel"))
    _click(rec, "U0MAYA0001", "C0ITHELP02", "100.1", "approval_approve")
    chatter = {"type": "message", "ts": "101.0", "user": "U0TOMB0004", "text": "lunch anyone?"}
    _deliver(rec, message_event(chatter, channel="C0GENERAL1", channel_type="channel"))  # not to the bot
    dm = {"type": "message", "ts": "200.0", "user": "U0TOMB0004", "text": "close OPS-7"}
    _deliver(rec, message_event(dm, channel="D0TOM", channel_type="im"))
    _click(rec, "U0MAYA0001", "D0TOM", "200.0", "approval_reject")
    bot_echo = {"type": "message", "ts": "200.1", "user": "U0DESKHAND", "bot_id": "B0DESKHAND", "text": "done"}
    _deliver(rec, message_event(bot_echo, channel="D0TOM", channel_type="im"))
    assert rec.path is not None
    with rec.path.open("a") as fh:
        fh.write("not json\n")
    return rec.path


def test_recording_becomes_case_skeletons(tmp_path: Path) -> None:
    """One case per thread with the bot; retries, duplicates, chatter and the bot's own posts are dropped."""
    skeletons = cases_from_recording(_recording(tmp_path))
    assert len(skeletons) == 2
    first, second = skeletons
    assert first["conversation"] == {
        "user": "U0MAYA0001",
        "channel": "C0ITHELP02",
        "turns": ["<@U0DESKHAND> open a ticket: printer on fire", "make it high priority"],
    }
    assert first["approval"] == {"decision": "approve"}
    assert first["notes"] == ["bot (chat.postMessage): Here's what I'll do once it's approved:"]
    assert "todo" in first["tags"]
    assert second["conversation"]["turns"] == ["close OPS-7"]
    assert second["approval"] == {"decision": "reject", "by": "U0MAYA0001"}


def test_skeletons_are_valid_cases(tmp_path: Path) -> None:
    """The skeletons load as cases against the demo fixture."""
    for raw in cases_from_recording(_recording(tmp_path)):
        case = Case.model_validate(raw)
        assert validate_case(case) == []


def test_import_recording_command(tmp_path: Path) -> None:
    """`deskhand eval import-recording FILE --out` appends JSONL skeletons."""
    out = tmp_path / "recorded.jsonl"
    result = CliRunner().invoke(eval_app, ["import-recording", str(_recording(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 2
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert CliRunner().invoke(eval_app, ["import-recording", str(empty)]).exit_code == 1
