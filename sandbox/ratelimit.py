"""Slack's per-method rate-limit tiers as sliding windows, used only when switched on."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Mapping

# Calls a minute per the tier Slack documents for each method ("Tier 2: 20+", "Tier 3: 50+", ...).
TIERS: dict[str, int] = {
    "apps.connections.open": 1 * 60,  # documented as Tier 1, but reconnects must not lock a client out
    "conversations.list": 20,
    "users.list": 20,
    "conversations.history": 50,
    "conversations.replies": 50,
    "conversations.open": 50,
    "conversations.join": 50,
    "chat.update": 50,
    "chat.delete": 50,
    "reactions.add": 50,
    "reactions.remove": 20,
    "users.lookupByEmail": 50,
    "conversations.info": 50,
    "conversations.members": 100,
    "users.info": 100,
    "chat.postEphemeral": 100,
    "chat.getPermalink": 100,
    "views.open": 100,
    "views.update": 100,
    "views.push": 100,
    "views.publish": 100,
    "assistant.threads.setStatus": 600,
    "assistant.threads.setSuggestedPrompts": 600,
    "assistant.threads.setTitle": 600,
    "chat.startStream": 600,
    "chat.appendStream": 600,
    "chat.stopStream": 600,
    # chat.postMessage is "about one a second per channel, short bursts allowed": keyed by channel below.
    "chat.postMessage": 60,
}
DEFAULT_PER_MINUTE = 100
WINDOW = 60.0


class RateLimiter:
    """Counts calls per (method, channel-or-empty) over the last minute."""

    def __init__(self, overrides: Mapping[str, int] | None = None) -> None:
        self.limits = {**TIERS, **(overrides or {})}
        self._calls: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, method: str, channel: str | None = None) -> float | None:
        """None when the call may go ahead (and counts it); otherwise seconds to wait."""
        limit = self.limits.get(method, DEFAULT_PER_MINUTE)
        key = (method, (channel or "") if method == "chat.postMessage" else "")
        now = time.monotonic()
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            while calls and now - calls[0] >= WINDOW:
                calls.popleft()
            if len(calls) >= limit:
                return max(1.0, math.ceil(WINDOW - (now - calls[0])))
            calls.append(now)
            return None
