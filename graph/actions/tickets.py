"""Ticket writes: prepared from a tool call, shown on the card, edited, re-checked and applied once."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from graph.actions.base import ActionResult, EditableField, ProposedAction
from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.resolve import resolve_due_date, resolve_person, resolve_priority, resolve_project, resolve_status
from graph.state import ConversationContext
from integrations.errors import IntegrationError, NotFoundError
from integrations.tickets.base import PRIORITIES, Ticket, TicketChanges, TicketCreate

CREATE = "ticket.create"
UPDATE = "ticket.update"
COMMENT = "ticket.comment"

_TRACKED_FIELDS = ("status", "priority", "assignee_id", "title", "due_date", "description", "labels")
_FIELD_LABELS = {
    "status": "Status",
    "priority": "Priority",
    "assignee_id": "Assignee",
    "title": "Title",
    "due_date": "Due",
    "description": "Description",
    "labels": "Labels",
}


def clean_labels(raw: Any) -> list[str]:
    """Labels as trackers store them: lower case, no spaces, no duplicates, in the order given."""
    items = raw if isinstance(raw, list) else re.split(r"[,\s]+(?:and\s+)?", str(raw or ""))
    out: list[str] = []
    for item in items:
        label = re.sub(r"[^\w-]+", "-", str(item).strip().lstrip("#").lower()).strip("-")[:64]
        if label and label not in out:
            out.append(label)
    return out[:20]


def person_label(person_id: str | None, deps: GraphDeps) -> str:
    """A person's name for display, or 'nobody'."""
    if not person_id:
        return "nobody"
    person = deps.directory.get(person_id)
    return person.name if person else person_id


def _value_label(field: str, value: Any, deps: GraphDeps) -> str:
    if field == "labels":
        return ", ".join(value or []) or "none"
    if field == "assignee_id":
        return person_label(value, deps)
    if field == "priority" and value:
        return str(value).capitalize()
    if value is None or value == "":
        return "none"
    return str(value)


def _clean_text(value: Any, *, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit] if limit <= 255 else str(value or "").strip()[:limit]


def _ticket_fields(params: dict[str, Any], deps: GraphDeps, *, include_project: bool) -> list[EditableField]:
    fields = [
        EditableField(
            name="title", label="Title", value=params.get("title"), display=params.get("title") or "", required=True
        ),
        EditableField(
            name="description",
            label="Description",
            kind="multiline",
            value=params.get("description") or "",
            display=params.get("description") or "",
        ),
    ]
    if include_project:
        projects = deps.tickets.projects()
        fields.append(
            EditableField(
                name="project",
                label="Project",
                kind="select",
                value=params.get("project"),
                display=params.get("project") or "",
                options=[p.key for p in projects],
                required=True,
            )
        )
    fields += [
        EditableField(
            name="priority",
            label="Priority",
            kind="select",
            value=params.get("priority"),
            display=_value_label("priority", params.get("priority"), deps),
            options=list(PRIORITIES),
        ),
        EditableField(
            name="assignee",
            label="Assignee",
            kind="user",
            value=params.get("assignee_id"),
            display=person_label(params.get("assignee_id"), deps),
        ),
        EditableField(
            name="due_date",
            label="Due",
            kind="date",
            value=params.get("due_date"),
            display=params.get("due_date") or "none",
        ),
        EditableField(
            name="labels",
            label="Labels",
            value=", ".join(params.get("labels") or []),
            display=", ".join(params.get("labels") or []) or "none",
        ),
    ]
    return fields


