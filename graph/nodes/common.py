"""Helpers shared by nodes."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage

from graph.actions.calendar import known_rooms
from graph.deps import GraphDeps
from graph.local_model.context import AWAITING_KEY
from graph.local_model.text import normalise, strip_bot_mention, unslack
from graph.state import DeskhandState


def last_human_text(state: DeskhandState, bot_user_id: str | None = None) -> str:
    """The latest human message, cleaned for classification."""
    messages: list[AnyMessage] = state.get("messages", [])
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            content = message.content if isinstance(message.content, str) else ""
            return normalise(unslack(strip_bot_mention(content, bot_user_id)))
    return ""


def asked_last_turn(state: DeskhandState) -> bool:
    """Whether deskhand's latest reply before this message asked the person something (so this may answer it)."""
    messages: list[AnyMessage] = state.get("messages", [])
    seen_human = False
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            if seen_human:
                return False
            seen_human = True
        elif seen_human and isinstance(message, AIMessage) and not message.tool_calls:
            content = message.content if isinstance(message.content, str) else ""
            return AWAITING_KEY in message.additional_kwargs or "?" in content
    return False


def model_context(state: DeskhandState, deps: GraphDeps, *, rooms: bool = False) -> dict[str, Any]:
    """The facts the model gets this turn (see ``graph.local_model.context.ModelContext``); with ``rooms``, the
    meeting rooms the person's calendar uses (one calendar read, so only where a booking may name one)."""
    ctx = state.get("context", {})
    tz = ctx.get("user_tz", "UTC")
    from zoneinfo import ZoneInfo

    now = deps.clock().astimezone(ZoneInfo(tz))
    people = [{"id": p.id, "name": p.name, "handle": p.handle, "email": p.email} for p in deps.directory.everyone()]
    projects = [{"key": p.key, "name": p.name} for p in deps.tickets.projects()]
    pending = [
        {"id": p.get("id"), "tool": p.get("tool"), "args": p.get("tool_args", {}), "summary": p.get("summary")}
        for p in state.get("proposals") or []
    ]
    return {
        "user_id": ctx.get("user_id", ""),
        "user_tz": tz,
        "now": now.strftime("%A %Y-%m-%d %H:%M %Z"),
        "bot_user_id": str(deps.extra.get("bot_user_id") or "") or None,
        "default_project": ctx.get("default_project") or deps.default_project,
        "people": people,
        "projects": projects,
        "pending": pending,
        "rooms": known_rooms(ctx.get("user_id", ""), deps) if rooms else [],
    }
