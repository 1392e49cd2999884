"""What listeners need, bundled once by the composition root."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.digests.kit import DigestKit
from bot.settings import Settings
from bot.worker import KeyedExecutor
from graph.runtime import AgentRuntime
from integrations.approvals.base import ApprovalStore
from integrations.bookkeeping import ConversationRegistry, Inbox
from integrations.directory.base import Directory


class Dispatcher(Protocol):
    """Runs inbox jobs off the request path (see ``bot.dispatch``)."""

    def submit(self, thread_key: str, key: str, kind: str, payload: dict[str, Any]) -> None:
        """Queue job ``key`` behind earlier jobs of the same Slack thread."""
        ...

    def idle(self) -> bool:
        """True when nothing is queued or running."""
        ...

    def shutdown(self) -> None:
        """Stop after running what was queued."""
        ...


@dataclass
class UserInfo:
    """The bits of a Slack user deskhand needs for a turn."""

    id: str
    name: str
    tz: str


@dataclass
class BotServices:
    """Shared, thread-safe collaborators of every listener."""

    settings: Settings
    runtime: AgentRuntime
    approvals: ApprovalStore
    inbox: Inbox
    conversations: ConversationRegistry
    directory: Directory
    worker: KeyedExecutor
    bot_user_id: str = ""
    dispatcher: Dispatcher | None = None
    digests: DigestKit | None = None
    """Digest subscriptions and what digests read (None when not wired, e.g. in a bare test app)."""
    _user_cache: dict[str, UserInfo] = field(default_factory=dict)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock)

    def user(self, client: WebClient, user_id: str) -> UserInfo:
        """Name and time zone: from the directory, else users.info (cached), else sensible defaults."""
        with self._cache_lock:
            cached = self._user_cache.get(user_id)
        if cached:
            return cached
        person = self.directory.get(user_id)
        if person is not None:
            info = UserInfo(id=user_id, name=person.name, tz=person.tz or "UTC")
        else:
            info = UserInfo(id=user_id, name=user_id, tz="UTC")
            try:
                data: Any = client.users_info(user=user_id).get("user") or {}
                info = UserInfo(
                    id=user_id, name=data.get("real_name") or data.get("name") or user_id, tz=data.get("tz") or "UTC"
                )
            except SlackApiError:
                pass
        with self._cache_lock:
            self._user_cache[user_id] = info
        return info

    def enqueue(self, keys: list[str], *, kind: str, thread_key: str, payload: dict[str, Any]) -> bool:
        """Persist a job (False for a duplicate delivery) and hand it to the dispatcher."""
        if not self.inbox.accept(keys, kind=kind, thread_key=thread_key, payload=payload):
            return False
        if self.dispatcher is None:
            raise RuntimeError("no dispatcher: call bot.dispatch.make_dispatcher at start-up")
        self.dispatcher.submit(thread_key, keys[0], kind, payload)
        return True

    def project_for_channel(self, channel_id: str) -> str:
        """Where new tickets from this channel go."""
        return self.settings.channel_projects.get(channel_id, self.settings.default_project)
