"""Jira Cloud as a ticket backend: REST API v3 over httpx with an API token.

Endpoints used (all under ``{base_url}/rest/api/3``):

- ``POST /search/jql``: JQL search, paged by ``nextPageToken``. This is the current search API; the older
  ``GET/POST /search`` (``startAt``/``total``) was deprecated and has been removed from Jira Cloud. It rejects
  unbounded queries, so every search is restricted to a project (the configured ones when none is asked for).
- ``GET /issue/{key}``, ``POST /issue``, ``PUT /issue/{key}``: read, create, edit fields.
- ``GET/POST /issue/{key}/transitions``: status changes go through the workflow's transitions, matched by the
  target status name; a missing transition is refused with the statuses that are available.
- ``GET/POST /issue/{key}/comment`` (``expand=properties``), ``POST /issueLink``.
- ``GET/PUT /issue/{key}/properties/deskhand.writes``: the idempotency keys of updates already applied.
- ``GET /user/search``: deskhand people → Jira accountIds, by email.
- ``GET /project/search``, ``GET /project/{key}/statuses``: projects and the workflow's statuses.

Idempotency: a created issue carries a label ``deskhand-<hash of the idempotency key>`` (hidden from
``Ticket.labels``); a retried create finds it by JQL (and by an in-process cache, since Jira's search index can
lag a few seconds behind a create). Updates record their key in an issue property; comments carry it in a
comment property. Descriptions and comments are Atlassian Document Format, converted by ``adf``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from integrations.directory.base import Directory
from integrations.errors import (
    BackendUnavailableError,
    ConflictError,
    IntegrationError,
    NotFoundError,
    ValidationError,
)
from integrations.tickets.adf import adf_to_text, text_to_adf
from integrations.tickets.base import (
    DEFAULT_WORKFLOW,
    PRIORITIES,
    BulkResult,
    Priority,
    Project,
    Ticket,
    TicketChanges,
    TicketComment,
    TicketCreate,
    TicketLink,
    TicketQuery,
    apply_each,
    normalise_key,
    normalise_relation,
    significant_words,
)

log = logging.getLogger(__name__)

API = "/rest/api/3"
IDEMPOTENCY_LABEL_PREFIX = "deskhand-"
WRITES_PROPERTY = "deskhand.writes"
COMMENT_PROPERTY = "deskhand"
_KEEP_WRITES = 50
_PAGE = 100
_FIELDS = [
    "summary",
    "description",
    "status",
    "priority",
    "assignee",
    "reporter",
    "duedate",
    "labels",
    "created",
    "updated",
    "project",
    "issuelinks",
]
_KEY = re.compile(r"^[A-Z][A-Z0-9_]*-\d+$")
_NOT_WORD = re.compile(r"[^\w]+")
_CATEGORY_ORDER = {"new": 0, "indeterminate": 1, "done": 2}

_OUR_PRIORITIES: tuple[Priority, ...] = ("lowest", "low", "medium", "high", "highest")
DEFAULT_PRIORITY_NAMES: dict[str, str] = {p: p.capitalize() for p in PRIORITIES}
# Older Jira priority schemes; read-only mapping onto deskhand's five.
_LEGACY_PRIORITIES: dict[str, Priority] = {
    "blocker": "highest",
    "critical": "high",
    "major": "medium",
    "minor": "low",
    "trivial": "lowest",
}
# deskhand's outward relation → Jira's standard link type name.
JIRA_LINK_TYPES: dict[str, str] = {
    "blocks": "Blocks",
    "relates to": "Relates",
    "duplicates": "Duplicate",
    "clones": "Cloners",
}
_LINK_WORDS: dict[str, tuple[str, str]] = {
    "Blocks": ("blocks", "is blocked by"),
    "Relates": ("relates to", "relates to"),
    "Duplicate": ("duplicates", "is duplicated by"),
    "Cloners": ("clones", "is cloned by"),
}


def parse_project_mapping(raw: str | Mapping[str, str] | Sequence[str] | None) -> dict[str, str] | None:
    """Settings text → deskhand project key → Jira project key. ``"OPS=IT,ENG"`` maps OPS to IT and ENG to ENG."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, Mapping):
        return {k.strip().upper(): v.strip().upper() for k, v in raw.items()}
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    mapping: dict[str, str] = {}
    for item in (i.strip() for i in items):
        if not item:
            continue
        ours, _, theirs = item.partition("=")
        mapping[ours.strip().upper()] = (theirs or ours).strip().upper()
    return mapping or None


