"""A local fake of the Jira Cloud REST v3 endpoints deskhand uses, served on loopback for tests and evals.

It keeps issues, comments, properties and links in memory and answers with Jira's JSON shapes and error bodies
(``{"errorMessages": [...], "errors": {field: message}}``): basic auth with an API token, JQL search through
``POST /search/jql`` (the subset of JQL deskhand writes: ``AND``-joined clauses, ``=``, ``!=``, ``<``, ``>``,
``~``, ``in``, ``is EMPTY``, ``ORDER BY``), a workflow whose transitions have their own names and ids, ADF
descriptions and comments, issue and comment properties, issue links and user search. ``inject`` makes the next
matching requests fail (429 with Retry-After, 5xx, ...); ``requests`` records what was called.
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.tickets.adf import adf_to_text

STATUSES: list[tuple[str, str]] = [
    ("Backlog", "new"),
    ("In Progress", "indeterminate"),
    ("In Review", "indeterminate"),
    ("Done", "done"),
]
# from-status → [(transition id, transition name, to-status)]: the same rule as deskhand's default workflow,
# with names that differ from the statuses so clients must match on the target status.
TRANSITIONS: dict[str, list[tuple[str, str, str]]] = {
    "Backlog": [("11", "Start work", "In Progress"), ("41", "Close", "Done")],
    "In Progress": [
        ("51", "Back to backlog", "Backlog"),
        ("21", "Send to review", "In Review"),
        ("41", "Close", "Done"),
    ],
    "In Review": [
        ("51", "Back to backlog", "Backlog"),
        ("31", "Request changes", "In Progress"),
        ("41", "Close", "Done"),
    ],
    "Done": [("51", "Back to backlog", "Backlog"), ("61", "Reopen", "In Progress"), ("71", "Re-review", "In Review")],
}
PRIORITIES = ["Highest", "High", "Medium", "Low", "Lowest"]
LINK_TYPES = {
    "Blocks": ("is blocked by", "blocks"),
    "Relates": ("relates to", "relates to"),
    "Duplicate": ("is duplicated by", "duplicates"),
    "Cloners": ("is cloned by", "clones"),
}
ISSUE_TYPES = {"Task", "Bug", "Story"}
_EPOCH = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
TEST_TOKEN = "test-api-token"


class JiraError(Exception):
    """Raised inside a handler; becomes Jira's error body."""

    def __init__(self, status: int, messages: list[str] | None = None, errors: dict[str, str] | None = None) -> None:
        super().__init__(status, messages, errors)
        self.status = status
        self.messages = messages or []
        self.errors = errors or {}


@dataclass
class Fault:
    """A canned failure for the next ``times`` requests whose path contains ``path_contains``."""

    status: int
    path_contains: str = ""
    method: str | None = None
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeUser:
    account_id: str
    email: str
    name: str
    active: bool = True

    def json(self, *, hide_email: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "accountId": self.account_id,
            "accountType": "atlassian",
            "displayName": self.name,
            "active": self.active,
        }
        if not hide_email:
            out["emailAddress"] = self.email
        return out