# -- preparing proposals from tool arguments ---------------------------------------------------------------
def prepare_create(
    args: dict[str, Any], deps: GraphDeps, ctx: ConversationContext, *, action_id: str
) -> ProposedAction:
    """A create-ticket proposal from the model's arguments, with names resolved and values checked."""
    title = _clean_text(args.get("title"), limit=255)
    if not title:
        raise ActionInvalidError("A ticket needs a title: what should it be called?", field="title")
    projects = deps.tickets.projects()
    project_ref = args.get("project") or ctx.get("default_project") or deps.default_project
    project = resolve_project(str(project_ref), projects)
    now = deps.clock()
    tz = ctx.get("user_tz", "UTC")
    params: dict[str, Any] = {
        "title": title,
        "description": _clean_text(args.get("description"), limit=20_000),
        "project": project.key,
        "priority": resolve_priority(str(args["priority"])) if args.get("priority") else "medium",
        "assignee_id": None,
        "reporter_id": ctx.get("user_id"),
        "due_date": None,
        "labels": clean_labels(args.get("labels")),
    }
    if args.get("assignee"):
        params["assignee_id"] = resolve_person(
            str(args["assignee"]), deps.directory, speaker_id=ctx.get("user_id", "")
        ).id
    if args.get("due_date"):
        params["due_date"] = resolve_due_date(str(args["due_date"]), now=now, tz=tz).isoformat()
    return _create_action(action_id, args, params, deps)


def _create_action(action_id: str, args: dict[str, Any], params: dict[str, Any], deps: GraphDeps) -> ProposedAction:
    bits = [params["priority"].capitalize()]
    if params.get("assignee_id"):
        bits.append(f"assigned to {person_label(params['assignee_id'], deps)}")
    if params.get("due_date"):
        bits.append(f"due {params['due_date']}")
    if params.get("labels"):
        bits.append("labels " + ", ".join(params["labels"]))
    summary = f"New {params['project']} ticket “{params['title']}” ({', '.join(bits)})"
    return ProposedAction(
        id=action_id,
        kind=CREATE,
        tool="create_ticket",
        tool_args=args,
        params=params,
        summary=summary,
        fields=_ticket_fields(params, deps, include_project=True),
    )


def prepare_update(
    args: dict[str, Any], deps: GraphDeps, ctx: ConversationContext, *, action_id: str, tool: str = "update_ticket"
) -> ProposedAction:
    """An update proposal: only fields that would really change are kept; a no-op is refused."""
    key = str(args.get("key") or "").strip().upper()
    if not key:
        raise ActionInvalidError("Which ticket? Give me its key, like OPS-12.", field="key")
    try:
        ticket = deps.tickets.get(key)
    except NotFoundError as exc:
        raise ActionInvalidError(str(exc), field="key") from exc
    changes = _changes_from_args(args, deps, ctx)
    if args.get("add_labels") or args.get("remove_labels"):
        # "tag it security" adds to the labels already there rather than replacing them.
        removed = set(clean_labels(args.get("remove_labels")))
        labels = [x for x in ticket.labels if x not in removed]
        changes["labels"] = labels + [x for x in clean_labels(args.get("add_labels")) if x not in labels]
    return _update_action(action_id, tool, args, ticket, changes, deps)


def _changes_from_args(args: dict[str, Any], deps: GraphDeps, ctx: ConversationContext) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if args.get("status"):
        changes["status"] = resolve_status(str(args["status"]), deps.tickets.workflow())
    if args.get("priority"):
        changes["priority"] = resolve_priority(str(args["priority"]))
    if args.get("assignee"):
        ref = str(args["assignee"])
        if ref.strip().lower() in {"nobody", "none", "unassigned", "no one"}:
            changes["assignee_id"] = None
        else:
            changes["assignee_id"] = resolve_person(ref, deps.directory, speaker_id=ctx.get("user_id", "")).id
    if args.get("title"):
        changes["title"] = _clean_text(args["title"], limit=255)
    if args.get("description"):
        changes["description"] = _clean_text(args["description"], limit=20_000)
    if args.get("due_date"):
        changes["due_date"] = resolve_due_date(
            str(args["due_date"]), now=deps.clock(), tz=ctx.get("user_tz", "UTC")
        ).isoformat()
    if args.get("labels") is not None:
        changes["labels"] = clean_labels(args["labels"])
    return changes


