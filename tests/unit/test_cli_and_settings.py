"""The CLI's scripted commands and how settings are read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings

runner = CliRunner()


def test_settings_read_prefixed_and_conventional_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """SLACK_BOT_TOKEN and DESKHAND_* both work; lists and maps parse from comma-separated values."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("DESKHAND_APPROVERS", "U1, U2")
    monkeypatch.setenv("DESKHAND_CHANNEL_PROJECTS", "C1=ENG,C2=DES")
    monkeypatch.setenv("DESKHAND_APPROVAL_TTL_HOURS", "2")
    settings = Settings()
    assert settings.secret("slack_bot_token") == "xoxb-1"
    assert settings.approvers == ["U1", "U2"]
    assert settings.channel_projects == {"C1": "ENG", "C2": "DES"}
    assert settings.approval_ttl_hours == 2
    assert "xoxb-1" not in repr(settings), "secrets must not appear in reprs or logs"


def test_settings_reject_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    """A zero approval lifetime is refused at start-up with the setting's name."""
    monkeypatch.setenv("DESKHAND_APPROVAL_TTL_HOURS", "0")
    with pytest.raises(ValueError, match="approval_ttl_hours"):
        Settings()


def test_chat_json_turn_then_approve_creates_ticket(isolated_env: Path) -> None:
    """`deskhand chat --json --as` proposes; `deskhand approve` as the requester files the ticket."""
    result = runner.invoke(app, ["chat", "--json", "--as", "priya", "open a ticket: staging is down, urgent"])
    assert result.exit_code == 0, result.output
    turn = json.loads(result.output)
    assert turn["as"] == "U0PRIYA003"
    action = turn["approval"]["actions"][0]
    assert (action["params"]["title"], action["params"]["priority"]) == ("Staging is down", "highest")

    refused = runner.invoke(app, ["approve", turn["approval"]["id"], "--as", "hana"])
    assert refused.exit_code == 1 and json.loads(refused.output)["kind"] == "refused"
    approved = runner.invoke(app, ["approve", turn["approval"]["id"], "--as", "priya"])
    assert approved.exit_code == 0, approved.output
    key = json.loads(approved.output)["results"][0]["target"]

    listed = runner.invoke(app, ["tickets", "list", "--json"])
    tickets = {t["key"]: t for t in json.loads(listed.output)}
    assert tickets[key]["title"] == "Staging is down" and tickets[key]["reporter_id"] == "U0PRIYA003"


def test_chat_as_unknown_person_is_a_clear_error(isolated_env: Path) -> None:
    """--as someone not in the directory fails with a message naming who can be used, not a traceback."""
    result = runner.invoke(app, ["chat", "--json", "--as", "nobody-here", "hi"])
    assert result.exit_code != 0
    assert "nobody-here" in result.output
    assert "priya" in result.output and "Traceback" not in result.output
