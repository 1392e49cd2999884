"""Fixtures: the world a case starts from (people, projects, tickets, calendar events, docs) and its clock.

A case names a fixture ("demo", "empty"), extends one (``{"base": "demo", "tickets": [...]}``), or carries a
``Fixture`` built in code (the WorkBench adapter). The demo company's dates are relative to the load time, so
the "demo" fixture freezes a clock (``DEMO_NOW``) and computes them from it: every run sees the same dates.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from integrations.demo_company import DEFAULT_DEMO_DIR, load_demo_company
from integrations.directory.base import Person, StaticDirectory
from integrations.tickets.base import DEFAULT_WORKFLOW

# A Tuesday morning; the demo's "due in N days" and "created N days ago" are counted from here.
DEMO_NOW = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)

TICKET_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "project",
    "status",
    "priority",
    "assignee",
    "reporter",
    "due",
    "labels",
    "comments",
)
EVENT_FIELDS: tuple[str, ...] = ("title", "start", "duration", "participants", "organizer", "description", "location")


class FixtureError(ValueError):
    """A fixture cannot be built (unknown base, bad reference)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FixturePerson(_Model):
    """A workspace member."""

    id: str
    name: str
    email: str = ""
    handle: str = ""
    tz: str = "UTC"
    title: str = ""

    def person(self) -> Person:
        """As the directory's type."""
        return Person(id=self.id, name=self.name, handle=self.handle, email=self.email, tz=self.tz, title=self.title)


class FixtureProject(_Model):
    """A ticket project or board."""

    key: str
    name: str
    lead: str | None = None


class FixtureComment(_Model):
    """A comment already on a ticket."""

    author: str | None = None
    body: str


class FixtureTicket(_Model):
    """A ticket as it is before the conversation."""

    key: str
    title: str
    description: str = ""
    project: str | None = None
    status: str = "Backlog"
    priority: str = "medium"
    assignee: str | None = None
    reporter: str | None = None
    due: date | None = None
    labels: list[str] = Field(default_factory=list)
    comments: list[FixtureComment] = Field(default_factory=list)
    created_days_ago: int = 0
    updated_days_ago: int = 0

    @property
    def project_key(self) -> str:
        """The project the ticket belongs to (its key prefix unless given)."""
        return (self.project or self.key.split("-")[0]).upper()


class FixtureEvent(_Model):
    """A calendar event before the conversation. Naive times are in the fixture's time zone."""

    id: str
    title: str
    start: datetime
    duration: int | None = None
    end: datetime | None = None
    organizer: str | None = None
    participants: list[str] = Field(default_factory=list)
    calendar: str | None = None
    description: str = ""
    location: str = ""


class FixtureDoc(_Model):
    """A document for docs questions (seeded once a docs backend exists; used for retrieval grading)."""

    id: str
    title: str
    content: str
    path: str = ""
    readers: list[str] = Field(default_factory=list)
    """People (references or emails) who may read it; empty means everyone in the workspace."""


class FixtureChannel(_Model):
    """A channel and the project its new tickets go to."""

    id: str
    name: str
    project: str | None = None


