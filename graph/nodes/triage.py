"""Triage: decide which capability handles the latest message."""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from graph.deps import GraphDeps
from graph.local_model.router import RouteDecision, route_text
from graph.nodes.common import last_human_text
from graph.nodes.types import NodeFn
from graph.state import DeskhandState, Route

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
        decision = route_text(text, previous_route=state.get("route"), has_pending=bool(state.get("proposals")))
        route = decision.route
        if not decision.confident and not deps.model_is_local and decision.language == "en":
            route = _ask_model(deps, text, decision)
        log.debug("triage", extra={"route": route, "label": decision.label, "confident": decision.confident})
        return {"route": route, "language": decision.language}

    return triage


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
