"""The demo company (people, channels, projects, tickets, calendars) read from the ``demo/`` fixture folder.

Used by ``make run`` to give a first-time user a workspace that feels real, and by tests and evals as a
realistic fixture. Dates in the files are relative to the load time so the demo never goes stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from integrations.calendar.base import Attendee, Event, resolve_zone
from integrations.calendar.local import LocalCalendarBackend
from integrations.directory.base import Person, StaticDirectory
from integrations.tickets.base import Project, Ticket
from integrations.tickets.local import LocalTicketBackend

DEFAULT_DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"


@dataclass
class DemoCompany:
    """The parsed fixture."""

    team: dict[str, Any]
    bot: dict[str, Any]
    people: list[Person]
    channels: list[dict[str, Any]]
    projects: list[Project]
    approvers: list[str]
    tickets: list[dict[str, Any]] = field(default_factory=list)
    channel_projects: dict[str, str] = field(default_factory=dict)
    calendar: list[dict[str, Any]] = field(default_factory=list)
    """Meeting templates from ``calendar.json`` (see ``demo_calendar_events``)."""

    def directory(self) -> StaticDirectory:
        """The people as a directory."""
        return StaticDirectory(self.people)


def load_demo_company(folder: Path = DEFAULT_DEMO_DIR) -> DemoCompany:
    """Read ``company.json``, ``tickets.json`` and ``calendar.json`` from ``folder``."""
    company = json.loads((folder / "company.json").read_text(encoding="utf-8"))
    people = [
        Person(
            id=u["id"],
            name=u["real_name"],
            handle=u.get("name", ""),
            email=u.get("email", ""),
            tz=u.get("tz", "UTC"),
            title=u.get("title", ""),
        )
        for u in company["users"]
    ]
    projects = [Project(key=p["key"], name=p["name"], lead_id=p.get("lead")) for p in company["projects"]]
    tickets_file = folder / "tickets.json"
    tickets = json.loads(tickets_file.read_text(encoding="utf-8"))["tickets"] if tickets_file.exists() else []
    channel_projects = {c["id"]: c["project"] for c in company["channels"] if c.get("project")}
    calendar_file = folder / "calendar.json"
    calendar = json.loads(calendar_file.read_text(encoding="utf-8"))["events"] if calendar_file.exists() else []
    return DemoCompany(
        team=company["team"],
        bot=company["bot"],
        people=people,
        channels=company["channels"],
        projects=projects,
        approvers=list(company.get("approvers", [])),
        tickets=tickets,
        channel_projects=channel_projects,
        calendar=calendar,
    )


def seed_tickets(backend: LocalTicketBackend, demo: DemoCompany, *, now: datetime) -> int:
    """Load projects and tickets into an empty local tracker; does nothing if tickets already exist."""
    for project in demo.projects:
        backend.upsert_project(project)
    if backend.count():
        return 0
    today = now.date()
    for raw in demo.tickets:
        due = raw.get("due_in_days")
        backend.import_ticket(
            Ticket(
                key=raw["key"],
                title=raw["title"],
                description=raw.get("description", ""),
                project=raw["key"].split("-")[0],
                status=raw["status"],
                priority=raw["priority"],
                assignee_id=raw.get("assignee"),
                reporter_id=raw.get("reporter"),
                due_date=(today + timedelta(days=due)) if due is not None else None,
                labels=raw.get("labels", []),
                created_at=now - timedelta(days=raw.get("created_days_ago", 0)),
                updated_at=now - timedelta(days=raw.get("updated_days_ago", 0)),
            )
        )
    return len(demo.tickets)


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def demo_week_start(now: datetime) -> date:
    """Monday of demo week 0: this week, or next week when ``now`` falls on a weekend (UTC)."""
    today = now.astimezone(UTC).date() if now.tzinfo else now.date()
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=7) if today.weekday() >= 5 else monday


def demo_calendar_events(demo: DemoCompany, *, now: datetime) -> list[Event]:
    """The demo meetings as events, dated relative to ``now``; ValueError for a malformed template."""
    people = {p.id: p for p in demo.people}
    monday = demo_week_start(now)
    created = now - timedelta(days=14)
    events: list[Event] = []
    for raw in demo.calendar:
        key = raw["key"]
        organizer = people.get(raw["organizer"])
        if organizer is None:
            raise ValueError(f"calendar.json {key}: unknown organizer {raw['organizer']}")
        tz = raw.get("tz") or organizer.tz
        zone = resolve_zone(tz)
        attendees = []
        for entry in raw.get("attendees", []):
            spec = {"id": entry} if isinstance(entry, str) else dict(entry)
            if spec.get("id"):
                person = people.get(spec["id"])
                if person is None:
                    raise ValueError(f"calendar.json {key}: unknown attendee {spec['id']}")
                attendees.append(
                    Attendee(
                        person_id=person.id,
                        email=person.email,
                        name=person.name,
                        response=spec.get("response", "accepted"),
                    )
                )
            else:
                attendees.append(
                    Attendee(email=spec["email"], name=spec.get("name", ""), response=spec.get("response", "accepted"))
                )
        at = time.fromisoformat(raw["time"])
        for week in raw.get("weeks", [0, 1]):
            for day_name in raw["days"]:
                day = monday + timedelta(days=7 * week + _WEEKDAYS.index(day_name))
                start = datetime.combine(day, at, tzinfo=zone)
                events.append(
                    Event(
                        id=f"demo-{key}-w{week}-{day_name}",
                        calendar_id=organizer.id,
                        organizer_id=organizer.id,
                        title=raw["title"],
                        start=start,
                        end=start + timedelta(minutes=raw["minutes"]),
                        tz=tz,
                        attendees=attendees,
                        location=raw.get("location", ""),
                        video_link=raw.get("video_link", ""),
                        description=raw.get("description", ""),
                        created_at=created,
                        updated_at=created,
                    )
                )
    return sorted(events, key=lambda e: (e.start, e.id))


def seed_calendar(backend: LocalCalendarBackend, demo: DemoCompany, *, now: datetime) -> int:
    """Load the demo meetings into an empty local calendar; does nothing if events already exist."""
    if backend.count():
        return 0
    return backend.import_events(demo_calendar_events(demo, now=now))


__all__ = [
    "DEFAULT_DEMO_DIR",
    "DemoCompany",
    "date",
    "demo_calendar_events",
    "demo_week_start",
    "load_demo_company",
    "seed_calendar",
    "seed_tickets",
]
