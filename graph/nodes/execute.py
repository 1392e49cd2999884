"""Execution: apply approved actions once each, after re-checking them, and report what happened."""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.messages import AIMessage

from graph.actions.base import ActionResult, ProposedAction
from graph.actions.registry import handler_for
from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.nodes.approval import Decision
from graph.nodes.types import NodeFn
from graph.state import DeskhandState, thread_id_for
from integrations.audit.base import AuditEntry
from integrations.errors import IntegrationError

log = logging.getLogger(__name__)


def idempotency_key(thread_id: str, approval_id: str, action_id: str) -> str:
    """The key under which an action may be applied at most once."""
    return f"{thread_id}:{approval_id}:{action_id}"


def _run_one(action: ProposedAction, decision: Decision, deps: GraphDeps, key: str) -> ActionResult:
    handler = handler_for(action.kind)
    try:
        edits = decision.edits.get(action.id)
        if edits:
            action = handler.revise(action, edits, deps)
        conflict = handler.recheck(action, deps)
        if conflict:
            return ActionResult(
                action_id=action.id,
                kind=action.kind,
                status="conflict",
                target=action.target,
                message=f"Not done: {conflict}",
            )
        return handler.apply(action, deps, idempotency_key=key, actor_id=decision.by)
    except (ActionInvalidError, IntegrationError) as exc:
        return ActionResult(
            action_id=action.id, kind=action.kind, status="failed", target=action.target, message=f"Not done: {exc}"
        )


def format_results(results: list[ActionResult], decision: Decision) -> str:
    """The thread reply after execution: one line per action with a link where there is one."""
    lines = []
    for result in results:
        mark = "✅" if result.ok else "⚠️"
        text = result.message
        if result.link and result.target:
            text = text.replace(result.target, f"<{result.link}|{result.target}>", 1)
        lines.append(f"{mark} {text}")
    verb = "edited and approved" if decision.outcome == "edit" else "approved"
    return f"<@{decision.by}> {verb} this.\n" + "\n".join(lines)


def make_execute(deps: GraphDeps) -> NodeFn:
    """The execute node: the only place deskhand writes to a backend."""

    def execute(state: DeskhandState) -> dict[str, Any]:
        decision = Decision.model_validate(state.get("decision") or {})
        ctx = state.get("context", {})
        thread_id = thread_id_for(ctx.get("team_id", ""), ctx.get("channel_id", ""), ctx.get("thread_ts", ""))
        results: list[ActionResult] = []
        for raw in state.get("proposals") or []:
            action = ProposedAction.model_validate(raw)
            key = idempotency_key(thread_id, decision.approval_id, action.id)
            result = _run_one(action, decision, deps, key)
            results.append(result)
            deps.audit.record(
                AuditEntry(
                    at=deps.clock(),
                    actor_id=decision.by,
                    event=action.kind,
                    thread_id=thread_id,
                    approval_id=decision.approval_id,
                    target=result.target,
                    outcome=result.status,
                    detail={"action_id": action.id, "message": result.message, "requester": ctx.get("user_id")},
                )
            )
        text = format_results(results, decision)
        log.info(
            "executed approval",
            extra={"approval_id": decision.approval_id, "done": sum(r.ok for r in results), "total": len(results)},
        )
        return {
            "results": [r.model_dump() for r in results],
            "proposals": [],
            "approval": None,
            "reply": text,
            "messages": [AIMessage(content=text)],
        }

    return execute
