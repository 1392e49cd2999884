"""A running sandbox (Slack's Web API) plus deskhand's real HTTP app, and ways to talk to them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from bot.runner import RunningBot, start_in_thread
from bot.settings import Settings
from integrations.tickets.base import Ticket, TicketQuery
from sandbox import SandboxConfig, run_in_thread
from sandbox.server import RunningSandbox
from tests.support.slack_requests import (
    block_actions_body,
    event_body,
    mention_event,
    message_event,
    post_form_signed,
    post_signed,
    view_submission_body,
)

SECRET = "scenario-signing-secret"
BOT_TOKEN = "xoxb-scenario-bot-token"
BOT = "U0DESKHAND"
MAYA, DIEGO, PRIYA, TOM, HANA = "U0MAYA0001", "U0DIEGO002", "U0PRIYA003", "U0TOMB0004", "U0HANA0005"
IT_HELP, ENGINEERING, RANDOM = "C0ITHELP02", "C0ENGINE03", "C0RANDOM06"


def wait_for(predicate: Callable[[], Any], *, timeout: float = 15.0, what: str = "condition") -> Any:
    """Poll until ``predicate`` returns something truthy; fail loudly with ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def bot_settings(data_dir: Path, api_url: str, **overrides: Any) -> Settings:
    """Settings for a deskhand pointed at a sandbox, with test secrets."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "slack_bot_token": SecretStr(BOT_TOKEN),
        "slack_signing_secret": SecretStr(SECRET),
        "slack_api_url": api_url,
        "port": 0,
        "worker_threads": 2,
        "worker_processes": 0,  # turns on threads, so tests can reach into the runtime
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Stack:
    """Sandbox + bot, and a person's-eye API: say something, click a button, read the thread."""

    sandbox: RunningSandbox
    bot: RunningBot
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10))

    @property
    def workspace(self) -> Any:
        """The sandbox's state."""
        return self.sandbox.sandbox.workspace

    def say(
        self,
        user: str,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        mention: bool = True,
        deliveries: int = 1,
        event_id: str | None = None,
    ) -> str:
        """Post as ``user`` in the sandbox and deliver the event to deskhand (signed); returns the ts."""
        message = self.workspace.post_message(channel=channel, author=user, text=text, thread_ts=thread_ts)
        ts = message["ts"]
        kind = self.workspace.channel_type(channel)
        if kind == "im":
            event = message_event(user=user, channel=channel, ts=ts, text=text, channel_type="im", thread_ts=thread_ts)
        elif mention:
            event = mention_event(user=user, channel=channel, ts=ts, text=text, thread_ts=thread_ts)
        else:
            event = message_event(user=user, channel=channel, ts=ts, text=text, thread_ts=thread_ts)
        body = event_body(event, event_id=event_id)
        for _ in range(deliveries):
            response = post_signed(self.bot.events_url, body, SECRET, client=self.http)
            assert response.status_code == 200, response.text
        return ts

    def replies(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Messages in the thread after its parent."""
        return self.workspace.thread(channel, thread_ts)[1:]

    def bot_replies(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """deskhand's messages in the thread."""
        return [m for m in self.replies(channel, thread_ts) if m.get("user") == BOT or m.get("bot_id")]

    def wait_reply(self, channel: str, thread_ts: str, *, count: int = 1) -> list[dict[str, Any]]:
        """Wait until deskhand has posted ``count`` messages in the thread."""
        return wait_for(
            lambda: (r := self.bot_replies(channel, thread_ts)) and len(r) >= count and r, what=f"{count} bot replies"
        )

    def wait_card(self, channel: str, thread_ts: str) -> dict[str, Any]:
        """Wait for an approval card with buttons in the thread and return it."""
        return wait_for(
            lambda: next((m for m in reversed(self.bot_replies(channel, thread_ts)) if _buttons(m)), None),
            what="an approval card",
        )

    def click(self, user: str, channel: str, card: dict[str, Any], action_id: str) -> httpx.Response:
        """Press a button on a card as ``user``."""
        button = next(b for b in _buttons(card) if b["action_id"] == action_id)
        # The sandbox, like Slack, only opens modals for trigger ids it issued.
        trigger = self.sandbox.sandbox.views.issue_trigger(user)
        body = block_actions_body(
            user=user, channel=channel, message=card, action_id=action_id, value=button["value"], trigger_id=trigger
        )
        return post_form_signed(self.bot.events_url, body, SECRET, client=self.http)

    def submit_view(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> httpx.Response:
        """Submit a modal as ``user``."""
        body = view_submission_body(user=user, view=view, values=values)
        return post_form_signed(self.bot.events_url, body, SECRET, client=self.http)

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        """The current version of a message."""
        return self.workspace.message(channel, ts)

    def ephemerals(self, channel: str, user: str) -> list[dict[str, Any]]:
        """Ephemeral messages ``user`` can see in ``channel``."""
        return self.workspace.ephemerals_for(channel, user)

    def tickets(self, **filters: Any) -> list[Ticket]:
        """Tickets in deskhand's local tracker."""
        return self.bot.core.tickets.search(TicketQuery(limit=500, **filters))

    def idle(self) -> None:
        """Wait until deskhand has no queued or running turns."""
        time.sleep(0.05)
        wait_for(self.bot.idle, what="the worker to go idle")


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks", []) if b.get("type") == "actions" for e in b.get("elements", [])]


@contextmanager
def running_stack(data_dir: Path, **settings_overrides: Any) -> Iterator[Stack]:
    """Start a sandbox and deskhand wired to it; stop both afterwards."""
    sandbox = run_in_thread(SandboxConfig(signing_secret=SECRET, bot_token=BOT_TOKEN, record=False))
    bot = start_in_thread(bot_settings(data_dir, sandbox.api_url, **settings_overrides))
    stack = Stack(sandbox=sandbox, bot=bot)
    try:
        yield stack
    finally:
        stack.http.close()
        bot.stop()
        sandbox.stop()
