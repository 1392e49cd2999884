"""Append-only JSONL record of every exchange, one file per session, with secrets redacted."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REDACTED = "[redacted]"
# Header and field names whose values are credentials; compared lower-cased.
_SECRET_KEYS = frozenset(
    {"token", "authorization", "x-slack-signature", "signing_secret", "app_token", "bot_token", "ticket"}
)
# Tokens can also hide inside free text or URLs (e.g. a form body echoed back).
_TOKEN_PATTERN = re.compile(r"\b(xox[abposre]|xapp)-[A-Za-z0-9-]+")


def redact(value: Any) -> Any:
    """A copy of `value` with credential fields and token-looking strings replaced."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if str(k).lower() in _SECRET_KEYS and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return _TOKEN_PATTERN.sub(REDACTED, value)
    return value


class Recorder:
    """Writes one JSON object a line; keeps the entries in memory too so tests can read them."""

    def __init__(self, directory: Path | None, *, enabled: bool = True, keep_in_memory: int = 10_000) -> None:
        self.session_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + f"-{time.monotonic_ns() % 10**6:06d}"
        self.path: Path | None = None
        if enabled and directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            self.path = directory / f"{self.session_id}.jsonl"
        self.enabled = enabled
        self._keep = keep_in_memory
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._seq = 0

    def record(self, direction: str, kind: str, **fields: Any) -> None:
        """direction: "bot->sandbox", "sandbox->bot" or "driver"; kind names the exchange."""
        if not self.enabled:
            return
        with self._lock:
            self._seq += 1
            entry = {
                "seq": self._seq,
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "direction": direction,
                "kind": kind,
                **redact(fields),
            }
            self._entries.append(entry)
            if len(self._entries) > self._keep:
                del self._entries[: len(self._entries) - self._keep]
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    @property
    def last_seq(self) -> int:
        """The seq of the newest entry (0 before the first); marks where an exchange began."""
        with self._lock:
            return self._seq

    def entries(self, *, after: int = 0) -> list[dict[str, Any]]:
        """Entries kept in memory, oldest first; `after` skips those with seq <= after."""
        with self._lock:
            return [e for e in self._entries if e["seq"] > after] if after else list(self._entries)
