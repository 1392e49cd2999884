"""Run one case: build its world, talk, let the auto-approver decide, snapshot the state, grade."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from evals.fixtures import Fixture, FixtureError, resolve_fixture
from evals.graders import (
    Check,
    asks_question,
    grade_clarify,
    grade_outcome,
    grade_proposes,
    grade_reply,
    grade_retrieval,
    grade_route,
    grade_tools,
)
from evals.judge import judge_reply
from evals.matchers import MatchContext
from evals.retrieval import retrieved_doc_ids
from evals.schema import ApprovalSpec, Case, Turn
from evals.state import ApplyContext, ExpectationError, apply_actions, changes_between
from evals.trajectory import Call
from evals.usage import estimate_cost
from evals.world import ModelChoice, World, build_world
from graph.state import ConversationContext
from integrations.approvals.base import ApprovalRecord

THREAD_TS = "1700000000.000100"


@dataclass
class RunOptions:
    """How cases run (picklable: it travels to worker processes)."""

    model: ModelChoice = field(default_factory=ModelChoice)
    judge: ModelChoice | None = None
    prices: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class _Conversation:
    fixture: Fixture
    world: World
    channel_id: str
    channel_type: str
    requester_id: str
    thread_id: str
    turns: list[dict[str, Any]] = field(default_factory=list)
    approvals_created: int = 0


_SELF_WORDS = {"me", "myself", "i", "my", "mine"}


def _person_resolver(world: World, speaker_id: str) -> Any:
    """Reference → person id the way the product's directory resolves it ("me" is the speaker)."""

    def resolve(reference: str) -> str | None:
        ref = reference.strip()
        if ref.casefold() in _SELF_WORDS:
            return speaker_id
        if world.directory.get(ref) is not None:
            return ref
        found = world.directory.lookup(ref)
        return found[0].id if len(found) == 1 else None

    return resolve


def _channel(fixture: Fixture, reference: str, user_id: str) -> tuple[str, str]:
    if reference in ("dm", "im", ""):
        return "D" + user_id.lstrip("U")[:10], "im"
    channel = fixture.channel(reference)
    if channel is not None:
        return channel.id, "channel"
    if reference.startswith("#"):
        raise FixtureError(f"no channel {reference!r} in fixture {fixture.name!r}")
    return reference, "im" if reference.startswith("D") else "channel"


def _context(conv: _Conversation, user_ref: str | None) -> ConversationContext:
    person = conv.fixture.find_person(user_ref) if user_ref else conv.fixture.find_person(conv.requester_id)
    return ConversationContext(
        team_id=conv.fixture.team_id,
        channel_id=conv.channel_id,
        thread_ts=THREAD_TS,
        user_id=person.id,
        user_name=person.name,
        user_tz=person.tz,
        channel_type=conv.channel_type,
        default_project=conv.fixture.project_for(conv.channel_id),
    )


def _calls(messages: list[BaseMessage]) -> list[dict[str, Any]]:
    return [
        {"name": c["name"], "args": dict(c.get("args") or {})}
        for m in messages
        if isinstance(m, AIMessage)
        for c in m.tool_calls
    ]


def _tool_results(messages: list[BaseMessage]) -> list[dict[str, Any]]:
    return [
        {"name": m.name or "", "content": m.content if isinstance(m.content, str) else str(m.content)}
        for m in messages
        if isinstance(m, ToolMessage)
    ]


def _summary(record: ApprovalRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "requester": record.requester_id,
        "actions": [
            {"id": a.get("id"), "kind": a.get("kind"), "summary": a.get("summary"), "params": a.get("params")}
            for a in record.actions
        ],
    }


