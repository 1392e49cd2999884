"""A small synchronous client of the driver API, for tests, evals and scripts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

T = TypeVar("T")


class DriverError(Exception):
    def __init__(self, error: str, body: dict[str, Any]) -> None:
        super().__init__(error)
        self.error = error
        self.body = body


class SandboxClient:
    def __init__(self, base_url: str, *, timeout: float = 15.0) -> None:
        # trust_env=False: the sandbox is on loopback; a proxy setting must never reroute it.
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, trust_env=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SandboxClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check(self, response: httpx.Response) -> dict[str, Any]:
        body: dict[str, Any] = response.json()
        if not body.get("ok"):
            raise DriverError(str(body.get("error")), body)
        return body

    def get(self, path: str, **params: str | None) -> dict[str, Any]:
        return self._check(self._http.get(path, params={k: v for k, v in params.items() if v is not None}))

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._check(self._http.post(path, json=body))

    # ---- acting ----------------------------------------------------------------------------

    def post_message(
        self,
        user: str,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
    ) -> dict[str, Any]:
        """Post as `user`; `channel` may be a channel id, #name, or a user id (the DM with them)."""
        body: dict[str, Any] = {
            "user": user,
            "channel": channel,
            "text": text,
            "reply_broadcast": reply_broadcast,
        }
        if thread_ts:
            body["thread_ts"] = thread_ts
        return self.post("/sandbox/messages", body)

    def react(self, user: str, channel: str, ts: str, name: str, *, remove: bool = False) -> dict[str, Any]:
        return self.post(
            "/sandbox/reactions", {"user": user, "channel": channel, "ts": ts, "name": name, "remove": remove}
        )

    def click(
        self,
        user: str,
        channel: str,
        ts: str,
        action_id: str,
        *,
        block_id: str | None = None,
        value: Any = None,
    ) -> dict[str, Any]:
        body = {
            "user": user,
            "channel": channel,
            "ts": ts,
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
        }
        return self.post("/sandbox/actions", body)

    def click_in_view(self, user: str, view_id: str, action_id: str, *, value: Any = None) -> dict[str, Any]:
        return self.post(f"/sandbox/views/{view_id}/actions", {"user": user, "action_id": action_id, "value": value})

    def submit_view(self, user: str, view_id: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.post(f"/sandbox/views/{view_id}/submit", {"user": user, "values": values or {}})

    def close_view(self, user: str, view_id: str) -> dict[str, Any]:
        return self.post(f"/sandbox/views/{view_id}/close", {"user": user})

    def slash_command(self, user: str, channel: str, command: str, text: str = "") -> dict[str, Any]:
        return self.post("/sandbox/commands", {"user": user, "channel": channel, "command": command, "text": text})

    def open_app_home(self, user: str, tab: str = "home") -> dict[str, Any]:
        return self.post("/sandbox/app_home", {"user": user, "tab": tab})

    def retry_delivery(self, delivery_id: str) -> dict[str, Any]:
        return self.post(f"/sandbox/deliveries/{delivery_id}/retry", {})

    # ---- reading ---------------------------------------------------------------------------

    def messages(self, channel: str, *, user: str | None = None) -> list[dict[str, Any]]:
        """Top-level messages, oldest first; with `user`, their ephemeral messages too."""
        messages: list[dict[str, Any]] = self.get(f"/sandbox/conversations/{channel}/messages", user=user)["messages"]
        return messages

    def thread(self, channel: str, ts: str, *, user: str | None = None) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.get(f"/sandbox/conversations/{channel}/threads/{ts}", user=user)[
            "messages"
        ]
        return messages

    def modal(self, user: str) -> dict[str, Any]:
        return self.get(f"/sandbox/users/{user}/modal")

    def home(self, user: str) -> dict[str, Any] | None:
        view: dict[str, Any] | None = self.get(f"/sandbox/users/{user}/home")["view"]
        return view

    def deliveries(self, *, channel: str | None = None, ts: str | None = None) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.get("/sandbox/deliveries", channel=channel, ts=ts)["deliveries"]
        return rows

    def assistant_thread(self, channel: str, thread_ts: str) -> dict[str, Any]:
        state: dict[str, Any] = self.get(f"/sandbox/assistant/{channel}/{thread_ts}")["thread"]
        return state

    # ---- waiting ---------------------------------------------------------------------------

    @staticmethod
    def wait_for(probe: Callable[[], T | None], *, timeout: float = 5.0, interval: float = 0.05) -> T:
        """Polls `probe` until it returns something truthy; raises TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            time.sleep(interval)

    def wait_for_message(
        self,
        channel: str,
        predicate: Callable[[dict[str, Any]], bool],
        *,
        thread_ts: str | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """The first message (in the channel, or in a thread) that satisfies `predicate`."""

        def probe() -> dict[str, Any] | None:
            items = self.thread(channel, thread_ts) if thread_ts else self.messages(channel)
            return next((m for m in items if predicate(m)), None)

        return self.wait_for(probe, timeout=timeout)
