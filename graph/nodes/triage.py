"""Triage: decide which capability handles the latest message."""

from __future__ import annotations

import logging
import re
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from graph.deps import GraphDeps
from graph.local_model.router import QUESTION, RouteDecision, route_text
from graph.nodes.common import asked_last_turn, last_human_text
from graph.nodes.types import NodeFn
from graph.state import DeskhandState, Route
from graph.ticket_similarity import content_roots
from graph.tools.docs import viewer_for

log = logging.getLogger(__name__)


class TriageOutput(BaseModel):
    """Which capability should handle the message."""

    route: Route = Field(description="tickets | calendar | docs | chat (greetings, help) | out_of_scope")


_TRIAGE_PROMPT = (
    "Classify the user's latest Slack message for a workplace assistant. Routes: tickets (issue tracker: "
    "create, find, update, comment, close), calendar (meetings, availability, booking), docs (questions "
    "answered by company documents and policies), chat (greetings, thanks, what can you do), out_of_scope "
    "(anything else). Answer with the route only."
)


def make_triage(deps: GraphDeps) -> NodeFn:
    """The triage node: the local classifier answers first; an LLM is asked only when it is unsure."""

    def triage(state: DeskhandState) -> dict[str, Any]:
        text = last_human_text(state, str(deps.extra.get("bot_user_id") or "") or None)
        decision = route_text(
            text,
            previous_route=state.get("route"),
            has_pending=bool(state.get("proposals")),
            answering=asked_last_turn(state),
        )
        route = decision.route
        if route in ("tickets", "calendar") and _names_a_document(deps, state, text):
            route = "docs"
        elif not decision.confident and not deps.model_is_local and decision.language == "en":
            route = _ask_model(deps, text, decision)
        log.debug("triage", extra={"route": route, "label": decision.label, "confident": decision.confident})
        return {"route": route, "language": decision.language}

    return triage


# Requests phrased as questions ("can you book ...?") and questions about the person's own tickets or calendar
# stay with those capabilities whatever a document is called.
_REQUEST_OR_OWN = re.compile(
    r"^\W*(?:please|pls|can you|could you|would you|will you|can I get)\b|\b[A-Z][A-Z0-9]+-\d+\b|\btickets?\b|"
    r"\bmy (?:calendar|meetings?|schedule|day|week|tickets?|issues?)\b",
    re.I,
)


def _names_a_document(deps: GraphDeps, state: DeskhandState, text: str) -> bool:
    """A question that names a company document by its title ("what does the printer notice say?", "what should I
    do during calendar clean-up week?") is about that document, even when its words suggest a ticket or a meeting.

    The evidence is the best readable document's title: at least two of its significant words appear in the
    question and they make up at least half of the title. A document's text never decides, only its title.
    """
    if deps.docs is None or not QUESTION.search(text) or _REQUEST_OR_OWN.search(text):
        return False
    try:
        result = deps.docs.search(text, viewer=viewer_for(deps, state.get("context", {})), k=3)
    except Exception:
        log.warning("docs check during triage failed; keeping the route", exc_info=True)
        return False
    if not result.confident or not result.hits:
        return False
    title = content_roots(result.hits[0].title)
    shared = title & content_roots(text)
    return len(shared) >= 2 and 2 * len(shared) >= len(title)


def _ask_model(deps: GraphDeps, text: str, fallback: RouteDecision) -> str:
    try:
        structured = deps.model.with_structured_output(TriageOutput, method="function_calling")
        result = structured.invoke([SystemMessage(content=_TRIAGE_PROMPT), HumanMessage(content=text[:4000])])
    except Exception:
        log.warning("model triage failed; using local route", exc_info=True)
        return fallback.route
    if isinstance(result, TriageOutput):
        return result.route
    return fallback.route
