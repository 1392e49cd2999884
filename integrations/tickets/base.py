"""What a ticket is, and what any tracker backend must be able to do with one.

The types are SQLModel (pydantic) models without tables so they travel between layers and serialise to JSON;
the local backend declares its own table classes built on ``TicketBase``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Literal, Protocol, get_args

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from integrations.errors import (
    BackendUnavailableError,
    ConflictError,
    IntegrationError,
    NotFoundError,
    ValidationError,
)

Priority = Literal["lowest", "low", "medium", "high", "highest"]
PRIORITIES: tuple[str, ...] = get_args(Priority)
DEFAULT_WORKFLOW: tuple[str, ...] = ("Backlog", "In Progress", "In Review", "Done")
DONE_STATUS = "Done"

TicketOrder = Literal["updated", "priority", "oldest", "newest", "due"]
"""Search order: recently updated first (default); highest priority first (then oldest); oldest or newest
created first; earliest due date first (undated last, then highest priority)."""

# Link relations as seen from the ticket that holds the link; each outward name has an inward mirror.
LINK_RELATIONS: dict[str, str] = {
    "blocks": "is blocked by",
    "relates to": "relates to",
    "duplicates": "is duplicated by",
    "clones": "is cloned by",
}
_INWARD_RELATIONS = {inward: outward for outward, inward in LINK_RELATIONS.items()}


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


class TicketLink(SQLModel):
    """A link from one ticket to another, worded from the holding ticket ("OPS-3 *blocks* OPS-7")."""

    relation: str
    key: str


class Ticket(TicketBase):
    """A ticket as stored by a backend."""

    key: str
    created_at: datetime
    updated_at: datetime
    url: str = ""
    links: list[TicketLink] = Field(default_factory=list)


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
    """Filters for a ticket search; unset filters match everything and set ones all apply (AND).

    ``statuses`` wins over ``include_done=False`` (asking for Done tickets finds them); ``overdue`` means due
    before ``as_of`` (default: today, UTC) and not in the final status; ``labels`` must all be present;
    ``no_due_date`` keeps only tickets without a due date.
    """

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
    no_due_date: bool = False
    overdue: bool = False
    as_of: date | None = None
    labels: list[str] | None = None
    include_done: bool = True
    order_by: TicketOrder = "updated"
    limit: int = Field(default=20, ge=1, le=500)

    def today(self) -> date:
        """The day ``overdue`` is judged on: ``as_of``, or today in UTC."""
        return self.as_of or datetime.now(UTC).date()


BulkErrorKind = Literal["not_found", "validation", "conflict", "unavailable", "error"]


class BulkItemResult(SQLModel):
    """What happened to one ticket of a bulk change."""

    key: str
    ok: bool
    ticket: Ticket | None = None
    error: str | None = None
    error_kind: BulkErrorKind | None = None


class BulkResult(SQLModel):
    """Per-ticket outcome of a bulk change, in the order the changes were given."""

    items: list[BulkItemResult] = Field(default_factory=list)

    @property
    def succeeded(self) -> list[str]:
        """Keys whose change was applied (or had been applied before under the same idempotency key)."""
        return [item.key for item in self.items if item.ok]

    @property
    def failed(self) -> dict[str, str]:
        """Keys whose change was refused, with a message a person can read; those tickets are unchanged."""
        return {item.key: item.error or "failed" for item in self.items if not item.ok}


class TicketBackend(Protocol):
    """A ticket tracker. Writes take an idempotency key: the same key never applies twice."""

    def workflow(self) -> tuple[str, ...]:
        """The statuses a ticket can be in, in workflow order."""
        ...

    def transitions(self, status: str, *, key: str | None = None) -> list[str]:
        """Statuses a ticket in ``status`` may move to next, in workflow order.

        Trackers whose workflow differs per ticket (Jira) answer exactly for ``key`` when it is given.
        """
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
        """Apply ``changes`` to one ticket, all or nothing. A forbidden status move raises ValidationError."""
        ...

    def update_many(self, changes_by_key: Mapping[str, TicketChanges], *, idempotency_prefix: str) -> BulkResult:
        """Apply each ticket's changes on its own (all or nothing per ticket); report each outcome.

        Item ``KEY`` uses the idempotency key ``f"{idempotency_prefix}:{KEY}"``, so re-running a batch after a
        crash applies only what had not been applied.
        """
        ...

    def add_link(self, key: str, relation: str, other_key: str, *, idempotency_key: str) -> Ticket:
        """Link ``key`` to ``other_key`` ("OPS-3 blocks OPS-7"); returns ``key``'s ticket. Linking twice is a no-op."""
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


def normalise_relation(relation: str) -> tuple[str, bool]:
    """The outward relation name and whether the caller named its inward mirror ("is blocked by" → blocks, True)."""
    wanted = " ".join(relation.lower().replace("_", " ").replace("-", " ").split())
    aliases = {
        "block": "blocks",
        "relates": "relates to",
        "related to": "relates to",
        "relate": "relates to",
        "duplicate": "duplicates",
        "duplicate of": "duplicates",
        "is duplicate of": "duplicates",
        "clone": "clones",
        "blocked by": "is blocked by",
        "duplicated by": "is duplicated by",
    }
    wanted = aliases.get(wanted, wanted)
    if wanted in LINK_RELATIONS:
        return wanted, False
    if wanted in _INWARD_RELATIONS:
        return _INWARD_RELATIONS[wanted], True
    known = ", ".join([*LINK_RELATIONS, *(i for i in _INWARD_RELATIONS if i not in LINK_RELATIONS)])
    raise ValidationError(f"'{relation}' is not a kind of link. Links: {known}.")