def _current(ticket: Ticket, field: str) -> Any:
    value = getattr(ticket, field)
    return value.isoformat() if isinstance(value, date) else value


def _update_action(
    action_id: str, tool: str, args: dict[str, Any], ticket: Ticket, changes: dict[str, Any], deps: GraphDeps
) -> ProposedAction:
    effective = {f: v for f, v in changes.items() if _current(ticket, f) != v}
    if not changes:
        raise ActionInvalidError(f"What should change on {ticket.key}? (status, assignee, priority, title, due date)")
    if not effective:
        described = ", ".join(
            f"{_FIELD_LABELS[f].lower()} is already {_value_label(f, v, deps)}" for f, v in changes.items()
        )
        raise ActionInvalidError(f"{ticket.key} needs no change: its {described}.")
    if "status" in effective:
        # Refuse a move the workflow forbids now, on the card, rather than after someone approves it.
        allowed = deps.tickets.transitions(ticket.status, key=ticket.key)
        if effective["status"] not in allowed:
            raise ActionInvalidError(
                f"{ticket.key} can't move from {ticket.status} to {effective['status']}. "
                f"From {ticket.status} it can move to {' or '.join(allowed) or 'nothing'}.",
                field="status",
            )
    before = {f: _current(ticket, f) for f in effective}
    parts = [
        f"{_FIELD_LABELS[f].lower()} {_value_label(f, before[f], deps)} → {_value_label(f, v, deps)}"
        for f, v in effective.items()
    ]
    summary = f"Update {ticket.key} “{ticket.title}”: " + "; ".join(parts)
    fields = [_update_field(f, v, deps) for f, v in effective.items()]
    return ProposedAction(
        id=action_id,
        kind=UPDATE,
        tool=tool,
        tool_args=args,
        params={"key": ticket.key, "changes": effective, "title": ticket.title},
        summary=summary,
        target=ticket.key,
        before=before,
        fields=fields,
    )


def _update_field(field: str, value: Any, deps: GraphDeps) -> EditableField:
    if field == "status":
        return EditableField(
            name="status",
            label="Status",
            kind="select",
            value=value,
            display=str(value),
            options=list(deps.tickets.workflow()),
        )
    if field == "priority":
        return EditableField(
            name="priority",
            label="Priority",
            kind="select",
            value=value,
            display=_value_label("priority", value, deps),
            options=list(PRIORITIES),
        )
    if field == "assignee_id":
        return EditableField(
            name="assignee", label="Assignee", kind="user", value=value, display=person_label(value, deps)
        )
    if field == "due_date":
        return EditableField(name="due_date", label="Due", kind="date", value=value, display=str(value))
    if field == "description":
        return EditableField(name="description", label="Description", kind="multiline", value=value, display=str(value))
    if field == "labels":
        shown = ", ".join(value or [])
        return EditableField(name="labels", label="Labels", value=shown, display=shown or "none")
    return EditableField(name="title", label="Title", value=value, display=str(value), required=True)


def prepare_comment(
    args: dict[str, Any], deps: GraphDeps, ctx: ConversationContext, *, action_id: str
) -> ProposedAction:
    """A comment proposal on an existing ticket."""
    key = str(args.get("key") or "").strip().upper()
    body = str(args.get("body") or "").strip()
    if not key:
        raise ActionInvalidError("Which ticket should I comment on? Give me its key, like OPS-12.", field="key")
    if not body:
        raise ActionInvalidError("What should the comment say?", field="body")
    try:
        ticket = deps.tickets.get(key)
    except NotFoundError as exc:
        raise ActionInvalidError(str(exc), field="key") from exc
    preview = body if len(body) <= 80 else body[:77] + "…"
    return ProposedAction(
        id=action_id,
        kind=COMMENT,
        tool="comment_on_ticket",
        tool_args=args,
        params={"key": ticket.key, "body": body[:10_000], "title": ticket.title},
        summary=f"Comment on {ticket.key} “{ticket.title}”: “{preview}”",
        target=ticket.key,
        fields=[EditableField(name="body", label="Comment", kind="multiline", value=body, display=body, required=True)],
    )


