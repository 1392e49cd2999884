"""Socket Mode: apps.connections.open hands out a ws:// URL; envelopes go down it and are acked by id."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
import uuid
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from sandbox.context import Sandbox
from sandbox.delivery import Outcome

log = logging.getLogger(__name__)

TICKET_TTL = 300.0
# Slack asks for a response payload only where the app's answer changes what the person sees.
_ACCEPTS_RESPONSE = {"slash_commands", "interactive"}


class SocketHub:
    """Open Socket Mode connections of the app, and the acks they owe."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sb = sandbox
        self._tickets: dict[str, float] = {}
        self._connections: list[WebSocket] = []
        self._pending: dict[str, asyncio.Future[Any]] = {}
        self._next = 0

    @property
    def connected(self) -> int:
        return len(self._connections)

    def open_url(self) -> str:
        """A fresh connection URL, valid for one connection within a few minutes."""
        now = time.time()
        self._tickets = {t: at for t, at in self._tickets.items() if now - at < TICKET_TTL}
        ticket = secrets.token_urlsafe(18)
        self._tickets[ticket] = now
        base = self.sb.base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        return f"{base}/sandbox/socket-mode?ticket={ticket}"

    async def endpoint(self, websocket: WebSocket) -> None:
        ticket = websocket.query_params.get("ticket", "")
        issued = self._tickets.pop(ticket, None)
        if issued is None or time.time() - issued > TICKET_TTL:
            await websocket.close(code=1008)
            return
        await websocket.accept()
        self._connections.append(websocket)
        self.sb.recorder.record("sandbox->bot", "socket_mode.connect", connections=len(self._connections))
        try:
            await websocket.send_text(
                json.dumps(
                    {
                        "type": "hello",
                        "num_connections": len(self._connections),
                        "debug_info": {
                            "host": "sandbox",
                            "build_number": 1,
                            "approximate_connection_time": 3600,
                        },
                        "connection_info": {"app_id": self.sb.identity.app_id},
                    }
                )
            )
            while True:
                text = await websocket.receive_text()
                self._on_message(text)
        except WebSocketDisconnect:
            pass
        finally:
            with contextlib.suppress(ValueError):
                self._connections.remove(websocket)
            self.sb.recorder.record("sandbox->bot", "socket_mode.disconnect", connections=len(self._connections))

    def _on_message(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            log.debug("socket mode: ignored a non-JSON frame")
            return
        if not isinstance(message, dict):
            return
        envelope_id = message.get("envelope_id")
        future = self._pending.pop(str(envelope_id), None) if envelope_id else None
        self.sb.recorder.record("bot->sandbox", "socket_mode.ack", envelope_id=envelope_id, body=message)
        if future is not None and not future.done():
            future.set_result(message.get("payload"))

    async def send(
        self, kind: str, payload: dict[str, Any], *, retry_num: int, retry_reason: str | None, timeout: float
    ) -> Outcome:
        if not self._connections:
            return Outcome(ok=False, reason="connection_failed")
        # Round-robin over connections, as Slack spreads envelopes across an app's sockets.
        self._next = (self._next + 1) % len(self._connections)
        websocket = self._connections[self._next]
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": kind in _ACCEPTS_RESPONSE,
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_num
            envelope["retry_reason"] = retry_reason or ""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[envelope_id] = future
        try:
            await websocket.send_text(json.dumps(envelope))
            ack = await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return Outcome(ok=False, reason="timeout")
        except (RuntimeError, WebSocketDisconnect):
            return Outcome(ok=False, reason="connection_failed")
        finally:
            self._pending.pop(envelope_id, None)
        body = b"" if ack is None else json.dumps(ack).encode()
        return Outcome(ok=True, status=200, body=body, content_type="application/json")

    async def close_all(self) -> None:
        for websocket in list(self._connections):
            with contextlib.suppress(Exception):
                await websocket.close(code=1001)
