"""WorkBench (Styles et al., 2024) as deskhand eval cases, graded on outcome like the paper.

Reads any directory laid out like ``shared/benchmarks/workbench``:

- ``email_addresses.csv``: the workspace directory. Each address becomes a person named from its local part
  ("chenwei.zhang" → "Chenwei Zhang"), so the first names used in queries resolve.
- ``calendar_events.csv``: the asking user's calendar. The asking user is a synthetic person, "me"
  (``me@<the directory's domain>``, time zone UTC, working hours 09:00-18:00); each event's participant_email
  is the other attendee.
- ``project_tasks.csv``: tickets. Task → ticket, list_name → status ("Completed" → the workflow's final status,
  Done), board → project (key: the board name's letters and digits upper-cased, "Back end" → BACKEND),
  task_id → the ticket number (key ``BACKEND-149`` for task 00000149); the task id stays an alias of the key so
  expected calls can be applied.
- ``*_queries_and_answers.csv`` (calendar, project_management): one case per row. ``answer`` is a
  Python-literal list of calls; it is parsed with ``ast`` (never evaluated) and mapped onto deskhand actions.
  An answer that cannot be parsed or mapped makes the case *invalid*: it is reported, not run.

The clock is frozen at Thursday 2023-11-30 00:00 UTC. Outcome grading compares tickets on title, status,
assignee, due date and project, and events on title, start instant, duration and participants; ids the
agent cannot know (new tickets and events) are ignored, as in the paper.

The data there is a development split. Nothing here keys on its wording, names or ids.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from evals.fixtures import (
    Fixture,
    FixtureEvent,
    FixturePerson,
    FixtureProject,
    FixtureTicket,
)
from evals.schema import ApprovalSpec, Case, Conversation, Expectations, OutcomeExpectation, Turn

WORKBENCH_NOW = datetime(2023, 11, 30, 0, 0, tzinfo=UTC)
ME_ID = "UWBME00001"
DONE_LIST = "Completed"

# Published GPT-4 results with all tools in the prompt (recomputed from the paper's own result files).
PUBLISHED_GPT4: dict[str, tuple[int, int]] = {"calendar": (71, 110), "project_management": (31, 80)}
PUBLISHED_GPT4_OVERALL = {"accuracy": 0.426, "side_effect_rate": 0.257}

SUPPORTED_DOMAINS = ("calendar", "project_management")
TICKET_FIELDS = ["title", "status", "assignee", "due", "project"]
EVENT_FIELDS = ["title", "start", "duration", "participants"]


class AnswerParseError(ValueError):
    """A WorkBench answer that is not a list of well-formed, supported calls."""


@dataclass(frozen=True)
class WorkbenchCall:
    """One call of an answer, e.g. ``calendar.delete_event(event_id="00000256")``."""

    function: str
    kwargs: dict[str, Any] = field(default_factory=dict)


# -- parsing answers (ast only) ---------------------------------------------------------------------------
def _dotted(node: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise AnswerParseError("a call must name a function like calendar.create_event.func")
    parts.append(node.id)
    return ".".join(reversed(parts))


def parse_call(text: str) -> WorkbenchCall:
    """Parse one call expression; only keyword arguments with literal values are accepted."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise AnswerParseError(f"not a call expression: {text!r} ({exc.msg})") from exc
    node = tree.body
    if not isinstance(node, ast.Call):
        raise AnswerParseError(f"not a call: {text!r}")
    if node.args:
        raise AnswerParseError(f"positional arguments are not supported: {text!r}")
    name = _dotted(node.func)
    if name.endswith(".func"):
        name = name[: -len(".func")]
    kwargs: dict[str, Any] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise AnswerParseError(f"**kwargs are not supported: {text!r}")
        try:
            kwargs[keyword.arg] = ast.literal_eval(keyword.value)
        except ValueError as exc:
            raise AnswerParseError(f"argument {keyword.arg} is not a literal in {text!r}") from exc
    return WorkbenchCall(name, kwargs)


def parse_answer(text: str) -> list[WorkbenchCall]:
    """Parse an answer cell: a Python-literal list of call strings (``[]`` means nothing should change)."""
    if text is None or not str(text).strip():
        raise AnswerParseError("empty answer")
    try:
        tree = ast.parse(str(text).strip(), mode="eval")
    except SyntaxError as exc:
        raise AnswerParseError(f"answer is not a Python literal list ({exc.msg})") from exc
    if not isinstance(tree.body, ast.List):
        raise AnswerParseError("answer must be a list")
    calls: list[WorkbenchCall] = []
    for element in tree.body.elts:
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            calls.append(parse_call(element.value))
        elif isinstance(element, ast.Call):
            calls.append(parse_call(ast.unparse(element)))
        else:
            raise AnswerParseError("answer elements must be call strings")
    return calls


# -- the fixture ------------------------------------------------------------------------------------------
def person_id(email: str) -> str:
    """A stable Slack-like user id for an address."""
    return "UWB" + hashlib.sha1(email.casefold().encode()).hexdigest()[:9].upper()  # noqa: S324 - an id, not security


