"""Runs turns off the request path: in order per conversation, in parallel across conversations."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)


class KeyedExecutor:
    """A thread pool where jobs sharing a key run one after another, in submission order.

    Two messages in the same Slack thread must be handled in order (the second may revise what the first
    proposed); messages in different threads should not wait for each other.
    """

    def __init__(self, max_workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="deskhand-turn")
        self._queues: dict[str, deque[tuple[Callable[[], object], Future[None]]]] = {}
        self._lock = threading.Lock()

    def submit(self, key: str, job: Callable[[], object]) -> Future[None]:
        """Queue ``job`` behind earlier jobs with the same key."""
        future: Future[None] = Future()
        with self._lock:
            queue = self._queues.get(key)
            if queue is not None:
                queue.append((job, future))
                return future
            self._queues[key] = deque([(job, future)])
        self._pool.submit(self._drain, key)
        return future

    def _drain(self, key: str) -> None:
        while True:
            with self._lock:
                queue = self._queues[key]
                if not queue:
                    del self._queues[key]
                    return
                job, future = queue[0]
            try:
                job()
                future.set_result(None)
            except BaseException as exc:  # the job reports its own failures; this keeps the queue moving
                log.exception("turn job failed")
                future.set_exception(exc)
            with self._lock:
                queue.popleft()

    def idle(self) -> bool:
        """True when nothing is queued or running."""
        with self._lock:
            return not self._queues

    def shutdown(self, wait: bool = True) -> None:
        """Stop accepting work; optionally wait for running turns to finish."""
        self._pool.shutdown(wait=wait)
