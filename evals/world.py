"""A fresh, private world per case: in-memory database, seeded backends, directory, clock, graph and runtime.

Nothing is shared between cases, so results do not depend on order or on how many workers run them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.sqlite import SqliteSaver
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from evals.calendar_memory import MemoryCalendar
from evals.fixtures import Fixture, FixtureError
from evals.state import CanonState, iso_instant
from evals.usage import UsageHandler
from graph.assembly import build_runtime
from graph.checkpoint import open_checkpointer
from graph.deps import GraphDeps, system_clock
from graph.runtime import AgentRuntime
from graph.state import thread_id_for
from integrations.approvals.store import SqlApprovalStore
from integrations.audit.store import SqlAuditLog
from integrations.calendar.base import Attendee, CalendarBackend, Event, EventCreate
from integrations.db import open_database
from integrations.directory.base import StaticDirectory
from integrations.tickets.base import Project, Ticket
from integrations.tickets.local import LocalTicketBackend, TicketCommentRow, TicketRow

log = logging.getLogger(__name__)

_EPOCH_SPAN = timedelta(days=3650)


@dataclass(frozen=True)
class ModelChoice:
    """Which model a run uses: ``local`` or ``openai:NAME`` (any OpenAI-compatible server via base_url)."""

    provider: Literal["local", "openai"] = "local"
    name: str = "deskhand-local"
    base_url: str | None = None

    @classmethod
    def parse(cls, text: str, *, base_url: str | None = None) -> ModelChoice:
        """``local`` or ``openai:gpt-4o-mini``."""
        text = text.strip()
        if text in ("", "local"):
            return cls()
        provider, _, name = text.partition(":")
        if provider != "openai" or not name:
            raise ValueError(f"--model must be 'local' or 'openai:NAME', not {text!r}")
        return cls(provider="openai", name=name, base_url=base_url or os.environ.get("OPENAI_BASE_URL"))

    @property
    def label(self) -> str:
        """How reports name the model."""
        return "local" if self.provider == "local" else f"openai:{self.name}"

    def make(self) -> BaseChatModel:
        """A fresh chat model instance (each case gets its own, so its usage counter is private)."""
        from graph.models import ModelSpec, make_chat_model

        if self.provider == "local":
            return make_chat_model(ModelSpec(provider="local"))
        return make_chat_model(
            ModelSpec(
                provider="openai",
                model=self.name,
                base_url=self.base_url,
                api_key=os.environ.get("DESKHAND_OPENAI_API_KEY") or os.environ.get("OPENAI_API_KEY"),
                temperature=0.0,
            )
        )


def make_calendar(engine: Engine) -> CalendarBackend:
    """The product's local calendar backend when it exists, else the evals' in-memory stand-in."""
    try:
        calendar_local = importlib.import_module("integrations.calendar.local")
    except ImportError:
        return MemoryCalendar()
    backend_cls = getattr(calendar_local, "LocalCalendarBackend", None)
    if backend_cls is None:
        return MemoryCalendar()
    try:
        backend: CalendarBackend = backend_cls(engine)
        return backend
    except TypeError:
        log.warning("LocalCalendarBackend(engine) failed; calendar cases use the in-memory stand-in")
        return MemoryCalendar()


def _deps_fields() -> set[str]:
    return {f.name for f in dataclasses.fields(GraphDeps)}


@dataclass
class World:
    """Everything one case runs against."""

    fixture: Fixture
    engine: Engine
    tickets: LocalTicketBackend
    calendar: CalendarBackend
    directory: StaticDirectory
    approvals: SqlApprovalStore
    audit: SqlAuditLog
    deps: GraphDeps
    runtime: AgentRuntime
    checkpointer: SqliteSaver
    usage: UsageHandler
    event_ids: dict[str, str] = field(default_factory=dict)
    """Backend event id → fixture event id."""
    calendar_wired: bool = False
    """Whether the graph was given the calendar (GraphDeps has a ``calendar`` field)."""

    def now(self) -> datetime:
        """The world's clock."""
        return self.deps.clock()

    def graph_values(self, thread_id: str) -> dict[str, Any]:
        """The thread's latest checkpointed state values (route, proposals, ...)."""
        saved = self.checkpointer.get_tuple({"configurable": {"thread_id": thread_id}})
        if saved is None:
            return {}
        return dict(saved.checkpoint.get("channel_values") or {})

    def thread_id(self, channel_id: str, thread_ts: str) -> str:
        """The LangGraph thread for a Slack thread in this world."""
        return thread_id_for(self.fixture.team_id, channel_id, thread_ts)

    # -- snapshot --------------------------------------------------------------------------------
    def _person_key(self, person_id: str | None) -> str | None:
        if not person_id:
            return None
        person = self.directory.get(person_id)
        if person is None:
            return person_id
        return person.email.casefold() if person.email else person.id

    def snapshot(self) -> CanonState:
        """The world's current state, projected for outcome grading."""
        state = CanonState()
        known_tickets = {t.key.upper() for t in self.fixture.tickets}
        with Session(self.engine) as session:
            rows = session.exec(select(TicketRow).order_by(col(TicketRow.key))).all()
            comments = session.exec(select(TicketCommentRow).order_by(col(TicketCommentRow.id))).all()
        by_ticket: dict[str, list[dict[str, Any]]] = {}
        for c in comments:
            by_ticket.setdefault(c.ticket_key, []).append({"author": self._person_key(c.author_id), "body": c.body})
        for row in rows:
            item = {
                "title": row.title,
                "description": row.description,
                "project": row.project,
                "status": row.status,
                "priority": row.priority,
                "assignee": self._person_key(row.assignee_id),
                "reporter": self._person_key(row.reporter_id),
                "due": row.due_date.isoformat() if row.due_date else None,
                "labels": sorted(row.labels or []),
                "comments": by_ticket.get(row.key, []),
            }
            if row.key in known_tickets:
                state.tickets[row.key] = item
            else:
                state.new_tickets.append(item)
        seen: dict[str, Event] = {}
        now = self.now()
        owners = [p.id for p in self.fixture.people]
        for owner in owners:
            for event in self.calendar.list_events(
                owner, start=now - _EPOCH_SPAN, end=now + _EPOCH_SPAN, limit=100_000
            ):
                seen.setdefault(event.id, event)
        for event in sorted(seen.values(), key=lambda e: (e.start, e.id)):
            organizer = self._person_key(event.organizer_id)
            owner_key = self._person_key(event.calendar_id)
            participants: set[str] = set()
            for attendee in event.attendees:
                key = self._person_key(attendee.person_id) if attendee.person_id else attendee.email.casefold()
                if key and key not in (organizer, owner_key):
                    participants.add(key)
            event_item: dict[str, Any] = {
                "title": event.title,
                "start": iso_instant(event.start),
                "duration": int((event.end - event.start) / timedelta(minutes=1)),
                "participants": sorted(participants),
                "organizer": organizer,
                "description": event.description,
                "location": event.location,
            }
            fixture_id = self.event_ids.get(event.id)
            if fixture_id is not None:
                state.events[fixture_id] = event_item
            else:
                state.new_events.append(event_item)
        return state

    def close(self) -> None:
        """Release the in-memory databases."""
        with contextlib.suppress(sqlite3.Error):
            self.checkpointer.conn.close()
        self.engine.dispose()


