"""Which handler runs which kind of action."""

from __future__ import annotations

from graph.actions.base import ActionHandler
from graph.actions.calendar import CreateEventHandler, DeleteEventHandler, UpdateEventHandler
from graph.actions.tickets import CommentTicketHandler, CreateTicketHandler, UpdateTicketHandler
from graph.errors import UnknownActionError

_HANDLERS: dict[str, ActionHandler] = {
    h.kind: h
    for h in (
        CreateTicketHandler(),
        UpdateTicketHandler(),
        CommentTicketHandler(),
        CreateEventHandler(),
        UpdateEventHandler(),
        DeleteEventHandler(),
    )
}


def handler_for(kind: str) -> ActionHandler:
    """The handler for an action kind; unknown kinds are a bug or tampering, never silently skipped."""
    try:
        return _HANDLERS[kind]
    except KeyError as exc:
        raise UnknownActionError(f"no handler for action kind {kind!r}") from exc
