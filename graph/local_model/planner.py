"""What the local model says next: tool calls for a request, or a question when a slot is missing."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from graph.local_model.context import AWAITING_KEY, ModelContext
from graph.local_model.intents import shared_classifier
from graph.local_model.lexicon import Lexicon
from graph.local_model.text import normalise, strip_bot_mention, unslack
from graph.local_model.ticket_bulk import due_shift_days, parse_bulk, parse_described_pair, search_due_filter
from graph.local_model.ticket_topic import statement_part, title_from_context, title_from_conversation
from graph.local_model.tickets_nlu import TicketFrame, find_keys, mask_quotes, parse_ticket_request
from graph.tools.tickets import DUPLICATE_HEADER

_DISCARD = re.compile(
    r"^\W*(?:(?:oh|ok|okay|actually|sorry|ah|no)[\s,]+)*(?:never\s*mind|nevermind|forget (?:it|that|about it)|"
    r"cancel (?:it|that|this)|scrap (?:it|that)|drop (?:it|that)|don'?t (?:bother|do (?:it|that))|"
    r"no need|ignore (?:that|it|me))\b",
    re.I,
)
_REVISION_CUE = re.compile(
    r"\b(it|that|instead|actually|also|too|rather|make it|change|set|put|call it|rename|assign|give)\b", re.I
)


@dataclass
class Plan:
    """Either tool calls to make or text to say (possibly a question awaiting a slot)."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""
    awaiting: dict[str, Any] | None = None

    def to_message(self) -> AIMessage:
        """As the AIMessage an LLM would have produced; never an empty one (see ``never_silent``)."""
        if not self.calls and not self.text.strip():
            self.text = GENERIC_FALLBACK  # any planner's empty plan: deskhand never replies with nothing
        tool_calls = [
            {"name": c["name"], "args": c["args"], "id": f"call_{uuid.uuid4().hex[:16]}", "type": "tool_call"}
            for c in self.calls
        ]
        extra = {AWAITING_KEY: self.awaiting} if self.awaiting else {}
        return AIMessage(content=self.text, tool_calls=tool_calls, additional_kwargs=extra)


GENERIC_FALLBACK = "Sorry, I didn't understand that well enough to act on it. Could you say it another way?"
SILENCE_FALLBACK = (
    "Sorry, I didn't understand that well enough to act on it. I can find tickets (“what's open in OPS?”), "
    "change one (“move OPS-12 to In Review”) or file one (“open a ticket: the VPN drops every hour”)."
)


def never_silent(plan: Plan) -> Plan:
    """The plan, or when it would say nothing and call nothing, a clear fallback message: deskhand never replies
    with nothing."""
    if not plan.calls and not plan.text.strip():
        plan.text = SILENCE_FALLBACK
    return plan


def clean_human_text(message: BaseMessage, ctx: ModelContext) -> str:
    """The human message as the parsers want it: no bot mention, no Slack link markup, normalised."""
    raw = (
        message.content
        if isinstance(message.content, str)
        else " ".join(part.get("text", "") for part in message.content if isinstance(part, dict))
    )
    return normalise(unslack(strip_bot_mention(raw, ctx.bot_user_id)))


def _awaiting(messages: list[BaseMessage]) -> dict[str, Any] | None:
    """The slot the model asked for in its previous turn, if the person is answering it now."""
    if len(messages) >= 2 and isinstance(messages[-2], AIMessage):
        value = messages[-2].additional_kwargs.get(AWAITING_KEY)
        return value if isinstance(value, dict) else None
    return None


def _last_ticket_keys(messages: list[BaseMessage], lexicon: Lexicon) -> list[str]:
    """Ticket keys of the most recent earlier message that mentions any (for "close it", "assign it")."""
    for message in reversed(messages[:-1]):
        content = message.content if isinstance(message.content, str) else ""
        keys = find_keys(content, lexicon)
        if keys:
            return keys
    return []


