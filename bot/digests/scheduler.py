"""The scheduler: APScheduler 3 with its SQLAlchemy job store in the app database, run by one process at a time.

* One job per active subscription, keyed by the subscription id, on a ``DigestTrigger``; the job store keeps
  each job's next run time, so jobs survive restarts and a slot that passed while no process was running is
  seen at start-up: posted if within the grace window, otherwise skipped and logged.
* Only the process holding the ``digest-scheduler`` lease runs jobs (``DESKHAND_SCHEDULER_ENABLED`` decides
  whether a process competes at all). A holder that dies stops renewing and is replaced after the lease's ttl.
* Each run claims its (subscription, slot) run key before delivering, so even two schedulers running at once
  (a lease handover while the old holder was stalled) post a slot once.
* Subscriptions in the app database are the truth; ``sync`` makes the job store match them (on taking the
  lease, when this process changes a subscription, and every ``sync_every`` seconds for changes made in
  other processes).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from bot.digests.schedule import DigestTrigger, ScheduleSpec, previous_slot
from integrations.db import utcnow
from integrations.digests.base import Subscription
from integrations.digests.store import SqlDigestStore
from integrations.leases import acquire_lease, release_lease

log = logging.getLogger(__name__)

LEASE_NAME = "digest-scheduler"
JOBSTORE = "digests"
JOBS_TABLE = "apscheduler_jobs"

Deliver = Callable[[Subscription, datetime], None]
"""Post (or queue the posting of) a subscription's digest for a slot whose run key is already claimed."""

# The job store holds a reference to ``fire_digest`` (a module-level function, so it survives pickling and
# restarts); the function finds this process's leading scheduler here. One leads per process at most.
_active: DigestScheduler | None = None


STALE_RUN_AFTER = timedelta(hours=2)
"""A run still "posting" this long after it was claimed belongs to a process that died: posting takes well under
a second, and a run waits in the queue at most the grace window (60 minutes by default) before it starts."""
STALE_SWEEP_EVERY = 300.0


def fire_digest(subscription_id: str) -> None:
    """APScheduler's entry point for a digest job."""
    scheduler = _active
    if scheduler is None:
        log.warning("digest job ran with no scheduler leading", extra={"subscription_id": subscription_id})
        return
    scheduler.fire(subscription_id)


@dataclass(frozen=True)
class Periodic:
    """A job that runs every ``seconds`` while this process leads (kept in memory, not in the job store)."""

    name: str
    seconds: float
    run: Callable[[], object]