def person_name(email: str) -> str:
    """A display name from an address' local part: "chenwei.zhang" → "Chenwei Zhang"."""
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in re.split(r"[._\-+]+", local) if part) or local


def project_key(board: str, taken: set[str]) -> str:
    """A project key from a board name, unique among ``taken``: letters and digits, upper-cased."""
    base = re.sub(r"[^A-Za-z0-9]", "", board).upper()[:10] or "BOARD"
    if not base[0].isalpha():
        base = "B" + base[:9]
    key, n = base, 2
    while key in taken:
        key, n = f"{base[:8]}{n}", n + 1
    return key


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def build_fixture(directory: Path) -> Fixture:
    """The WorkBench sandbox as a deskhand fixture."""
    emails = [row[0].strip() for row in csv.reader((directory / "email_addresses.csv").open(encoding="utf-8"))]
    emails = [e for e in emails if "@" in e and e.lower() != "email_address"]
    domains = [e.split("@", 1)[1] for e in emails]
    domain = max(set(domains), key=domains.count) if domains else "example.com"
    me = FixturePerson(id=ME_ID, name="Workbench User", handle="me", email=f"me@{domain}", tz="UTC")
    people = [me] + [
        FixturePerson(id=person_id(e), name=person_name(e), handle=e.split("@")[0], email=e.casefold(), tz="UTC")
        for e in emails
    ]
    known_emails = {p.email for p in people}

    def ensure_person(email: str) -> str:
        email = email.strip().casefold()
        if email and email not in known_emails:
            people.append(FixturePerson(id=person_id(email), name=person_name(email), email=email, tz="UTC"))
            known_emails.add(email)
        return email

    tickets: list[FixtureTicket] = []
    projects: dict[str, FixtureProject] = {}
    aliases: dict[str, str] = {}
    tasks_path = directory / "project_tasks.csv"
    for index, row in enumerate(_read_csv(tasks_path) if tasks_path.exists() else [], start=1):
        board = row["board"].strip()
        if board not in projects:
            projects[board] = FixtureProject(key=project_key(board, {p.key for p in projects.values()}), name=board)
        task_id = row["task_id"].strip()
        number = int(task_id) if task_id.isdigit() and int(task_id) > 0 else 100_000 + index
        key = f"{projects[board].key}-{number}"
        aliases[task_id] = key
        assignee = ensure_person(row.get("assigned_to_email", ""))
        tickets.append(
            FixtureTicket(
                key=key,
                title=row["task_name"],
                project=projects[board].key,
                status=_status(row["list_name"]),
                assignee=assignee or None,
                due=date.fromisoformat(row["due_date"].strip()) if row.get("due_date", "").strip() else None,
            )
        )
    events: list[FixtureEvent] = []
    events_path = directory / "calendar_events.csv"
    for row in _read_csv(events_path) if events_path.exists() else []:
        participant = ensure_person(row.get("participant_email", ""))
        events.append(
            FixtureEvent(
                id=row["event_id"].strip(),
                title=row["event_name"],
                start=datetime.fromisoformat(row["event_start"].strip()),
                duration=int(float(row["duration"])),
                organizer=ME_ID,
                calendar=ME_ID,
                participants=[participant] if participant else [],
            )
        )
    project_list = list(projects.values())
    return Fixture(
        name=f"workbench:{directory.name}",
        now=WORKBENCH_NOW,
        tz="UTC",
        team_id="TWORKBENCH",
        bot_user_id="UWBBOT0001",
        people=people,
        projects=project_list,
        tickets=tickets,
        events=events,
        default_project=project_list[0].key if project_list else "TASKS",
        ticket_fields=TICKET_FIELDS,
        event_fields=EVENT_FIELDS,
        ticket_aliases=aliases,
    )


def _status(list_name: str) -> str:
    name = list_name.strip()
    return "Done" if name.casefold() == DONE_LIST.casefold() else name


# -- answers → expected actions -------------------------------------------------------------------------
def _require(call: WorkbenchCall, *names: str) -> None:
    missing = [n for n in names if n not in call.kwargs]
    if missing:
        raise AnswerParseError(f"{call.function}: missing {', '.join(missing)}")


