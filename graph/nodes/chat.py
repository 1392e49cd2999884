"""Answers that need no tools: greetings, help, thanks, capabilities not built yet, out of scope."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

from graph.deps import GraphDeps
from graph.nodes.types import NodeFn
from graph.prompts import CHAT_HELP
from graph.state import DeskhandState

_LANGUAGE = (
    "Sorry, I can only read English for now. Could you ask again in English? "
    "For example: “open a ticket: my laptop won't start”."
)
_THANKS = "You're welcome! Anything else? I can help with tickets, your calendar and questions about company docs."
_OUT_OF_SCOPE = (
    "That's outside what I can help with. I'm a workplace assistant for tickets, calendars and company docs."
)


def _reply(text: str) -> dict[str, Any]:
    return {"reply": text, "messages": [AIMessage(content=text)]}


def make_chat(deps: GraphDeps) -> NodeFn:
    """Greetings, help and thanks."""

    def chat(state: DeskhandState) -> dict[str, Any]:
        if state.get("language") == "other":
            return _reply(_LANGUAGE)
        last = state.get("messages", [])[-1:]
        content = last[0].content if last and isinstance(last[0].content, str) else ""
        if any(word in content.lower() for word in ("thank", "thx", "cheers", "great", "perfect")):
            return _reply(_THANKS)
        return _reply(CHAT_HELP)

    return chat


def out_of_scope(state: DeskhandState) -> dict[str, Any]:
    """Politely decline what deskhand does not do."""
    return _reply(_OUT_OF_SCOPE)
