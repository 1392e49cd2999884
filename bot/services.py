"""What listeners need, bundled once by the composition root."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.settings import Settings
from bot.worker import KeyedExecutor
from graph.runtime import AgentRuntime
from integrations.approvals.base import ApprovalStore
from integrations.bookkeeping import ConversationRegistry, EventLedger
from integrations.directory.base import Directory


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
    ledger: EventLedger
    conversations: ConversationRegistry
    directory: Directory
    worker: KeyedExecutor
    bot_user_id: str = ""
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

    def project_for_channel(self, channel_id: str) -> str:
        """Where new tickets from this channel go."""
        return self.settings.channel_projects.get(channel_id, self.settings.default_project)