# -- handlers: edit, re-check, apply ----------------------------------------------------------------------
def _edit_args(action: ProposedAction, edits: dict[str, str | None], deps: GraphDeps) -> dict[str, Any]:
    """Edits come from the modal as strings keyed by field name; user fields carry a Slack user id."""
    args: dict[str, Any] = {}
    for name, value in edits.items():
        if name == "assignee":
            args["assignee"] = value if value else "nobody"
        else:
            args[name] = value
    return args


class CreateTicketHandler:
    """Files a new ticket."""

    kind = CREATE

    def revise(self, action: ProposedAction, edits: dict[str, str | None], deps: GraphDeps) -> ProposedAction:
        """Apply edited fields to the proposal and validate them again."""
        params = dict(action.params)
        args = _edit_args(action, edits, deps)
        if "title" in args:
            title = _clean_text(args["title"], limit=255)
            if not title:
                raise ActionInvalidError("The title can't be empty.", field="title")
            params["title"] = title
        if "description" in args:
            params["description"] = _clean_text(args["description"], limit=20_000)
        if args.get("project"):
            params["project"] = resolve_project(str(args["project"]), deps.tickets.projects()).key
        if args.get("priority"):
            params["priority"] = resolve_priority(str(args["priority"]))
        if "assignee" in args:
            ref = str(args["assignee"])
            params["assignee_id"] = None if ref == "nobody" else _person_id(ref, deps)
        if "labels" in args:
            params["labels"] = clean_labels(args["labels"])
        if "due_date" in args:
            params["due_date"] = (
                resolve_due_date(str(args["due_date"]), now=deps.clock(), tz="UTC").isoformat()
                if args["due_date"]
                else None
            )
        return _create_action(action.id, action.tool_args, params, deps)

    def recheck(self, action: ProposedAction, deps: GraphDeps) -> str | None:
        """The project must still exist."""
        if action.params["project"] not in {p.key for p in deps.tickets.projects()}:
            return f"Project {action.params['project']} no longer exists."
        return None

    def apply(self, action: ProposedAction, deps: GraphDeps, *, idempotency_key: str, actor_id: str) -> ActionResult:
        """Create the ticket (at most once per idempotency key)."""
        p = action.params
        ticket = deps.tickets.create(
            TicketCreate(
                title=p["title"],
                description=p.get("description") or "",
                project=p["project"],
                priority=p.get("priority") or "medium",
                assignee_id=p.get("assignee_id"),
                reporter_id=p.get("reporter_id"),
                due_date=date.fromisoformat(p["due_date"]) if p.get("due_date") else None,
                labels=list(p.get("labels") or []),
            ),
            idempotency_key=idempotency_key,
        )
        return ActionResult(
            action_id=action.id,
            kind=self.kind,
            status="done",
            target=ticket.key,
            link=ticket.url,
            message=f"Created {ticket.key} “{ticket.title}”",
        )


def _person_id(ref: str, deps: GraphDeps) -> str:
    person = deps.directory.get(ref)
    if person is not None:
        return person.id
    return resolve_person(ref, deps.directory, speaker_id="").id