def bulk_key(idempotency_prefix: str, key: str) -> str:
    """The idempotency key of one item of a bulk change."""
    return f"{idempotency_prefix}:{normalise_key(key)}"


def apply_each(
    update: Callable[..., Ticket], changes_by_key: Mapping[str, TicketChanges], *, idempotency_prefix: str
) -> BulkResult:
    """Run ``update(key, changes, idempotency_key=...)`` per ticket, turning each integration error into a failure.

    An unreachable backend fails every remaining item the same way; nothing is retried here (the caller may
    re-run the whole batch with the same prefix).
    """
    kinds: list[tuple[type[IntegrationError], BulkErrorKind]] = [
        (NotFoundError, "not_found"),
        (ValidationError, "validation"),
        (ConflictError, "conflict"),
        (BackendUnavailableError, "unavailable"),
    ]
    result = BulkResult()
    for raw_key, changes in changes_by_key.items():
        key = normalise_key(raw_key)
        try:
            ticket = update(key, changes, idempotency_key=bulk_key(idempotency_prefix, key))
        except IntegrationError as exc:
            kind: BulkErrorKind = next((name for cls, name in kinds if isinstance(exc, cls)), "error")
            result.items.append(BulkItemResult(key=key, ok=False, error=str(exc), error_kind=kind))
        else:
            result.items.append(BulkItemResult(key=key, ok=True, ticket=ticket))
    return result


# -- Free-text matching ---------------------------------------------------------------------------
# Shared by every backend and by callers that rank tickets (search, duplicates), so it lives beside the Protocol.
# Free-text matching for the local tracker: every significant word counts, most matches first.
#
# People search with a few words ("SSO setup for the expense tool") that rarely all appear verbatim; requiring
# every word misses the ticket, matching any word returns noise. A ticket qualifies when most significant words
# match (all of a one- or two-word query; by stem, and across "set up"/"setup" spacing), ranked by how many do.

_STOP = frozenset(
    "a an the and or of for to in on at by with about from is are was be it this that these those my our your "
    "their any all some ticket tickets issue issues bug bugs task tasks there we do does have has".split()
)


def significant_words(text: str) -> list[str]:
    """Lower-case words worth matching (no stop words, at least three characters)."""
    return [w for w in re.findall(r"[\w-]+", text.lower()) if len(w) >= 3 and w not in _STOP]


_SUFFIX = re.compile(r"(?<=\w{4})(?:ing|ed|es|s)$")


def _stem(word: str) -> str:
    # Inflections off ("overlapping" → "overlap", "limiting" → "limit", "backups" → "backup"), then a final e/y/i
    # so that "flake"/"flaky", "cache"/"caching" and "query"/"queries" meet. The stem is matched only at the start
    # of a word, so "backup" never matches inside "backend" and "reporting" never inside "repository".
    word = _SUFFIX.sub("", word.lower().replace("-", ""))
    word = re.sub(r"([b-df-hj-np-tv-z])\1$", r"\1", word) if len(word) > 4 else word
    return word[:-1] if len(word) > 4 and word[-1] in "eyi" else word


def _word_starts(text: str) -> set[str]:
    """The text's words, plus each pair of neighbours run together ("set up" → "setup", "week start")."""
    words = re.findall(r"\w+", text.lower())
    return set(words) | {a + b for a, b in itertools.pairwise(words)}


def _matches(stem: str, words: set[str]) -> bool:
    return any(w.startswith(stem) for w in words)


def match_score(words: list[str], title: str, description: str) -> float:
    """0 when too few words match; otherwise title hits count double."""
    if not words:
        return 1.0
    title_words, body_words = _word_starts(title), _word_starts(description)
    hits = 0
    score = 0.0
    for word in words:
        # "week-start" matches "week start", "week-start" and "weekstart".
        stem = _stem(word)
        if _matches(stem, title_words):
            hits += 1
            score += 2
        elif _matches(stem, body_words):
            hits += 1
            score += 1
    return score if hits >= required_hits(len(words)) else 0.0


def title_hits(words: list[str], title: str) -> int:
    """How many of ``words`` match a word of ``title`` (the same whole-word rule as ``match_score``)."""
    title_words = _word_starts(title)
    return sum(1 for word in words if _matches(_stem(word), title_words))


def required_hits(count: int) -> int:
    """Short queries need every word; longer ones most of them (3 of 4, 3 of 5, 4 of 6)."""
    return count if count <= 2 else math.ceil(count * 0.6)


def like_patterns(words: list[str]) -> list[str]:
    """SQL LIKE patterns that pre-select candidates (any stem anywhere)."""
    patterns = [f"%{_stem(w)}%" for w in words]
    # A hyphenated word ("week-start") may be written apart in the ticket: its parts pre-select too.
    patterns += [f"%{_stem(part)}%" for w in words if "-" in w for part in w.split("-") if len(part) >= 3]
    return list(dict.fromkeys(patterns))
