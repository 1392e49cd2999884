"""The one exception the sandbox raises for Slack-shaped failures."""

from __future__ import annotations

from typing import Any


class SlackError(Exception):
    """Becomes {"ok": false, "error": code} (HTTP 200 like Slack unless `status` says otherwise)."""

    def __init__(self, code: str, *, messages: list[str] | None = None, status: int = 200) -> None:
        super().__init__(code)
        self.code = code
        self.messages = messages or []
        self.status = status

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error": self.code}
        if self.messages:
            out["response_metadata"] = {"messages": self.messages}
        return out