def _decide(conv: _Conversation, record: ApprovalRecord, spec: ApprovalSpec) -> dict[str, Any]:
    """The auto-approver: the real approval step (runtime.decide), as the requester unless ``by`` says."""
    if spec.decision == "hold":
        return {"approval_id": record.id, "decision": "hold", "kind": "held"}
    by = conv.fixture.find_person(spec.by).id if spec.by else record.requester_id
    edits: dict[str, dict[str, str | None]] = {}
    if spec.decision == "edit":
        for action in record.actions:
            names = {f.get("name") for f in action.get("fields", [])}
            chosen = {k: v for k, v in spec.fields.items() if k in names}
            if chosen:
                edits[str(action["id"])] = chosen
        for action_id, values in spec.actions.items():
            edits.setdefault(action_id, {}).update(values)
    started = time.perf_counter()
    outcome = conv.world.runtime.decide(record.id, user_id=by, outcome=spec.decision, edits=edits or None)
    return {
        "approval_id": record.id,
        "decision": spec.decision,
        "by": by,
        "edits": edits,
        "kind": outcome.kind,
        "reply": outcome.reply,
        "notice": outcome.notice,
        "field_errors": outcome.field_errors,
        "results": [r.model_dump() for r in outcome.results],
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def _run_turn(conv: _Conversation, turn: Turn, *, setup: bool) -> dict[str, Any]:
    runtime = conv.world.runtime
    before = len(runtime.history(conv.thread_id))
    ctx = _context(conv, turn.user)
    started = time.perf_counter()
    outcome = runtime.handle_message(ctx, turn.text)
    latency = (time.perf_counter() - started) * 1000
    messages = runtime.history(conv.thread_id)[before:]
    values = conv.world.graph_values(conv.thread_id)
    record = outcome.new_approval
    if record is not None:
        conv.approvals_created += 0 if setup else 1
    entry: dict[str, Any] = {
        "user": ctx.get("user_id"),
        "text": turn.text,
        "setup": setup,
        "reply": outcome.reply,
        "route": values.get("route"),
        "latency_ms": round(latency, 2),
        "calls": _calls(messages),
        "tool_results": _tool_results(messages),
        "approval": _summary(record) if record else None,
        "pending_approval": outcome.pending_approval.id if outcome.pending_approval else None,
        "superseded": [r.id for r in outcome.superseded],
        "decisions": [],
        "clarified": asks_question(outcome.reply) and record is None,
        "messages": messages,
    }
    if turn.approval is not None:
        for pending in conv.world.approvals.open_for_thread(conv.thread_id):
            entry["decisions"].append(_decide(conv, pending, turn.approval))
    conv.turns.append(entry)
    return entry


def _fail_record(case: Case, trial: int, status: str, reason: str) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "tags": case.tags,
        "trial": trial,
        "status": status,
        "passed": False,
        "error": reason,
        "checks": [],
        "metrics": {},
        "turns": [],
        "description": case.description,
        "source": case.source,
    }


def run_case(case: Case, options: RunOptions, *, trial: int = 0) -> dict[str, Any]:
    """Run ``case`` once and return its result record (JSON-ready)."""
    if case.invalid:
        return _fail_record(case, trial, "invalid", case.invalid)
    try:
        fixture = resolve_fixture(case.fixture)
        requester = fixture.find_person(case.conversation.user)
        channel_id, channel_type = _channel(fixture, case.conversation.channel, requester.id)
        expected_states: list[Any] = []
        world = build_world(fixture, options.model.make())
        match_ctx = MatchContext(
            tz=requester.tz, now=fixture.now or MatchContext().now, person=_person_resolver(world, requester.id)
        )
    except (FixtureError, ValueError) as exc:
        return _fail_record(case, trial, "invalid", f"fixture: {exc}")
    try:
        initial = world.snapshot()
        if case.expect.outcome is not None or case.expect.nothing_changes:
            actions = case.expect.outcome.actions if case.expect.outcome else []
            apply_ctx = ApplyContext(
                fixture=fixture,
                requester=fixture.person_key(requester.id) or requester.id,
                default_project=fixture.project_for(channel_id),
                user_tz=requester.tz,
            )
            expected_states.append(apply_actions(initial, actions, apply_ctx))
            for option in case.expect.outcome.alternatives if case.expect.outcome else []:
                expected_states.append(apply_actions(initial, option, apply_ctx))
    except (ExpectationError, FixtureError) as exc:
        world.close()
        return _fail_record(case, trial, "invalid", f"expected outcome: {exc}")
    conv = _Conversation(
        fixture=fixture,
        world=world,
        channel_id=channel_id,
        channel_type=channel_type,
        requester_id=requester.id,
        thread_id=world.thread_id(channel_id, THREAD_TS),
    )
    try:
        return _run_and_grade(case, options, trial, conv, initial, expected_states, match_ctx)
    except Exception as exc:  # a crash in the product is a result to report, not a reason to stop the run
        record = _fail_record(case, trial, "error", f"{type(exc).__name__}: {exc}")
        record["traceback"] = traceback.format_exc(limit=12)
        record["turns"] = [_public_turn(t) for t in conv.turns]
        return record
    finally:
        world.close()


def _public_turn(turn: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in turn.items() if k != "messages"}


