"""The local calendar: events in the app database (the offline default).

One event is one row, shared by everyone on it: ``calendar_events`` holds the event (attendees as JSON), and
``calendar_event_people`` indexes who is on it (owner, organiser, attendees) with the event's times copied in,
so a person's agenda and free/busy are one indexed range scan. Every write is a single transaction that also
records its idempotency key in ``calendar_writes``. Cancelled events stay as tombstones (``cancelled_at``) so a
repeated cancel is recognised and a retried create does not bring an event back.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Engine, Index, delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from integrations.calendar.base import (
    Attendee,
    Event,
    EventChanges,
    EventCreate,
    Interval,
    resolve_zone,
    text_matches,
)
from integrations.db import as_utc, session_scope, utcnow
from integrations.errors import NotFoundError, ValidationError


class CalendarEventRow(SQLModel, table=True):
    """An event in the local calendar; times are stored in UTC."""

    __tablename__ = "calendar_events"
    id: str = Field(primary_key=True)
    calendar_id: str = Field(index=True)
    title: str
    start_utc: datetime = Field(index=True)
    end_utc: datetime
    tz: str = "UTC"
    organizer_id: str | None = Field(default=None, index=True)
    attendees: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    location: str = ""
    video_link: str = ""
    description: str = ""
    version: int = 1
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None = None


class CalendarEventPersonRow(SQLModel, table=True):
    """Someone on a live event, with the event's times copied in for range scans by person.

    Times here are POSIX seconds: free/busy reads thousands of them, and numbers need no parsing on the way out.
    """

    __tablename__ = "calendar_event_people"
    __table_args__ = (Index("ix_calendar_event_people_person_start", "person_id", "start_ts"),)
    event_id: str = Field(primary_key=True, foreign_key="calendar_events.id")
    person_id: str = Field(primary_key=True)
    start_ts: float
    end_ts: float
    declined: bool = False
    """A person who declined still sees the event but is not busy during it."""


class CalendarWriteRow(SQLModel, table=True):
    """One applied write, keyed by its idempotency key, committed in the same transaction as the write."""

    __tablename__ = "calendar_writes"
    idempotency_key: str = Field(primary_key=True)
    kind: str
    event_id: str
    created_at: datetime


_MAX_WRITE_ATTEMPTS = 5


def _utc(value: datetime) -> datetime:
    return as_utc(value).astimezone(UTC)


def _check_range(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError("Search times must carry a time zone.")
    if end < start:
        raise ValidationError("The end of the range is before its start.")


class LocalCalendarBackend:
    """Calendars stored in SQLite (or any SQLAlchemy database): implements ``CalendarBackend``."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime] = utcnow,
        url_template: str = "http://127.0.0.1:3000/calendar/events/{id}",
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._url_template = url_template

    # -- reads -------------------------------------------------------------------------------------
    def list_events(
        self,
        calendar_id: str,
        *,
        start: datetime,
        end: datetime,
        text: str | None = None,
        attendee_id: str | None = None,
        limit: int = 500,
    ) -> list[Event]:
        """Events ``calendar_id`` owns, organises or is invited to, overlapping [start, end), earliest first."""
        _check_range(start, end)
        mine = (
            select(CalendarEventPersonRow.event_id)
            .where(CalendarEventPersonRow.person_id == calendar_id)
            .where(col(CalendarEventPersonRow.start_ts) < end.timestamp())
            .where(col(CalendarEventPersonRow.end_ts) > start.timestamp())
        )
        stmt = select(CalendarEventRow).where(col(CalendarEventRow.id).in_(mine))
        if attendee_id:
            with_them = select(CalendarEventPersonRow.event_id).where(CalendarEventPersonRow.person_id == attendee_id)
            stmt = stmt.where(col(CalendarEventRow.id).in_(with_them))
        stmt = stmt.order_by(col(CalendarEventRow.start_utc), col(CalendarEventRow.id))
        if not text:
            stmt = stmt.limit(max(limit, 0))
        with Session(self._engine) as session:
            rows = session.exec(stmt).all()
        if text:
            rows = [r for r in rows if text_matches(text, r.title)][: max(limit, 0)]
        return [self._to_event(r) for r in rows]

    def get(self, event_id: str) -> Event:
        """One live event; raises NotFoundError (also for cancelled events)."""
        with Session(self._engine) as session:
            return self._to_event(self._live_row(session, event_id))

    def free_busy(self, person_ids: list[str], *, start: datetime, end: datetime) -> dict[str, list[Interval]]:
        """Busy intervals per person within [start, end): merged, clipped to the range, UTC; declined ignored."""
        _check_range(start, end)
        result: dict[str, list[Interval]] = {pid: [] for pid in person_ids}
        if not person_ids or end == start:
            return result
        lo, hi = start.timestamp(), end.timestamp()
        stmt = (
            select(CalendarEventPersonRow.person_id, CalendarEventPersonRow.start_ts, CalendarEventPersonRow.end_ts)
            .where(col(CalendarEventPersonRow.person_id).in_(set(person_ids)))
            .where(col(CalendarEventPersonRow.start_ts) < hi)
            .where(col(CalendarEventPersonRow.end_ts) > lo)
            .where(col(CalendarEventPersonRow.declined).is_(False))
            .order_by(col(CalendarEventPersonRow.person_id), col(CalendarEventPersonRow.start_ts))
        )
        # A plain connection, not an ORM session: this reads thousands of rows and the ORM would triple the cost.
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).all()
        # Rows come sorted by person, then start: merge each person's run in one pass.
        stamp = datetime.fromtimestamp
        person: str | None = None
        out: list[Interval] = []
        cur_s = cur_e = 0.0
        for who, s, e in rows:
            if s < lo:
                s = lo
            if e > hi:
                e = hi
            if who != person:
                if person is not None:
                    out.append(Interval.model_construct(start=stamp(cur_s, UTC), end=stamp(cur_e, UTC)))
                    result[person] = out
                person, out, cur_s, cur_e = who, [], s, e
            elif s <= cur_e:
                if e > cur_e:
                    cur_e = e
            else:
                # model_construct: already valid aware datetimes, and this runs for every busy stretch.
                out.append(Interval.model_construct(start=stamp(cur_s, UTC), end=stamp(cur_e, UTC)))
                cur_s, cur_e = s, e
        if person is not None:
            out.append(Interval.model_construct(start=stamp(cur_s, UTC), end=stamp(cur_e, UTC)))
            result[person] = out
        return result

    # -- writes ------------------------------------------------------------------------------------
    def create(self, calendar_id: str, data: EventCreate, *, idempotency_key: str) -> Event:
        """Add an event to ``calendar_id``; a repeated idempotency key returns the event created the first time."""
        if not calendar_id:
            raise ValidationError("An event needs a calendar to go on.")
        data = EventCreate.model_validate(data.model_dump())
        for attempt in range(_MAX_WRITE_ATTEMPTS):
            try:
                with session_scope(self._engine) as session:
                    done = session.get(CalendarWriteRow, idempotency_key)
                    if done is not None:
                        return self._replayed(session, done)
                    now = as_utc(self._clock())
                    row = self._new_row(calendar_id, data, event_id=f"ev{secrets.token_hex(6)}", now=now)
                    session.add(row)
                    session.flush()
                    self._index_people(session, row)
                    session.add(self._write(idempotency_key, "create", row.id, now))
                    session.flush()
                    return self._to_event(row)
            except IntegrityError:
                # Another writer applied the same key (or, vanishingly rarely, drew the same id): look again.
                if attempt == _MAX_WRITE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def update(self, event_id: str, changes: EventChanges, *, idempotency_key: str) -> Event:
        """Apply ``changes`` in one transaction; a repeated key is a no-op returning the event as it is now."""
        for attempt in range(_MAX_WRITE_ATTEMPTS):
            try:
                with session_scope(self._engine) as session:
                    done = session.get(CalendarWriteRow, idempotency_key)
                    if done is not None:
                        return self._to_event(self._live_row(session, done.event_id))
                    row = self._live_row(session, event_id)
                    changed = self._apply(row, changes)
                    now = as_utc(self._clock())
                    if changed:
                        row.version += 1
                        row.updated_at = _utc(now)
                        session.add(row)
                        session.flush()
                        self._index_people(session, row)
                    session.add(self._write(idempotency_key, "update", row.id, now))
                    session.flush()
                    return self._to_event(row)
            except IntegrityError:
                if attempt == _MAX_WRITE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def delete(self, event_id: str, *, idempotency_key: str) -> None:
        """Cancel an event; cancelling an already-cancelled event (with any key) is a no-op."""
        try:
            with session_scope(self._engine) as session:
                if session.get(CalendarWriteRow, idempotency_key) is not None:
                    return
                row = session.get(CalendarEventRow, event_id)
                if row is None:
                    raise NotFoundError(f"There is no event {event_id}.")
                if row.cancelled_at is not None:
                    return
                now = as_utc(self._clock())
                row.cancelled_at = _utc(now)
                row.version += 1
                row.updated_at = _utc(now)
                session.add(row)
                session.execute(delete(CalendarEventPersonRow).where(col(CalendarEventPersonRow.event_id) == row.id))
                session.add(self._write(idempotency_key, "delete", row.id, now))
        except IntegrityError:
            # A concurrent cancel with the same key won: the event is cancelled either way.
            return

    # -- loading and helpers -----------------------------------------------------------------------
    def import_event(self, event: Event) -> None:
        """Insert or replace an event with its id, version and timestamps as given (fixtures and demo data)."""
        self.import_events([event])

    def import_events(self, events: Iterable[Event]) -> int:
        """Insert or replace many events in one transaction; returns how many."""
        n = 0
        with session_scope(self._engine) as session:
            for event in events:
                data = EventCreate.model_validate(event.model_dump(include=set(EventCreate.model_fields)))
                row = self._new_row(event.calendar_id, data, event_id=event.id, now=event.created_at)
                row.version = event.version
                row.updated_at = _utc(event.updated_at)
                session.merge(row)
                session.flush()
                self._index_people(session, row)
                n += 1
        return n

    def count(self) -> int:
        """How many live (not cancelled) events exist, on every calendar."""
        with Session(self._engine) as session:
            live = col(CalendarEventRow.cancelled_at).is_(None)
            return int(session.exec(select(func.count()).select_from(CalendarEventRow).where(live)).one())

    def url(self, event_id: str) -> str:
        """Where a person can look at this event."""
        return self._url_template.format(id=event_id)

    @staticmethod
    def _new_row(calendar_id: str, data: EventCreate, *, event_id: str, now: datetime) -> CalendarEventRow:
        return CalendarEventRow(
            id=event_id,
            calendar_id=calendar_id,
            title=data.title,
            start_utc=_utc(data.start),
            end_utc=_utc(data.end),
            tz=data.tz,
            organizer_id=data.organizer_id,
            attendees=[a.model_dump() for a in data.attendees],
            location=data.location,
            video_link=data.video_link,
            description=data.description,
            version=1,
            created_at=_utc(now),
            updated_at=_utc(now),
        )

    @staticmethod
    def _write(idempotency_key: str, kind: str, event_id: str, now: datetime) -> CalendarWriteRow:
        return CalendarWriteRow(idempotency_key=idempotency_key, kind=kind, event_id=event_id, created_at=now)

    @staticmethod
    def _apply(row: CalendarEventRow, changes: EventChanges) -> bool:
        """Apply changes to ``row`` in memory; ValidationError (nothing applied) if the result is impossible."""
        start, end = as_utc(row.start_utc), as_utc(row.end_utc)
        if changes.start is not None and changes.end is None:
            end = changes.start + (end - start)
            start = changes.start
        elif changes.start is not None and changes.end is not None:
            start, end = changes.start, changes.end
        elif changes.end is not None:
            end = changes.end
        if end <= start:
            raise ValidationError("An event must end after it starts.")
        updates: dict[str, Any] = {"start_utc": _utc(start), "end_utc": _utc(end)}
        for name in ("title", "location", "description", "video_link", "tz"):
            value = getattr(changes, name)
            if value is not None:
                updates[name] = value
        if changes.attendees is not None:
            updates["attendees"] = [Attendee.model_validate(a).model_dump() for a in changes.attendees]
        changed = False
        for name, value in updates.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        return changed

    @staticmethod
    def _index_people(session: Session, row: CalendarEventRow) -> None:
        """Rewrite who is on ``row`` (owner, organiser, attendees), with its current times."""
        session.execute(delete(CalendarEventPersonRow).where(col(CalendarEventPersonRow.event_id) == row.id))
        if row.cancelled_at is not None:
            return
        people: dict[str, bool] = {}
        for raw in row.attendees:
            person = raw.get("person_id")
            if person:
                people[person] = raw.get("response") == "declined"
        for person in (row.organizer_id, row.calendar_id):
            if person:
                people[person] = False
        for person, declined in people.items():
            session.add(
                CalendarEventPersonRow(
                    event_id=row.id,
                    person_id=person,
                    start_ts=as_utc(row.start_utc).timestamp(),
                    end_ts=as_utc(row.end_utc).timestamp(),
                    declined=declined,
                )
            )

    def _live_row(self, session: Session, event_id: str) -> CalendarEventRow:
        row = session.get(CalendarEventRow, event_id)
        if row is None or row.cancelled_at is not None:
            raise NotFoundError(f"There is no event {event_id}.")
        return row

    def _replayed(self, session: Session, done: CalendarWriteRow) -> Event:
        row = session.get(CalendarEventRow, done.event_id)
        if row is None or row.cancelled_at is not None:
            raise NotFoundError(f"The event this request created ({done.event_id}) has since been cancelled.")
        return self._to_event(row)

    def _to_event(self, row: CalendarEventRow) -> Event:
        zone = resolve_zone(row.tz)
        return Event(
            id=row.id,
            calendar_id=row.calendar_id,
            title=row.title,
            start=as_utc(row.start_utc).astimezone(zone),
            end=as_utc(row.end_utc).astimezone(zone),
            tz=row.tz,
            organizer_id=row.organizer_id,
            attendees=[Attendee.model_validate(a) for a in row.attendees or []],
            location=row.location,
            video_link=row.video_link,
            description=row.description,
            version=row.version,
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
            url=self.url(row.id),
        )