def _seed_tickets(backend: LocalTicketBackend, fixture: Fixture, now: datetime) -> None:
    for project in fixture.projects:
        backend.upsert_project(Project(key=project.key, name=project.name, lead_id=project.lead))
    known = {p.key.upper() for p in fixture.projects}
    for ticket in fixture.tickets:
        if ticket.project_key not in known:
            backend.upsert_project(Project(key=ticket.project_key, name=ticket.project_key))
            known.add(ticket.project_key)
        backend.import_ticket(
            Ticket(
                key=ticket.key,
                title=ticket.title,
                description=ticket.description,
                project=ticket.project_key,
                status=ticket.status,
                priority=ticket.priority,  # type: ignore[arg-type]
                assignee_id=_person_id(fixture, ticket.assignee),
                reporter_id=_person_id(fixture, ticket.reporter),
                due_date=ticket.due,
                labels=list(ticket.labels),
                created_at=now - timedelta(days=ticket.created_days_ago),
                updated_at=now - timedelta(days=ticket.updated_days_ago),
            )
        )
        for i, comment in enumerate(ticket.comments):
            backend.add_comment(
                ticket.key,
                comment.body,
                author_id=_person_id(fixture, comment.author),
                idempotency_key=f"fixture:{ticket.key}:comment:{i}",
            )