def _listed_keys(messages: list[BaseMessage]) -> list[str]:
    """The tickets the latest search in this conversation listed (what "those" and "the unassigned one" mean)."""
    for message in reversed(messages[:-1]):
        if isinstance(message, ToolMessage) and message.name == "search_tickets":
            content = message.content if isinstance(message.content, str) else ""
            return re.findall(r"^• ([A-Z][A-Z0-9]*-\d+)", content, re.M)
        if isinstance(message, ToolMessage) and message.name in {"update_tickets", "update_ticket", "create_ticket"}:
            return []  # something has happened since the list; "those" no longer clearly means it
    return []


def _ticket_action_hint(text: str) -> str | None:
    best = next((s for s in shared_classifier().classify(text).ranked if s.route == "tickets"), None)
    return best.label.split(".", 1)[1] if best else None


def plan_tickets(messages: list[BaseMessage], ctx: ModelContext, tools: set[str]) -> Plan:
    """Plan the reply to the latest human message in a ticket conversation; it always calls or says something."""
    return never_silent(_plan_tickets(messages, ctx, tools))


def _plan_tickets(messages: list[BaseMessage], ctx: ModelContext, tools: set[str]) -> Plan:
    lexicon = Lexicon.build(ctx.people, ctx.projects)
    text = clean_human_text(messages[-1], ctx)
    awaiting = _awaiting(messages)

    if ctx.pending and _DISCARD.match(text) and len(text.split()) <= 8 and "discard_pending_proposals" in tools:
        return Plan(calls=[{"name": "discard_pending_proposals", "args": {}}])

    if awaiting and awaiting.get("action") == "duplicate":
        answered = _answer_duplicate_offer(awaiting, text, lexicon, ctx)
        if answered is not None:
            return answered

    if awaiting and awaiting.get("action") != "duplicate":
        # An answer to our own question wins unless the message is plainly a new request on its own.
        explicit = parse_ticket_request(text, lexicon, suggested=None, bot_id=ctx.bot_user_id)
        bare_key = bool(explicit.keys) and len(text.split()) <= 4
        if explicit.action in (None, awaiting.get("action")) or bare_key:
            return _answer_awaited(awaiting, text, explicit)

    if "update_tickets" in tools and not find_keys(mask_quotes(text), lexicon):
        bulk = parse_bulk(text, lexicon, listed=_listed_keys(messages)) or parse_described_pair(text, lexicon)
        if bulk is not None:
            return Plan(calls=[{"name": "update_tickets", "args": bulk.tool_args()}])

    frame = parse_ticket_request(text, lexicon, suggested=_ticket_action_hint(text), bot_id=ctx.bot_user_id)

    target = _pending_target(ctx.pending, frame)
    if target is not None and _is_revision(frame, text, target):
        return _revise(target, frame)

    if frame.action == "create" and frame.kind is not None and not frame.title:
        # "raise the replacement ticket for me": titled from the problem the person stated (earlier or in this
        # message), else we ask.
        said = [clean_human_text(m, ctx) for m in messages if isinstance(m, HumanMessage)]
        found = title_from_context(frame.kind, [*said[:-1], statement_part(said[-1])] if said else [])
        if found:
            frame.title, frame.description = found[0], frame.description or found[1]
    elif frame.action == "create" and frame.file_it and not frame.title and _pending_create(ctx.pending):
        # "ok just file it now then" while a ticket waits on its card: that one, never a second copy of it
        return Plan(text="That ticket is ready on the card above: press Approve to file it, or tell me what to change.")
    elif frame.action == "create" and frame.file_it and not frame.title:
        # "ok just file it now then": titled from the question or problem the person raised just before, else we ask
        earlier = [clean_human_text(m, ctx) for m in messages[:-1] if isinstance(m, HumanMessage)]
        found = title_from_conversation(earlier)
        if found:
            frame.title, frame.description, frame.vague = found[0], frame.description or found[1], False
    if frame.about_is_guess and _last_ticket_keys(messages, lexicon):
        frame.about = None  # "it" is the ticket this thread already named, not the sentence's subject
    if frame.action in {"update", "close", "comment"} and not frame.keys and frame.about:
        shift = _due_shift(frame, text)
        if shift is not None and "update_tickets" in tools and set(frame.change_slots()) <= {"due_date"}:
            args = {"text": frame.about, "expect_one": True, "new_due_shift_days": shift}
            return Plan(calls=[{"name": "update_tickets", "args": args}])
        # "X is in review now, and push its due date back 3 days": other changes with a relative due shift.
        described = _plan_described(frame, tools, shift=_due_shift(frame, text, alongside=True))
        if described is not None:
            return described
    if frame.action in {"update", "close", "comment"} and not frame.keys:
        frame.keys = _last_ticket_keys(messages, lexicon)
        if len(frame.keys) > 1:
            options = ", ".join(frame.keys[:8])
            return Plan(
                text=f"Which ticket do you mean: {options}?",
                awaiting={
                    "action": frame.action,
                    "slot": "key",
                    "args": frame.change_slots(),
                    "comment": frame.comment,
                },
            )
    shift = _due_shift(frame, text)
    if shift is not None and "update_tickets" in tools:
        # "push the due date on ENG-12 out a week": relative to each ticket's own due date, which the tool knows.
        return Plan(calls=[{"name": "update_tickets", "args": {"keys": frame.keys, "new_due_shift_days": shift}}])
    return _plan_from_frame(frame, tools)


