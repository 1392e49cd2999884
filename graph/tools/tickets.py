"""Ticket tools: search and get run now; create, update, comment and close become proposals."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field

from graph.actions.base import ProposedAction
from graph.actions.tickets import person_label, prepare_comment, prepare_create, prepare_update
from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.parsing.datetimes import find_week
from graph.resolve import resolve_due_date, resolve_person, resolve_priority, resolve_project, resolve_status
from graph.state import ConversationContext
from graph.ticket_similarity import CANDIDATE_LIMIT, find_similar_open, rank_similar
from graph.tools.proposals import ProposalCollector
from integrations.errors import IntegrationError
from integrations.tickets.base import Ticket, TicketQuery, match_score, significant_words, title_hits

READ_TOOLS = ("search_tickets", "get_ticket")
ARTIFACT_TOOLS = frozenset({"search_tickets", "create_ticket"})
WRITE_TOOLS = ("create_ticket", "update_ticket", "update_tickets", "comment_on_ticket", "close_ticket")


class _TicketFilters(BaseModel):
    text: str | None = Field(default=None, description="Words to look for in the title or description.")
    assignee: str | None = Field(default=None, description="Person: a <@U…> mention, name, email, 'me' or 'nobody'.")
    status: str | None = Field(
        default=None,
        description="Workflow status, e.g. 'In Progress'; several as 'In Progress, In Review'; 'active' means "
        "begun but not finished (any status between the first and the last).",
    )
    project: str | None = Field(default=None, description="Project key or name, e.g. 'OPS'.")
    priority: str | None = Field(
        default=None, description="lowest | low | medium | high | highest; several as 'high, highest'."
    )
    overdue: bool = Field(default=False, description="Only tickets past their due date and not finished.")
    no_due_date: bool = Field(default=False, description="Only tickets without a due date.")
    topic: str | None = Field(
        default=None, description="Only tickets with this label or about it (words in the title), e.g. 'frontend'."
    )
    due_before: str | None = Field(default=None, description="Only tickets due before this date.")
    due_by: str | None = Field(default=None, description="Only tickets due on or before this date ('by Thursday').")
    due_after: str | None = Field(default=None, description="Only tickets due after this date.")
    due_in: str | None = Field(
        default=None, description="Only tickets due 'today', 'tomorrow', 'this week', 'next week'."
    )
    label: str | None = Field(default=None, description="Only tickets with this label.")
    reporter: str | None = Field(default=None, description="Only tickets this person filed ('me' for the asker).")
    keys: list[str] | None = Field(default=None, description="Only these tickets (e.g. from a list just shown).")
    exclude_text: str | None = Field(
        default=None, description="Leave out tickets about this (words from their title), e.g. 'VPN'."
    )


class SearchTicketsArgs(_TicketFilters):
    """Find tickets. Every filter is optional; combine them freely."""

    include_done: bool = Field(default=False, description="Include finished tickets.")
    limit: int = Field(default=10, ge=1, le=50)


class BulkUpdateArgs(_TicketFilters):
    """Propose the same change to every ticket matching the filters; one approval card lists each ticket."""

    new_status: str | None = Field(default=None, description="Move them to this status.")
    new_assignee: str | None = Field(default=None, description="Give them to this person ('nobody' unassigns).")
    new_priority: str | None = Field(default=None, description="Set this priority.")
    new_due_date: str | None = Field(default=None, description="Set this due date.")
    new_due_shift_days: int | None = Field(
        default=None, description="Move each due date by this many days (7 = a week later, -2 = two days earlier)."
    )
    add_labels: list[str] | None = Field(default=None, description="Labels to add to each (existing ones stay).")
    remove_labels: list[str] | None = Field(default=None, description="Labels to remove from each.")
    expect_one: bool = Field(default=False, description="True when the person meant a single ticket.")
    each_of: list[str] | None = Field(
        default=None,
        description="Several tickets named by description ('the empty states one and the settings redesign' → "
        "['empty states', 'settings redesign']); each must match exactly one open ticket.",
    )
    replaces: str | None = Field(default=None, description="Id of the pending proposal this corrects.")


class GetTicketArgs(BaseModel):
    """Look up one ticket by key."""

    key: str = Field(description="Ticket key such as OPS-12.")


class CreateTicketArgs(BaseModel):
    """Propose a new ticket. It is filed only after a person approves it in Slack."""

    title: str = Field(description="Short summary of the problem or task.")
    description: str | None = Field(default=None, description="Details, steps, context.")
    project: str | None = Field(default=None, description="Project key or name; default is the channel's.")
    priority: str | None = Field(default=None, description="lowest | low | medium | high | highest")
    assignee: str | None = Field(default=None, description="Person: a <@U…> mention, name, email or 'me'.")
    due_date: str | None = Field(default=None, description="Due date, e.g. 2026-12-05 or 'next Friday'.")
    labels: list[str] | None = Field(default=None, description="Labels (tags), e.g. ['security'].")
    allow_duplicate: bool = Field(
        default=False,
        description="True only after the person saw the possible duplicates offered and still wants a new ticket.",
    )
    replaces: str | None = Field(default=None, description="Id of the pending proposal this corrects; it replaces it.")


class UpdateTicketArgs(BaseModel):
    """Propose changes to an existing ticket (only the fields given change). Runs after approval."""

    key: str = Field(description="Ticket key such as OPS-12.")
    status: str | None = Field(default=None, description="New workflow status.")
    assignee: str | None = Field(default=None, description="New assignee (mention, name, email, 'me', 'nobody').")
    priority: str | None = Field(default=None, description="New priority.")
    title: str | None = Field(default=None, description="New title.")
    description: str | None = Field(default=None, description="New description.")
    due_date: str | None = Field(default=None, description="New due date.")
    add_labels: list[str] | None = Field(default=None, description="Labels to add (existing ones stay).")
    remove_labels: list[str] | None = Field(default=None, description="Labels to remove.")
    replaces: str | None = Field(default=None, description="Id of the pending proposal this corrects; it replaces it.")


class CommentArgs(BaseModel):
    """Propose a comment on a ticket. Posted after approval."""

    key: str | None = Field(default=None, description="Ticket key such as OPS-12.")
    about: str | None = Field(
        default=None,
        description="Without a key: words describing the ticket ('the pricing page bug'); exactly one open "
        "ticket must match, otherwise the candidates are listed and nothing is proposed.",
    )
    body: str = Field(description="The comment text.")
    replaces: str | None = Field(default=None, description="Id of the pending proposal this corrects; it replaces it.")


class CloseTicketArgs(BaseModel):
    """Propose closing a ticket (moving it to the final status), optionally with a closing comment."""

    key: str = Field(description="Ticket key such as OPS-12.")
    comment: str | None = Field(default=None, description="Optional closing comment.")
    replaces: str | None = Field(default=None, description="Id of the pending proposal this corrects; it replaces it.")


def _due_window(phrase: str, today: date) -> tuple[date, date]:
    """First and last day of "today", "tomorrow", "this week", "next week"."""
    lowered = phrase.strip().lower()
    if lowered == "today":
        return today, today
    if lowered == "tomorrow":
        return today + timedelta(days=1), today + timedelta(days=1)
    week = find_week(lowered, today)
    if week is None:
        raise ActionInvalidError(f"'{phrase}' is not a window I know; try 'this week' or 'next week'.")
    return week


def _described_by(ticket: Ticket, description: str) -> bool:
    """Whether ``description`` ("urgent", "security", "VPN") names the ticket's priority, a label or its subject."""
    words = significant_words(description)
    for word in description.split():
        try:
            if resolve_priority(word) == ticket.priority:
                return True
        except ActionInvalidError:
            pass
    if {w.lower() for w in ticket.labels} & set(words):
        return True
    return bool(words) and bool(match_score(words, ticket.title, ticket.description or ""))