def _run_and_grade(
    case: Case,
    options: RunOptions,
    trial: int,
    conv: _Conversation,
    initial: Any,
    expected_states: list[Any],
    match_ctx: MatchContext,
) -> dict[str, Any]:
    world = conv.world
    for turn in case.conversation.thread:
        _run_turn(conv, turn, setup=True)
    world.usage.reset()
    graded: list[dict[str, Any]] = []
    for turn in case.conversation.turns:
        graded.append(_run_turn(conv, turn, setup=False))
    final_decisions = []
    if case.approval.decision != "hold":
        for pending in world.approvals.open_for_thread(conv.thread_id):
            final_decisions.append(_decide(conv, pending, case.approval))
    else:
        final_decisions += [
            {"approval_id": p.id, "decision": "hold", "kind": "held"}
            for p in world.approvals.open_for_thread(conv.thread_id)
        ]
    if graded:
        graded[-1]["decisions"] += final_decisions
    final = world.snapshot()

    graded_messages = [m for t in graded for m in t["messages"]]
    calls = [Call(c["name"], c["args"]) for t in graded for c in t["calls"]]
    replies = [t["reply"] for t in graded]
    decision_texts = [d.get("reply") or d.get("notice") or "" for t in graded for d in t["decisions"]]
    all_text = "\n".join(replies + decision_texts)
    expect = case.expect

    checks: list[Check] = []
    metrics: dict[str, Any] = {}
    expected_routes = [t.route or expect.route for t in case.conversation.turns]
    actual_routes = [t["route"] for t in graded]
    if any(r is not None for r in expected_routes):
        checks.append(grade_route(expected_routes, actual_routes))
    if expect.tools is not None:
        checks.append(grade_tools(expect.tools, calls, match_ctx))
    fields_t, fields_e = conv.fixture.ticket_fields, conv.fixture.event_fields
    if expected_states:
        checks.append(
            grade_outcome(expected_states, final, initial, ticket_fields=fields_t, event_fields=fields_e, ctx=match_ctx)
        )
    if expect.reply is not None:
        checks.append(grade_reply(expect.reply, replies, all_text, match_ctx))
    clarified = bool(graded and graded[-1]["clarified"])
    if expect.clarify is not None:
        checks.append(grade_clarify(expect.clarify, clarified))
    if expect.proposes is not None:
        checks.append(grade_proposes(expect.proposes, conv.approvals_created))
    retrieved = retrieved_doc_ids(graded_messages)
    if expect.retrieval is not None:
        checks.append(grade_retrieval(expect.retrieval, retrieved))
    for check in checks:
        metrics.update(check.metrics)

    changes = changes_between(initial, final, ticket_fields=fields_t, event_fields=fields_e)
    metrics["changed"] = bool(changes)
    metrics["clarified"] = clarified
    if expect.clarify is not None:
        metrics["clarify_expected"] = expect.clarify
    metrics["latency_ms"] = [t["latency_ms"] for t in graded]
    metrics["decision_latency_ms"] = [d["latency_ms"] for t in graded for d in t["decisions"] if "latency_ms" in d]
    usage = world.usage.usage
    model_name = "deskhand-local" if options.model.provider == "local" else options.model.name
    usage.cost_usd = estimate_cost(usage, model_name, options.prices) or 0.0
    metrics.update(usage.to_json())
    metrics["cost_known"] = estimate_cost(usage, model_name, options.prices) is not None
    metrics["proposals"] = conv.approvals_created

    public_turns = [_public_turn(t) for t in conv.turns]
    judge: dict[str, Any] | None = None
    if options.judge is not None:
        judge = judge_reply(
            options.judge.make(),
            [t for t in public_turns if not t["setup"]],
            reference=case.judge.reference if case.judge else None,
            rubric=case.judge.rubric if case.judge else None,
        )
        if "score" in judge:
            metrics["judge_score"] = judge["score"]

    passed = all(c.passed for c in checks)
    return {
        "case_id": case.id,
        "tags": case.tags,
        "trial": trial,
        "status": "pass" if passed else "fail",
        "passed": passed,
        "error": None,
        "description": case.description,
        "source": case.source,
        "model": options.model.label,
        "checks": [c.to_json() for c in checks],
        "metrics": metrics,
        "turns": public_turns,
        "expected_calls": [c.model_dump() for c in expect.tools.calls] if expect.tools else None,
        "tool_mode": expect.tools.mode if expect.tools else None,
        "actual_calls": [c.to_json() for c in calls],
        "state_diff": next((c.details for c in checks if c.name == "outcome"), []),
        "state_changes": changes,
        "retrieved": retrieved,
        "judge": judge,
    }
