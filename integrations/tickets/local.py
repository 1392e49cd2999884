"""The local ticket tracker: tickets, comments and projects in the app database (the offline default)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Engine, String, case, cast, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from integrations.db import as_utc, session_scope, utcnow
from integrations.directory.base import Directory
from integrations.errors import NotFoundError, ValidationError
from integrations.tickets.base import (
    DEFAULT_WORKFLOW,
    LINK_RELATIONS,
    PRIORITIES,
    BulkResult,
    Project,
    Ticket,
    TicketChanges,
    TicketComment,
    TicketCreate,
    TicketLink,
    TicketQuery,
    apply_each,
    like_patterns,
    match_score,
    normalise_key,
    normalise_relation,
    significant_words,
)
from integrations.tickets.workflow import Workflow


class ProjectRow(SQLModel, table=True):
    """A project in the local tracker."""

    __tablename__ = "ticket_projects"
    key: str = Field(primary_key=True)
    name: str
    lead_id: str | None = None


class TicketRow(SQLModel, table=True):
    """A ticket in the local tracker."""

    __tablename__ = "tickets"
    key: str = Field(primary_key=True)
    project: str = Field(foreign_key="ticket_projects.key", index=True)
    number: int
    title: str
    description: str = ""
    status: str = Field(index=True)
    priority: str = "medium"
    assignee_id: str | None = Field(default=None, index=True)
    reporter_id: str | None = None
    due_date: date | None = None
    labels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime
    updated_at: datetime


class TicketCommentRow(SQLModel, table=True):
    """A comment on a local ticket."""

    __tablename__ = "ticket_comments"
    id: int | None = Field(default=None, primary_key=True)
    ticket_key: str = Field(foreign_key="tickets.key", index=True)
    author_id: str | None = None
    body: str
    created_at: datetime


class TicketLinkRow(SQLModel, table=True):
    """A link between two local tickets, stored once in its outward direction ("source blocks target")."""

    __tablename__ = "ticket_links"
    id: int | None = Field(default=None, primary_key=True)
    source_key: str = Field(foreign_key="tickets.key", index=True)
    relation: str
    target_key: str = Field(foreign_key="tickets.key", index=True)
    created_at: datetime


class TicketWriteRow(SQLModel, table=True):
    """One applied write, keyed by its idempotency key, committed in the same transaction as the write."""

    __tablename__ = "ticket_writes"
    idempotency_key: str = Field(primary_key=True)
    kind: str
    ticket_key: str
    comment_id: int | None = None
    created_at: datetime


_MAX_CREATE_ATTEMPTS = 5
_PRIORITY_WHENS: list[Any] = [(col(TicketRow.priority) == name, rank) for rank, name in enumerate(PRIORITIES)]
_PRIORITY_RANK = case(*_PRIORITY_WHENS, else_=-1)


class LocalTicketBackend:
    """Tickets stored in SQLite. Every write is one transaction that also records its idempotency key.

    ``workflow`` is a :class:`Workflow` or a plain sequence of statuses (which gets the default transition
    rule, see ``integrations.tickets.workflow``); status changes that the workflow forbids are refused.
    ``people``, when given, is the directory assignees and reporters must belong to.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        url_template: str = "http://127.0.0.1:3000/tickets/{key}",
        workflow: Workflow | Iterable[str] = DEFAULT_WORKFLOW,
        people: Directory | None = None,
    ) -> None:
        self._engine = engine
        self._url_template = url_template
        self._flow = Workflow.coerce(workflow)
        self._workflow = self._flow.statuses
        self._people = people

    # -- reads -------------------------------------------------------------------------------------
    def workflow(self) -> tuple[str, ...]:
        """The statuses a ticket can be in, in workflow order."""
        return self._workflow

    @property
    def rules(self) -> Workflow:
        """The workflow with its transitions."""
        return self._flow

    def transitions(self, status: str, *, key: str | None = None) -> list[str]:
        """Statuses a ticket in ``status`` may move to next (the same for every ticket here)."""
        return self._flow.next_statuses(status)

    def projects(self) -> list[Project]:
        """Every project, by key."""
        with Session(self._engine) as session:
            rows = session.exec(select(ProjectRow).order_by(ProjectRow.key)).all()
            return [Project(key=r.key, name=r.name, lead_id=r.lead_id) for r in rows]

    def get(self, key: str) -> Ticket:
        """The ticket with this key; raises NotFoundError."""
        with Session(self._engine) as session:
            row = session.get(TicketRow, normalise_key(key))
            if row is None:
                raise NotFoundError(f"There is no ticket {normalise_key(key)}.")
            return self._to_ticket(row, self._links(session, [row.key]).get(row.key, []))

    def search(self, query: TicketQuery) -> list[Ticket]:
        """Tickets matching every filter; best text match first when there is text, else ``query.order_by``."""
        stmt = select(TicketRow)
        if query.keys:
            stmt = stmt.where(col(TicketRow.key).in_([normalise_key(k) for k in query.keys]))
        words = significant_words(query.text or "")
        if words:
            # Pre-select anything matching one stem; match_score below keeps and ranks the good matches.
            stmt = stmt.where(
                or_(
                    *[
                        or_(
                            col(TicketRow.title).ilike(p),
                            col(TicketRow.description).ilike(p),
                            col(TicketRow.key).ilike(p),
                        )
                        for p in like_patterns(words)
                    ]
                )
            )
        if query.assignee_id:
            stmt = stmt.where(TicketRow.assignee_id == query.assignee_id)
        if query.unassigned:
            stmt = stmt.where(col(TicketRow.assignee_id).is_(None))
        if query.reporter_id:
            stmt = stmt.where(TicketRow.reporter_id == query.reporter_id)
        if query.statuses:
            wanted = [s.lower() for s in query.statuses]
            stmt = stmt.where(func.lower(TicketRow.status).in_(wanted))
        if (not query.include_done and not query.statuses) or query.overdue:
            stmt = stmt.where(TicketRow.status != self._flow.final)
        if query.project:
            stmt = stmt.where(TicketRow.project == query.project.strip().upper())
        if query.priorities:
            stmt = stmt.where(col(TicketRow.priority).in_(query.priorities))
        if query.due_before:
            stmt = stmt.where(col(TicketRow.due_date) < query.due_before)
        if query.due_after:
            stmt = stmt.where(col(TicketRow.due_date) > query.due_after)
        if query.overdue:
            stmt = stmt.where(col(TicketRow.due_date) < query.today())
        if query.no_due_date:
            stmt = stmt.where(col(TicketRow.due_date).is_(None))
        for label in query.labels or []:
            # Labels are stored as a JSON array; the label encoded the same way can only match a whole label.
            stmt = stmt.where(cast(col(TicketRow.labels), String).contains(json.dumps(label), autoescape=True))
        stmt = stmt.order_by(*SEARCH_ORDER[query.order_by], col(TicketRow.key))
        if not words:
            stmt = stmt.limit(query.limit)
        with Session(self._engine) as session:
            rows = list(session.exec(stmt).all())
            if words:
                scored = [(match_score(words, r.title, r.description), r) for r in rows]
                # sorted() is stable, so equal scores keep the requested order.
                rows = [r for score, r in sorted(scored, key=lambda pair: -pair[0]) if score > 0][: query.limit]
            links = self._links(session, [r.key for r in rows])
            return [self._to_ticket(r, links.get(r.key, [])) for r in rows]

    def comments(self, key: str) -> list[TicketComment]:
        """A ticket's comments, oldest first."""
        ticket_key = self.get(key).key
        with Session(self._engine) as session:
            rows = session.exec(
                select(TicketCommentRow)
                .where(TicketCommentRow.ticket_key == ticket_key)
                .order_by(col(TicketCommentRow.id))
            ).all()
            return [self._to_comment(r) for r in rows]

    # -- writes ------------------------------------------------------------------------------------
    def create(self, data: TicketCreate, *, idempotency_key: str) -> Ticket:
        """File a ticket; a repeated idempotency key returns the ticket created the first time."""
        self._check_status(data.status)
        self._check_people(data.assignee_id, data.reporter_id)
        for attempt in range(_MAX_CREATE_ATTEMPTS):
            try:
                with session_scope(self._engine) as session:
                    done = session.get(TicketWriteRow, idempotency_key)
                    if done is not None:
                        return self._to_ticket(self._row(session, done.ticket_key))
                    project = session.get(ProjectRow, data.project.upper())
                    if project is None:
                        raise NotFoundError(self._unknown_project_message(session, data.project))
                    number = (
                        session.exec(select(func.max(TicketRow.number)).where(TicketRow.project == project.key)).one()
                        or 0
                    ) + 1
                    now = utcnow()
                    row = TicketRow(
                        key=f"{project.key}-{number}",
                        project=project.key,
                        number=number,
                        title=data.title,
                        description=data.description,
                        status=self._canonical_status(data.status),
                        priority=data.priority,
                        assignee_id=data.assignee_id,
                        reporter_id=data.reporter_id,
                        due_date=data.due_date,
                        labels=list(data.labels),
                        created_at=now,
                        updated_at=now,
                    )
                    session.add(row)
                    session.add(
                        TicketWriteRow(
                            idempotency_key=idempotency_key, kind="create", ticket_key=row.key, created_at=now
                        )
                    )
                    session.flush()
                    return self._to_ticket(row)
            except IntegrityError:
                # Another writer took the same ticket number or idempotency key first: look again.
                if attempt == _MAX_CREATE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def update(self, key: str, changes: TicketChanges, *, idempotency_key: str) -> Ticket:
        """Apply ``changes`` to one ticket in one transaction; a repeated key is a no-op.

        Everything is checked before anything is written: the status must be one the workflow allows next from
        the ticket's current status, and a new assignee must be a known person.
        """
        if changes.status is not None:
            self._check_status(changes.status)
        if not changes.clear_assignee:
            self._check_people(changes.assignee_id)
        try:
            with session_scope(self._engine) as session:
                done = session.get(TicketWriteRow, idempotency_key)
                if done is not None:
                    return self._to_ticket(self._row(session, done.ticket_key))
                row = self._row(session, normalise_key(key))
                new_status = (
                    self._flow.check(row.status, changes.status, key=row.key) if changes.status is not None else None
                )
                if changes.title is not None:
                    row.title = " ".join(changes.title.split()) or row.title
                if changes.description is not None:
                    row.description = changes.description
                if new_status is not None:
                    row.status = new_status
                if changes.priority is not None:
                    row.priority = changes.priority
                if changes.clear_assignee:
                    row.assignee_id = None
                elif changes.assignee_id is not None:
                    row.assignee_id = changes.assignee_id
                if changes.due_date is not None:
                    row.due_date = changes.due_date
                if changes.labels is not None:
                    row.labels = list(changes.labels)
                row.updated_at = utcnow()
                session.add(row)
                session.add(
                    TicketWriteRow(
                        idempotency_key=idempotency_key,
                        kind="update",
                        ticket_key=row.key,
                        created_at=row.updated_at,
                    )
                )
                session.flush()
                return self._to_ticket(row, self._links(session, [row.key]).get(row.key, []))
        except IntegrityError:
            # A concurrent writer applied this very key; report what it produced.
            return self.get(key)

    def update_many(self, changes_by_key: Mapping[str, TicketChanges], *, idempotency_prefix: str) -> BulkResult:
        """Apply each ticket's changes in its own transaction; one refused item leaves the others applied."""
        return apply_each(self.update, changes_by_key, idempotency_prefix=idempotency_prefix)

    def add_link(self, key: str, relation: str, other_key: str, *, idempotency_key: str) -> Ticket:
        """Link two tickets ("OPS-3 blocks OPS-7"); linking the same pair the same way again changes nothing."""
        outward, inward = normalise_relation(relation)
        this, other = normalise_key(key), normalise_key(other_key)
        if this == other:
            raise ValidationError(f"{this} can't be linked to itself.")
        source, target = (other, this) if inward else (this, other)
        with session_scope(self._engine) as session:
            done = session.get(TicketWriteRow, idempotency_key)
            if done is None:
                self._row(session, this)
                self._row(session, other)
                exists = session.exec(
                    select(TicketLinkRow).where(
                        TicketLinkRow.source_key == source,
                        TicketLinkRow.target_key == target,
                        TicketLinkRow.relation == outward,
                    )
                ).first()
                now = utcnow()
                if exists is None:
                    session.add(TicketLinkRow(source_key=source, relation=outward, target_key=target, created_at=now))
                    row = self._row(session, this)
                    row.updated_at = now
                    session.add(row)
                session.add(
                    TicketWriteRow(idempotency_key=idempotency_key, kind="link", ticket_key=this, created_at=now)
                )
        return self.get(this)

    def add_comment(self, key: str, body: str, *, author_id: str | None, idempotency_key: str) -> TicketComment:
        """Comment on a ticket; a repeated idempotency key returns the first comment."""
        if not body.strip():
            raise ValidationError("A comment needs some text.")
        with session_scope(self._engine) as session:
            done = session.get(TicketWriteRow, idempotency_key)
            if done is not None and done.comment_id is not None:
                existing = session.get(TicketCommentRow, done.comment_id)
                if existing is not None:
                    return self._to_comment(existing)
            row = self._row(session, normalise_key(key))
            now = utcnow()
            comment = TicketCommentRow(ticket_key=row.key, author_id=author_id, body=body, created_at=now)
            session.add(comment)
            row.updated_at = now
            session.add(row)
            session.flush()
            session.add(
                TicketWriteRow(
                    idempotency_key=idempotency_key,
                    kind="comment",
                    ticket_key=row.key,
                    comment_id=comment.id,
                    created_at=now,
                )
            )
            session.flush()
            return self._to_comment(comment)

    # -- loading and helpers -----------------------------------------------------------------------
    def upsert_project(self, project: Project) -> None:
        """Add or rename a project (used when loading the demo company or a fixture)."""
        with session_scope(self._engine) as session:
            row = session.get(ProjectRow, project.key.upper())
            if row is None:
                row = ProjectRow(key=project.key.upper(), name=project.name, lead_id=project.lead_id)
            else:
                row.name, row.lead_id = project.name, project.lead_id
            session.add(row)

    def import_ticket(self, ticket: Ticket) -> None:
        """Insert a ticket with its key and timestamps as given (fixtures and demo data)."""
        with session_scope(self._engine) as session:
            prefix, _, number = ticket.key.partition("-")
            session.merge(
                TicketRow(
                    key=normalise_key(ticket.key),
                    project=ticket.project.upper() or prefix,
                    number=int(number),
                    title=ticket.title,
                    description=ticket.description,
                    status=self._canonical_status(ticket.status),
                    priority=ticket.priority,
                    assignee_id=ticket.assignee_id,
                    reporter_id=ticket.reporter_id,
                    due_date=ticket.due_date,
                    labels=list(ticket.labels),
                    created_at=ticket.created_at,
                    updated_at=ticket.updated_at,
                )
            )

    def count(self) -> int:
        """How many tickets exist (all projects, all statuses)."""
        with Session(self._engine) as session:
            return int(session.exec(select(func.count()).select_from(TicketRow)).one())

    def url(self, key: str) -> str:
        """Where a person can look at this ticket."""
        return self._url_template.format(key=normalise_key(key))

    def _row(self, session: Session, key: str) -> TicketRow:
        row = session.get(TicketRow, key)
        if row is None:
            raise NotFoundError(f"There is no ticket {key}.")
        return row

    def _canonical_status(self, status: str) -> str:
        return self._flow.canonical(status)

    def _check_status(self, status: str) -> None:
        self._canonical_status(status)

    def _check_people(self, *person_ids: str | None) -> None:
        if self._people is None:
            return
        for person_id in person_ids:
            if person_id and self._people.get(person_id) is None:
                raise NotFoundError(f"There is no person '{person_id}' in the directory.")

    @staticmethod
    def _links(session: Session, keys: Sequence[str]) -> dict[str, list[TicketLink]]:
        if not keys:
            return {}
        rows = session.exec(
            select(TicketLinkRow)
            .where(or_(col(TicketLinkRow.source_key).in_(keys), col(TicketLinkRow.target_key).in_(keys)))
            .order_by(col(TicketLinkRow.id))
        ).all()
        wanted = set(keys)
        found: dict[str, list[TicketLink]] = {}
        for link in rows:
            if link.source_key in wanted:
                found.setdefault(link.source_key, []).append(TicketLink(relation=link.relation, key=link.target_key))
            if link.target_key in wanted:
                mirror = _MIRROR.get(link.relation, link.relation)
                found.setdefault(link.target_key, []).append(TicketLink(relation=mirror, key=link.source_key))
        return found

    def _unknown_project_message(self, session: Session, project: str) -> str:
        keys = ", ".join(r.key for r in session.exec(select(ProjectRow).order_by(ProjectRow.key)).all())
        return f"There is no project '{project}'. Projects: {keys or 'none yet'}."

    def _to_ticket(self, row: TicketRow, links: list[TicketLink] | None = None) -> Ticket:
        return Ticket(
            key=row.key,
            title=row.title,
            description=row.description,
            project=row.project,
            status=row.status,
            priority=row.priority,  # type: ignore[arg-type]
            assignee_id=row.assignee_id,
            reporter_id=row.reporter_id,
            due_date=row.due_date,
            labels=list(row.labels or []),
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
            url=self.url(row.key),
            links=list(links or []),
        )

    @staticmethod
    def _to_comment(row: TicketCommentRow) -> TicketComment:
        return TicketComment(
            id=row.id or 0,
            ticket_key=row.ticket_key,
            author_id=row.author_id,
            body=row.body,
            created_at=as_utc(row.created_at),
        )


_MIRROR = dict(LINK_RELATIONS)
SEARCH_ORDER: dict[str, tuple[Any, ...]] = {  # also used by digests, so their lists sort like searches
    "updated": (col(TicketRow.updated_at).desc(),),
    "priority": (_PRIORITY_RANK.desc(), col(TicketRow.created_at)),
    "oldest": (col(TicketRow.created_at),),
    "newest": (col(TicketRow.created_at).desc(),),
    "due": (col(TicketRow.due_date).is_(None), col(TicketRow.due_date), _PRIORITY_RANK.desc()),
}
