"""The object every route handler reaches the sandbox through, plus a small change feed for UIs."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.config import SandboxConfig
from sandbox.ratelimit import RateLimiter
from sandbox.recording import Recorder
from sandbox.views import Views
from sandbox.workspace import Workspace

if TYPE_CHECKING:
    from sandbox.delivery import Delivery
    from sandbox.socketmode import SocketHub

CLOSED = "closed"
"""The notice kind that ends a subscription."""


class ChangeFeed:
    """Fan-out of "something changed" notices; the web UI streams these to the browser over SSE.

    Used from the server's event loop only. `close()` ends every subscription, so open SSE streams
    finish at once and a shutdown does not sit out uvicorn's graceful-shutdown timeout.
    """

    def __init__(self) -> None:
        self._queues: list[asyncio.Queue[dict[str, Any]]] = []
        self.closed = False

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=1000)
        if self.closed:
            queue.put_nowait({"kind": CLOSED})
        self._queues.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        with contextlib.suppress(ValueError):
            self._queues.remove(queue)

    def publish(self, kind: str, **data: Any) -> None:
        for queue in list(self._queues):
            # A stalled reader loses notices rather than holding up the Web API.
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait({"kind": kind, **data})

    def close(self) -> None:
        """Tells every subscriber the server is going away (a full queue is drained to make room)."""
        self.closed = True
        for queue in list(self._queues):
            while queue.full():
                queue.get_nowait()
            queue.put_nowait({"kind": CLOSED})


@dataclass
class Sandbox:
    config: SandboxConfig
    workspace: Workspace
    views: Views
    recorder: Recorder
    limiter: RateLimiter
    base_url: str
    feed: ChangeFeed = field(default_factory=ChangeFeed)
    delivery: Delivery = field(init=False)
    sockets: SocketHub = field(init=False)

    @property
    def identity(self) -> Any:
        return self.workspace.identity