_BULK_CHANGE = {"status": "new_status", "assignee": "new_assignee", "priority": "new_priority"}


def _plan_described(frame: TicketFrame, tools: set[str], *, shift: int | None = None) -> Plan | None:
    """A change to the one open ticket ``frame.about`` describes ("the empty states one"); the tools look it up
    and list the candidates instead of choosing when several match. None when the change can't be made that way."""
    about = frame.about or ""
    if frame.action == "comment" and frame.comment and "comment_on_ticket" in tools:
        return Plan(calls=[{"name": "comment_on_ticket", "args": {"about": about, "body": frame.comment}}])
    if frame.action == "close" and frame.comment and {"update_tickets", "comment_on_ticket"} <= tools:
        # "the scanner's fine now, close it out and leave a note saying that": closed, and the note on it
        return Plan(
            calls=[
                {"name": "update_tickets", "args": {"text": about, "expect_one": True, "new_status": "done"}},
                {"name": "comment_on_ticket", "args": {"about": about, "body": frame.comment}},
            ]
        )
    if "update_tickets" not in tools or (frame.action == "close" and frame.comment):
        return None
    changes = frame.change_slots()
    changes.pop("project", None)
    if frame.action == "close":
        changes = {"status": "done"}
    args: dict[str, Any] = {"text": about, "expect_one": True}
    if frame.reporter:
        args["reporter"] = frame.reporter  # "my monitor request": among the tickets the speaker filed
    for slot, value in changes.items():
        if slot in _BULK_CHANGE:
            args[_BULK_CHANGE[slot]] = value
        elif slot == "due_date" and shift is not None:
            args["new_due_shift_days"] = shift  # relative to the ticket's own due date, which the tool knows
        elif slot == "due_date":
            args["new_due_date"] = value
        elif slot == "add_labels":
            args["add_labels"] = value
        else:
            return None  # a rename or new description needs the key
    if len(args) == 2 + bool(frame.reporter):
        return None
    return Plan(calls=[{"name": "update_tickets", "args": args}])


def _due_shift(frame: TicketFrame, text: str, *, alongside: bool = False) -> int | None:
    """Days to move the named tickets' due dates by, when that is the only change asked for (or, ``alongside``,
    one of several)."""
    named = frame.keys or frame.about
    slots = set(frame.change_slots())
    if frame.action not in ("update", "get") or not named:
        return None
    if not ("due_date" in slots if alongside else slots <= {"due_date"}):
        return None
    if re.search(r"\bdue\s+in\s+\w+\s+(?:days?|weeks?)", text, re.I):
        return None  # "due in 3 days" is a date, not a shift
    return due_shift_days(text)


def _pending_create(pending: list[dict[str, Any]]) -> bool:
    return any(item.get("tool") == "create_ticket" for item in pending)


def _pending_target(pending: list[dict[str, Any]], frame: TicketFrame) -> dict[str, Any] | None:
    """The pending proposal a follow-up most likely refers to: the one about the named ticket, else the latest."""
    if not pending:
        return None
    for item in reversed(pending):
        key = str(item.get("args", {}).get("key") or "").upper()
        if key and key in frame.keys:
            return item
    return pending[-1]


