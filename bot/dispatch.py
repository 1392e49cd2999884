"""Handing accepted Slack work to the graph, off the request path.

Every job is first stored in the inbox (so a crash between the ack and the turn loses nothing), then run by a
dispatcher: worker threads in this process (tests, small installs) or worker processes (the default for
``deskhand serve``), so that a busy graph never competes with the HTTP listener for the GIL. Jobs of one Slack
thread always run in order; a thread always lands on the same worker process.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import threading
import zlib
from typing import Any

from slack_sdk import WebClient

from bot.services import BotServices, Dispatcher
from bot.settings import Settings
from bot.turns import run_decision, run_message_turn
from bot.worker import KeyedExecutor

log = logging.getLogger(__name__)

MESSAGE = "message"
DECISION = "decision"


def run_job(services: BotServices, client: WebClient, key: str) -> None:
    """Run one inbox job if nobody has yet; record how it ended."""
    row = services.inbox.start(key)
    if row is None:
        return
    ok = True
    try:
        payload: dict[str, Any] = row.payload
        if row.kind == MESSAGE:
            run_message_turn(services, client, payload["event"], payload["team_id"])
        elif row.kind == DECISION:
            outcome = run_decision(
                services,
                client,
                approval_id=payload["approval_id"],
                user_id=payload["user_id"],
                outcome=payload["outcome"],
                channel_id=payload["channel_id"],
                edits=payload.get("edits"),
            )
            ok = outcome is not None
        else:
            log.error("unknown inbox job kind", extra={"kind": row.kind, "key": key})
            ok = False
    except Exception:
        # run_message_turn/run_decision already answer the person; this only keeps the worker alive.
        log.exception("inbox job failed", extra={"key": key})
        ok = False
    finally:
        services.inbox.finish(key, ok=ok)


class ThreadDispatcher:
    """Worker threads in this process."""

    def __init__(self, services: BotServices, client: WebClient) -> None:
        self._services = services
        self._client = client

    def submit(self, thread_key: str, key: str) -> None:
        """Queue on the keyed thread pool."""
        self._services.worker.submit(thread_key, lambda: run_job(self._services, self._client, key))

    def idle(self) -> bool:
        """No turns queued or running."""
        return self._services.worker.idle()

    def shutdown(self) -> None:
        """Let running turns finish."""
        self._services.worker.shutdown(wait=True)


def _worker_main(settings: Settings, bot_user_id: str, jobs: Any, done: Any, nice: int) -> None:
    """Entry point of a worker process: build its own core and client, then run jobs until told to stop."""
    from bot.composition import build_core, build_services
    from bot.logging_setup import configure_logging

    if nice:
        os.nice(nice)  # background work yields the CPU to the process that acks Slack
    configure_logging(settings.log_level)
    core = build_core(settings, seed_demo=False)
    services = build_services(core)
    services.bot_user_id = bot_user_id
    core.deps.extra["bot_user_id"] = bot_user_id
    from bot.app import web_client

    client = web_client(settings)
    pool = KeyedExecutor(settings.worker_threads)
    while True:
        item = jobs.get()
        if item is None:
            break
        thread_key, key = item
        pool.submit(thread_key, functools.partial(_run_and_report, services, client, key, done))
    pool.shutdown(wait=True)


def _run_and_report(services: BotServices, client: WebClient, key: str, done: Any) -> None:
    try:
        run_job(services, client, key)
    finally:
        done.put(key)


class ProcessDispatcher:
    """Worker processes; a Slack thread is pinned to one of them so its turns stay in order."""

    def __init__(self, settings: Settings, bot_user_id: str, processes: int, *, nice: int = 5) -> None:
        context = multiprocessing.get_context("spawn")
        self._done: Any = context.Queue()
        self._queues: list[Any] = []
        self._procs: list[Any] = []
        self._pending = 0
        self._lock = threading.Lock()
        for index in range(processes):
            queue = context.Queue()
            proc = context.Process(
                target=_worker_main,
                args=(settings, bot_user_id, queue, self._done, nice),
                name=f"deskhand-worker-{index}",
                daemon=True,
            )
            proc.start()
            self._queues.append(queue)
            self._procs.append(proc)
        threading.Thread(target=self._count_done, name="deskhand-dispatch-done", daemon=True).start()

    def submit(self, thread_key: str, key: str) -> None:
        """Route by a stable hash of the thread so its jobs share a worker (and its order)."""
        index = zlib.crc32(thread_key.encode()) % len(self._queues)
        with self._lock:
            self._pending += 1
        self._queues[index].put((thread_key, key))

    def _count_done(self) -> None:
        while True:
            item = self._done.get()
            if item is None:
                return
            with self._lock:
                self._pending -= 1

    def idle(self) -> bool:
        """No job submitted here is still unfinished."""
        with self._lock:
            return self._pending <= 0

    def shutdown(self) -> None:
        """Ask every worker to finish its queue and exit."""
        for queue in self._queues:
            queue.put(None)
        for proc in self._procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
        self._done.put(None)


def make_dispatcher(settings: Settings, services: BotServices, client: WebClient) -> Dispatcher:
    """Processes when ``worker_processes`` > 0, threads otherwise."""
    if settings.worker_processes > 0:
        return ProcessDispatcher(settings, services.bot_user_id, settings.worker_processes, nice=settings.worker_nice)
    return ThreadDispatcher(services, client)


def replay_unfinished(services: BotServices, dispatcher: Dispatcher, client: WebClient) -> int:
    """At start-up: queued jobs run again; jobs a dead process was running get an apology, not a silent drop."""
    from bot.turns import apologise_for_restart

    for row in services.inbox.in_status("running"):
        if services.inbox.abandon(row.key) and row.kind == MESSAGE:
            apologise_for_restart(client, row.payload.get("event", {}))
    queued = services.inbox.in_status("queued")
    for row in queued:
        dispatcher.submit(row.thread_key, row.key)
    return len(queued)
