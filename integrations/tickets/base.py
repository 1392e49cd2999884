"""What a ticket is, and what any tracker backend must be able to do with one.

The types are SQLModel (pydantic) models without tables so they travel between layers and serialise to JSON;
the local backend declares its own table classes built on ``TicketBase``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Protocol, get_args

from pydantic import field_validator
from sqlmodel import Field, SQLModel

Priority = Literal["lowest", "low", "medium", "high", "highest"]
PRIORITIES: tuple[str, ...] = get_args(Priority)
DEFAULT_WORKFLOW: tuple[str, ...] = ("Backlog", "In Progress", "In Review", "Done")
DONE_STATUS = "Done"


class Project(SQLModel):
    """A board or project that tickets belong to; its key prefixes ticket keys (OPS-12)."""

    key: str
    name: str
    lead_id: str | None = None


class TicketBase(SQLModel):
    """Fields a person can set on a ticket."""

    title: str = Field(min_length=1, max_length=255)
    description: str = Field(default="", max_length=20_000)
    project: str
    status: str = DEFAULT_WORKFLOW[0]
    priority: Priority = "medium"
    assignee_id: str | None = None
    reporter_id: str | None = None
    due_date: date | None = None
    labels: list[str] = Field(default_factory=list)

    @field_validator("title")
    @classmethod
    def _strip_title(cls, value: str) -> str:
        stripped = " ".join(value.split())
        if not stripped:
            raise ValueError("title must not be blank")
        return stripped


class TicketCreate(TicketBase):
    """A new ticket as proposed; the backend assigns its key."""


class Ticket(TicketBase):
    """A ticket as stored by a backend."""

    key: str
    created_at: datetime
    updated_at: datetime
    url: str = ""


class TicketChanges(SQLModel):
    """A partial update: only the fields that are set change. ``clear_assignee`` unassigns."""

    title: str | None = None
    description: str | None = None
    status: str | None = None
    priority: Priority | None = None
    assignee_id: str | None = None
    clear_assignee: bool = False
    due_date: date | None = None
    labels: list[str] | None = None

    def is_empty(self) -> bool:
        """True when applying these changes would change nothing at all."""
        return not self.clear_assignee and all(
            getattr(self, name) is None for name in type(self).model_fields if name != "clear_assignee"
        )


class TicketComment(SQLModel):
    """A comment on a ticket."""

    id: int
    ticket_key: str
    author_id: str | None
    body: str
    created_at: datetime


class TicketQuery(SQLModel):
    """Filters for a ticket search; unset filters match everything."""

    text: str | None = None
    keys: list[str] | None = None
    assignee_id: str | None = None
    unassigned: bool = False
    reporter_id: str | None = None
    statuses: list[str] | None = None
    project: str | None = None
    priorities: list[Priority] | None = None
    due_before: date | None = None
    due_after: date | None = None
    include_done: bool = True
    limit: int = Field(default=20, ge=1, le=500)


class TicketBackend(Protocol):
    """A ticket tracker. Writes take an idempotency key: the same key never applies twice."""

    def workflow(self) -> tuple[str, ...]:
        """The statuses a ticket can be in, in workflow order."""
        ...

    def projects(self) -> list[Project]:
        """Every project tickets can be filed in."""
        ...

    def search(self, query: TicketQuery) -> list[Ticket]:
        """Tickets matching every filter in ``query``, most recently updated first."""
        ...

    def get(self, key: str) -> Ticket:
        """The ticket with this key; raises NotFoundError."""
        ...

    def create(self, data: TicketCreate, *, idempotency_key: str) -> Ticket:
        """File a ticket; a repeated idempotency key returns the ticket created the first time."""
        ...

    def update(self, key: str, changes: TicketChanges, *, idempotency_key: str) -> Ticket:
        """Apply ``changes`` to one ticket, all or nothing."""
        ...

    def add_comment(self, key: str, body: str, *, author_id: str | None, idempotency_key: str) -> TicketComment:
        """Comment on a ticket."""
        ...

    def comments(self, key: str) -> list[TicketComment]:
        """A ticket's comments, oldest first."""
        ...


def normalise_key(raw: str) -> str:
    """Ticket keys are case-insensitive for people: ``ops-12`` means ``OPS-12``."""
    return raw.strip().upper()