class FakeJira:
    """In-memory Jira Cloud state and the Starlette app serving it."""

    def __init__(self, *, email: str = "deskhand-bot@example.com", token: str = TEST_TOKEN) -> None:
        self.email = email
        self.token = token
        self.base_url = "http://127.0.0.1"
        self._lock = threading.RLock()
        self.reset()

    # -- state -------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything but the credentials; the API account is the only user."""
        with self._lock:
            self.users: dict[str, FakeUser] = {}
            self.projects: dict[str, dict[str, Any]] = {}
            self.issues: dict[str, dict[str, Any]] = {}
            self.links: list[dict[str, str]] = []
            self.faults: list[Fault] = []
            self.requests: list[tuple[str, str]] = []
            self.hide_emails = False
            self.max_page = 100  # Jira may return fewer issues than maxResults asks for
            self.allow_reporter = False
            self._ids = itertools.count(10001)
            self._ticks = itertools.count(1)
            self.me = self.add_user(self.email, "deskhand bot")

    def add_user(self, email: str, name: str) -> str:
        """A Jira account; returns its accountId."""
        with self._lock:
            account_id = f"5b10ac8d82e05b22cc7d{len(self.users):04d}"
            self.users[account_id] = FakeUser(account_id, email, name)
            return account_id

    def add_project(self, key: str, name: str) -> None:
        with self._lock:
            self.projects[key] = {"id": str(next(self._ids)), "key": key, "name": name, "next": 1}

    def inject(
        self,
        status: int,
        *,
        path_contains: str = "",
        method: str | None = None,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Fail the next ``times`` matching requests with ``status``."""
        with self._lock:
            self.faults.append(Fault(status, path_contains, method, times, headers or {}, body or {}))

    def count(self, method: str, path_contains: str) -> int:
        """How many requests matched (for assertions)."""
        return sum(1 for m, p in self.requests if m == method and path_contains in p)

    def issue_json(self, key: str) -> dict[str, Any]:
        """The stored issue as GET /issue returns it (for assertions)."""
        with self._lock:
            return self._issue_out(self._issue(key), None)

    # -- the app -----------------------------------------------------------------------------------------
    def app(self) -> Starlette:
        r = "/rest/api/3"
        routes = [
            Route(f"{r}/myself", self._wrap(self.myself), methods=["GET"]),
            Route(f"{r}/project/search", self._wrap(self.project_search), methods=["GET"]),
            Route(f"{r}/project/{{key}}/statuses", self._wrap(self.project_statuses), methods=["GET"]),
            Route(f"{r}/user/search", self._wrap(self.user_search), methods=["GET"]),
            Route(f"{r}/search/jql", self._wrap(self.search), methods=["POST"]),
            Route(f"{r}/issue", self._wrap(self.create_issue), methods=["POST"]),
            Route(f"{r}/issue/{{key}}", self._wrap(self.get_issue), methods=["GET"]),
            Route(f"{r}/issue/{{key}}", self._wrap(self.edit_issue), methods=["PUT"]),
            Route(f"{r}/issue/{{key}}/transitions", self._wrap(self.get_transitions), methods=["GET"]),
            Route(f"{r}/issue/{{key}}/transitions", self._wrap(self.do_transition), methods=["POST"]),
            Route(f"{r}/issue/{{key}}/comment", self._wrap(self.get_comments), methods=["GET"]),
            Route(f"{r}/issue/{{key}}/comment", self._wrap(self.add_comment), methods=["POST"]),
            Route(f"{r}/issue/{{key}}/properties/{{prop}}", self._wrap(self.get_property), methods=["GET"]),
            Route(f"{r}/issue/{{key}}/properties/{{prop}}", self._wrap(self.set_property), methods=["PUT"]),
            Route(f"{r}/issueLink", self._wrap(self.create_link), methods=["POST"]),
        ]
        return Starlette(routes=routes)

    def _wrap(self, handler: Callable[[Request, Any], Response]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            body: Any = None
            raw = await request.body()
            with self._lock:
                self.requests.append((request.method, request.url.path))
                if not self._authorised(request):
                    return JSONResponse(
                        {"errorMessages": ["Client must be authenticated to access this resource."], "errors": {}},
                        status_code=401,
                        headers={"WWW-Authenticate": 'Basic realm="protected-area"'},
                    )
                fault = self._take_fault(request)
                if fault is not None:
                    payload = fault.body or {"errorMessages": [f"Injected HTTP {fault.status}"], "errors": {}}
                    return JSONResponse(payload, status_code=fault.status, headers=fault.headers)
                try:
                    if raw:
                        try:
                            body = json.loads(raw)
                        except ValueError:
                            raise JiraError(
                                400, ["Invalid request payload. Refer to the REST API documentation."]
                            ) from None
                    return handler(request, body)
                except JiraError as err:
                    return JSONResponse({"errorMessages": err.messages, "errors": err.errors}, status_code=err.status)

        return endpoint

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            decoded = base64.b64decode(header[6:]).decode()
        except ValueError:
            return False
        return decoded == f"{self.email}:{self.token}"

    def _take_fault(self, request: Request) -> Fault | None:
        for fault in self.faults:
            if fault.path_contains in request.url.path and fault.method in (None, request.method):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    # -- handlers ----------------------------------------------------------------------------------------
    def myself(self, request: Request, body: Any) -> Response:
        return JSONResponse(self.users[self.me].json())

    def project_search(self, request: Request, body: Any) -> Response:
        keys = request.query_params.getlist("keys")
        values = [
            {"id": p["id"], "key": p["key"], "name": p["name"], "projectTypeKey": "software"}
            for p in sorted(self.projects.values(), key=lambda p: p["key"])
            if not keys or p["key"] in keys
        ]
        start = int(request.query_params.get("startAt", 0))
        size = int(request.query_params.get("maxResults", 50))
        page = values[start : start + size]
        return JSONResponse(
            {
                "startAt": start,
                "maxResults": size,
                "total": len(values),
                "isLast": start + size >= len(values),
                "values": page,
            }
        )

    def project_statuses(self, request: Request, body: Any) -> Response:
        key = request.path_params["key"]
        if key not in self.projects:
            raise JiraError(404, [f"No project could be found with key '{key}'."])
        statuses = [_status_json(name) for name, _ in STATUSES]
        return JSONResponse(
            [
                {"id": str(10000 + i), "name": t, "subtask": False, "statuses": statuses}
                for i, t in enumerate(sorted(ISSUE_TYPES))
            ]
        )

    def user_search(self, request: Request, body: Any) -> Response:
        query = (request.query_params.get("query") or "").lower()
        if not query:
            raise JiraError(400, ["The query parameter 'query' is required."])
        found = [
            u.json(hide_email=self.hide_emails)
            for u in self.users.values()
            if query in u.email.lower() or query in u.name.lower()
        ]
        return JSONResponse(found)

    def search(self, request: Request, body: Any) -> Response:
        if not isinstance(body, dict) or not isinstance(body.get("jql"), str):
            raise JiraError(400, ["Invalid request payload. Refer to the REST API documentation and try again."])
        clauses, order = _parse_jql(body["jql"])
        if not clauses:
            raise JiraError(
                400, ["Unbounded JQL queries are not allowed here. Please add a search restriction to your query."]
            )
        for field_name, op, value in clauses:
            self._check_clause(field_name, op, value)
        matches = [i for i in self.issues.values() if all(self._matches(i, c) for c in clauses)]
        for field_name, direction in reversed(order):
            matches.sort(key=functools.partial(_sort_key, field_name=field_name), reverse=direction == "DESC")
            if field_name == "duedate":
                matches.sort(key=lambda i: i["fields"]["duedate"] is None)  # empty values last either way
        start = int(body.get("nextPageToken") or 0)
        size = min(int(body.get("maxResults") or 50), self.max_page)
        page = matches[start : start + size]
        fields = body.get("fields")
        out: dict[str, Any] = {"issues": [self._issue_out(i, fields) for i in page]}
        if start + size < len(matches):
            out["nextPageToken"] = str(start + size)
            out["isLast"] = False
        else:
            out["isLast"] = True
        return JSONResponse(out)

    def create_issue(self, request: Request, body: Any) -> Response:
        fields = (body or {}).get("fields") or {}
        errors: dict[str, str] = {}
        project = self.projects.get(((fields.get("project") or {}).get("key")) or "")
        if project is None:
            errors["project"] = "valid project is required"
        if (fields.get("issuetype") or {}).get("name") not in ISSUE_TYPES:
            errors["issuetype"] = "Specify an issue type"
        if not str(fields.get("summary") or "").strip():
            errors["summary"] = "You must specify a summary of the issue."
        errors.update(self._field_errors(fields, creating=True))
        if errors:
            raise JiraError(400, [], errors)
        assert project is not None
        number = project["next"]
        project["next"] += 1
        key = f"{project['key']}-{number}"
        now = self._tick()
        issue = {
            "id": str(next(self._ids)),
            "key": key,
            "fields": {
                "summary": fields["summary"],
                "description": fields.get("description"),
                "project": {"id": project["id"], "key": project["key"], "name": project["name"]},
                "issuetype": {"name": fields["issuetype"]["name"]},
                "status": _status_json(STATUSES[0][0]),
                "priority": {"name": (fields.get("priority") or {}).get("name", "Medium")},
                "assignee": self._user_ref(fields.get("assignee")),
                "reporter": self._user_ref(fields.get("reporter")) or self.users[self.me].json(),
                "duedate": fields.get("duedate"),
                "labels": list(fields.get("labels") or []),
                "created": now,
                "updated": now,
            },
            "properties": {},
            "comments": [],
        }
        self.issues[key] = issue
        return JSONResponse(
            {"id": issue["id"], "key": key, "self": f"{self.base_url}/rest/api/3/issue/{issue['id']}"}, status_code=201
        )

    def get_issue(self, request: Request, body: Any) -> Response:
        issue = self._issue(request.path_params["key"])
        wanted = request.query_params.get("fields")
        return JSONResponse(self._issue_out(issue, wanted.split(",") if wanted else None))

    def edit_issue(self, request: Request, body: Any) -> Response:
        issue = self._issue(request.path_params["key"])
        fields = (body or {}).get("fields") or {}
        errors = self._field_errors(fields, creating=False)
        if "summary" in fields and not str(fields["summary"] or "").strip():
            errors["summary"] = "You must specify a summary of the issue."
        for name in fields:
            if name not in {"summary", "description", "priority", "assignee", "duedate", "labels", "reporter"}:
                errors[name] = f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."
        if errors:
            raise JiraError(400, [], errors)
        stored = issue["fields"]
        for name, value in fields.items():
            if name in ("assignee", "reporter"):
                stored[name] = self._user_ref(value)
            elif name == "priority":
                stored[name] = {"name": value["name"]} if value else {"name": "Medium"}
            else:
                stored[name] = value
        stored["updated"] = self._tick()
        return Response(status_code=204)

    def get_transitions(self, request: Request, body: Any) -> Response:
        issue = self._issue(request.path_params["key"])
        current = issue["fields"]["status"]["name"]
        return JSONResponse(
            {
                "expand": "transitions",
                "transitions": [
                    {"id": tid, "name": name, "to": _status_json(to), "hasScreen": False, "isGlobal": False}
                    for tid, name, to in TRANSITIONS[current]
                ],
            }
        )

    def do_transition(self, request: Request, body: Any) -> Response:
        issue = self._issue(request.path_params["key"])
        tid = str(((body or {}).get("transition") or {}).get("id") or "")
        current = issue["fields"]["status"]["name"]
        for candidate, _name, to in TRANSITIONS[current]:
            if candidate == tid:
                issue["fields"]["status"] = _status_json(to)
                issue["fields"]["updated"] = self._tick()
                return Response(status_code=204)
        raise JiraError(400, [f"Transition id '{tid}' is not valid for this issue."])

    def get_comments(self, request: Request, body: Any) -> Response:
        issue = self._issue(request.path_params["key"])
        expand = "properties" in (request.query_params.get("expand") or "")
        start = int(request.query_params.get("startAt", 0))
        size = int(request.query_params.get("maxResults", 50))
        comments = issue["comments"]
        page = [{k: v for k, v in c.items() if k != "properties" or expand} for c in comments[start : start + size]]
        return JSONResponse({"startAt": start, "maxResults": size, "total": len(comments), "comments": page})

    def add_comment(self, request: Request, body: Any) -> Response:
        issue = self._issue(request.path_params["key"])
        if not _is_adf((body or {}).get("body")):
            raise JiraError(400, [], {"comment": "Comment body is not valid!"})
        now = self._tick()
        comment = {
            "id": str(next(self._ids)),
            "author": self.users[self.me].json(),
            "body": body["body"],
            "created": now,
            "updated": now,
            "properties": list(body.get("properties") or []),
        }
        issue["comments"].append(comment)
        issue["fields"]["updated"] = now
        return JSONResponse(comment, status_code=201)

    def get_property(self, request: Request, body: Any) -> Response:
        issue = self._issue(request.path_params["key"])
        prop = request.path_params["prop"]
        if prop not in issue["properties"]:
            raise JiraError(404, [f"The property with key '{prop}' does not exist."])
        return JSONResponse({"key": prop, "value": issue["properties"][prop]})

    def set_property(self, request: Request, body: Any) -> Response:
        issue = self._issue(request.path_params["key"])
        prop = request.path_params["prop"]
        created = prop not in issue["properties"]
        issue["properties"][prop] = body
        return Response(status_code=201 if created else 200)

    def create_link(self, request: Request, body: Any) -> Response:
        type_name = ((body or {}).get("type") or {}).get("name")
        if type_name not in LINK_TYPES:
            raise JiraError(404, [f"No issue link type with name '{type_name}' found."])
        inward = self._issue(((body.get("inwardIssue") or {}).get("key")) or "")
        outward = self._issue(((body.get("outwardIssue") or {}).get("key")) or "")
        self.links.append(
            {"id": str(next(self._ids)), "type": type_name, "inward": inward["key"], "outward": outward["key"]}
        )
        return Response(status_code=201)

    # -- helpers -----------------------------------------------------------------------------------------
    def _issue(self, key: str) -> dict[str, Any]:
        issue = self.issues.get(key.upper())
        if issue is None:
            raise JiraError(404, ["Issue does not exist or you do not have permission to see it."])
        return issue

    def _tick(self) -> str:
        moment = _EPOCH + timedelta(seconds=next(self._ticks))
        return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")

    def _user_ref(self, value: Any) -> dict[str, Any] | None:
        if not value:
            return None
        user = self.users[value["accountId"]]
        return user.json(hide_email=self.hide_emails)

    def _field_errors(self, fields: dict[str, Any], *, creating: bool) -> dict[str, str]:
        errors: dict[str, str] = {}
        if "description" in fields and fields["description"] is not None and not _is_adf(fields["description"]):
            errors["description"] = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
        if "priority" in fields and (fields["priority"] or {}).get("name") not in PRIORITIES:
            errors["priority"] = "Specify the Priority (name) in the string format"
        for role in ("assignee", "reporter"):
            value = fields.get(role)
            if value and (value.get("accountId") not in self.users or not self.users[value["accountId"]].active):
                errors[role] = f"User '{value.get('accountId')}' cannot be assigned issues."
        if fields.get("reporter") and not self.allow_reporter:
            errors["reporter"] = "Field 'reporter' cannot be set. It is not on the appropriate screen, or unknown."
        if fields.get("duedate"):
            try:
                date.fromisoformat(fields["duedate"])
            except (TypeError, ValueError):
                errors["duedate"] = f"Error parsing date string: {fields['duedate']}"
        for label in fields.get("labels") or []:
            if " " in label:
                errors["labels"] = f"The label '{label}' contains spaces which is invalid."
        return errors

    def _issue_out(self, issue: dict[str, Any], wanted: list[str] | None) -> dict[str, Any]:
        fields = dict(issue["fields"])
        fields["issuelinks"] = self._links_of(issue["key"])
        if wanted and "*all" not in wanted:
            fields = {k: v for k, v in fields.items() if k in wanted}
        return {
            "id": issue["id"],
            "key": issue["key"],
            "self": f"{self.base_url}/rest/api/3/issue/{issue['id']}",
            "fields": fields,
        }

    def _links_of(self, key: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for link in self.links:
            inward_text, outward_text = LINK_TYPES[link["type"]]
            type_json = {"name": link["type"], "inward": inward_text, "outward": outward_text}
            # POST's inwardIssue is the one that "blocks"; its own view shows the other as outwardIssue.
            if link["inward"] == key:
                out.append({"id": link["id"], "type": type_json, "outwardIssue": {"key": link["outward"]}})
            if link["outward"] == key:
                out.append({"id": link["id"], "type": type_json, "inwardIssue": {"key": link["inward"]}})
        return out

    def _check_clause(self, field_name: str, op: str, value: Any) -> None:
        known = {
            "project",
            "key",
            "status",
            "statuscategory",
            "assignee",
            "reporter",
            "priority",
            "duedate",
            "labels",
            "text",
            "summary",
            "created",
            "updated",
        }
        if field_name not in known:
            raise JiraError(400, [f"Field '{field_name}' does not exist or you do not have permission to view it."])
        values = value if isinstance(value, list) else [value]
        if field_name == "project":
            for v in values:
                if v not in self.projects:
                    raise JiraError(400, [f"The value '{v}' does not exist for the field 'project'."])
        if field_name == "key":
            for v in values:
                if v.upper() not in self.issues:
                    raise JiraError(400, [f"An issue with key '{v}' does not exist for field 'key'."])
        if field_name == "status":
            names = {s.lower() for s, _ in STATUSES}
            for v in values:
                if v is not None and v.lower() not in names:
                    raise JiraError(400, [f"The value '{v}' does not exist for the field 'status'."])
        if field_name in ("assignee", "reporter"):
            for v in values:
                if v is not None and v not in self.users:
                    raise JiraError(400, [f"The value '{v}' does not exist for the field '{field_name}'."])

    def _matches(self, issue: dict[str, Any], clause: tuple[str, str, Any]) -> bool:
        field_name, op, value = clause
        f = issue["fields"]
        actual: Any
        if field_name == "project":
            actual = f["project"]["key"]
        elif field_name == "key":
            actual = issue["key"]
        elif field_name == "status":
            actual = f["status"]["name"].lower()
            value = [v.lower() for v in value] if isinstance(value, list) else (value.lower() if value else value)
        elif field_name == "statuscategory":
            actual = f["status"]["statusCategory"]["name"].lower()
            value = value.lower() if isinstance(value, str) else value
        elif field_name in ("assignee", "reporter"):
            actual = (f[field_name] or {}).get("accountId")
        elif field_name == "priority":
            actual = f["priority"]["name"].lower()
            value = [v.lower() for v in value] if isinstance(value, list) else value.lower()
        elif field_name == "duedate":
            actual = f["duedate"]
        elif field_name == "labels":
            labels = f["labels"]
            if op == "is":
                return not labels
            if op == "in":
                return any(v in labels for v in value)
            return (value in labels) if op == "=" else (value not in labels)
        elif field_name in ("text", "summary"):
            haystack = f["summary"] + (" " + adf_to_text(f["description"]) if field_name == "text" else "")
            return all(word.lower() in haystack.lower() for word in str(value).split())
        else:
            actual = f[field_name]
        if op == "is":
            return actual is None
        if op == "is not":
            return actual is not None
        if op == "in":
            return actual in value
        if op == "not in":
            return actual not in value
        if op == "=":
            return bool(actual == value)
        if op == "!=":
            return bool(actual != value)
        if actual is None:
            return False
        return bool({"<": actual < value, ">": actual > value, "<=": actual <= value, ">=": actual >= value}[op])


# -- JQL subset ------------------------------------------------------------------------------------------------
_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<op>!=|<=|>=|=|~|<|>|\(|\)|,)|(?P<word>[\w.\-]+))')


def _tokens(jql: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    jql = jql.strip()
    while pos < len(jql):
        m = _TOKEN.match(jql, pos)
        if not m or m.end() == pos:
            raise JiraError(400, [f"Error in the JQL Query: unexpected character at position {pos}."])
        pos = m.end()
        if m.group("str") is not None:
            out.append(("str", re.sub(r"\\(.)", r"\1", m.group("str")[1:-1])))
        elif m.group("op") is not None:
            out.append(("op", m.group("op")))
        elif m.group("word") is not None:
            out.append(("word", m.group("word")))
    return out


def _parse_jql(jql: str) -> tuple[list[tuple[str, str, Any]], list[tuple[str, str]]]:
    tokens = _tokens(jql)
    clauses: list[tuple[str, str, Any]] = []
    order: list[tuple[str, str]] = []
    i = 0

    def expect_value() -> Any:
        nonlocal i
        kind, text = tokens[i]
        i += 1
        if kind == "word" and text.upper() in ("EMPTY", "NULL"):
            return None
        return text

    while i < len(tokens):
        kind, text = tokens[i]
        if kind == "word" and text.upper() == "ORDER":
            i += 2  # ORDER BY
            while i < len(tokens):
                name = tokens[i][1].lower()
                i += 1
                direction = "ASC"
                if i < len(tokens) and tokens[i][1].upper() in ("ASC", "DESC"):
                    direction = tokens[i][1].upper()
                    i += 1
                order.append((name, direction))
                if i < len(tokens) and tokens[i][1] == ",":
                    i += 1
            break
        if kind == "word" and text.upper() == "AND":
            i += 1
            continue
        if kind == "word" and text.upper() == "OR":
            raise JiraError(400, ["The fake Jira only understands AND."])
        field_name = text.lower()
        i += 1
        op_kind, op = tokens[i]
        i += 1
        if op_kind == "word" and op.lower() == "not" and tokens[i][1].lower() == "in":
            op = "not in"
            i += 1
        elif op_kind == "word" and op.lower() == "is":
            op = "is"
            if tokens[i][1].lower() == "not":
                op = "is not"
                i += 1
        elif op_kind == "word":
            op = op.lower()
        if op in ("in", "not in"):
            if tokens[i][1] != "(":
                raise JiraError(400, ["Error in the JQL Query: expected '(' after IN."])
            i += 1
            values: list[Any] = []
            while tokens[i][1] != ")":
                if tokens[i][1] != ",":
                    values.append(expect_value())
                else:
                    i += 1
            i += 1
            clauses.append((field_name, op, values))
        else:
            clauses.append((field_name, op, expect_value()))
    return clauses, order


def _sort_key(issue: dict[str, Any], *, field_name: str) -> Any:
    f = issue["fields"]
    if field_name == "priority":
        return len(PRIORITIES) - PRIORITIES.index(f["priority"]["name"])
    if field_name == "key":
        prefix, _, number = issue["key"].partition("-")
        return (prefix, int(number))
    if field_name == "duedate":
        return f["duedate"] or ""
    return f.get(field_name) or ""


def _status_json(name: str) -> dict[str, Any]:
    category = dict(STATUSES)[name]
    names = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
    return {
        "id": str(1 + [s for s, _ in STATUSES].index(name)),
        "name": name,
        "statusCategory": {"key": category, "name": names[category]},
    }


def _is_adf(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and value.get("type") == "doc"
        and value.get("version") == 1
        and isinstance(value.get("content"), list)
    )


# -- serving ---------------------------------------------------------------------------------------------------
@dataclass
class RunningFakeJira:
    """The fake, served from a thread on loopback."""

    fake: FakeJira
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


def serve_fake_jira(fake: FakeJira) -> RunningFakeJira:
    """Start the fake on a free loopback port; ``base_url`` is the site root (like https://x.atlassian.net)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this; without it uvicorn's split writes meet delayed ACKs (40 ms a request).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(fake.app(), log_level="warning", access_log=False))
    thread = threading.Thread(target=lambda: server.run(sockets=[sock]), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    fake.base_url = f"http://127.0.0.1:{port}"
    return RunningFakeJira(fake=fake, base_url=fake.base_url, server=server, thread=thread)
