"""Sending the app what Slack would: signed HTTP POSTs (or Socket Mode envelopes), with Slack's retries.

Events API deliveries are retried when the app does not answer 2xx within the timeout; interactivity and
slash commands are not (Slack shows the person an error instead), so they are sent once and awaited.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from sandbox.context import Sandbox
from sandbox.payloads import app_mention_event, event_envelope, message_event
from sandbox.shapes import mentioned_users
from sandbox.signing import signed_headers

log = logging.getLogger(__name__)

USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


@dataclass
class Outcome:
    """What came back from one attempt."""

    ok: bool
    status: int | None = None
    body: bytes = b""
    content_type: str = ""
    reason: str | None = None
    """Slack's retry reason when not ok: http_timeout, http_error, connection_failed, timeout, ..."""
    no_retry: bool = False

    def json(self) -> Any:
        """The response body as JSON, or None when it is empty or not JSON."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Delivery:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sb = sandbox
        self._http: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        # trust_env=False: never pick up proxy settings; deliveries go straight to the configured URL.
        self._http = httpx.AsyncClient(trust_env=False, follow_redirects=False)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.aclose()

    @property
    def busy(self) -> bool:
        """True while an Events API delivery (or its retries) is in flight; safe to read from any thread."""
        return bool(self._tasks)

    async def idle(self, timeout: float = 10.0) -> None:
        """Waits until no delivery is in flight (tests use this to settle)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)

    # ---- one attempt -----------------------------------------------------------------------

    async def _attempt(
        self, kind: str, payload: dict[str, Any], *, retry_num: int = 0, retry_reason: str | None = None
    ) -> Outcome:
        cfg = self.sb.config
        if cfg.socket_mode:
            outcome = await self.sb.sockets.send(
                kind, payload, retry_num=retry_num, retry_reason=retry_reason, timeout=cfg.delivery_timeout
            )
            self._record(kind, payload, retry_num, outcome, transport="socket_mode")
            return outcome
        url = {
            "events_api": cfg.bot_request_url,
            "interactive": cfg.effective_interactivity_url,
            "slash_commands": cfg.effective_commands_url,
        }[kind]
        if url is None or self._http is None:
            outcome = Outcome(ok=False, reason="connection_failed")
            self._record(kind, payload, retry_num, outcome, transport="http")
            return outcome
        if kind == "events_api":
            body = json.dumps(payload).encode()
            content_type = "application/json"
        elif kind == "interactive":
            body = urlencode({"payload": json.dumps(payload)}).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            body = urlencode(payload).encode()
            content_type = "application/x-www-form-urlencoded"
        headers = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            **signed_headers(cfg.signing_secret, body),
        }
        if retry_num:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "unknown_error"
        try:
            response = await self._http.post(url, content=body, headers=headers, timeout=cfg.delivery_timeout)
        except httpx.TimeoutException:
            outcome = Outcome(ok=False, reason="http_timeout")
        except httpx.HTTPError as exc:
            log.debug("delivery to %s failed: %s", url, type(exc).__name__)
            outcome = Outcome(ok=False, reason="connection_failed")
        else:
            ok = 200 <= response.status_code < 300
            outcome = Outcome(
                ok=ok,
                status=response.status_code,
                body=response.content,
                content_type=response.headers.get("content-type", ""),
                reason=None if ok else "http_error",
                no_retry=response.headers.get("x-slack-no-retry") == "1",
            )
        self._record(kind, payload, retry_num, outcome, transport="http", headers=headers)
        return outcome

    def _record(
        self,
        kind: str,
        payload: dict[str, Any],
        retry_num: int,
        outcome: Outcome,
        *,
        transport: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        log.debug("delivered %s retry=%s ok=%s reason=%s", kind, retry_num, outcome.ok, outcome.reason)
        self.sb.recorder.record(
            "sandbox->bot",
            kind,
            transport=transport,
            retry_num=retry_num,
            request={"headers": headers or {}, "body": payload},
            response={
                "status": outcome.status,
                "ok": outcome.ok,
                "reason": outcome.reason,
                "body": outcome.text(),
            },
        )

    # ---- Events API ------------------------------------------------------------------------

    def subscribed(self, event: dict[str, Any]) -> bool:
        """Whether the app's subscriptions (config.bot_events) include this event."""
        events = self.sb.config.bot_events
        if events is None:
            return True
        kind = str(event.get("type"))
        if kind == "message":
            plural = {"channel": "channels", "group": "groups", "im": "im", "mpim": "mpim"}
            kind = "message." + plural.get(str(event.get("channel_type")), "channels")
        return kind in events

    def send_event(self, event: dict[str, Any], *, channel: str | None = None, ts: str | None = None) -> str | None:
        """Queues an event callback; returns its delivery id (the event_id, kept across retries), or None
        when the app is not subscribed to this kind of event."""
        if not self.subscribed(event):
            return None
        envelope = event_envelope(self.sb.identity, event, verification_token=self.sb.config.verification_token)
        delivery_id = str(envelope["event_id"])
        summary = event["type"] + (f".{event['channel_type']}" if "channel_type" in event else "")
        self.sb.workspace.add_delivery(
            delivery_id=delivery_id,
            kind="events_api",
            event_id=delivery_id,
            channel=channel,
            ts=ts,
            summary=summary,
            body=envelope,
        )
        self._spawn(self._deliver_event(delivery_id, envelope))
        return delivery_id

    def redeliver(self, delivery_id: str) -> None:
        """Sends a stored event again with the same event_id, as a person pressing "retry" would."""
        row = self.sb.workspace.delivery(delivery_id)
        if row["body"] is None or row["status"] in ("pending", "retrying"):
            return
        self._spawn(self._deliver_event(delivery_id, json.loads(row["body"]), first_retry=row["attempts"]))

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver_event(self, delivery_id: str, envelope: dict[str, Any], first_retry: int = 0) -> None:
        ws = self.sb.workspace
        delays = self.sb.config.retry_delays
        reason: str | None = "manual" if first_retry else None
        attempts = first_retry
        for attempt in range(len(delays) + 1):
            retry_num = first_retry + attempt
            if attempt > 0:
                ws.update_delivery(delivery_id, status="retrying", attempts=attempts, last_error=reason)
                self._changed(envelope, delivery_id)
                await asyncio.sleep(delays[attempt - 1])
            outcome = await self._attempt("events_api", envelope, retry_num=retry_num, retry_reason=reason)
            attempts += 1
            if outcome.ok:
                ws.update_delivery(delivery_id, status="delivered", attempts=attempts, last_error=None)
                self._changed(envelope, delivery_id)
                return
            reason = outcome.reason
            if outcome.no_retry:
                break
        ws.update_delivery(delivery_id, status="failed", attempts=attempts, last_error=reason)
        self._changed(envelope, delivery_id)

    def _changed(self, envelope: dict[str, Any], delivery_id: str) -> None:
        event = envelope["event"]
        self.sb.feed.publish("delivery", id=delivery_id, channel=event.get("channel"), ts=event.get("ts"))

    def message_posted(self, message: dict[str, Any], *, channel: str) -> list[str]:
        """The events Slack sends an app subscribed to app_mention and message.* for a new message."""
        ws = self.sb.workspace
        bot = ws.identity.bot_user_id
        if not ws.is_member(channel, bot):
            return []
        author = message.get("user")
        if author == bot and not self.sb.config.echo_bot_messages:
            return []
        events = []
        channel_type = ws.channel_type(channel)
        if author != bot and channel_type != "im" and bot in mentioned_users(message.get("text", "")):
            events.append(app_mention_event(message, channel=channel))
        events.append(message_event(message, channel=channel, channel_type=channel_type))
        sent = (self.send_event(event, channel=channel, ts=message["ts"]) for event in events)
        return [delivery_id for delivery_id in sent if delivery_id is not None]

    # ---- interactivity and slash commands (one attempt, awaited) -------------------------------

    async def send_once(self, kind: str, payload: dict[str, Any], *, summary: str) -> Outcome:
        delivery_id = ("In" if kind == "interactive" else "Sc") + secrets.token_hex(6).upper()
        ws = self.sb.workspace
        ws.add_delivery(delivery_id=delivery_id, kind=kind, event_id=None, channel=None, ts=None, summary=summary)
        outcome = await self._attempt(kind, payload)
        status = "delivered" if outcome.ok else "failed"
        ws.update_delivery(delivery_id, status=status, attempts=1, last_error=outcome.reason)
        return outcome
