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
import queue
import threading
import time
import zlib
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from bot.digests.delivery import run_digest_job
from bot.home import publish_home
from bot.services import BotServices, Dispatcher
from bot.settings import Settings
from bot.turns import run_decision, run_message_turn, run_unfurl
from bot.worker import KeyedExecutor
from integrations.approvals.base import ApprovalRecord
from integrations.bookkeeping import Inbox

log = logging.getLogger(__name__)

PROGRESS_BATCH_SECONDS = 0.25
MESSAGE = "message"
UNFURL = "unfurl"
DECISION = "decision"
DIGEST = "digest"


HOMES_REFRESHED_PER_DECISION = 20


def _homes_listing(decider: str, approval: ApprovalRecord | None) -> list[str]:
    """Whose Home tab showed this request: the decider, the requester and the approvers (a bounded few).

    Each of them sees it under "Waiting for your decision" until their tab is rebuilt; rebuilding it now means
    nobody is offered buttons for something already decided (and the requester sees what changed).
    """
    people = [decider]
    if approval is not None:
        people += [approval.requester_id, *approval.approver_ids]
    return [p for p in dict.fromkeys(people) if p][:HOMES_REFRESHED_PER_DECISION]


def execute_job(services: BotServices, client: WebClient, kind: str, payload: dict[str, Any]) -> bool:
    """Run one job; False when it ended in an error (the person has already been told)."""
    try:
        if kind == MESSAGE:
            run_message_turn(services, client, payload["event"], payload["team_id"])
            return True
        if kind == DECISION:
            outcome = run_decision(
                services,
                client,
                approval_id=payload["approval_id"],
                user_id=payload["user_id"],
                outcome=payload["outcome"],
                channel_id=payload["channel_id"],
                edits=payload.get("edits"),
            )
            if payload.get("refresh_home"):
                # Others' tabs change only when the request really left "pending"; a refused or stale click
                # (anyone in the channel can press a button) changes nothing there.
                decided = outcome is not None and outcome.kind in ("applied", "rejected", "expired")
                for person in _homes_listing(payload["user_id"], outcome.approval if decided and outcome else None):
                    try:
                        publish_home(services, client, person)
                    except Exception:
                        # The decision is done; a Home tab that fails to rebuild must not mark the job failed.
                        log.warning("could not refresh a home tab after a decision", exc_info=True)
            return outcome is not None
        if kind == DIGEST:
            return run_digest_job(services.digests, client, payload)
        if kind == UNFURL:
            run_unfurl(services, client, payload)
            return True
        log.error("unknown job kind", extra={"kind": kind})
        return False
    except Exception:
        # run_message_turn/run_decision already answer the person; this only keeps the worker alive.
        log.exception("job failed", extra={"kind": kind})
        return False


def run_job(services: BotServices, client: WebClient, key: str) -> None:
    """Thread mode: claim the inbox row, run it, record how it ended."""
    row = services.inbox.start(key)
    if row is None:
        return
    ok = False
    try:
        ok = execute_job(services, client, row.kind, row.payload)
    finally:
        services.inbox.finish(key, ok=ok)


class ThreadDispatcher:
    """Worker threads in this process."""

    def __init__(self, services: BotServices, client: WebClient) -> None:
        self._services = services
        self._client = client

    def submit(self, thread_key: str, key: str, kind: str, payload: dict[str, Any]) -> None:
        """Queue on the keyed thread pool (the job is read back from the inbox when it runs)."""
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

    _lower_priority(nice)
    configure_logging(settings.log_level)
    core = build_core(settings, seed_demo=False)
    services = build_services(core)
    services.bot_user_id = bot_user_id
    core.deps.extra["bot_user_id"] = bot_user_id
    from bot.app import web_client

    client = web_client(settings)
    pool = KeyedExecutor(settings.worker_threads)
    parent = multiprocessing.parent_process()
    while True:
        try:
            item = jobs.get(timeout=1.0)
        except queue.Empty:
            # A parent killed without a chance to say goodbye must not leave this worker behind.
            if parent is not None and not parent.is_alive():
                break
            continue
        if item is None:
            break
        thread_key, key, kind, payload = item
        pool.submit(thread_key, functools.partial(_run_and_report, services, client, key, kind, payload, done))
    pool.shutdown(wait=True)