class JiraCloudBackend:
    """Tickets in Jira Cloud, behind the same Protocol as the local tracker.

    ``project_keys``: the Jira projects deskhand may use, as a list of keys or a mapping from the key deskhand
    shows (e.g. a channel's default project) to the Jira key; None means every project the account can see.
    ``people``: the directory whose emails map deskhand person ids to Jira accounts; Jira users outside it
    appear as ``jira:<accountId>`` (and such ids are accepted back). ``statuses``: the workflow's statuses in
    order; by default they are read from the projects. ``set_reporter``: send the reporter on create (needs
    the "Modify reporter" permission); otherwise the API account is the reporter.
    """

    def __init__(
        self,
        base_url: str,
        email: str,
        api_token: str,
        *,
        project_keys: Sequence[str] | Mapping[str, str] | None = None,
        http: httpx.Client | None = None,
        people: Directory | None = None,
        issue_type: str = "Task",
        statuses: Sequence[str] | None = None,
        priority_names: Mapping[str, str] | None = None,
        set_reporter: bool = False,
        timeout_s: float = 20.0,
        max_retry_wait_s: float = 30.0,
        projects_ttl_s: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._host = urlsplit(self._base).netloc or self._base
        self._email = email
        self._auth = httpx.BasicAuth(email, api_token)
        self._owns_http = http is None
        self._http = http or httpx.Client(timeout=timeout_s)
        self._people = people
        self._issue_type = issue_type
        self._set_reporter = set_reporter
        self._max_retry_wait = max_retry_wait_s
        self._sleep = sleep
        self._projects_map = parse_project_mapping(project_keys)
        self._from_jira = {v: k for k, v in (self._projects_map or {}).items()}
        self._priority_out = {**DEFAULT_PRIORITY_NAMES, **{k.lower(): v for k, v in (priority_names or {}).items()}}
        self._priority_in: dict[str, Priority] = dict(_LEGACY_PRIORITIES)
        for ours in _OUR_PRIORITIES:
            self._priority_in[self._priority_out[ours].lower()] = ours
        self._statuses: tuple[str, ...] | None = tuple(statuses) if statuses else None
        self._categories: dict[str, str] = {}
        self._accounts: dict[str, str] = {}
        self._people_by_account: dict[str, str] = {}
        self._created: dict[str, str] = {}
        self._projects_cache: tuple[float, list[Project]] | None = None
        self._projects_ttl = projects_ttl_s

    def __repr__(self) -> str:
        return f"JiraCloudBackend({self._base!r}, email={self._email!r})"

    def close(self) -> None:
        """Close the HTTP client if this backend created it."""
        if self._owns_http:
            self._http.close()

    def whoami(self) -> dict[str, Any]:
        """The API account (``GET /myself``): a cheap check that the URL and credentials work."""
        return dict(self._json("GET", "/myself"))

    # -- reads -------------------------------------------------------------------------------------
    def workflow(self) -> tuple[str, ...]:
        """The statuses of the configured projects, to-do first and done last."""
        if self._statuses is None:
            self._statuses = self._load_statuses() or DEFAULT_WORKFLOW
        return self._statuses

    def transitions(self, status: str, *, key: str | None = None) -> list[str]:
        """Statuses reachable next: exact for ``key`` (Jira's transitions for that issue), else every other status."""
        order = {s.lower(): i for i, s in enumerate(self.workflow())}
        if key is not None:
            names = {t["to"]["name"] for t in self._transitions_raw(normalise_key(key))}
            return sorted(names, key=lambda n: (order.get(n.lower(), len(order)), n))
        current = self._canonical_status(status)
        return [s for s in self.workflow() if s != current]

    def projects(self) -> list[Project]:
        """The projects deskhand may file in, under the keys deskhand shows (cached for a few minutes)."""
        cached = self._projects_cache
        if cached is not None and time.monotonic() - cached[0] < self._projects_ttl:
            return list(cached[1])
        found = self._load_projects()
        self._projects_cache = (time.monotonic(), found)
        return list(found)

    def _load_projects(self) -> list[Project]:
        params: dict[str, Any] = {"maxResults": 50}
        if self._projects_map:
            params["keys"] = sorted(set(self._projects_map.values()))
        found: list[Project] = []
        start = 0
        while True:
            page = self._json("GET", "/project/search", params={**params, "startAt": start})
            values = page.get("values") or []
            for raw in values:
                found.append(Project(key=self._our_project(raw["key"]), name=raw.get("name") or raw["key"]))
            start += len(values)
            if page.get("isLast", True) or not values:
                break
        return sorted(found, key=lambda p: p.key)

    def get(self, key: str) -> Ticket:
        """The issue with this key; NotFoundError when it does not exist or is not visible."""
        return self._to_ticket(self._issue(normalise_key(key)))

    def search(self, query: TicketQuery) -> list[Ticket]:
        """Issues matching every filter, via JQL, in ``query.order_by`` order."""
        jql = self._jql(query)
        if jql is None:
            return []
        found: list[Ticket] = []
        token: str | None = None
        while len(found) < query.limit:
            body: dict[str, Any] = {"jql": jql, "maxResults": min(_PAGE, query.limit - len(found)), "fields": _FIELDS}
            if token:
                body["nextPageToken"] = token
            page = self._json("POST", "/search/jql", json=body)
            issues = page.get("issues") or []
            found.extend(self._to_ticket(raw) for raw in issues)
            token = page.get("nextPageToken")
            if not token or page.get("isLast") or not issues:
                break
        return found[: query.limit]

    def comments(self, key: str) -> list[TicketComment]:
        """The issue's comments, oldest first."""
        ticket_key = normalise_key(key)
        return [self._to_comment(ticket_key, raw) for raw in self._comments_raw(ticket_key)]

    # -- writes ------------------------------------------------------------------------------------
    def create(self, data: TicketCreate, *, idempotency_key: str) -> Ticket:
        """Create an issue; a repeated idempotency key returns the issue created the first time."""
        jira_project = self._require_project(data.project)
        target = self._canonical_status(data.status) if "status" in data.model_fields_set else None
        assignee = self._account_for(data.assignee_id) if data.assignee_id else None
        reporter = self._account_for(data.reporter_id) if data.reporter_id and self._set_reporter else None
        label = _idempotency_label(idempotency_key)
        existing = self._created.get(label) or self._find_by_label(jira_project, label)
        if existing:
            return self.get(existing)
        fields: dict[str, Any] = {
            "project": {"key": jira_project},
            "issuetype": {"name": self._issue_type},
            "summary": data.title,
            "priority": {"name": self._priority_out[data.priority]},
            "labels": [*_clean_labels(data.labels), label],
        }
        if data.description.strip():
            fields["description"] = text_to_adf(data.description)
        if assignee:
            fields["assignee"] = {"accountId": assignee}
        if reporter:
            fields["reporter"] = {"accountId": reporter}
        if data.due_date:
            fields["duedate"] = data.due_date.isoformat()
        created = self._json("POST", "/issue", json={"fields": fields}, retry_safe=False)
        key = str(created["key"])
        self._created[label] = key
        if target is not None:
            issue = self._issue(key)
            if issue["fields"]["status"]["name"].lower() != target.lower():
                self._transition(key, issue["fields"]["status"]["name"], target)
        return self.get(key)

    def update(self, key: str, changes: TicketChanges, *, idempotency_key: str) -> Ticket:
        """Edit fields (one request) and then transition; everything is checked before anything is written.

        If the transition fails after the fields were written, the fields are put back as they were.
        """
        ticket_key = normalise_key(key)
        marker = _hash(idempotency_key)
        issue = self._issue(ticket_key)
        applied = self._applied_writes(ticket_key)
        if marker in applied:
            return self._to_ticket(issue)
        current = issue["fields"]
        transition: tuple[str, str] | None = None
        if changes.status is not None:
            target = self._canonical_status(changes.status)
            if target.lower() != current["status"]["name"].lower():
                transition = (current["status"]["name"], target)
                self._transition_id(ticket_key, *transition)  # refuses a forbidden move before any write
        fields: dict[str, Any] = {}
        if changes.title is not None and " ".join(changes.title.split()):
            fields["summary"] = " ".join(changes.title.split())
        if changes.description is not None:
            fields["description"] = text_to_adf(changes.description) if changes.description.strip() else None
        if changes.priority is not None:
            fields["priority"] = {"name": self._priority_out[changes.priority]}
        if changes.clear_assignee:
            fields["assignee"] = None
        elif changes.assignee_id is not None:
            fields["assignee"] = {"accountId": self._account_for(changes.assignee_id)}
        if changes.due_date is not None:
            fields["duedate"] = changes.due_date.isoformat()
        if changes.labels is not None:
            hidden = [x for x in current.get("labels") or [] if x.startswith(IDEMPOTENCY_LABEL_PREFIX)]
            fields["labels"] = [*_clean_labels(changes.labels), *hidden]
        if fields:
            self._request("PUT", f"/issue/{ticket_key}", json={"fields": fields})
        if transition is not None:
            try:
                self._transition(ticket_key, *transition)
            except IntegrationError:
                if fields:
                    self._restore(ticket_key, current, fields)
                raise
        self._record_write(ticket_key, applied, marker)
        return self.get(ticket_key)

    def update_many(self, changes_by_key: Mapping[str, TicketChanges], *, idempotency_prefix: str) -> BulkResult:
        """Update each issue on its own; a refused item is reported and leaves that issue as it was."""
        return apply_each(self.update, changes_by_key, idempotency_prefix=idempotency_prefix)

    def add_comment(self, key: str, body: str, *, author_id: str | None, idempotency_key: str) -> TicketComment:
        """Comment (ADF body, posted by the API account; deskhand's author is kept in a comment property)."""
        if not body.strip():
            raise ValidationError("A comment needs some text.")
        ticket_key = normalise_key(key)
        marker = _hash(idempotency_key)
        for raw in self._comments_raw(ticket_key):
            if _comment_property(raw).get("idempotency_key") == marker:
                return self._to_comment(ticket_key, raw)
        payload = {
            "body": text_to_adf(body),
            "properties": [{"key": COMMENT_PROPERTY, "value": {"idempotency_key": marker, "author_id": author_id}}],
        }
        raw = self._json("POST", f"/issue/{ticket_key}/comment", json=payload, retry_safe=False)
        raw.setdefault("properties", payload["properties"])
        return self._to_comment(ticket_key, raw)

    def add_link(self, key: str, relation: str, other_key: str, *, idempotency_key: str) -> Ticket:
        """Link two issues with Jira's standard link types (Blocks, Relates, Duplicate, Cloners)."""
        outward, inward = normalise_relation(relation)
        this, other = normalise_key(key), normalise_key(other_key)
        if this == other:
            raise ValidationError(f"{this} can't be linked to itself.")
        issue = self._issue(this)
        self._issue(other)
        source, target = (other, this) if inward else (this, other)
        type_name = JIRA_LINK_TYPES[outward]
        for link in issue["fields"].get("issuelinks") or []:
            if (link.get("type") or {}).get("name") != type_name:
                continue
            if source == this and (link.get("outwardIssue") or {}).get("key") == target:
                return self._to_ticket(issue)
            if target == this and (link.get("inwardIssue") or {}).get("key") == source:
                return self._to_ticket(issue)
        # Jira's POST /issueLink reads as "inwardIssue <outward verb> outwardIssue" (A blocks B): the reverse of
        # how GET /issue labels the two sides, a known trap in its API.
        body = {"type": {"name": type_name}, "inwardIssue": {"key": source}, "outwardIssue": {"key": target}}
        self._request("POST", "/issueLink", json=body, retry_safe=False)
        return self.get(this)

    # -- JQL ---------------------------------------------------------------------------------------
    def _jql(self, query: TicketQuery) -> str | None:
        """The JQL for ``query``; None when a filter names something that cannot exist (nothing matches)."""
        clauses: list[str] = []
        if query.project:
            ours = query.project.strip().upper()
            known = {p.key for p in self.projects()}
            if ours not in known:
                return None
            clauses.append(f"project = {_q(self._jira_project(ours))}")
        elif self._projects_map:
            clauses.append(f"project in ({', '.join(_q(k) for k in sorted(set(self._projects_map.values())))})")
        else:
            keys = [self._jira_project(p.key) for p in self.projects()]
            if not keys:
                return None
            clauses.append(f"project in ({', '.join(_q(k) for k in keys)})")
        if query.keys:
            keys = [k for k in (normalise_key(raw) for raw in query.keys) if _KEY.match(k)]
            # JQL fails on a key that does not exist, so look them up first and keep the real ones.
            existing = [k for k in keys if self._exists(k)]
            if not existing:
                return None
            clauses.append(f"key in ({', '.join(existing)})")
        words = significant_words(query.text or "")
        if words:
            # Lucene operators (-, +, *, ?, :) inside the text would change the query's meaning.
            clauses.append(f"text ~ {_q(_NOT_WORD.sub(' ', ' '.join(words)).strip())}")
        for field, person in (("assignee", query.assignee_id), ("reporter", query.reporter_id)):
            if person:
                try:
                    clauses.append(f"{field} = {_q(self._account_for(person))}")
                except NotFoundError:
                    return None
        if query.unassigned:
            clauses.append("assignee is EMPTY")
        if query.statuses:
            known_statuses = [s for s in (self._known_status(x) for x in query.statuses) if s]
            if not known_statuses:
                return None
            clauses.append(f"status in ({', '.join(_q(s) for s in known_statuses)})")
        if (not query.include_done and not query.statuses) or query.overdue:
            clauses.append("statusCategory != Done")
        if query.priorities:
            clauses.append(f"priority in ({', '.join(_q(self._priority_out[p]) for p in query.priorities)})")
        if query.due_before:
            clauses.append(f"duedate < {_q(query.due_before.isoformat())}")
        if query.due_after:
            clauses.append(f"duedate > {_q(query.due_after.isoformat())}")
        if query.overdue:
            clauses.append(f"duedate < {_q(query.today().isoformat())}")
        if query.no_due_date:
            clauses.append("duedate is EMPTY")
        for label in query.labels or []:
            clauses.append(f"labels = {_q(label)}")
        order = {
            "updated": "updated DESC",
            "priority": "priority DESC, created ASC",
            "oldest": "created ASC",
            "newest": "created DESC",
            "due": "duedate ASC, priority DESC",
        }[query.order_by]
        return " AND ".join(clauses) + f" ORDER BY {order}, key ASC"

    def _find_by_label(self, jira_project: str, label: str) -> str | None:
        jql = f"project = {_q(jira_project)} AND labels = {_q(label)} ORDER BY created ASC"
        page = self._json("POST", "/search/jql", json={"jql": jql, "maxResults": 1, "fields": ["summary"]})
        issues = page.get("issues") or []
        return str(issues[0]["key"]) if issues else None

    # -- workflow and transitions ----------------------------------------------------------------------
    def _load_statuses(self) -> tuple[str, ...]:
        keys = sorted(set(self._projects_map.values())) if self._projects_map else [p.key for p in self.projects()]
        seen: dict[str, tuple[int, int]] = {}
        for key in keys:
            issue_types = self._json_list("GET", f"/project/{key}/statuses")
            chosen = [t for t in issue_types if t.get("name") == self._issue_type] or issue_types
            for issue_type in chosen:
                for status in issue_type.get("statuses") or []:
                    name = status["name"]
                    category = (status.get("statusCategory") or {}).get("key", "indeterminate")
                    self._categories[name.lower()] = category
                    if name not in seen:
                        seen[name] = (_CATEGORY_ORDER.get(category, 1), len(seen))
        return tuple(sorted(seen, key=lambda n: seen[n]))

    def _canonical_status(self, status: str) -> str:
        known = self._known_status(status)
        if known is None:
            raise ValidationError(f"'{status}' is not a status here. Statuses: {', '.join(self.workflow())}.")
        return known

    def _known_status(self, status: str) -> str | None:
        wanted = status.strip().lower()
        return next((s for s in self.workflow() if s.lower() == wanted), None)

    def _transitions_raw(self, key: str) -> list[dict[str, Any]]:
        return list(self._json("GET", f"/issue/{key}/transitions").get("transitions") or [])

    def _transition_id(self, key: str, current: str, target: str) -> str:
        available = self._transitions_raw(key)
        for t in available:
            if t["to"]["name"].lower() == target.lower():
                return str(t["id"])
        names = sorted({t["to"]["name"] for t in available})
        options = ", ".join(names) if names else "nothing (no transitions are available to this account)"
        raise ValidationError(
            f"{key} can't move from {current} to {target} in Jira. From {current} it can move to {options}."
        )

    def _transition(self, key: str, current: str, target: str) -> None:
        transition_id = self._transition_id(key, current, target)
        # Not retried after a 5xx: if it did apply, a repeat would fail and trigger a needless restore.
        self._request("POST", f"/issue/{key}/transitions", json={"transition": {"id": transition_id}}, retry_safe=False)

    def _restore(self, key: str, before: dict[str, Any], changed: dict[str, Any]) -> None:
        """Best effort: put edited fields back after a later step failed, so the issue is not half-changed."""
        previous: dict[str, Any] = {}
        for name in changed:
            value = before.get(name)
            if name == "assignee":
                previous[name] = {"accountId": value["accountId"]} if value else None
            elif name == "priority":
                previous[name] = {"name": value["name"]} if value else None
            else:
                previous[name] = value
        try:
            self._request("PUT", f"/issue/{key}", json={"fields": previous})
        except IntegrationError:
            log.error("jira: could not restore fields after a failed transition", extra={"key": key})

    # -- idempotency records -----------------------------------------------------------------------------
    def _applied_writes(self, key: str) -> list[str]:
        try:
            value = self._json("GET", f"/issue/{key}/properties/{WRITES_PROPERTY}").get("value") or {}
        except NotFoundError:  # the issue exists (checked first), so the property does not yet
            return []
        return [str(k) for k in value.get("keys") or []]

    def _record_write(self, key: str, applied: list[str], marker: str) -> None:
        keys = [*applied, marker][-_KEEP_WRITES:]
        self._request("PUT", f"/issue/{key}/properties/{WRITES_PROPERTY}", json={"keys": keys})

    # -- people and projects -----------------------------------------------------------------------------
    def _account_for(self, person_id: str) -> str:
        if person_id.startswith("jira:"):
            return person_id.removeprefix("jira:")
        if person_id in self._accounts:
            return self._accounts[person_id]
        if self._people is None:
            raise NotFoundError(f"There is no person '{person_id}' (no directory maps people to Jira accounts).")
        person = self._people.get(person_id)
        if person is None:
            raise NotFoundError(f"There is no person '{person_id}' in the directory.")
        if not person.email:
            raise NotFoundError(f"{person.name} has no email address, so their Jira account can't be found.")
        users = self._json_list("GET", "/user/search", params={"query": person.email, "maxResults": 10})
        users = [u for u in users if u.get("accountType", "atlassian") == "atlassian" and u.get("active", True)]
        exact = [u for u in users if (u.get("emailAddress") or "").lower() == person.email.lower()]
        # Jira hides emails under some privacy settings; a single hit for an email query is then the person.
        match = exact[0] if exact else (users[0] if len(users) == 1 and not users[0].get("emailAddress") else None)
        if match is None:
            raise NotFoundError(f"{person.name} ({person.email}) has no Jira account.")
        self._accounts[person_id] = match["accountId"]
        self._people_by_account[match["accountId"]] = person_id
        return str(match["accountId"])

    def _person_for(self, user: dict[str, Any] | None) -> str | None:
        if not user or not user.get("accountId"):
            return None
        account = str(user["accountId"])
        if account in self._people_by_account:
            return self._people_by_account[account]
        email = (user.get("emailAddress") or "").lower()
        if email and self._people is not None:
            for person in self._people.lookup(email):
                if person.email.lower() == email:
                    self._people_by_account[account] = person.id
                    self._accounts.setdefault(person.id, account)
                    return person.id
        return f"jira:{account}"

    def _jira_project(self, ours: str) -> str:
        key = ours.strip().upper()
        return self._projects_map.get(key, key) if self._projects_map else key

    def _our_project(self, jira_key: str) -> str:
        return self._from_jira.get(jira_key, jira_key)

    def _require_project(self, ours: str) -> str:
        key = ours.strip().upper()
        projects = self.projects()
        if key not in {p.key for p in projects}:
            names = ", ".join(p.key for p in projects) or "none"
            raise NotFoundError(f"There is no project '{ours}'. Projects: {names}.")
        return self._jira_project(key)

    # -- reading issues ----------------------------------------------------------------------------------
    def _issue(self, key: str) -> dict[str, Any]:
        if not _KEY.match(key):
            raise NotFoundError(f"There is no ticket {key}.")
        return self._json(
            "GET", f"/issue/{key}", params={"fields": ",".join(_FIELDS)}, not_found=f"There is no ticket {key}."
        )

    def _exists(self, key: str) -> bool:
        try:
            self._issue(key)
        except NotFoundError:
            return False
        return True

    def _comments_raw(self, key: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            page = self._json(
                "GET",
                f"/issue/{key}/comment",
                params={"startAt": len(found), "maxResults": _PAGE, "orderBy": "created", "expand": "properties"},
                not_found=f"There is no ticket {key}.",
            )
            comments = page.get("comments") or []
            found.extend(comments)
            if not comments or len(found) >= int(page.get("total", len(found))):
                return found

    def _to_ticket(self, raw: dict[str, Any]) -> Ticket:
        f = raw.get("fields") or {}
        status = (f.get("status") or {}).get("name") or self.workflow()[0]
        category = ((f.get("status") or {}).get("statusCategory") or {}).get("key")
        if category:
            self._categories[status.lower()] = category
        priority_name = ((f.get("priority") or {}).get("name") or "").lower()
        return Ticket(
            key=raw["key"],
            title=f.get("summary") or raw["key"],
            description=adf_to_text(f.get("description"))[:20_000],
            project=self._our_project((f.get("project") or {}).get("key") or raw["key"].split("-")[0]),
            status=status,
            priority=self._priority_in.get(priority_name, "medium"),
            assignee_id=self._person_for(f.get("assignee")),
            reporter_id=self._person_for(f.get("reporter")),
            due_date=date.fromisoformat(f["duedate"]) if f.get("duedate") else None,
            labels=[x for x in f.get("labels") or [] if not x.startswith(IDEMPOTENCY_LABEL_PREFIX)],
            created_at=_parse_time(f.get("created")),
            updated_at=_parse_time(f.get("updated")),
            url=f"{self._base}/browse/{raw['key']}",
            links=[link for link in (_to_link(x) for x in f.get("issuelinks") or []) if link],
        )

    def _to_comment(self, ticket_key: str, raw: dict[str, Any]) -> TicketComment:
        prop = _comment_property(raw)
        author = prop.get("author_id") if "author_id" in prop else self._person_for(raw.get("author"))
        return TicketComment(
            id=int(raw["id"]),
            ticket_key=ticket_key,
            author_id=author,
            body=adf_to_text(raw.get("body")),
            created_at=_parse_time(raw.get("created")),
        )

    # -- HTTP ----------------------------------------------------------------------------------------------
    def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._request(method, path, **kwargs)
        data = response.json() if response.content else {}
        if not isinstance(data, dict):
            raise BackendUnavailableError(f"Jira at {self._host} answered {method} {path} with unexpected JSON.")
        return data

    def _json_list(self, method: str, path: str, **kwargs: Any) -> list[dict[str, Any]]:
        response = self._request(method, path, **kwargs)
        data = response.json() if response.content else []
        if not isinstance(data, list):
            raise BackendUnavailableError(f"Jira at {self._host} answered {method} {path} with unexpected JSON.")
        return data

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        retry_safe: bool = True,
        not_found: str | None = None,
    ) -> httpx.Response:
        """One API call with Jira's errors mapped to integration errors; a 429/5xx is retried once."""
        url = self._base + API + path
        for attempt in (1, 2):
            try:
                response = self._http.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    auth=self._auth,
                    headers={"Accept": "application/json"},
                )
            except httpx.TimeoutException:
                raise BackendUnavailableError(f"Jira at {self._host} did not answer in time.") from None
            except httpx.TransportError as exc:
                raise BackendUnavailableError(
                    f"Jira at {self._host} could not be reached ({type(exc).__name__})."
                ) from None
            status = response.status_code
            log.debug("jira request", extra={"method": method, "path": path, "status": status})
            if status == 429 or status >= 500:
                wait = self._retry_wait(response)
                # A 429 was refused before doing anything; a 5xx on a write may have half-happened, so only
                # requests that are safe to repeat are retried after one.
                if attempt == 1 and wait is not None and (status == 429 or retry_safe):
                    log.warning("jira: retrying", extra={"path": path, "status": status, "wait_s": wait})
                    self._sleep(wait)
                    continue
                what = "is rate-limiting deskhand" if status == 429 else f"had a server error ({status})"
                raise BackendUnavailableError(f"Jira at {self._host} {what}; try again in a minute.")
            break
        if status < 400:
            return response
        detail = _error_text(response)
        if status == 401:
            raise BackendUnavailableError(
                f"Jira at {self._host} did not accept the credentials for {self._email} (HTTP 401): "
                "check the account email and API token."
            )
        if status == 403:
            raise BackendUnavailableError(
                f"Jira at {self._host} refused {self._email} (HTTP 403): the account lacks permission"
                + (f" ({detail})." if detail else ".")
            )
        if status == 404:
            raise NotFoundError(not_found or detail or f"Jira has nothing at {path}.")
        if status == 409:
            raise ConflictError(detail or "Jira reported a conflicting change; try again.")
        if status in (400, 422):
            raise ValidationError(f"Jira refused the change: {detail}" if detail else "Jira refused the change.")
        raise BackendUnavailableError(
            f"Jira at {self._host} answered HTTP {status}" + (f": {detail}" if detail else ".")
        )

    def _retry_wait(self, response: httpx.Response) -> float | None:
        """Seconds to wait before the one retry, or None when Jira asks for longer than we are willing to wait."""
        header = response.headers.get("Retry-After")
        if header is None:
            return 1.0
        try:
            wait = float(header)
        except ValueError:
            try:
                wait = (parsedate_to_datetime(header) - datetime.now(UTC)).total_seconds()
            except (TypeError, ValueError):
                return 1.0
        wait = max(0.0, wait)
        return wait if wait <= self._max_retry_wait else None


