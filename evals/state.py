"""Outcome grading on a canonical projection of the world (as WorkBench and tau-bench grade).

The state is projected onto what a person would check (tickets: title, status, assignee's email, due date,
project, ...; events: title, start instant, duration, participants' emails, ...) and ids the agent cannot
know are dropped: things that existed in the fixture are keyed by their fixture id, things created during the
run go to an unordered list. The expected state is the fixture's state with the case's expected actions
applied; expected values may be matchers (``{"$contains": "vpn"}``), which the diff honours.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from evals.fixtures import Fixture, FixtureError
from evals.matchers import IGNORE, MatchContext, is_matcher, matches
from evals.trajectory import max_matching


class ExpectationError(ValueError):
    """An expected action cannot be applied to the fixture (unknown ticket, bad op): a dataset bug."""


@dataclass
class CanonState:
    """The world as outcome grading sees it."""

    tickets: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_tickets: list[dict[str, Any]] = field(default_factory=list)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_events: list[dict[str, Any]] = field(default_factory=list)

    def copy(self) -> CanonState:
        """A deep copy."""
        return copy.deepcopy(self)

    def to_json(self) -> dict[str, Any]:
        """JSON form (results files)."""
        return {
            "tickets": self.tickets,
            "new_tickets": self.new_tickets,
            "events": self.events,
            "new_events": self.new_events,
        }


def iso_instant(value: datetime) -> str:
    """Canonical instant text: UTC, seconds precision."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


# -- applying expected actions -------------------------------------------------------------------------
@dataclass
class ApplyContext:
    """What applying expected actions needs: the fixture and who is asking."""

    fixture: Fixture
    requester: str
    """The requester's canonical person key (email or id)."""
    default_project: str
    user_tz: str = "UTC"


def _person(value: Any, ctx: ApplyContext) -> Any:
    if value is None or value == "":
        return None
    if is_matcher(value):
        op, operand = next(iter(value.items()))
        if op == "$one_of":
            return {"$one_of": [_person(v, ctx) for v in operand]}
        return value
    try:
        return ctx.fixture.person_key(str(value))
    except FixtureError as exc:
        raise ExpectationError(str(exc)) from exc


def _status(value: Any, ctx: ApplyContext) -> Any:
    if is_matcher(value):
        return value
    wanted = str(value).strip().casefold()
    for status in ctx.fixture.workflow:
        if status.casefold() == wanted:
            return status
    if wanted in {"completed", "closed", "done", "resolved"}:
        return ctx.fixture.workflow[-1]
    raise ExpectationError(f"status {value!r} is not in the workflow {ctx.fixture.workflow}")


def _project(value: Any, ctx: ApplyContext) -> Any:
    if is_matcher(value):
        return value
    ref = str(value).strip().casefold()
    for project in ctx.fixture.projects:
        if project.key.casefold() == ref or project.name.casefold() == ref:
            return project.key
    raise ExpectationError(f"no project {value!r} in the fixture")


def _due(value: Any) -> Any:
    if value is None or is_matcher(value):
        return value
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError as exc:
        raise ExpectationError(f"due date {value!r} is not YYYY-MM-DD") from exc


def _start(value: Any, ctx: ApplyContext) -> Any:
    if is_matcher(value):
        return value
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ExpectationError(f"start {value!r} is not an ISO date-time") from exc
    if parsed.tzinfo is None:
        from zoneinfo import ZoneInfo

        parsed = parsed.replace(tzinfo=ZoneInfo(ctx.user_tz))
    return iso_instant(parsed)


def _ticket_value(name: str, value: Any, ctx: ApplyContext) -> Any:
    if name in ("assignee", "reporter"):
        return _person(value, ctx)
    if name == "status":
        return _status(value, ctx)
    if name == "project":
        return _project(value, ctx)
    if name == "due":
        return _due(value)
    if name == "labels" and isinstance(value, list):
        return sorted(str(v) for v in value)
    if name == "priority" and isinstance(value, str):
        return value.strip().lower()
    return value


_TICKET_SETTABLE = ("title", "description", "project", "status", "priority", "assignee", "reporter", "due", "labels")
_EVENT_SETTABLE = ("title", "start", "duration", "participants", "organizer", "description", "location")


def _event_value(name: str, value: Any, ctx: ApplyContext) -> Any:
    if name == "start":
        return _start(value, ctx)
    if name == "duration":
        return value if is_matcher(value) else int(value)
    if name == "organizer":
        return _person(value, ctx)
    if name == "participants":
        if is_matcher(value):
            return value
        people = [_person(v, ctx) for v in (value if isinstance(value, list) else [value])]
        return sorted(p for p in people if p)
    return value


