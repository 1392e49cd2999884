"""Turn what people and models write ("priya", "urgent", "in review", "ops") into canonical values.

Each resolver raises ``ActionInvalidError`` with a message a person can act on (who did you mean, which
values exist) rather than guessing.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from graph.errors import ActionInvalidError
from graph.parsing.dates import parse_date
from integrations.directory.base import Directory, Person, fold
from integrations.tickets.base import PRIORITIES, Priority, Project

_SELF_WORDS = {"me", "myself", "i", "mine", "my"}

_PRIORITY_WORDS: dict[str, Priority] = {
    "highest": "highest",
    "critical": "highest",
    "urgent": "highest",
    "blocker": "highest",
    "emergency": "highest",
    "p0": "highest",
    "p1": "highest",
    "sev1": "highest",
    "high": "high",
    "important": "high",
    "p2": "high",
    "sev2": "high",
    "medium": "medium",
    "normal": "medium",
    "moderate": "medium",
    "p3": "medium",
    "default": "medium",
    "low": "low",
    "minor": "low",
    "p4": "low",
    "lowest": "lowest",
    "trivial": "lowest",
    "p5": "lowest",
}

# Words people use for the default workflow's statuses; matched after the workflow's own names.
_STATUS_SYNONYMS: dict[str, tuple[str, ...]] = {
    "backlog": ("todo", "to do", "open", "new", "not started", "unstarted", "backlog", "queued"),
    "in progress": ("in progress", "doing", "started", "wip", "working on", "in-progress", "ongoing", "active"),
    # Not "qa": many teams have a separate QA step, so "move it to QA" asks instead of guessing review.
    "in review": ("in review", "review", "reviewing", "code review", "ready for review"),
    "done": ("done", "closed", "close", "resolved", "complete", "completed", "finished", "fixed"),
}


def resolve_person(reference: str, directory: Directory, *, speaker_id: str) -> Person:
    """The one person a reference means; "me" is the speaker. Unknown or ambiguous names raise."""
    ref = reference.strip()
    if fold(ref) in _SELF_WORDS:
        me = directory.get(speaker_id)
        if me is None:
            raise ActionInvalidError("I don't know who you are in this workspace yet.", field="assignee")
        return me
    matches = directory.lookup(ref)
    if not matches:
        raise ActionInvalidError(f"I couldn't find anyone called '{ref}' in this workspace.", field="assignee")
    if len(matches) > 1:
        names = ", ".join(f"{p.name} ({p.email or p.id})" for p in matches[:6])
        raise ActionInvalidError(f"'{ref}' could be several people: {names}. Which one?", field="assignee")
    return matches[0]


def resolve_priority(text: str) -> Priority:
    """Canonical priority from its name or a common synonym (urgent, P1, trivial...)."""
    key = re.sub(r"[^a-z0-9]", "", text.casefold().replace("priority", ""))
    if key in _PRIORITY_WORDS:
        return _PRIORITY_WORDS[key]
    raise ActionInvalidError(f"'{text}' is not a priority. Use one of: {', '.join(PRIORITIES)}.", field="priority")


def resolve_status(text: str, workflow: tuple[str, ...]) -> str:
    """The workflow status a word means ("review" → "In Review", "closed" → the last status)."""
    wanted = " ".join(text.casefold().replace("_", " ").replace("-", " ").split())
    for status in workflow:
        if status.casefold() == wanted:
            return status
    if wanted in {"reopen", "reopened", "re open", "re opened"}:
        return workflow[0]  # reopening puts the work back at the start of the workflow, whatever it is called
    by_fold = {fold(s): s for s in workflow}
    if fold(wanted) in by_fold:
        return by_fold[fold(wanted)]
    for canonical, synonyms in _STATUS_SYNONYMS.items():
        if wanted in synonyms:
            if canonical == "done":
                return workflow[-1]
            for status in workflow:
                if status.casefold() == canonical:
                    return status
    raise ActionInvalidError(f"'{text}' is not a status here. Statuses: {', '.join(workflow)}.", field="status")


def resolve_project(text: str, projects: list[Project]) -> Project:
    """The project named by key or name ("ops", "IT & Operations")."""
    key = fold(text)
    for project in projects:
        if fold(project.key) == key or fold(project.name) == key:
            return project
    for project in projects:
        if key and (fold(project.name).startswith(key) or key in fold(project.name).split()):
            return project
    keys = ", ".join(f"{p.key} ({p.name})" for p in projects)
    raise ActionInvalidError(f"There is no project '{text}'. Projects: {keys}.", field="project")


def resolve_due_date(text: str, *, now: datetime, tz: str) -> date:
    """A due date in the speaker's zone; past dates are refused because they are almost always a slip."""
    parsed = parse_date(text, now=now, tz=tz)
    if parsed is None:
        raise ActionInvalidError(
            f"I couldn't read '{text}' as a date. Try 2026-12-05 or 'next Friday'.", field="due_date"
        )
    named = _WEEKDAY_AND_DAY.search(text)
    if named and _WEEKDAYS.index(named.group(1).lower()[:3]) != parsed.weekday():
        # "fri the 26th" when the 26th is a Thursday: one of the two is wrong, so ask rather than pick.
        raise ActionInvalidError(
            f"'{text}' doesn't add up: {parsed:%-d %B} is a {parsed:%A}, not a "
            f"{_DAY_NAMES[_WEEKDAYS.index(named.group(1).lower()[:3])]}. Which date do you mean?",
            field="due_date",
        )
    return parsed


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_AND_DAY = re.compile(
    r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\b(?!\s*(?::|am|pm))", re.I
)
