"""Digest subscriptions and their runs in the app database.

The run table's primary key is (subscription, slot): inserting it is the claim that makes a slot post at most
once, whichever process, thread or restart gets there first.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import JSON, Column, Engine, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, delete, select

from integrations.db import session_scope, utcnow
from integrations.digests.base import DigestRun, RunStatus, Subscription, SubscriptionCreate

# Short, unambiguous ids people can type after `/deskhand digest pause` (no 0/O, 1/I).
_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_subscription_id() -> str:
    """``D`` and five random characters: short enough to type, ~33 million values."""
    return "D" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(5))


class SubscriptionRow(SQLModel, table=True):
    """A digest subscription."""

    __tablename__ = "digest_subscriptions"
    id: str = Field(primary_key=True)
    team_id: str = ""
    created_by: str = Field(index=True)
    target_kind: str
    target_id: str = Field(index=True)
    cadence: str
    weekday: int | None = None
    time_of_day: str
    tz: str
    sections: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    ticket_project: str | None = None
    ticket_assignee: str | None = None
    paused: bool = Field(default=False, index=True)
    created_at: datetime
    updated_at: datetime


class DigestRunRow(SQLModel, table=True):
    """A claimed (subscription, slot); the primary key is the run key."""

    __tablename__ = "digest_runs"
    subscription_id: str = Field(primary_key=True)
    slot_at: datetime = Field(primary_key=True)
    status: str
    claimed_at: datetime
    finished_at: datetime | None = None
    message_ts: str | None = None
    error: str | None = None


def _to_subscription(row: SubscriptionRow) -> Subscription:
    return Subscription.model_validate(row.model_dump())


def _to_run(row: DigestRunRow) -> DigestRun:
    return DigestRun(
        subscription_id=row.subscription_id,
        slot_at=row.slot_at,
        status=row.status,  # type: ignore[arg-type]
        claimed_at=row.claimed_at,
        finished_at=row.finished_at,
        message_ts=row.message_ts,
        error=row.error,
    )


class SqlDigestStore:
    """Subscriptions and runs on the app database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def engine(self) -> Engine:
        """The app database (the scheduler keeps its job store and lease there too)."""
        return self._engine

    # -- subscriptions ------------------------------------------------------------------------------
    def create(self, data: SubscriptionCreate, *, now: datetime | None = None) -> Subscription:
        """Store a new subscription under a fresh id."""
        moment = now or utcnow()
        for _ in range(5):
            row = SubscriptionRow(
                id=new_subscription_id(), **data.model_dump(), paused=False, created_at=moment, updated_at=moment
            )
            try:
                with session_scope(self._engine) as session:
                    session.add(row)
            except IntegrityError:
                continue  # an id collision: draw again
            return _to_subscription(row)
        raise RuntimeError("could not allocate a subscription id")

    def get(self, subscription_id: str) -> Subscription | None:
        """One subscription (ids are case-insensitive for people typing them)."""
        with Session(self._engine) as session:
            row = session.get(SubscriptionRow, subscription_id.strip().upper())
            return _to_subscription(row) if row else None

    def active(self) -> list[Subscription]:
        """Every subscription that is not paused (what the scheduler must have a job for)."""
        with Session(self._engine) as session:
            rows = session.exec(select(SubscriptionRow).where(col(SubscriptionRow.paused).is_(False))).all()
            return [_to_subscription(r) for r in rows]

    def find(self, *, channel_id: str | None = None, user_id: str | None = None) -> list[Subscription]:
        """Subscriptions posting to ``channel_id``, and those of ``user_id`` (theirs, or created by them)."""
        clauses = []
        if channel_id:
            clauses.append(col(SubscriptionRow.target_id) == channel_id)
        if user_id:
            clauses.append(col(SubscriptionRow.target_id) == user_id)
            clauses.append(col(SubscriptionRow.created_by) == user_id)
        if not clauses:
            return []
        with Session(self._engine) as session:
            rows = session.exec(
                select(SubscriptionRow).where(or_(*clauses)).order_by(col(SubscriptionRow.created_at))
            ).all()
            return [_to_subscription(r) for r in rows]

    def set_paused(self, subscription_id: str, *, paused: bool, now: datetime | None = None) -> Subscription | None:
        """Pause or resume; None when there is no such subscription."""
        with session_scope(self._engine) as session:
            row = session.get(SubscriptionRow, subscription_id.strip().upper())
            if row is None:
                return None
            row.paused, row.updated_at = paused, now or utcnow()
            session.add(row)
        return _to_subscription(row)

    def delete(self, subscription_id: str) -> bool:
        """Remove a subscription and its run history; False when there was none."""
        key = subscription_id.strip().upper()
        with session_scope(self._engine) as session:
            row = session.get(SubscriptionRow, key)
            if row is None:
                return False
            session.delete(row)
            session.execute(delete(DigestRunRow).where(col(DigestRunRow.subscription_id) == key))
        return True

    # -- runs ---------------------------------------------------------------------------------------
    def claim_run(self, subscription_id: str, *, slot_at: datetime, now: datetime | None = None) -> bool:
        """Record that this slot is being posted; False if any process claimed it before (post nothing then)."""
        try:
            with session_scope(self._engine) as session:
                session.add(
                    DigestRunRow(
                        subscription_id=subscription_id,
                        slot_at=slot_at,
                        status="claimed",
                        claimed_at=now or utcnow(),
                    )
                )
        except IntegrityError:
            return False
        return True

    def begin_posting(self, subscription_id: str, *, slot_at: datetime) -> bool:
        """claimed → posting, atomically; False if the run is already posting or done (a replayed job).

        A process that dies between posting and ``finish_run`` leaves the run "posting": a replay then posts
        nothing rather than a second copy (at most once, never twice).
        """
        with session_scope(self._engine) as session:
            result = session.execute(
                update(DigestRunRow)
                .where(
                    col(DigestRunRow.subscription_id) == subscription_id,
                    col(DigestRunRow.slot_at) == slot_at,
                    col(DigestRunRow.status) == "claimed",
                )
                .values(status="posting")
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def finish_run(
        self,
        subscription_id: str,
        *,
        slot_at: datetime,
        status: RunStatus,
        message_ts: str | None = None,
        error: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Record how a claimed run ended."""
        with session_scope(self._engine) as session:
            session.execute(
                update(DigestRunRow)
                .where(
                    col(DigestRunRow.subscription_id) == subscription_id,
                    col(DigestRunRow.slot_at) == slot_at,
                )
                .values(status=status, message_ts=message_ts, error=error, finished_at=now or utcnow())
            )

    def fail_stale_runs(self, *, older_than: timedelta, now: datetime | None = None) -> list[tuple[str, datetime]]:
        """Runs still "posting" ``older_than`` after they were claimed (their process died) → "failed".

        Only "posting": a "claimed" run may simply be queued (the durable inbox replays it after a restart), and
        failing it would drop a digest that is still coming. A run that died while posting is never retried: it
        may already be in the channel. One conditional UPDATE, so a slow worker's ``finish_run`` that lands first
        is never overwritten.
        """
        moment = now or utcnow()
        with session_scope(self._engine) as session:
            stale = (
                col(DigestRunRow.status) == "posting",
                col(DigestRunRow.claimed_at) < moment - older_than,
            )
            rows = session.exec(select(DigestRunRow).where(*stale)).all()
            found = [(r.subscription_id, r.slot_at) for r in rows]
            return [
                (subscription_id, slot_at)
                for subscription_id, slot_at in found
                if self._mark_interrupted(session, subscription_id, slot_at, ("posting",), moment)
            ]

    def fail_interrupted_run(self, subscription_id: str, *, slot_at: datetime, now: datetime | None = None) -> bool:
        """A digest job the process was running when it died: its run → "failed" (never re-posted)."""
        with session_scope(self._engine) as session:
            return self._mark_interrupted(session, subscription_id, slot_at, ("claimed", "posting"), now or utcnow())

    @staticmethod
    def _mark_interrupted(
        session: Session, subscription_id: str, slot_at: datetime, statuses: tuple[str, ...], now: datetime
    ) -> bool:
        result = session.execute(
            update(DigestRunRow)
            .where(
                col(DigestRunRow.subscription_id) == subscription_id,
                col(DigestRunRow.slot_at) == slot_at,
                col(DigestRunRow.status).in_(statuses),
            )
            .values(
                status="failed",
                error="interrupted: the process stopped while this digest was being posted; not retried, so it "
                "can't post twice",
                finished_at=now,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def runs(self, subscription_id: str, *, limit: int = 20) -> list[DigestRun]:
        """The latest runs of a subscription, newest first."""
        with Session(self._engine) as session:
            rows = session.exec(
                select(DigestRunRow)
                .where(DigestRunRow.subscription_id == subscription_id)
                .order_by(col(DigestRunRow.slot_at).desc())
                .limit(limit)
            ).all()
            return [_to_run(r) for r in rows]
