"""A tool-calling loop for one capability: the model calls tools until it has an answer."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ValidationError

from graph.deps import GraphDeps
from graph.history import recent_history
from graph.nodes.common import model_context
from graph.nodes.types import NodeFn
from graph.prompts import system_message
from graph.state import ConversationContext, DeskhandState
from graph.tools.proposals import ProposalCollector

log = logging.getLogger(__name__)

EMPTY_ANSWER = (
    "Sorry, I couldn't work out what to do with that. Could you say it another way? "
    "For example “what's assigned to me?”, “what's on my calendar tomorrow?” or “how much annual leave do I get?”"
)
"""Said instead of nothing when the model ends a turn with neither an answer nor a tool call."""

OTHERS_CARD = (
    "There's already a change waiting for <@{holder}>'s approval in this thread, so I haven't changed it or added "
    "yours. Ask me in a new thread, or here once that one is decided."
)
"""Said when someone other than the card's requester asks for a write while that card is open."""

ToolFactory = Callable[[GraphDeps, ConversationContext, ProposalCollector], list[BaseTool]]


class _NoArgs(BaseModel):
    """Drop the pending proposal: nothing will be written."""


def _run_tool(tool: BaseTool | None, call: dict[str, Any]) -> ToolMessage:
    """Run one tool call; the ToolMessage keeps any structured artifact (read tools return results as data)."""
    if tool is None:
        return ToolMessage(
            content=f"Error: there is no tool called {call['name']}.", tool_call_id=call["id"], name=call["name"]
        )
    try:
        result = tool.invoke(
            {"name": call["name"], "args": call.get("args") or {}, "id": call["id"], "type": "tool_call"}
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return ToolMessage(
            content=f"Error: invalid arguments ({problems}).", tool_call_id=call["id"], name=call["name"]
        )
    if isinstance(result, ToolMessage):
        return result
    return ToolMessage(content=str(result), tool_call_id=call["id"], name=call["name"])


# Read tools whose structured results the Slack edge can render as agenda, slot buttons or ticket lists.
_ATTACHMENT_KINDS = {
    "find_events": "events",
    "find_free_slots": "slots",
    "search_tickets": "tickets",
    "create_ticket": "tickets",
}


def attachments_from(produced: list[BaseMessage]) -> list[dict[str, Any]]:
    """Artifacts of this turn's read tools, with the arguments that produced them."""
    calls = {c["id"]: c for m in produced if isinstance(m, AIMessage) for c in m.tool_calls}
    out: list[dict[str, Any]] = []
    for message in produced:
        if not isinstance(message, ToolMessage) or message.name not in _ATTACHMENT_KINDS:
            continue
        items = message.artifact if isinstance(message.artifact, list) else []
        if items:
            call: dict[str, Any] = dict(calls.get(message.tool_call_id) or {})
            out.append({"kind": _ATTACHMENT_KINDS[message.name], "items": items, "args": dict(call.get("args") or {})})
    return out


def make_agent_node(deps: GraphDeps, prompt: str, tool_factory: ToolFactory, *, name: str) -> NodeFn:
    """A node that lets the model use the capability's tools; write tools fill a proposal batch."""

    def agent(state: DeskhandState) -> dict[str, Any]:
        ctx = state.get("context", {})
        pending: list[dict[str, Any]] = list(state.get("proposals") or [])
        collector = ProposalCollector(taken={str(p.get("id")) for p in pending})
        discarded: list[bool] = []
        # In a shared thread the open card belongs to whoever asked for it: someone else's message may read and ask,
        # but must not revise, extend or discard that card (it would also make them its requester).
        holder = str((state.get("approval") or {}).get("requester_id") or "") if pending else ""
        others_card = bool(holder) and holder != str(ctx.get("user_id") or "")

        def discard_pending_proposals() -> str:
            discarded.append(True)
            return "Discarded the pending proposal."

        tools = tool_factory(deps, ctx, collector)
        if state.get("proposals") and not others_card:
            tools.append(
                StructuredTool.from_function(
                    func=discard_pending_proposals,
                    name="discard_pending_proposals",
                    description=_NoArgs.__doc__ or "",
                    args_schema=_NoArgs,
                )
            )
        by_name = {t.name: t for t in tools}
        bound = deps.model.bind_tools(tools)
        conversation: list[BaseMessage] = [system_message(prompt, model_context(state, deps, rooms=name == "calendar"))]
        conversation += recent_history(state.get("messages", []), deps.history_limit)
        produced: list[BaseMessage] = []
        answer = ""
        for _step in range(deps.max_tool_steps):
            ai = bound.invoke(conversation + produced)
            if not isinstance(ai, AIMessage):
                ai = AIMessage(content=str(getattr(ai, "content", "")))
            produced.append(ai)
            if not ai.tool_calls:
                answer = str(ai.text)
                break
            for call in ai.tool_calls:
                produced.append(_run_tool(by_name.get(call["name"]), dict(call)))
        else:
            answer = "Sorry, that took more steps than I allow myself. Could you break it into smaller requests?"
            produced.append(AIMessage(content=answer))
        attachments = attachments_from(produced)
        if not answer.strip() and not (collector.actions or discarded or attachments):
            # A model (local or remote) may stop with neither words nor a tool call; silence reads as broken.
            # (A listing shown as an attachment, a proposal card or a discard already answers the person.)
            log.warning("capability %s produced an empty answer", name)
            answer = EMPTY_ANSWER
            produced[-1] = AIMessage(content=answer)
        if collector.actions and others_card:
            log.info("write from another user refused while a card is open", extra={"node": name})
            answer = OTHERS_CARD.format(holder=holder)
            produced.append(AIMessage(content=answer))
            collector.actions.clear()
        update: dict[str, Any] = {"messages": produced, "reply": answer, "attachments": attachments}
        if collector.actions:
            now = deps.clock()
            # A new request while a card is open joins it (nothing asked for is lost); a correction replaces
            # the proposal it names.
            update["proposals"] = collector.merged_with(pending)
            update["approval"] = {
                "id": uuid.uuid4().hex,
                "requester_id": ctx.get("user_id", ""),
                "approver_ids": list(deps.approver_ids),
                "created_at": now.isoformat(),
                "expires_at": (now + deps.approval_ttl).isoformat(),
            }
        elif discarded:
            update["proposals"] = []
            update["approval"] = None
        log.debug("agent turn", extra={"node": name, "steps": len(produced), "proposals": len(collector.actions)})
        return update

    return agent


__all__ = ["make_agent_node", "timedelta"]