class UpdateTicketHandler:
    """Changes fields of an existing ticket."""

    kind = UPDATE

    def revise(self, action: ProposedAction, edits: dict[str, str | None], deps: GraphDeps) -> ProposedAction:
        """Replace the proposed new values with the edited ones."""
        try:
            ticket = deps.tickets.get(action.params["key"])
        except NotFoundError as exc:
            raise ActionInvalidError(str(exc)) from exc
        changes = dict(action.params["changes"])
        for name, value in _edit_args(action, edits, deps).items():
            if name == "status" and value:
                changes["status"] = resolve_status(str(value), deps.tickets.workflow())
            elif name == "priority" and value:
                changes["priority"] = resolve_priority(str(value))
            elif name == "assignee":
                changes["assignee_id"] = None if value == "nobody" else _person_id(str(value), deps)
            elif name == "title" and value:
                changes["title"] = _clean_text(value, limit=255)
            elif name == "due_date" and value:
                changes["due_date"] = resolve_due_date(str(value), now=deps.clock(), tz="UTC").isoformat()
            elif name == "description" and value is not None:
                changes["description"] = str(value)
            elif name == "labels" and value is not None:
                changes["labels"] = clean_labels(value)
        return _update_action(action.id, action.tool, action.tool_args, ticket, changes, deps)

    def recheck(self, action: ProposedAction, deps: GraphDeps) -> str | None:
        """The ticket must exist and the fields being changed must be as they were when proposed."""
        try:
            ticket = deps.tickets.get(action.params["key"])
        except NotFoundError:
            return f"{action.params['key']} no longer exists."
        moved = [
            f
            for f, before in action.before.items()
            if _current(ticket, f) != before and _current(ticket, f) != action.params["changes"].get(f)
        ]
        if moved:
            now = "; ".join(
                f"{_FIELD_LABELS[f].lower()} is now {_value_label(f, _current(ticket, f), deps)}" for f in moved
            )
            return f"{ticket.key} changed since this was proposed ({now})."
        return None

    def apply(self, action: ProposedAction, deps: GraphDeps, *, idempotency_key: str, actor_id: str) -> ActionResult:
        """Apply the changes in one transaction."""
        raw = action.params["changes"]
        changes = TicketChanges(
            status=raw.get("status"),
            priority=raw.get("priority"),
            title=raw.get("title"),
            description=raw.get("description"),
            assignee_id=raw.get("assignee_id") if raw.get("assignee_id") else None,
            clear_assignee="assignee_id" in raw and not raw.get("assignee_id"),
            due_date=date.fromisoformat(raw["due_date"]) if raw.get("due_date") else None,
            labels=list(raw["labels"]) if raw.get("labels") is not None else None,
        )
        ticket = deps.tickets.update(action.params["key"], changes, idempotency_key=idempotency_key)
        parts = [f"{_FIELD_LABELS[f].lower()} {_value_label(f, v, deps)}" for f, v in raw.items()]
        return ActionResult(
            action_id=action.id,
            kind=self.kind,
            status="done",
            target=ticket.key,
            link=ticket.url,
            message=f"Updated {ticket.key} “{ticket.title}”: " + ", ".join(parts),
        )


class CommentTicketHandler:
    """Adds a comment to a ticket."""

    kind = COMMENT

    def revise(self, action: ProposedAction, edits: dict[str, str | None], deps: GraphDeps) -> ProposedAction:
        """Use the edited comment text."""
        body = edits.get("body", action.params["body"]) or ""
        args = {"key": action.params["key"], "body": body}
        return prepare_comment(args, deps, {}, action_id=action.id)

    def recheck(self, action: ProposedAction, deps: GraphDeps) -> str | None:
        """The ticket must still exist."""
        try:
            deps.tickets.get(action.params["key"])
        except NotFoundError:
            return f"{action.params['key']} no longer exists."
        return None

    def apply(self, action: ProposedAction, deps: GraphDeps, *, idempotency_key: str, actor_id: str) -> ActionResult:
        """Post the comment, authored by the requester."""
        ticket = deps.tickets.get(action.params["key"])
        deps.tickets.add_comment(ticket.key, action.params["body"], author_id=actor_id, idempotency_key=idempotency_key)
        return ActionResult(
            action_id=action.id,
            kind=self.kind,
            status="done",
            target=ticket.key,
            link=ticket.url,
            message=f"Commented on {ticket.key} “{ticket.title}”",
        )


__all__ = [
    "COMMENT",
    "CREATE",
    "UPDATE",
    "CommentTicketHandler",
    "CreateTicketHandler",
    "IntegrationError",
    "UpdateTicketHandler",
    "prepare_comment",
    "prepare_create",
    "prepare_update",
]