def _about_topic(ticket: Ticket, topic: str) -> bool:
    """Whether a ticket carries ``topic`` as a label or is about it (its words in the title or description)."""
    words = significant_words(topic)
    if {w.lower() for w in ticket.labels} & ({topic.strip().lower()} | set(words)):
        return True
    return bool(words) and bool(match_score(words, ticket.title, ticket.description or ""))


_SEVERAL = re.compile(r"\s*(?:,|/|\bor\b|\band\b|&)\s*", re.I)
_ACTIVE = {"active", "ongoing", "in flight", "underway", "under way", "being worked on"}
_NOT_STARTED = {"not started", "unstarted", "not yet started"}


def _several(value: str) -> list[str]:
    """ "high, highest" / "high or highest" / "In Progress/In Review" → each value."""
    return [v for v in _SEVERAL.split(value.strip()) if v]


def resolve_statuses(value: str, workflow: tuple[str, ...]) -> list[str]:
    """The statuses a search filter names: one, several, or 'active' (begun but not finished)."""
    out: list[str] = []
    for part in _several(value):
        if part.strip().lower() in _ACTIVE and not any(s.lower() == part.strip().lower() for s in workflow):
            found = list(workflow[1:-1]) or list(workflow[:1])
        elif part.strip().lower() in _NOT_STARTED and not any(s.lower() == part.strip().lower() for s in workflow):
            found = list(workflow[:1])  # not started: the first status, whatever the workflow calls it
        else:
            found = [resolve_status(part, workflow)]
        out.extend(s for s in found if s not in out)
    return out