def _revise(target: dict[str, Any], frame: TicketFrame) -> Plan:
    """Call the pending proposal's tool again with the corrected arguments, marked as replacing it."""
    args = {k: v for k, v in dict(target.get("args", {})).items() if k != "replaces"}
    changes = frame.change_slots()
    if frame.action == "create":
        changes.pop("title", None)
        changes.pop("description", None)
    if target.get("tool") != "create_ticket":
        changes.pop("project", None)
    elif "add_labels" in changes:
        added = changes.pop("add_labels")
        changes["labels"] = [*(args.get("labels") or []), *(x for x in added if x not in (args.get("labels") or []))]
    args.update(changes)  # a new title only arrives through a rename ("call it ..."), which change_slots holds
    if target.get("id"):
        args["replaces"] = target["id"]
    return Plan(calls=[{"name": target["tool"], "args": args}])


def _is_revision(frame: TicketFrame, text: str, pending: dict[str, Any]) -> bool:
    """A follow-up that changes the pending proposal rather than asking for something new."""
    if frame.action == "create" and re.search(r"\b(another|new|second|separate)\b", text, re.I):
        return False
    target = pending.get("args", {}).get("key")
    if frame.keys and (target is None or frame.keys != [str(target).upper()]):
        return False
    if frame.action in {"search", "get"}:
        return False
    changes = frame.change_slots()
    if frame.action == "create":
        changes.pop("title", None)  # a title parsed from the follow-up itself is not a rename
        changes.pop("description", None)
    return bool(changes) and (bool(_REVISION_CUE.search(text)) or frame.action in (None, "update"))


def _answer_awaited(awaiting: dict[str, Any], text: str, frame: TicketFrame) -> Plan:
    """Fill the slot asked for last turn with this answer and make the call that was waiting for it."""
    action = awaiting.get("action")
    args = dict(awaiting.get("args") or {})
    slot = awaiting.get("slot")
    answer = text.strip().strip("\"'`").rstrip(".")
    if slot == "title":
        args["title"] = frame.title or answer[:1].upper() + answer[1:]
        return Plan(calls=[{"name": "create_ticket", "args": args}])
    if slot == "key":
        keys = frame.keys
        if not keys:
            return Plan(text="I still need a ticket key, like OPS-12.", awaiting=awaiting)
        if action == "comment":
            body = awaiting.get("comment") or ""
            return Plan(calls=[{"name": "comment_on_ticket", "args": {"key": keys[0], "body": body}}])
        if action == "close":
            return Plan(calls=[{"name": "close_ticket", "args": {"key": k}} for k in keys])
        if action == "get":
            return Plan(calls=[{"name": "get_ticket", "args": {"key": k}} for k in keys])
        return Plan(calls=[{"name": "update_ticket", "args": {"key": k, **args}} for k in keys])
    if slot in {"status", "assignee", "priority", "any"} and awaiting.get("keys"):
        changes = frame.change_slots()
        changes.pop("project", None)
        if slot in {"status", "assignee", "priority"} and not changes.get(slot):
            changes[slot] = answer
        if not changes:
            return Plan(
                text="Sorry, I didn't catch the change. Try “move it to In Review” or “assign it to Priya”.",
                awaiting=awaiting,
            )
        return Plan(calls=[{"name": "update_ticket", "args": {"key": k, **changes}} for k in awaiting["keys"]])
    if slot == "body":
        return Plan(calls=[{"name": "comment_on_ticket", "args": {"key": args.get("key"), "body": text}}])
    return Plan(text="Sorry, I lost track of what we were doing. Could you say the whole request again?")


_FILE_ANYWAY = re.compile(
    r"\b(?:anyway|regardless|still (?:file|open|create|log|raise)|(?:file|open|create|log|raise) (?:it|a new one|one)"
    r"|new (?:one|ticket)|separate|different (?:problem|issue|thing|bug)|not the same|another one)\b",
    re.I,
)
_USE_EXISTING = re.compile(
    r"\b(?:comment|note|add (?:it|this|that|to it|a note|a comment)|use (?:that|this|the existing)|"
    r"(?:that|this)(?:'s| is) (?:it|the one|the same)|same (?:one|thing|problem|issue)|go with)\b",
    re.I,
)
_DECLINE = re.compile(r"^\W*(?:no|nope|nah|never\s*mind|leave it|forget it|skip it|don'?t)\b", re.I)
_AFFIRM = re.compile(r"^\W*(?:yes|yeah|yep|sure|ok(?:ay)?|please do|do that|sounds good)\W*(?:please)?\W*$", re.I)


