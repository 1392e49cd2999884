"""The demo company (people, channels, projects, tickets) read from the ``demo/`` fixture folder.

Used by ``make run`` to give a first-time user a workspace that feels real, and by tests and evals as a
realistic fixture. Dates in the files are relative to the load time so the demo never goes stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

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

    def directory(self) -> StaticDirectory:
        """The people as a directory."""
        return StaticDirectory(self.people)


def load_demo_company(folder: Path = DEFAULT_DEMO_DIR) -> DemoCompany:
    """Read ``company.json`` and ``tickets.json`` from ``folder``."""
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
    return DemoCompany(
        team=company["team"],
        bot=company["bot"],
        people=people,
        channels=company["channels"],
        projects=projects,
        approvers=list(company.get("approvers", [])),
        tickets=tickets,
        channel_projects=channel_projects,
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


__all__ = ["DEFAULT_DEMO_DIR", "DemoCompany", "date", "load_demo_company", "seed_tickets"]
