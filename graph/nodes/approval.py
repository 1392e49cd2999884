"""The approval step: pause the thread until a person decides, then route on the decision."""

from __future__ import annotations

import logging
from typing import Any, Literal

from langchain_core.messages import AIMessage
from langgraph.types import Command, interrupt
from pydantic import BaseModel, Field, ValidationError

from graph.deps import GraphDeps
from graph.nodes.types import NodeFn
from graph.state import DeskhandState

log = logging.getLogger(__name__)

Outcome = Literal["approve", "edit", "reject", "expired"]


class Decision(BaseModel):
    """The resume value: who decided what about which approval."""

    approval_id: str
    outcome: Outcome
    by: str
    edits: dict[str, dict[str, str | None]] = Field(default_factory=dict)
    at: str | None = None


def approval_payload(state: DeskhandState) -> dict[str, Any]:
    """The JSON the interrupt carries: enough for any client to render the card without the graph."""
    approval = state.get("approval") or {}
    return {
        "type": "approval_request",
        "approval_id": approval.get("id"),
        "requester_id": approval.get("requester_id"),
        "approver_ids": approval.get("approver_ids", []),
        "created_at": approval.get("created_at"),
        "expires_at": approval.get("expires_at"),
        "summary": state.get("reply", ""),
        "actions": state.get("proposals", []),
    }


def _closing(text: str) -> dict[str, Any]:
    return {"proposals": [], "approval": None, "reply": text, "messages": [AIMessage(content=text)]}


def make_approval(deps: GraphDeps) -> NodeFn:
    """The approval node. Side effects never happen here: it only reads the decision."""

    def approval(state: DeskhandState) -> Command[Literal["approval", "execute", "__end__"]]:
        current = (state.get("approval") or {}).get("id")
        raw = interrupt(approval_payload(state))
        try:
            decision = Decision.model_validate(raw)
        except ValidationError:
            log.warning("ignored malformed approval decision")
            return Command(goto="approval")
        if decision.approval_id != current:
            # A click on an older card: keep waiting for a decision on the current one.
            return Command(goto="approval")
        if decision.outcome in ("approve", "edit"):
            return Command(goto="execute", update={"decision": decision.model_dump()})
        if decision.outcome == "reject":
            update = _closing(f"<@{decision.by}> rejected this. Nothing was changed.")
        else:
            update = _closing("This approval expired, so nothing was changed. Ask me again if it's still needed.")
        update["decision"] = decision.model_dump()
        update["results"] = []
        return Command(goto="__end__", update=update)

    return approval
