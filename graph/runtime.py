"""The agent as its callers see it: send a message, decide an approval, recover after a crash.

Slack, the terminal chat and the eval runner all drive the graph through this class, so approval rules,
expiry, exactly-once resumption and the audit trail behave the same everywhere.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from graph.actions.base import ActionResult, ProposedAction
from graph.actions.registry import handler_for
from graph.approval_policy import is_expired, may_decide
from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.nodes.approval import Decision
from graph.state import ConversationContext, thread_id_for
from integrations.approvals.base import ApprovalRecord, ApprovalStatus, ApprovalStore
from integrations.audit.base import AuditEntry

log = logging.getLogger(__name__)

DecisionKind = Literal["applied", "rejected", "expired", "refused", "already_decided", "not_found", "stale", "invalid"]


@dataclass
class TurnOutcome:
    """What a message produced."""

    thread_id: str
    reply: str
    new_approval: ApprovalRecord | None = None
    pending_approval: ApprovalRecord | None = None
    superseded: list[ApprovalRecord] = field(default_factory=list)
    results: list[ActionResult] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    """Structured read results (events, slots, tickets) for rich rendering."""


@dataclass
class DecisionOutcome:
    """What a click produced. ``notice`` is for the clicker alone; ``reply`` is for the thread."""

    kind: DecisionKind
    approval: ApprovalRecord | None = None
    notice: str = ""
    reply: str = ""
    results: list[ActionResult] = field(default_factory=list)
    field_errors: dict[str, str] = field(default_factory=dict)


class AgentRuntime:
    """Drives the compiled graph; one instance per process, safe to call from worker threads."""

    def __init__(self, graph: CompiledStateGraph, approvals: ApprovalStore, deps: GraphDeps) -> None:
        self._graph = graph
        self._approvals = approvals
        self._deps = deps
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()

    @property
    def deps(self) -> GraphDeps:
        """The dependencies the graph was built with."""
        return self._deps

    def _lock(self, thread_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks[thread_id]

    @staticmethod
    def _config(thread_id: str) -> RunnableConfig:
        return {"configurable": {"thread_id": thread_id}}

    def history(self, thread_id: str) -> list[BaseMessage]:
        """The conversation's messages (human, model, tool calls and results), oldest first."""
        state = self._graph.get_state(self._config(thread_id))
        return list(state.values.get("messages", [])) if state and state.values else []

    # -- messages ----------------------------------------------------------------------------------
    def handle_message(self, ctx: ConversationContext, text: str) -> TurnOutcome:
        """Run one turn; a new proposal comes back as ``new_approval`` for the caller to show as a card."""
        thread_id = thread_id_for(ctx.get("team_id", ""), ctx.get("channel_id", ""), ctx.get("thread_ts", ""))
        user_id = ctx.get("user_id", "")
        message = HumanMessage(content=text, name=user_id if user_id.isalnum() else None)
        with self._lock(thread_id):
            result = self._graph.invoke(
                {
                    "messages": [message],
                    "context": ctx,
                    "reply": "",
                    "results": [],
                    "decision": None,
                    "attachments": [],
                },
                self._config(thread_id),
                durability="sync",
            )
            outcome = TurnOutcome(
                thread_id=thread_id,
                reply=str(result.get("reply") or ""),
                attachments=list(result.get("attachments") or []),
            )
            live_id: str | None = None
            interrupts = result.get("__interrupt__") or []
            if interrupts:
                payload = interrupts[0].value
                live_id = payload.get("approval_id")
                existing = self._approvals.get(live_id) if live_id else None
                if existing is None:
                    outcome.new_approval = self._approvals.create(self._record(payload, ctx, thread_id))
                else:
                    outcome.pending_approval = existing
            for record in self._approvals.open_for_thread(thread_id):
                if record.id != live_id and self._approvals.transition(
                    record.id, from_statuses=("pending",), to_status="superseded"
                ):
                    outcome.superseded.append(record.model_copy(update={"status": "superseded"}))
            return outcome

    def _record(self, payload: dict[str, Any], ctx: ConversationContext, thread_id: str) -> ApprovalRecord:
        actions = [ProposedAction.model_validate(a) for a in payload.get("actions", [])]
        return ApprovalRecord(
            id=payload["approval_id"],
            thread_id=thread_id,
            team_id=ctx.get("team_id", ""),
            channel_id=ctx.get("channel_id", ""),
            thread_ts=ctx.get("thread_ts", ""),
            requester_id=payload.get("requester_id") or ctx.get("user_id", ""),
            approver_ids=list(payload.get("approver_ids") or []),
            actions=[a.model_dump(mode="json") for a in actions],
            summary=str(payload.get("summary") or ""),
            created_at=datetime.fromisoformat(payload["created_at"]),
            expires_at=datetime.fromisoformat(payload["expires_at"]),
        )

    # -- decisions ---------------------------------------------------------------------------------
    def check_edits(self, approval_id: str, edits: dict[str, dict[str, str | None]]) -> dict[str, str]:
        """Validate edited fields before accepting a modal: field name → problem (empty when all fine)."""
        record = self._approvals.get(approval_id)
        if record is None:
            return {"_": "This approval no longer exists."}
        errors: dict[str, str] = {}
        for raw in record.actions:
            action = ProposedAction.model_validate(raw)
            if action.id not in edits:
                continue
            try:
                handler_for(action.kind).revise(action, edits[action.id], self._deps)
            except ActionInvalidError as exc:
                errors[f"{action.id}.{exc.field or '_'}"] = str(exc)
        return errors

    def decide(
        self,
        approval_id: str,
        *,
        user_id: str,
        outcome: Literal["approve", "edit", "reject"],
        edits: dict[str, dict[str, str | None]] | None = None,
    ) -> DecisionOutcome:
        """Apply a person's decision exactly once; anyone not allowed, or too late, changes nothing."""
        blocked = self.precheck(approval_id, user_id=user_id)
        if blocked is not None:
            return blocked
        now = self._deps.clock()
        record = self._approvals.get(approval_id)
        assert record is not None
        if outcome == "edit":
            errors = self.check_edits(approval_id, edits or {})
            if errors:
                return DecisionOutcome(
                    "invalid", approval=record, field_errors=errors, notice="Some edited values need fixing."
                )
        decision = Decision(approval_id=approval_id, outcome=outcome, by=user_id, edits=edits or {}, at=now.isoformat())
        if not self._approvals.claim(approval_id, by=user_id, decision=decision.model_dump(), now=now):
            current = self._approvals.get(approval_id) or record
            return DecisionOutcome("already_decided", approval=current, notice=_already_text(current))
        self._audit("approval.decided", user_id, record, outcome=outcome)
        return self._resume(record, decision)

    def precheck(self, approval_id: str, *, user_id: str) -> DecisionOutcome | None:
        """None when ``user_id`` may decide now; otherwise the outcome explaining why not.

        An expired approval is marked expired here (and its thread told), whoever clicked.
        """
        record = self._approvals.get(approval_id)
        if record is None:
            return DecisionOutcome("not_found", notice="I can't find that request any more.")
        if record.status != "pending":
            return DecisionOutcome("already_decided", approval=record, notice=_already_text(record))
        if not may_decide(record, user_id):
            self._audit("approval.refused", user_id, record, outcome="refused")
            return DecisionOutcome(
                "refused",
                approval=record,
                notice=f"Only <@{record.requester_id}> or an approver can decide this request.",
            )
        now = self._deps.clock()
        if is_expired(record, now):
            return self._expire(record, now, user_id)
        return None

    def _resume(self, record: ApprovalRecord, decision: Decision) -> DecisionOutcome:
        config = self._config(record.thread_id)
        with self._lock(record.thread_id):
            state = self._graph.get_state(config)
            waiting = [i.value.get("approval_id") for i in state.interrupts if isinstance(i.value, dict)]
            if record.id not in waiting:
                self._approvals.transition(record.id, from_statuses=("deciding",), to_status="superseded")
                return DecisionOutcome(
                    "stale", approval=record, notice="This request was replaced by a newer one in the thread."
                )
            result = self._graph.invoke(Command(resume=decision.model_dump()), config, durability="sync")
        results = [ActionResult.model_validate(r) for r in result.get("results") or []]
        final: ApprovalStatus
        kind: DecisionKind
        if decision.outcome == "reject":
            final, kind = "rejected", "rejected"
        else:
            final = "approved" if any(r.ok for r in results) or not results else "failed"
            kind = "applied"
        self._approvals.transition(
            record.id, from_statuses=("deciding",), to_status=final, results=[r.model_dump() for r in results]
        )
        updated = self._approvals.get(record.id) or record
        return DecisionOutcome(kind, approval=updated, reply=str(result.get("reply") or ""), results=results)

    def _expire(self, record: ApprovalRecord, now: datetime, user_id: str) -> DecisionOutcome:
        if not self._approvals.transition(record.id, from_statuses=("pending",), to_status="expired"):
            current = self._approvals.get(record.id) or record
            return DecisionOutcome("already_decided", approval=current, notice=_already_text(current))
        self._audit("approval.expired", user_id, record, outcome="expired")
        reply = ""
        config = self._config(record.thread_id)
        with self._lock(record.thread_id):
            state = self._graph.get_state(config)
            if any(isinstance(i.value, dict) and i.value.get("approval_id") == record.id for i in state.interrupts):
                expired = Decision(approval_id=record.id, outcome="expired", by=user_id, at=now.isoformat())
                result = self._graph.invoke(Command(resume=expired.model_dump()), config, durability="sync")
                reply = str(result.get("reply") or "")
        updated = self._approvals.get(record.id) or record
        return DecisionOutcome(
            "expired", approval=updated, reply=reply, notice="This request expired, so nothing was changed."
        )

    def recover(self) -> list[DecisionOutcome]:
        """Finish decisions a crashed process claimed but never completed (run at start-up)."""
        outcomes: list[DecisionOutcome] = []
        for record in self._approvals.in_status("deciding", limit=500):
            if not record.decision:
                continue
            decision = Decision.model_validate(record.decision)
            log.info("resuming an interrupted decision", extra={"approval_id": record.id})
            outcomes.append(self._resume(record, decision))
        return outcomes

    def _audit(self, event: str, actor: str, record: ApprovalRecord, *, outcome: str) -> None:
        self._deps.audit.record(
            AuditEntry(
                at=self._deps.clock(),
                actor_id=actor,
                event=event,
                thread_id=record.thread_id,
                approval_id=record.id,
                outcome=outcome,
                detail={"requester": record.requester_id},
            )
        )


def _already_text(record: ApprovalRecord) -> str:
    who = f" by <@{record.decided_by}>" if record.decided_by else ""
    return {
        "deciding": f"This request is already being handled{who}.",
        "approved": f"This request was already approved{who}.",
        "failed": f"This request was already approved{who}, but it could not be completed.",
        "rejected": f"This request was already rejected{who}.",
        "expired": "This request expired, so nothing was changed.",
        "superseded": "This request was replaced by a newer one in the thread.",
    }.get(record.status, "This request was already decided.")
