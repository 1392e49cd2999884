"""Graders: each turns one expectation and what happened into a check (passed or not, and why)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.matchers import MatchContext, describe, is_matcher, matches
from evals.retrieval import mrr, ndcg_at_k, recall_at_k
from evals.schema import ReplyExpectation, RetrievalExpectation, ToolsExpectation
from evals.state import CanonState, changes_between, diff_states
from evals.trajectory import Call, score_trajectory


@dataclass
class Check:
    """One graded expectation."""

    name: str
    passed: bool
    details: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.name, "passed": self.passed, "details": self.details, "metrics": self.metrics}


def grade_route(expected: Sequence[str | None], actual: Sequence[str | None]) -> Check:
    """Each turn with an expected route went there."""
    graded = [(i, e, a) for i, (e, a) in enumerate(zip(expected, actual, strict=False)) if e is not None]
    wrong = [f"turn {i + 1}: expected route {e}, got {a}" for i, e, a in graded if e != a]
    correct = len(graded) - len(wrong)
    return Check("route", not wrong, wrong, {"route_correct": correct, "route_total": len(graded)})


def grade_tools(spec: ToolsExpectation, actual: Sequence[Call], ctx: MatchContext) -> Check:
    """The trajectory matches in the case's mode; precision, recall and argument accuracy on the side."""
    score = score_trajectory(
        [(c.name, c.args) for c in spec.calls],
        actual,
        mode=spec.mode,
        forbid=spec.forbid,
        exact_args=spec.exact_args,
        ctx=ctx,
    )
    return Check(
        "tools",
        score.passed,
        score.details,
        {
            "tool_precision": score.precision,
            "tool_recall": score.recall,
            "argument_accuracy": score.argument_accuracy,
        },
    )


def grade_outcome(
    expected: CanonState | Sequence[CanonState],
    actual: CanonState,
    initial: CanonState,
    *,
    ticket_fields: list[str],
    event_fields: list[str],
    ctx: MatchContext,
) -> Check:
    """The state after equals the expected state (or one of the accepted alternatives).

    A state that changed but matches none of them is a side effect (WorkBench's definition).
    """
    options = [expected] if isinstance(expected, CanonState) else list(expected)
    diffs = [diff_states(o, actual, ticket_fields=ticket_fields, event_fields=event_fields, ctx=ctx) for o in options]
    correct = any(not d for d in diffs)
    problems = [] if correct else diffs[0]
    if not correct and len(options) > 1:
        problems = [*problems, f"(and none of the {len(options) - 1} accepted alternatives matched either)"]
    changes = changes_between(initial, actual, ticket_fields=ticket_fields, event_fields=event_fields)
    changed = bool(changes)
    return Check(
        "outcome",
        correct,
        problems,
        {"outcome_correct": correct, "changed": changed, "side_effect": changed and not correct},
    )


def _present(spec: Any, text: str, ctx: MatchContext) -> bool:
    """In replies a plain string means "contains" (case-insensitive), also inside $one_of and $not."""
    if is_matcher(spec):
        op, operand = next(iter(spec.items()))
        if op == "$one_of":
            return any(_present(option, text, ctx) for option in operand)
        if op == "$not":
            return not _present(operand, text, ctx)
        return matches(spec, text, ctx)
    return " ".join(str(spec).split()).casefold() in " ".join(text.split()).casefold()


def grade_reply(spec: ReplyExpectation, turn_replies: Sequence[str], all_text: str, ctx: MatchContext) -> Check:
    """Must mention / must cite (anywhere the bot spoke); must not claim (in its turn replies)."""
    problems = [f"does not mention {describe(m)}" for m in spec.mention if not _present(m, all_text, ctx)]
    problems += [f"does not cite {c!r}" for c in spec.cite if c.casefold() not in all_text.casefold()]
    said = "\n".join(turn_replies)
    problems += [f"claims {describe(n)}" for n in spec.not_claim if _present(n, said, ctx)]
    return Check("reply", not problems, problems)


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|`[^`]*`")
_QUESTION = re.compile(r"\?(?=\s|$|[)\]*_])")


def asks_question(reply: str) -> bool:
    """Whether a reply asks the person something (a '?' ending a sentence outside quoted titles)."""
    return bool(_QUESTION.search(_QUOTED.sub("", reply)))


def grade_clarify(expected: bool, clarified: bool) -> Check:
    """The last turn asked a clarifying question (and proposed nothing) exactly when it should."""
    if expected == clarified:
        return Check("clarify", True)
    return Check("clarify", False, ["expected a clarifying question" if expected else "asked instead of acting"])


def grade_proposes(expected: bool, proposals: int) -> Check:
    """An approval card was (or was not) created."""
    if expected == (proposals > 0):
        return Check("proposes", True)
    return Check("proposes", False, [f"expected {'a' if expected else 'no'} proposal, got {proposals}"])


def grade_retrieval(spec: RetrievalExpectation, retrieved: Sequence[str]) -> Check:
    """recall@k, MRR and nDCG@k of the docs search; passes at ``min_recall``."""
    recall = recall_at_k(retrieved, spec.relevant, spec.k)
    metrics = {
        "recall_at_k": recall,
        "mrr": mrr(retrieved, spec.relevant, spec.k),
        "ndcg": ndcg_at_k(retrieved, spec.relevant, spec.k),
        "k": spec.k,
    }
    passed = recall >= spec.min_recall
    details = (
        [] if passed else [f"recall@{spec.k} {recall:.2f} < {spec.min_recall:.2f}; retrieved {list(retrieved)[:10]}"]
    )
    return Check("retrieval", passed, details, metrics)