def _lower_priority(nice: int) -> None:
    """Background turns yield the CPU to the process that acks Slack.

    A nice value (the default, 10) lowers a worker's share while the ack path wants the CPU but still lets it
    progress when other processes keep the host busy. 19 asks for SCHED_IDLE on Linux, which preempts a worker
    the moment the HTTP process wakes but gives it no CPU at all while anything else runs (so only for hosts with
    nothing else on them); elsewhere (or if refused) 19 is an ordinary nice value.
    """
    if not nice:
        return
    sched_idle = getattr(os, "SCHED_IDLE", None)
    if sched_idle is not None and nice >= 19:
        try:
            os.sched_setscheduler(0, sched_idle, os.sched_param(0))
            return
        except OSError:
            pass
    os.nice(nice)


def _run_and_report(
    services: BotServices, client: WebClient, key: str, kind: str, payload: dict[str, Any], done: Any
) -> None:
    # The parent process is the inbox's only writer (no cross-process SQLite locks on the ack path), so a worker
    # reports progress instead of writing it.
    done.put(("start", key, True))
    ok = False
    try:
        ok = execute_job(services, client, kind, payload)
    finally:
        done.put(("done", key, ok))


class ProcessDispatcher:
    """Worker processes; a Slack thread is pinned to one of them so its turns stay in order."""

    def __init__(self, settings: Settings, bot_user_id: str, processes: int, inbox: Inbox, *, nice: int = 10) -> None:
        self._inbox = inbox
        context = multiprocessing.get_context("spawn")
        self._done: Any = context.Queue()
        self._queues: list[Any] = []
        self._procs: list[Any] = []
        self._pending = 0
        self._lock = threading.Lock()
        for index in range(processes):
            jobs = context.Queue()
            proc = context.Process(
                target=_worker_main,
                args=(settings, bot_user_id, jobs, self._done, nice),
                name=f"deskhand-worker-{index}",
                daemon=True,
            )
            proc.start()
            self._queues.append(jobs)
            self._procs.append(proc)
        threading.Thread(target=self._count_done, name="deskhand-dispatch-done", daemon=True).start()

    def submit(self, thread_key: str, key: str, kind: str, payload: dict[str, Any]) -> None:
        """Route by a stable hash of the thread so its jobs share a worker (and its order)."""
        index = zlib.crc32(thread_key.encode()) % len(self._queues)
        with self._lock:
            self._pending += 1
        self._queues[index].put((thread_key, key, kind, payload))

    def _count_done(self) -> None:
        """Record workers' progress in the inbox, a batch per transaction."""
        while True:
            batch = [self._done.get()]
            # Collect for a moment: one transaction per quarter second instead of two per job keeps this thread
            # (which shares the GIL with the ack path) quiet under load.
            deadline = time.monotonic() + PROGRESS_BATCH_SECONDS
            while (remaining := deadline - time.monotonic()) > 0:
                try:
                    batch.append(self._done.get(timeout=remaining))
                except queue.Empty:
                    break
            stop = any(item is None for item in batch)
            events = [item for item in batch if item is not None]
            try:
                self._inbox.record_progress(events)
            except Exception:  # the inbox is bookkeeping; losing one batch must not stop the dispatcher
                log.exception("could not record job progress")
            finished = sum(1 for item in events if item[0] == "done")
            with self._lock:
                self._pending -= finished
            if stop:
                return

    def idle(self) -> bool:
        """No job submitted here is still unfinished."""
        with self._lock:
            return self._pending <= 0

    def shutdown(self) -> None:
        """Ask every worker to finish its queue and exit."""
        for jobs in self._queues:
            jobs.put(None)
        for proc in self._procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
        self._done.put(None)


def make_dispatcher(settings: Settings, services: BotServices, client: WebClient) -> Dispatcher:
    """Processes when ``worker_processes`` > 0, threads otherwise."""
    if settings.worker_processes > 0:
        return ProcessDispatcher(
            settings, services.bot_user_id, settings.worker_processes, services.inbox, nice=settings.worker_nice
        )
    return ThreadDispatcher(services, client)


def replay_unfinished(services: BotServices, dispatcher: Dispatcher, client: WebClient) -> int:
    """At start-up: queued jobs run again; jobs a dead process was running get an apology, not a silent drop."""
    from bot.turns import apologise_for_restart

    for row in services.inbox.in_status("running"):
        if not services.inbox.abandon(row.key):
            continue
        if row.kind == MESSAGE:
            apologise_for_restart(client, row.payload.get("event", {}))
        elif row.kind == DIGEST and services.digests is not None:
            # It may already be in the channel: record the run as interrupted rather than post it a second time.
            services.digests.store.fail_interrupted_run(
                str(row.payload.get("subscription_id")), slot_at=datetime.fromisoformat(str(row.payload.get("slot")))
            )
    queued = services.inbox.in_status("queued")
    for row in queued:
        dispatcher.submit(row.thread_key, row.key, row.kind, row.payload)
    return len(queued)