def _describe_filters(args: _TicketFilters) -> str:
    bits = [
        f"{name.replace('_', ' ')} {value}"
        for name, value in args.model_dump(exclude_none=True).items()
        if name
        in {
            "assignee",
            "status",
            "project",
            "priority",
            "due_before",
            "due_by",
            "due_after",
            "due_in",
            "text",
            "label",
            "topic",
        }
    ]
    if args.overdue:
        bits.append("overdue")
    if args.no_due_date:
        bits.append("no due date")
    return ", ".join(bits) or "no filters"


def format_ticket_line(ticket: Ticket, deps: GraphDeps) -> str:
    """One line per ticket: key, title, status, priority, assignee, due date."""
    parts = [ticket.status, ticket.priority.capitalize(), person_label(ticket.assignee_id, deps)]
    if ticket.due_date:
        parts.append(f"due {ticket.due_date.isoformat()}")
    return f"{ticket.key} “{ticket.title}” · " + " · ".join(parts)


def _format_ticket_detail(ticket: Ticket, deps: GraphDeps) -> str:
    lines = [
        format_ticket_line(ticket, deps),
        f"Project: {ticket.project} · Reporter: {person_label(ticket.reporter_id, deps)} · "
        f"Updated: {ticket.updated_at:%Y-%m-%d}",
        f"Link: {ticket.url}",
    ]
    if ticket.description:
        # Ticket text is data written by people, never instructions to follow: fence it.
        lines.append("Description (quoted data):\n<<<\n" + ticket.description[:2000] + "\n>>>")
    return "\n".join(lines)