class Fixture(_Model):
    """Everything a fresh world is built from."""

    model_config = ConfigDict(extra="forbid", frozen=False)

    name: str = "custom"
    now: datetime | None = None
    """The frozen clock; None means the system clock (not reproducible)."""
    tz: str = "UTC"
    """The zone naive fixture times are in."""
    team_id: str = "TEVAL"
    bot_user_id: str = "UBOT"
    people: list[FixturePerson] = Field(default_factory=list)
    projects: list[FixtureProject] = Field(default_factory=list)
    tickets: list[FixtureTicket] = Field(default_factory=list)
    events: list[FixtureEvent] = Field(default_factory=list)
    docs: list[FixtureDoc] = Field(default_factory=list)
    docs_folder: str | None = None
    """A folder of documents (Markdown, HTML, PDF) ingested like ``deskhand docs ingest``; relative to the repo."""
    channels: list[FixtureChannel] = Field(default_factory=list)
    approvers: list[str] = Field(default_factory=list)
    default_project: str = "OPS"
    workflow: list[str] = Field(default_factory=lambda: list(DEFAULT_WORKFLOW))
    ticket_fields: list[str] = Field(default_factory=lambda: list(TICKET_FIELDS))
    """Ticket fields compared by outcome grading (others are ignored)."""
    event_fields: list[str] = Field(default_factory=lambda: list(EVENT_FIELDS))
    ticket_aliases: dict[str, str] = Field(default_factory=dict)
    """Other names for ticket keys in expected actions (WorkBench task ids → keys)."""
    working_hours: tuple[int, int] = (9, 18)
    """Documented working hours (local time) of the people; the product has no setting for it yet."""

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    # -- lookups -------------------------------------------------------------------------------------
    def directory(self) -> StaticDirectory:
        """The people as a directory."""
        return StaticDirectory(p.person() for p in self.people)

    def find_person(self, reference: str) -> FixturePerson:
        """The one person a reference (id, email, handle, full or first name, <@mention>) means."""
        ref = reference.strip()
        if ref.startswith("<@") and ref.endswith(">"):
            ref = ref[2:-1].split("|")[0]
        ref = ref.lstrip("@")
        folded = ref.casefold()
        tiers = [
            lambda p: p.id == ref,
            lambda p: p.email.casefold() == folded,
            lambda p: p.handle.casefold() == folded,
            lambda p: p.name.casefold() == folded,
            lambda p: bool(p.name.split()) and p.name.split()[0].casefold() == folded,
        ]
        for test in tiers:
            found = [p for p in self.people if test(p)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise FixtureError(f"person reference {reference!r} is ambiguous in fixture {self.name!r}")
        raise FixtureError(f"no person {reference!r} in fixture {self.name!r}")

    def person_key(self, reference: str | None) -> str | None:
        """How a person appears in canonical state: their email (lower-cased), else their id."""
        if reference is None or reference == "":
            return None
        try:
            person = self.find_person(reference)
        except FixtureError:
            if "@" in reference:
                return reference.strip().casefold()
            raise
        return person.email.casefold() if person.email else person.id

    def channel(self, reference: str) -> FixtureChannel | None:
        """A channel by id or (#)name."""
        name = reference.lstrip("#")
        return next((c for c in self.channels if c.id == reference or c.name == name), None)

    def project_for(self, channel_id: str) -> str:
        """Where new tickets go when filed from this channel."""
        channel = self.channel(channel_id)
        return (channel.project if channel and channel.project else None) or self.default_project

    def ticket_key(self, reference: str) -> str:
        """A ticket key from a key or an alias (WorkBench task id)."""
        return self.ticket_aliases.get(reference, reference).upper()

    def zone(self) -> ZoneInfo:
        """The fixture's time zone."""
        return ZoneInfo(self.tz)

    def aware(self, value: datetime) -> datetime:
        """A fixture time with its zone (naive times are in the fixture's zone)."""
        return value if value.tzinfo else value.replace(tzinfo=self.zone())


# -- named fixtures ------------------------------------------------------------------------------------
@functools.cache
def demo_fixture(folder: Path = DEFAULT_DEMO_DIR, now: datetime = DEMO_NOW) -> Fixture:
    """The demo company (demo/company.json, demo/tickets.json) with dates computed from ``now``."""
    demo = load_demo_company(folder)
    raw = json.loads((folder / "company.json").read_text(encoding="utf-8"))
    today = now.date()
    tickets = []
    for t in demo.tickets:
        due = t.get("due_in_days")
        tickets.append(
            FixtureTicket(
                key=t["key"],
                title=t["title"],
                description=t.get("description", ""),
                project=t["key"].split("-")[0],
                status=t["status"],
                priority=t["priority"],
                assignee=t.get("assignee"),
                reporter=t.get("reporter"),
                due=(today + timedelta(days=due)) if due is not None else None,
                labels=list(t.get("labels", [])),
                created_days_ago=int(t.get("created_days_ago", 0)),
                updated_days_ago=int(t.get("updated_days_ago", 0)),
            )
        )
    return Fixture(
        name="demo",
        now=now,
        tz="UTC",
        team_id=demo.team.get("id", "TEVAL"),
        bot_user_id=demo.bot.get("user_id", "UBOT"),
        people=[
            FixturePerson(id=p.id, name=p.name, email=p.email, handle=p.handle, tz=p.tz, title=p.title)
            for p in demo.people
        ],
        projects=[FixtureProject(key=p.key, name=p.name, lead=p.lead_id) for p in demo.projects],
        tickets=tickets,
        channels=[FixtureChannel(id=c["id"], name=c["name"], project=c.get("project")) for c in raw["channels"]],
        approvers=list(demo.approvers),
        default_project="OPS",
    )


def empty_fixture() -> Fixture:
    """Nobody and nothing, clock frozen at DEMO_NOW."""
    return Fixture(name="empty", now=DEMO_NOW)


def _demo() -> Fixture:
    return demo_fixture()


NAMED_FIXTURES: dict[str, Callable[[], Fixture]] = {"demo": _demo, "empty": empty_fixture}
FIXTURES_DIR = Path(__file__).resolve().parent / "datasets" / "fixtures"


@functools.cache
def _file_fixture(name: str) -> Fixture:
    """A fixture kept as JSON in datasets/fixtures/<name>.json (it may extend another with "base")."""
    spec = json.loads((FIXTURES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    spec.setdefault("name", name)
    return resolve_fixture(spec)


def fixture_names() -> list[str]:
    """Every named fixture: built in, and the JSON files in datasets/fixtures."""
    files = [p.stem for p in sorted(FIXTURES_DIR.glob("*.json"))] if FIXTURES_DIR.exists() else []
    return [*NAMED_FIXTURES, *files]


_LIST_KEYS = {"people": "id", "projects": "key", "tickets": "key", "events": "id", "docs": "id", "channels": "id"}


def resolve_fixture(spec: Any) -> Fixture:
    """A Fixture from a name, an extension object or a Fixture (returned as a private deep copy)."""
    if isinstance(spec, Fixture):
        return spec.model_copy(deep=True)
    if isinstance(spec, str):
        factory = NAMED_FIXTURES.get(spec)
        if factory is not None:
            return factory().model_copy(deep=True)
        if re.fullmatch(r"[\w.-]+", spec) and (FIXTURES_DIR / f"{spec}.json").exists():
            return _file_fixture(spec).model_copy(deep=True)
        raise FixtureError(f"unknown fixture {spec!r}; named fixtures: {', '.join(fixture_names())}")
    if not isinstance(spec, dict):
        raise FixtureError(f"a fixture is a name or an object, not {type(spec).__name__}")
    spec = {k: v for k, v in copy.deepcopy(spec).items() if not k.startswith("_")}  # "_comment" keys
    base_name = spec.pop("base", None)
    if base_name is None:
        return Fixture.model_validate(spec)
    base = resolve_fixture(base_name).model_dump()
    if "now" in spec and base_name == "demo":
        # Recompute the demo's relative dates from the new clock.
        now = Fixture.model_validate({"now": spec["now"]}).now
        assert now is not None
        base = demo_fixture(DEFAULT_DEMO_DIR, now).model_dump()
    for key, value in spec.items():
        if key in _LIST_KEYS and isinstance(value, list):
            ident = _LIST_KEYS[key]
            merged = {item[ident]: item for item in base.get(key, [])}
            for item in value:
                if not isinstance(item, dict):
                    raise FixtureError(f"{key} entries must be objects")
                if item.get("remove"):
                    merged.pop(item.get(ident), None)
                else:
                    merged[item[ident]] = item
            base[key] = list(merged.values())
        else:
            base[key] = value
    base["name"] = spec.get("name", f"{base_name}+")
    return Fixture.model_validate(base)