# -- helpers ------------------------------------------------------------------------------------------------
def _q(value: str) -> str:
    """A JQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hash(idempotency_key: str) -> str:
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]


def _idempotency_label(idempotency_key: str) -> str:
    return IDEMPOTENCY_LABEL_PREFIX + _hash(idempotency_key)


def _clean_labels(labels: Iterable[str]) -> list[str]:
    """Jira labels cannot contain spaces."""
    return [label.strip().replace(" ", "-") for label in labels if label.strip()]


def _comment_property(raw: dict[str, Any]) -> dict[str, Any]:
    for prop in raw.get("properties") or []:
        if prop.get("key") == COMMENT_PROPERTY and isinstance(prop.get("value"), dict):
            return dict(prop["value"])
    return {}


def _to_link(raw: dict[str, Any]) -> TicketLink | None:
    link_type = raw.get("type") or {}
    words = _LINK_WORDS.get(link_type.get("name", ""))
    outward = words[0] if words else str(link_type.get("outward") or "relates to").lower()
    inward = words[1] if words else str(link_type.get("inward") or "relates to").lower()
    if raw.get("outwardIssue"):
        return TicketLink(relation=outward, key=raw["outwardIssue"]["key"])
    if raw.get("inwardIssue"):
        return TicketLink(relation=inward, key=raw["inwardIssue"]["key"])
    return None


def _parse_time(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _error_text(response: httpx.Response) -> str:
    """Jira's error body as one sentence: ``errorMessages`` and per-field ``errors``."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300]
    if not isinstance(body, dict):
        return ""
    parts = [str(m) for m in body.get("errorMessages") or []]
    parts += [f"{field}: {message}" for field, message in (body.get("errors") or {}).items()]
    if not parts and body.get("message"):
        parts.append(str(body["message"]))
    return "; ".join(parts)


__all__ = ["DEFAULT_PRIORITY_NAMES", "JIRA_LINK_TYPES", "JiraCloudBackend", "parse_project_mapping"]