def to_actions(call: WorkbenchCall, fixture: Fixture) -> list[dict[str, Any]]:
    """deskhand outcome actions for one WorkBench call (read-only calls give none)."""
    fn, kw = call.function, call.kwargs
    if fn == "calendar.create_event":
        _require(call, "event_name", "event_start", "duration")
        action: dict[str, Any] = {
            "op": "event.create",
            "title": str(kw["event_name"]),
            "start": str(kw["event_start"]),
            "duration": _minutes(kw["duration"]),
            "organizer": ME_ID,
        }
        if kw.get("participant_email"):
            action["participants"] = [str(kw["participant_email"]).casefold()]
        return [action]
    if fn == "calendar.update_event":
        _require(call, "event_id", "field", "new_value")
        field_map = {"event_name": "title", "event_start": "start", "duration": "duration"}
        name = str(kw["field"])
        value = kw["new_value"]
        if name == "participant_email":
            return [{"op": "event.update", "id": str(kw["event_id"]), "participants": [str(value).casefold()]}]
        if name not in field_map:
            raise AnswerParseError(f"calendar.update_event: unsupported field {name!r}")
        if name == "duration":
            value = _minutes(value)
        return [
            {
                "op": "event.update",
                "id": str(kw["event_id"]),
                field_map[name]: str(value) if name != "duration" else value,
            }
        ]
    if fn == "calendar.delete_event":
        _require(call, "event_id")
        return [{"op": "event.delete", "id": str(kw["event_id"])}]
    if fn == "project_management.create_task":
        _require(call, "task_name", "board")
        board = _board(str(kw["board"]), fixture)
        action = {"op": "ticket.create", "title": str(kw["task_name"]), "project": board}
        action["status"] = _status(str(kw.get("list_name") or fixture.workflow[0]))
        if kw.get("assigned_to_email"):
            action["assignee"] = str(kw["assigned_to_email"]).casefold()
        if kw.get("due_date"):
            action["due"] = str(kw["due_date"])[:10]
        return [action]
    if fn == "project_management.update_task":
        _require(call, "task_id", "field", "new_value")
        key = _task_key(str(kw["task_id"]), fixture)
        name, value = str(kw["field"]), kw["new_value"]
        if name == "list_name":
            return [{"op": "ticket.update", "key": key, "status": _status(str(value))}]
        if name == "assigned_to_email":
            return [{"op": "ticket.update", "key": key, "assignee": str(value).casefold()}]
        if name == "due_date":
            return [{"op": "ticket.update", "key": key, "due": str(value)[:10]}]
        if name == "board":
            return [{"op": "ticket.update", "key": key, "project": _board(str(value), fixture)}]
        if name == "task_name":
            return [{"op": "ticket.update", "key": key, "title": str(value)}]
        raise AnswerParseError(f"project_management.update_task: unsupported field {name!r}")
    if fn == "project_management.delete_task":
        _require(call, "task_id")
        return [{"op": "ticket.delete", "key": _task_key(str(kw["task_id"]), fixture)}]
    if fn.split(".")[-1].startswith(("search", "get", "find", "list", "check")):
        return []  # read-only: does not change the state
    raise AnswerParseError(f"unsupported function {fn!r}")


def _minutes(value: Any) -> int:
    try:
        return int(float(str(value)))
    except ValueError as exc:
        raise AnswerParseError(f"duration {value!r} is not a number of minutes") from exc


def _board(name: str, fixture: Fixture) -> str:
    for project in fixture.projects:
        if project.name.casefold() == name.strip().casefold() or project.key == name.strip().upper():
            return project.key
    raise AnswerParseError(f"unknown board {name!r}")


def _task_key(task_id: str, fixture: Fixture) -> str:
    if task_id not in fixture.ticket_aliases:
        raise AnswerParseError(f"unknown task id {task_id!r}")
    return fixture.ticket_aliases[task_id]


# -- cases --------------------------------------------------------------------------------------------------
def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "none"


def load_cases(directory: Path) -> list[Case]:
    """One case per query row of every supported ``*_queries_and_answers.csv`` in ``directory``."""
    directory = Path(directory)
    if not (directory / "email_addresses.csv").exists():
        raise FileNotFoundError(f"{directory} does not look like a WorkBench folder (no email_addresses.csv)")
    fixture = build_fixture(directory)
    cases: list[Case] = []
    for path in sorted(directory.glob("*_queries_and_answers.csv")):
        domain = path.name.removesuffix("_queries_and_answers.csv")
        if domain not in SUPPORTED_DOMAINS:
            continue
        for number, row in enumerate(_read_csv(path), start=1):
            invalid: str | None = None
            actions: list[dict[str, Any]] = []
            try:
                for call in parse_answer(row.get("answer", "")):
                    actions += to_actions(call, fixture)
            except AnswerParseError as exc:
                invalid = f"malformed answer: {exc}"
            template = row.get("base_template") or ""
            cases.append(
                Case(
                    id=f"workbench.{domain}.{number:03d}",
                    tags=["workbench", f"workbench:{domain}", f"wb-template:{_slug(template)}"],
                    description=template,
                    fixture=fixture,
                    conversation=Conversation(user=ME_ID, channel="dm", turns=[Turn(text=row.get("query", ""))]),
                    approval=ApprovalSpec(decision="approve"),
                    expect=Expectations(outcome=OutcomeExpectation(actions=actions)),
                    invalid=invalid,
                    source=f"{path.name}:{number + 1}",
                )
            )
    return cases


def domain_of(case_id: str) -> str | None:
    """The WorkBench domain a case id belongs to, if any."""
    parts = case_id.split(".")
    return parts[1] if len(parts) >= 3 and parts[0] == "workbench" else None