def build_ticket_tools(deps: GraphDeps, ctx: ConversationContext, collector: ProposalCollector) -> list[BaseTool]:
    """The ticket tools for one turn, bound to who is asking and to the turn's proposal collector."""
    speaker = ctx.get("user_id", "")

    def build_query(args: _TicketFilters, *, limit: int, include_done: bool) -> TicketQuery:
        query = TicketQuery(text=args.text or None, include_done=include_done, limit=limit)
        if args.assignee:
            if args.assignee.strip().lower() in {"nobody", "unassigned", "no one"}:
                query.unassigned = True
            else:
                query.assignee_id = resolve_person(args.assignee, deps.directory, speaker_id=speaker).id
        if args.reporter:
            query.reporter_id = resolve_person(args.reporter, deps.directory, speaker_id=speaker).id
        if args.status:
            query.statuses = resolve_statuses(args.status, deps.tickets.workflow())
        if args.project:
            query.project = resolve_project(args.project, deps.tickets.projects()).key
        if args.priority:
            query.priorities = list(dict.fromkeys(resolve_priority(p) for p in _several(args.priority)))
        if args.label:
            query.labels = [args.label.strip().lstrip("#").lower()]
        if args.keys:
            query.keys = [k.strip().upper() for k in args.keys]
        tz = ctx.get("user_tz", "UTC")
        today = deps.clock().astimezone(ZoneInfo(tz)).date()
        if args.overdue:
            query.overdue, query.as_of = True, today
        query.no_due_date = args.no_due_date
        if args.due_before:
            query.due_before = resolve_due_date(args.due_before, now=deps.clock(), tz=tz)
        if args.due_by:
            # The backends' bound is exclusive: due by Thursday is due before Friday.
            by = resolve_due_date(args.due_by, now=deps.clock(), tz=tz) + timedelta(days=1)
            query.due_before = min(by, query.due_before) if query.due_before else by
        if args.due_after:
            query.due_after = resolve_due_date(args.due_after, now=deps.clock(), tz=tz)
        if args.due_in:
            first, last = _due_window(args.due_in, today)
            # due_after and due_before are exclusive bounds.
            query.due_after, query.due_before = first - timedelta(days=1), last + timedelta(days=1)
        return query

    def find(args: _TicketFilters, *, limit: int, include_done: bool) -> list[Ticket]:
        wider = limit if not args.topic else max(limit, CANDIDATE_LIMIT)
        found = deps.tickets.search(build_query(args, limit=wider, include_done=include_done))
        if args.topic:
            # "my frontend tickets": a label, or failing that the words of the title; kept after the search so
            # that either counts.
            topic = args.topic
            found = [t for t in found if _about_topic(t, topic)][:limit]
        if args.exclude_text:
            # "all of Diego's tickets except the VPN one / the urgent ones": drop those the words describe.
            found = [t for t in found if not _described_by(t, args.exclude_text)]
        return found

    def closed_matching(args: _TicketFilters) -> list[Ticket]:
        """Finished tickets the filters match, for saying so when no open one does."""
        if not args.text or args.status:
            return []
        final = deps.tickets.workflow()[-1].lower()
        return [t for t in find(args, limit=20, include_done=True) if t.status.lower() == final][:5]

    def none_open(args: _TicketFilters, what: str) -> str:
        """What to ask when no open ticket matches ``what``, naming any finished ticket that does."""
        closed = closed_matching(args)
        if closed:
            listed = "\n".join(f"• {format_ticket_line(t, deps)}" for t in closed)
            which = "The only match is" if len(closed) == 1 else "The matches are"
            return (
                f"No open ticket matches {what}. {which} already finished:\n{listed}\n"
                "Which open ticket do you mean? Give me its key, like OPS-12."
            )
        return (
            f"I couldn't find an open ticket matching {what}. Which ticket do you mean? Give me its key, like OPS-12."
        )

    def already_final(args: _TicketFilters, change: dict[str, Any]) -> str | None:
        """For closing the one ticket a description names, when that ticket is finished already: say so, change
        nothing. None when the request is no close or the finished matches are not exactly one."""
        workflow = deps.tickets.workflow()
        if set(change) != {"status"}:
            return None
        try:
            if resolve_statuses(str(change["status"]), workflow) != [workflow[-1]]:
                return None
        except ActionInvalidError:
            return None  # an unknown status: none_open's question and the update's own error explain it
        closed = closed_matching(args)
        if len(closed) != 1:
            return None
        return f"{format_ticket_line(closed[0], deps)} is already {workflow[-1]}, so there is nothing to close."

    def require_title_word(ticket: Ticket, text: str) -> None:
        """A description that matches only a ticket's body (no word of its title) is a guess: ask instead."""
        words = significant_words(text)
        if words and not title_hits(words, ticket.title):
            raise ActionInvalidError(
                f"The only open ticket that mentions “{text}” is {format_ticket_line(ticket, deps)}, and only in "
                "its description, so I'm not sure that's the one. Which ticket do you mean? Give me its key."
            )

    def topic_known(topic: str) -> bool:
        """Whether some ticket carries ``topic`` as a label or has its words in the title."""
        words = significant_words(topic)
        wanted = {topic.strip().lower()} | {w.lower() for w in words}
        for ticket in deps.tickets.search(TicketQuery(include_done=True, limit=500)):
            if {w.lower() for w in ticket.labels} & wanted or (words and match_score(words, ticket.title, "")):
                return True
        return False

    def search_tickets(**kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
        args = SearchTicketsArgs(**kwargs)
        note = ""
        if args.topic and not topic_known(args.topic):
            # "the recently updated tickets", "the blocked tickets": words no label or title carries describe the
            # tickets rather than name a subject; a search (never a write) goes on without them.
            note = f"(No ticket is labelled or titled “{args.topic}”, so I didn't filter on that.)\n"
            args = args.model_copy(update={"topic": None})
        found = find(args, limit=args.limit, include_done=args.include_done)
        header = f"{len(found)} ticket{'s' if len(found) != 1 else ''}:"
        if not found and args.text:
            # No ticket has those words; one may still describe the same thing in others ("Macs" vs "macOS").
            wider = build_query(
                args.model_copy(update={"text": None}), limit=CANDIDATE_LIMIT, include_done=args.include_done
            )
            found = [s.ticket for s in rank_similar(args.text, deps.tickets.search(wider), limit=5)]
            looks = "this one looks" if len(found) == 1 else "these look"
            header = f"No ticket uses those exact words, but {looks} related:"
        if not found:
            closed = [] if args.include_done else closed_matching(args)
            if closed:
                lines = [note + "No open tickets match, but these finished ones do:"]
                lines += [f"• {format_ticket_line(t, deps)}" for t in closed]
                return "\n".join(lines), [ticket_item(t, deps) for t in closed]
            return note + "No tickets match.", []
        lines = [note + header, *(f"• {format_ticket_line(t, deps)}" for t in found)]
        return "\n".join(lines), [ticket_item(t, deps) for t in found]

    def update_tickets(**kwargs: Any) -> str:
        args = BulkUpdateArgs(**kwargs)
        change = {
            k: v
            for k, v in {
                "status": args.new_status,
                "assignee": args.new_assignee,
                "priority": args.new_priority,
                "due_date": args.new_due_date,
                "add_labels": args.add_labels,
                "remove_labels": args.remove_labels,
            }.items()
            if v
        }
        if not change and args.new_due_shift_days is None:
            raise ActionInvalidError(
                "What should change on those tickets? (status, assignee, priority, due date or labels)"
            )
        if args.each_of:
            picked = _each_described(args)
            if isinstance(picked, str):
                return picked
            found = picked
        else:
            found = find(args, limit=200, include_done=bool(args.status))
            if args.expect_one and args.text and len(found) > 1:
                found = _clear_best(found, args.text) or found
        if not found and args.expect_one:
            return already_final(args, change) or none_open(args, f"that ({_describe_filters(args)})")
        if args.expect_one and args.text and len(found) == 1 and not args.each_of:
            require_title_word(found[0], args.text)
        if not found:
            return f"No tickets match ({_describe_filters(args)}), so there is nothing to change."
        if args.expect_one and len(found) > 1:
            listed = "\n".join(f"• {format_ticket_line(t, deps)}" for t in found[:10])
            raise ActionInvalidError(f"{len(found)} tickets match; which one do you mean?\n{listed}")
        lines, skipped = [], []
        replaces = args.replaces
        for ticket in found:
            per_ticket = dict(change)
            if args.new_due_shift_days is not None:
                if ticket.due_date is None:
                    skipped.append(f"{ticket.key}: it has no due date to move")
                    continue
                per_ticket["due_date"] = (ticket.due_date + timedelta(days=args.new_due_shift_days)).isoformat()
            try:
                action = prepare_update({"key": ticket.key, **per_ticket}, deps, ctx, action_id=collector.next_id())
            except ActionInvalidError as why:
                skipped.append(f"{ticket.key}: {why}")
                continue
            position = collector.add(action, replaces=replaces)
            replaces = None
            lines.append(f"Proposed #{position}: {action.summary}.")
        if not lines:
            return "Nothing to change: " + "; ".join(skipped)
        more = f" (and {len(skipped) - 5} more)" if len(skipped) > 5 else ""
        tail = f"\nLeft alone: {'; '.join(skipped[:5])}{more}." if skipped else ""
        return "\n".join(lines) + " They run only after a person approves." + tail

    def _each_described(args: BulkUpdateArgs) -> list[Ticket] | str:
        """One open ticket per description in ``args.each_of``, or what to ask when one matches none or several."""
        picked: list[Ticket] = []
        for words in args.each_of or []:
            single = args.model_copy(update={"text": words, "each_of": None, "keys": None})
            found = find(single, limit=20, include_done=False)
            found = _clear_best(found, words) or found
            if not found:
                return none_open(single, f"“{words}”")
            if len(found) > 1:
                listed = "\n".join(f"• {format_ticket_line(t, deps)}" for t in found[:10])
                raise ActionInvalidError(f"{len(found)} tickets match “{words}”; which one do you mean?\n{listed}")
            require_title_word(found[0], words)
            if found[0].key not in {t.key for t in picked}:
                picked.append(found[0])
        return picked

    def get_ticket(key: str) -> str:
        return _format_ticket_detail(deps.tickets.get(key), deps)

    def propose(prepare: Callable[..., ProposedAction], args: dict[str, Any], **extra: Any) -> str:
        replaces = args.pop("replaces", None)
        action = prepare(args, deps, ctx, action_id=collector.next_id(), **extra)
        position = collector.add(action, replaces=replaces)
        return f"Proposed #{position}: {action.summary}. It runs only after a person approves it."

    def create_ticket(**kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
        parsed = CreateTicketArgs(**kwargs)
        args = parsed.model_dump(exclude_none=True, exclude={"allow_duplicate"})
        if not (parsed.allow_duplicate or parsed.replaces):
            # Resolve the project first (bad input fails here, before any search), then look for the same problem.
            draft = prepare_create(dict(args), deps, ctx, action_id="draft")
            text = f"{draft.params['title']}. {draft.params.get('description') or ''}".strip()
            similar = find_similar_open(deps.tickets, text, project=draft.params["project"])
            if similar:
                return _offer_duplicates(draft.params["title"], [s.ticket for s in similar], deps)
        return propose(prepare_create, args), []

    def update_ticket(**kwargs: Any) -> str:
        args = UpdateTicketArgs(**kwargs).model_dump(exclude_none=True)
        return propose(prepare_update, args)

    def described_ticket(about: str) -> str:
        """The key of the one open ticket ``about`` describes; several or none is a question, never a guess."""
        found = find(_TicketFilters(text=about), limit=10, include_done=False)
        if len(found) == 1:
            require_title_word(found[0], about)
            return found[0].key
        if not found:
            raise ActionInvalidError(none_open(_TicketFilters(text=about), f"“{about}”"))
        listed = "\n".join(f"• {format_ticket_line(t, deps)}" for t in found)
        raise ActionInvalidError(f"{len(found)} tickets match “{about}”; which one do you mean?\n{listed}")

    def comment_on_ticket(**kwargs: Any) -> str:
        args = CommentArgs(**kwargs).model_dump(exclude_none=True)
        about = args.pop("about", None)
        if not args.get("key"):
            if not about:
                raise ActionInvalidError("Which ticket should I comment on? Give me its key, like OPS-12.")
            args["key"] = described_ticket(about)
        return propose(prepare_comment, args)

    def close_ticket(**kwargs: Any) -> str:
        args = CloseTicketArgs(**kwargs)
        final = deps.tickets.workflow()[-1]
        out = propose(
            prepare_update, {"key": args.key, "status": final, "replaces": args.replaces}, tool="close_ticket"
        )
        if args.comment:
            out += "\n" + propose(prepare_comment, {"key": args.key, "body": args.comment})
        return out

    specs: list[tuple[Callable[..., Any], str, type[BaseModel]]] = [
        (search_tickets, "search_tickets", SearchTicketsArgs),
        (update_tickets, "update_tickets", BulkUpdateArgs),
        (get_ticket, "get_ticket", GetTicketArgs),
        (create_ticket, "create_ticket", CreateTicketArgs),
        (update_ticket, "update_ticket", UpdateTicketArgs),
        (comment_on_ticket, "comment_on_ticket", CommentArgs),
        (close_ticket, "close_ticket", CloseTicketArgs),
    ]
    return [
        StructuredTool.from_function(
            func=_as_tool_text(fn, name in ARTIFACT_TOOLS),
            name=name,
            description=(schema.__doc__ or name).strip(),
            args_schema=schema,
            response_format="content_and_artifact" if name in ARTIFACT_TOOLS else "content",
        )
        for fn, name, schema in specs
    ]


def ticket_item(ticket: Ticket, deps: GraphDeps) -> dict[str, Any]:
    """A ticket as the Slack edge renders it in a list."""
    return {
        "key": ticket.key,
        "title": ticket.title,
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": person_label(ticket.assignee_id, deps) if ticket.assignee_id else None,
        "due": ticket.due_date.isoformat() if ticket.due_date else None,
        "url": ticket.url,
    }


DUPLICATE_HEADER = "Possible duplicate, so nothing is filed yet."


def _offer_duplicates(title: str, similar: list[Ticket], deps: GraphDeps) -> tuple[str, list[dict[str, Any]]]:
    """Offer the existing tickets instead of filing a second one; the person decides."""
    first = similar[0]
    looks = "looks like the same problem" if len(similar) == 1 else "look like the same problem"
    lines = [
        f"{DUPLICATE_HEADER} {'This open ticket' if len(similar) == 1 else 'These open tickets'} {looks} as “{title}”:",
        *(f"• {format_ticket_line(t, deps)}" for t in similar),
        f"Shall I comment on {first.key} instead? Say “comment on {first.key}: …”, or “file it anyway” "
        "for a new ticket.",
    ]
    return "\n".join(lines), [ticket_item(t, deps) for t in similar]


def _as_tool_text(fn: Callable[..., Any], with_artifact: bool = False) -> Callable[..., Any]:
    """Expected failures go back to the model as text it can relay or act on; bugs still raise."""

    def wrapper(**kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except (ActionInvalidError, IntegrationError) as exc:
            return (f"Error: {exc}", []) if with_artifact else f"Error: {exc}"

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _clear_best(found: list[Ticket], text: str) -> list[Ticket]:
    """The one ticket whose title or description holds every significant word of ``text`` when no other does
    ("settings page redesign" is the redesign, not the dark-mode ticket that only mentions the settings page);
    otherwise nothing, and the caller asks."""
    words = significant_words(text)
    full = [t for t in found if words and all(match_score([w], t.title, t.description or "") for w in words)]
    return full if len(full) == 1 else []