def _answer_duplicate_offer(awaiting: dict[str, Any], text: str, lexicon: Lexicon, ctx: ModelContext) -> Plan | None:
    """After "ENG-5 looks the same: comment there instead?": comment there, file anyway, or drop it.

    None when the message is a different request altogether (it is planned as usual).
    """
    offered = [str(k) for k in awaiting.get("keys") or []]
    draft = dict(awaiting.get("args") or {})
    named = [k for k in find_keys(text, lexicon) if k in offered] or offered[:1]
    if _FILE_ANYWAY.search(text) and not re.search(r"\bcomment\b", text, re.I):
        return Plan(calls=[{"name": "create_ticket", "args": {**draft, "allow_duplicate": True}}])
    if _USE_EXISTING.search(text) or _AFFIRM.match(text) or (find_keys(text, lexicon) and len(text.split()) <= 4):
        frame = parse_ticket_request(text, lexicon, suggested="comment", bot_id=ctx.bot_user_id)
        body = frame.comment or _also_reported(draft)
        return Plan(calls=[{"name": "comment_on_ticket", "args": {"key": named[0], "body": body}}])
    if _DECLINE.match(text) and len(text.split()) <= 8:
        return Plan(text="OK, I won't file anything.")
    return None


def _also_reported(draft: dict[str, Any]) -> str:
    """The would-be ticket as a comment on the existing one."""
    title = str(draft.get("title") or "").strip()
    details = str(draft.get("description") or "").strip()
    return f"Also reported: {title}" + (f"\n\n{details}" if details else "")


def duplicate_offer(messages: list[BaseMessage]) -> dict[str, Any] | None:
    """What to remember when this turn's create_ticket offered existing tickets instead of filing."""

    calls = {c["id"]: c for m in messages if isinstance(m, AIMessage) for c in m.tool_calls}
    for message in reversed(messages):
        if not isinstance(message, ToolMessage):
            break
        content = message.content if isinstance(message.content, str) else ""
        if message.name == "create_ticket" and content.startswith(DUPLICATE_HEADER):
            keys = re.findall(r"^• ([A-Z][A-Z0-9]*-\d+)", content, re.M)
            call = calls.get(message.tool_call_id)
            args = dict(call["args"]) if call else {}
            return {"action": "duplicate", "keys": keys, "args": args}
    return None