def _person_id(fixture: Fixture, reference: str | None) -> str | None:
    if not reference:
        return None
    return fixture.find_person(reference).id


def _seed_events(calendar: CalendarBackend, fixture: Fixture) -> dict[str, str]:
    ids: dict[str, str] = {}
    for event in fixture.events:
        start = fixture.aware(event.start)
        end = fixture.aware(event.end) if event.end is not None else start + timedelta(minutes=event.duration or 30)
        organizer = fixture.find_person(event.organizer).id if event.organizer else None
        owner = fixture.find_person(event.calendar).id if event.calendar else organizer
        if owner is None:
            raise FixtureError(f"event {event.id}: needs an organizer or a calendar owner")
        attendees = []
        for ref in event.participants:
            try:
                person = fixture.find_person(ref)
            except FixtureError:
                if "@" not in ref:
                    raise
                attendees.append(Attendee(email=ref.casefold()))
            else:
                attendees.append(Attendee(person_id=person.id, email=person.email, name=person.name))
        created = calendar.create(
            owner,
            EventCreate(
                title=event.title,
                start=start,
                end=end,
                tz=fixture.tz,
                organizer_id=organizer,
                attendees=attendees,
                description=event.description,
                location=event.location,
            ),
            idempotency_key=f"fixture:event:{event.id}",
        )
        ids[created.id] = event.id
    return ids


def _docs_index(fixture: Fixture) -> Any:
    """The fixture's documents in a docs index (shared by worlds with the same documents: it is only read)."""
    from integrations.docs.base import Access, SourceDocument
    from integrations.docs.memory import shared_index

    docs = []
    for doc in fixture.docs:
        readers = [p.email or p.id for p in (fixture.find_person(r) for r in doc.readers if "@" not in r)]
        readers += [r for r in doc.readers if "@" in r]
        access = Access.private(readers) if doc.readers else Access()
        link = f"https://handbook.example/{doc.path or doc.id}"
        docs.append(
            SourceDocument(
                id=doc.id, title=doc.title, text=doc.content, path=doc.path, source="fixture", access=access, link=link
            )
        )
    folders: list[Path] = []
    if fixture.docs_folder:
        folder = Path(os.path.expandvars(fixture.docs_folder))
        folders.append(folder if folder.is_absolute() else Path(__file__).resolve().parent.parent / folder)
    return shared_index(docs, folders)


def build_world(fixture: Fixture, model: BaseChatModel, *, clock: Callable[[], datetime] | None = None) -> World:
    """Seed a fresh in-memory world from ``fixture`` and build the runtime around ``model``."""
    engine = open_database(None)
    now = fixture.now or datetime.now(UTC)
    tickets = LocalTicketBackend(engine, workflow=fixture.workflow)
    _seed_tickets(tickets, fixture, now)
    calendar = make_calendar(engine)
    event_ids = _seed_events(calendar, fixture)
    directory = fixture.directory()
    audit = SqlAuditLog(engine)
    approvals = SqlApprovalStore(engine)
    usage = UsageHandler()
    model.callbacks = [usage]
    frozen = fixture.now
    if clock is None:
        clock = (lambda: frozen) if frozen is not None else system_clock
    from graph.local_model.model import LocalChatModel

    kwargs: dict[str, Any] = {
        "model": model,
        "tickets": tickets,
        "directory": directory,
        "audit": audit,
        "clock": clock,
        "approver_ids": tuple(fixture.find_person(a).id for a in fixture.approvers),
        "default_project": fixture.default_project,
        "model_is_local": isinstance(model, LocalChatModel),
        "extra": {"bot_user_id": fixture.bot_user_id},
    }
    wired = "calendar" in _deps_fields()
    if wired:
        kwargs["calendar"] = calendar
    if fixture.docs or fixture.docs_folder:
        kwargs["docs"] = _docs_index(fixture)
    deps = GraphDeps(**kwargs)
    checkpointer = open_checkpointer(None)
    runtime = build_runtime(deps, approvals, checkpointer)
    return World(
        fixture=fixture,
        engine=engine,
        tickets=tickets,
        calendar=calendar,
        directory=directory,
        approvals=approvals,
        audit=audit,
        deps=deps,
        runtime=runtime,
        checkpointer=checkpointer,
        usage=usage,
        event_ids=event_ids,
        calendar_wired=wired,
    )