def _check_fields(op: str, action: dict[str, Any], allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
    unknown = set(action) - set(allowed) - set(required) - {"op"}
    if unknown:
        raise ExpectationError(f"{op}: unknown fields {sorted(unknown)}")
    missing = [r for r in required if r not in action]
    if missing:
        raise ExpectationError(f"{op}: missing {missing}")


def apply_actions(state: CanonState, actions: list[dict[str, Any]], ctx: ApplyContext) -> CanonState:
    """A copy of ``state`` with the expected actions applied, in order."""
    out = state.copy()
    for action in actions:
        op = action.get("op")
        if op == "ticket.create":
            _check_fields(op, action, _TICKET_SETTABLE, ("title",))
            ticket: dict[str, Any] = {
                "title": action["title"],
                "description": IGNORE,
                "project": ctx.default_project,
                "status": ctx.fixture.workflow[0],
                "priority": "medium",
                "assignee": None,
                "reporter": ctx.requester,
                "due": None,
                "labels": [],
                "comments": [],
            }
            for name in _TICKET_SETTABLE:
                if name in action:
                    ticket[name] = _ticket_value(name, action[name], ctx)
            out.new_tickets.append(ticket)
        elif op == "ticket.update":
            _check_fields(op, action, _TICKET_SETTABLE, ("key",))
            target = _ticket(out, action["key"], ctx)
            for name in _TICKET_SETTABLE:
                if name in action:
                    target[name] = _ticket_value(name, action[name], ctx)
        elif op == "ticket.comment":
            _check_fields(op, action, ("author",), ("key", "body"))
            target = _ticket(out, action["key"], ctx)
            author = _person(action["author"], ctx) if "author" in action else ctx.requester
            target["comments"] = [*target["comments"], {"author": author, "body": action["body"]}]
        elif op == "ticket.delete":
            _check_fields(op, action, (), ("key",))
            key = ctx.fixture.ticket_key(str(action["key"]))
            if key not in out.tickets:
                raise ExpectationError(f"ticket.delete: no ticket {action['key']!r}")
            del out.tickets[key]
        elif op == "event.create":
            _check_fields(op, action, (*_EVENT_SETTABLE, "end"), ("title", "start"))
            event: dict[str, Any] = {
                "title": action["title"],
                "start": _start(action["start"], ctx),
                "duration": 30,
                "participants": [],
                "organizer": ctx.requester,
                "description": IGNORE,
                "location": "",
            }
            for name in _EVENT_SETTABLE:
                if name in action:
                    event[name] = _event_value(name, action[name], ctx)
            if "end" in action and "duration" not in action:
                end = datetime.fromisoformat(_start(action["end"], ctx))
                event["duration"] = int((end - datetime.fromisoformat(event["start"])) / timedelta(minutes=1))
            out.new_events.append(event)
        elif op == "event.update":
            _check_fields(op, action, _EVENT_SETTABLE, ("id",))
            target = _event(out, action["id"])
            for name in _EVENT_SETTABLE:
                if name in action:
                    target[name] = _event_value(name, action[name], ctx)
        elif op == "event.delete":
            _check_fields(op, action, (), ("id",))
            _event(out, action["id"])
            del out.events[str(action["id"])]
        else:
            raise ExpectationError(f"unknown outcome op {op!r}")
    return out


def _ticket(state: CanonState, key: str, ctx: ApplyContext) -> dict[str, Any]:
    canonical = ctx.fixture.ticket_key(str(key))
    if canonical not in state.tickets:
        raise ExpectationError(f"no ticket {key!r} in the fixture")
    return state.tickets[canonical]


def _event(state: CanonState, event_id: str) -> dict[str, Any]:
    if str(event_id) not in state.events:
        raise ExpectationError(f"no event {event_id!r} in the fixture")
    return state.events[str(event_id)]


# -- diffing ---------------------------------------------------------------------------------------------
def _item_diff(
    kind: str, label: str, expected: dict[str, Any], actual: dict[str, Any], fields: list[str], ctx: MatchContext
) -> list[str]:
    problems = []
    for name in fields:
        want = expected.get(name)
        got = actual.get(name)
        if not matches(want, got, ctx):
            problems.append(f"{kind} {label}: {name} expected {_show(want)}, got {_show(got)}")
    return problems


def _show(value: Any) -> str:
    if is_matcher(value):
        from evals.matchers import describe

        return describe(value)
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _diff_new(
    kind: str, expected: list[dict[str, Any]], actual: list[dict[str, Any]], fields: list[str], ctx: MatchContext
) -> list[str]:
    pairs = max_matching(
        len(expected), len(actual), lambda i, j: not _item_diff(kind, "", expected[i], actual[j], fields, ctx)
    )
    problems = []
    used = set(pairs.values())
    free = [j for j in range(len(actual)) if j not in used]
    for i in range(len(expected)):
        if i in pairs:
            continue
        label = f"new {kind} #{i + 1} ({_show(expected[i].get('title'))})"
        if free:
            # Show the closest unmatched actual item, so the report says what was wrong with it.
            best = min(free, key=lambda j: len(_item_diff(kind, "", expected[i], actual[j], fields, ctx)))
            problems += _item_diff("", label, expected[i], actual[best], fields, ctx)
            free.remove(best)
        else:
            problems.append(f"{label}: expected but not created")
    for j in free:
        shown = {k: actual[j].get(k) for k in fields}
        problems.append(f"unexpected new {kind}: {shown}")
    return [p.strip() for p in problems]


def diff_states(
    expected: CanonState,
    actual: CanonState,
    *,
    ticket_fields: list[str],
    event_fields: list[str],
    ctx: MatchContext | None = None,
) -> list[str]:
    """Every difference between the expected and actual state, as readable lines (empty: they agree)."""
    ctx = ctx or MatchContext()
    problems: list[str] = []
    for kind, want_map, got_map, fields in (
        ("ticket", expected.tickets, actual.tickets, ticket_fields),
        ("event", expected.events, actual.events, event_fields),
    ):
        for ident in sorted(set(want_map) | set(got_map)):
            if ident not in got_map:
                problems.append(f"{kind} {ident}: expected to exist, but it is gone")
            elif ident not in want_map:
                problems.append(f"{kind} {ident}: expected to be deleted, but it still exists")
            else:
                problems += _item_diff(kind, ident, want_map[ident], got_map[ident], fields, ctx)
    problems += _diff_new("ticket", expected.new_tickets, actual.new_tickets, ticket_fields, ctx)
    problems += _diff_new("event", expected.new_events, actual.new_events, event_fields, ctx)
    return problems


def changes_between(
    before: CanonState, after: CanonState, *, ticket_fields: list[str], event_fields: list[str]
) -> list[str]:
    """What changed from ``before`` to ``after`` on the compared fields, as "what: old → new" lines."""
    lines: list[str] = []
    for kind, old_map, new_map, fields in (
        ("ticket", before.tickets, after.tickets, ticket_fields),
        ("event", before.events, after.events, event_fields),
    ):
        for ident in sorted(set(old_map) | set(new_map)):
            if ident not in new_map:
                lines.append(f"{kind} {ident} deleted")
            elif ident not in old_map:
                lines.append(f"{kind} {ident} appeared")
            else:
                for name in fields:
                    old, new = old_map[ident].get(name), new_map[ident].get(name)
                    if old != new:
                        lines.append(f"{kind} {ident}.{name}: {_show(old)} → {_show(new)}")
    for kind, old_list, new_list, fields in (
        ("ticket", before.new_tickets, after.new_tickets, ticket_fields),
        ("event", before.new_events, after.new_events, event_fields),
    ):
        projected_old = [{k: item.get(k) for k in fields} for item in old_list]
        for item in new_list:
            shown = {k: item.get(k) for k in fields}
            if shown in projected_old:
                projected_old.remove(shown)
            else:
                lines.append(f"new {kind}: {shown}")
    return lines


def fixture_state(fixture: Fixture) -> CanonState:
    """The canonical state a fresh world seeded from ``fixture`` has (no database needed)."""
    state = CanonState()
    for ticket in fixture.tickets:
        state.tickets[ticket.key.upper()] = {
            "title": " ".join(ticket.title.split()),
            "description": ticket.description,
            "project": ticket.project_key,
            "status": _canonical_status(ticket.status, fixture),
            "priority": ticket.priority,
            "assignee": fixture.person_key(ticket.assignee),
            "reporter": fixture.person_key(ticket.reporter),
            "due": ticket.due.isoformat() if ticket.due else None,
            "labels": sorted(ticket.labels),
            "comments": [{"author": fixture.person_key(c.author), "body": c.body} for c in ticket.comments],
        }
    for event in fixture.events:
        start = fixture.aware(event.start)
        end = fixture.aware(event.end) if event.end else start + timedelta(minutes=event.duration or 30)
        organizer = fixture.person_key(event.organizer)
        owner = fixture.person_key(event.calendar) if event.calendar else organizer
        people = {fixture.person_key(p) for p in event.participants}
        state.events[event.id] = {
            "title": event.title,
            "start": iso_instant(start),
            "duration": int((end - start) / timedelta(minutes=1)),
            "participants": sorted(p for p in people if p and p not in (organizer, owner)),
            "organizer": organizer,
            "description": event.description,
            "location": event.location,
        }
    return state


def _canonical_status(status: str, fixture: Fixture) -> str:
    for known in fixture.workflow:
        if known.casefold() == status.strip().casefold():
            return known
    return status