def _plan_from_frame(frame: TicketFrame, tools: set[str]) -> Plan:
    if frame.action == "create" and frame.vague:
        return Plan(
            text="I can file a ticket for that. What exactly is the problem, and where? "
            "For example: “the VPN drops every hour on my Mac”.",
            awaiting={"action": "create", "slot": "title", "args": {}},
        )
    if frame.action == "create":
        args: dict[str, Any] = {
            k: v
            for k, v in {
                "title": frame.title,
                "description": frame.description,
                "priority": frame.priority,
                "assignee": frame.assignee,
                "project": frame.project,
                "due_date": frame.due,
                "labels": frame.labels,
            }.items()
            if v
        }
        if not frame.title:
            return Plan(
                text="Sure. What should the ticket say? A short title is enough, e.g. “VPN drops every hour”.",
                awaiting={"action": "create", "slot": "title", "args": args},
            )
        return Plan(calls=[{"name": "create_ticket", "args": args}])
    if frame.action == "search" and frame.vague:
        return Plan(
            text="Can you tell me a bit more? I can look up tickets (“what's assigned to me?”) or file a new "
            "one (“open a ticket: the VPN drops every hour”)."
        )
    if frame.action == "search":
        args = {
            k: v
            for k, v in {
                "text": frame.search_text,
                "assignee": frame.assignee,
                "status": frame.status,
                "project": frame.project,
                "priority": frame.priority,
                "overdue": frame.overdue or None,
                "no_due_date": frame.no_due_date or None,
                "include_done": frame.include_done or None,
                "reporter": frame.reporter,
                "label": frame.labels[0] if frame.labels else None,
                "topic": frame.topic,
                **search_due_filter(frame.due),
            }.items()
            if v
        }
        return Plan(calls=[{"name": "search_tickets", "args": args}])
    if frame.action == "get":
        return Plan(calls=[{"name": "get_ticket", "args": {"key": k}} for k in frame.keys[:5]])
    if frame.action in {"update", "close", "comment"} and not frame.keys:
        question = {
            "update": "Which ticket should I change?",
            "close": "Which ticket should I close?",
            "comment": "Which ticket should I comment on?",
        }[frame.action]
        return Plan(
            text=f"{question} Give me its key, like OPS-12.",
            awaiting={"action": frame.action, "slot": "key", "args": frame.change_slots(), "comment": frame.comment},
        )
    if frame.action == "update":
        changes = frame.change_slots()
        changes.pop("project", None)
        if not changes and frame.wants:
            return _ask_for_change(frame)
        if not changes:
            return Plan(calls=[{"name": "get_ticket", "args": {"key": k}} for k in frame.keys[:5]])
        return Plan(calls=[{"name": "update_ticket", "args": {"key": k, **changes}} for k in frame.keys])
    if frame.action == "close":
        return Plan(
            calls=[
                {"name": "close_ticket", "args": {"key": k, **({"comment": frame.comment} if frame.comment else {})}}
                for k in frame.keys
            ]
        )
    if frame.action == "comment":
        if not frame.comment:
            return Plan(
                text=f"What should the comment on {frame.keys[0]} say?",
                awaiting={"action": "comment", "slot": "body", "args": {"key": frame.keys[0]}},
            )
        return Plan(calls=[{"name": "comment_on_ticket", "args": {"key": frame.keys[0], "body": frame.comment}}])
    return Plan(
        text="I can file, find and update tickets. For example: “open a ticket: VPN drops every hour”, "
        "“what's assigned to me?”, or “move OPS-12 to In Review”."
    )


def _ask_for_change(frame: TicketFrame) -> Plan:
    keys = ", ".join(frame.keys)
    question = {
        "status": f"Which status should {keys} move to?",
        "assignee": f"Who should {keys} go to?",
        "priority": f"What priority should {keys} have?",
    }.get(frame.wants or "", f"What should change on {keys}? (status, assignee, priority, title or due date)")
    slot = frame.wants if frame.wants in {"status", "assignee", "priority"} else "any"
    return Plan(text=question, awaiting={"action": "update", "slot": slot, "keys": frame.keys})


def summarise_tool_results(messages: list[BaseMessage]) -> str:
    """The reply after tools ran: proposals are announced (the card shows details), results relayed."""
    results: list[ToolMessage] = []
    for message in reversed(messages):
        if isinstance(message, ToolMessage):
            results.append(message)
        elif isinstance(message, (AIMessage, HumanMessage)):
            break
    results.reverse()
    texts = [m.content if isinstance(m.content, str) else str(m.content) for m in results]
    # Cancelling several meetings answers with several "Proposed #n" lines in one tool message.
    proposals = [line for t in texts for line in t.splitlines() if line.startswith("Proposed #")]
    # A bulk change says which matching tickets it left alone and why; the card lists only the changes.
    left_alone = [line for t in texts for line in t.splitlines() if line.startswith("Left alone: ")]
    errors = [t.removeprefix("Error: ") for t in texts if t.startswith("Error: ")]
    other = [t for t in texts if not t.startswith(("Proposed #", "Error: ", "Discarded"))]
    parts: list[str] = []
    if errors:
        parts.extend(errors)
    if other:
        parts.extend(other)
    if proposals:
        parts.append(
            "Here's what I'll do once it's approved:"
            if len(proposals) == 1
            else f"Here are the {len(proposals)} changes I'll make once they're approved:"
        )
        parts[-1:-1] = left_alone
    if any(t.startswith("Discarded") for t in texts):
        parts.append("OK, I've dropped that proposal. Nothing was changed.")
    return "\n".join(parts) or "Done."