def _holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DigestScheduler:
    """Competes for the lease; while holding it, runs APScheduler with the digest jobs and periodic jobs."""

    def __init__(
        self,
        store: SqlDigestStore,
        *,
        deliver: Deliver,
        grace: timedelta = timedelta(minutes=60),
        lease_ttl: timedelta = timedelta(seconds=60),
        periodic: Sequence[Periodic] = (),
        sync_every: float = 30.0,
        lease_name: str = LEASE_NAME,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._store = store
        self._engine = store.engine
        self._deliver = deliver
        self._grace = grace
        self._ttl = lease_ttl
        self._periodic = list(periodic)
        self._sync_every = sync_every
        self._lease_name = lease_name
        self._clock = clock
        self.holder = _holder_id()
        self._scheduler: BackgroundScheduler | None = None
        self._lock = threading.RLock()
        self._sync_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        """Try for the lease now (so a lone process leads at once), then keep renewing or retrying."""
        self._stop.clear()
        self._tick()
        self._thread = threading.Thread(target=self._loop, name="deskhand-scheduler-lease", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop scheduling, let running jobs finish and give the lease up for the next process."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        with self._lock:
            if self._scheduler is not None:
                self._step_down(wait=True)
                try:
                    release_lease(self._engine, name=self._lease_name, holder=self.holder)
                except SQLAlchemyError:
                    log.warning("could not release the scheduler lease; it expires on its own", exc_info=True)

    @property
    def leading(self) -> bool:
        """True while this process holds the lease and runs the jobs."""
        return self._scheduler is not None

    def wakeup(self) -> None:
        """Look at the job store now rather than at the next planned wake-up (after the clock moved, in tests)."""
        scheduler = self._scheduler
        if scheduler is not None:
            scheduler.wakeup()

    def next_run_time(self, subscription_id: str) -> datetime | None:
        """When this subscription's job runs next (None when not scheduled here)."""
        scheduler = self._scheduler
        job = scheduler.get_job(subscription_id, jobstore=JOBSTORE) if scheduler is not None else None
        return job.next_run_time if job is not None else None

    def _loop(self) -> None:
        while not self._stop.wait(self._ttl.total_seconds() / 3):
            self._tick()

    def _tick(self) -> None:
        try:
            held = acquire_lease(
                self._engine, name=self._lease_name, holder=self.holder, ttl=self._ttl, now=self._clock()
            )
        except SQLAlchemyError:
            # Unable to renew means unable to prove nobody else leads: stop, and try again next tick.
            log.warning("could not renew the scheduler lease", exc_info=True)
            held = False
        with self._lock:
            if self._stop.is_set():
                return
            if held and self._scheduler is None:
                self._lead()
            elif not held and self._scheduler is not None:
                log.warning("scheduler lease lost; another process schedules digests now")
                self._step_down(wait=False)

    def _lead(self) -> None:
        global _active
        scheduler = BackgroundScheduler(
            timezone=UTC,
            jobstores={
                JOBSTORE: SQLAlchemyJobStore(engine=self._engine, tablename=JOBS_TABLE),
                "default": MemoryJobStore(),
            },
            executors={"default": ThreadPoolExecutor(4)},
            job_defaults={"coalesce": False, "max_instances": 1},
        )
        scheduler.add_listener(self._on_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        # Paused until the job store matches the subscriptions, so nothing runs on a stale job.
        scheduler.start(paused=True)
        self._scheduler = scheduler
        _active = self
        self.sync()
        housekeeping = [
            Periodic("digest-sync", self._sync_every, self.sync),
            Periodic("digest-stale-runs", STALE_SWEEP_EVERY, self.fail_stale_runs),
            *self._periodic,
        ]
        for job in housekeeping:
            # Housekeeping runs however late it is (coalesced into one run), e.g. after the machine slept.
            scheduler.add_job(
                job.run,
                IntervalTrigger(seconds=job.seconds, timezone=UTC),
                id=job.name,
                name=job.name,
                jobstore="default",
                coalesce=True,
                misfire_grace_time=None,
            )
        scheduler.resume()
        log.info("scheduler started: this process holds the lease", extra={"holder": self.holder})

    def _step_down(self, *, wait: bool) -> None:
        global _active
        scheduler, self._scheduler = self._scheduler, None
        if _active is self:
            _active = None
        if scheduler is None:
            return
        if wait:
            # APScheduler 3's shutdown(wait=True) holds its job-store lock while it joins the running jobs, and the
            # sync job reads and writes the job store: a stop during a sync would wait on itself forever. So stop
            # new runs, then let a sync in flight finish; any later sync sees no scheduler and returns at once.
            scheduler.pause()
            with self._sync_lock:
                pass
        scheduler.shutdown(wait=wait)

    def _on_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED and event.jobstore == JOBSTORE:
            log.warning(
                "digest skipped: its time passed while deskhand was not running, longer ago than the grace window",
                extra={"subscription_id": event.job_id, "slot": event.scheduled_run_time.isoformat()},
            )
        elif event.code == EVENT_JOB_ERROR:
            log.error("scheduled job failed", extra={"job": event.job_id}, exc_info=event.exception)

    # -- jobs -------------------------------------------------------------------------------------------
    def fail_stale_runs(self) -> int:
        """Mark runs whose process died while posting as failed (logged; never re-posted). Returns how many."""
        stale = self._store.fail_stale_runs(older_than=STALE_RUN_AFTER, now=self._clock())
        for subscription_id, slot_at in stale:
            log.warning(
                "digest run interrupted; marked failed, not retried",
                extra={"subscription_id": subscription_id, "slot": slot_at.isoformat()},
            )
        return len(stale)

    def sync(self) -> int:
        """Make the job store match the active subscriptions; returns how many jobs were added or removed."""
        with self._sync_lock:
            scheduler = self._scheduler
            if scheduler is None:
                return 0
            wanted = {sub.id: sub for sub in self._store.active()}
            jobs = {job.id: job for job in scheduler.get_jobs(jobstore=JOBSTORE)}
            changes = 0
            for job_id in jobs.keys() - wanted.keys():
                try:
                    scheduler.remove_job(job_id, jobstore=JOBSTORE)
                    changes += 1
                except JobLookupError:
                    pass
            for sub in wanted.values():
                name = f"digest {sub.id} [{sub.schedule_key()}]"
                current = jobs.get(sub.id)
                if current is not None and current.name == name:
                    continue  # unchanged: keep its stored next run time (a missed slot must stay visible)
                scheduler.add_job(
                    fire_digest,
                    trigger=DigestTrigger(ScheduleSpec.of(sub)),
                    args=[sub.id],
                    id=sub.id,
                    name=name,
                    jobstore=JOBSTORE,
                    replace_existing=True,
                    misfire_grace_time=max(1, int(self._grace.total_seconds())),
                    coalesce=False,
                    max_instances=1,
                )
                changes += 1
            if changes:
                log.info("digest jobs synced", extra={"changes": changes, "active": len(wanted)})
            return changes

    def fire(self, subscription_id: str) -> bool:
        """Run the subscription's current slot once: claim its run key, then deliver. True when delivered."""
        sub = self._store.get(subscription_id)
        if sub is None or sub.paused:
            log.info("digest job for a paused or deleted subscription", extra={"subscription_id": subscription_id})
            return False
        now = self._clock()
        slot = previous_slot(ScheduleSpec.of(sub), now)
        if now - slot > self._grace:
            log.warning(
                "digest skipped: ran too long after its time",
                extra={"subscription_id": sub.id, "slot": slot.isoformat(), "late_s": (now - slot).total_seconds()},
            )
            return False
        if not self._store.claim_run(sub.id, slot_at=slot, now=now):
            log.info("digest slot already claimed", extra={"subscription_id": sub.id, "slot": slot.isoformat()})
            return False
        try:
            self._deliver(sub, slot)
        except Exception as exc:  # the run is claimed: record the failure rather than lose it silently
            log.exception("digest delivery failed", extra={"subscription_id": sub.id, "slot": slot.isoformat()})
            self._store.finish_run(sub.id, slot_at=slot, status="failed", error=type(exc).__name__)
            return False
        return True
