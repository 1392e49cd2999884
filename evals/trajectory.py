"""Tool-call trajectories: match modes (as in agentevals) and precision / recall / argument accuracy.

Modes compare the calls the agent made (``actual``) with the calls a case expects (``expected``):

- ``strict``: the same calls in the same order, nothing more.
- ``unordered``: the same calls in any order, nothing more.
- ``subset``: every actual call is one of the expected calls (the agent did no more than expected).
- ``superset``: every expected call was made (extra calls, such as a search first, are fine).

A call matches when the tool name is equal and every expected argument matches (see ``evals.matchers``);
arguments the case does not list are not checked unless ``exact_args`` is set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from evals.matchers import MISSING, MatchContext, describe, matches

MatchMode = Literal["strict", "unordered", "subset", "superset"]
MODES: tuple[MatchMode, ...] = ("strict", "unordered", "subset", "superset")


@dataclass(frozen=True)
class Call:
    """One tool call as the model made it."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON form for results files."""
        return {"name": self.name, "args": self.args}


@dataclass
class TrajectoryScore:
    """How a trajectory compared with the expectation."""

    passed: bool
    precision: float | None
    recall: float | None
    argument_accuracy: float | None
    details: list[str] = field(default_factory=list)


def call_matches(
    expected_name: str,
    expected_args: dict[str, Any],
    actual: Call,
    ctx: MatchContext,
    *,
    exact_args: bool = False,
) -> bool:
    """Same tool, and every listed argument matches (only listed ones, unless ``exact_args``)."""
    if expected_name != actual.name:
        return False
    for key, spec in expected_args.items():
        if not matches(spec, actual.args.get(key, MISSING), ctx):
            return False
    if exact_args:
        extra = {k for k, v in actual.args.items() if v not in (None, "") and k not in expected_args}
        if extra:
            return False
    return True


def max_matching(n_left: int, n_right: int, ok: Callable[[int, int], bool]) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn's augmenting paths): left index → right index."""
    adjacency = [[j for j in range(n_right) if ok(i, j)] for i in range(n_left)]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adjacency[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(n_left):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def score_trajectory(
    expected: Sequence[tuple[str, dict[str, Any]]],
    actual: Sequence[Call],
    *,
    mode: MatchMode = "superset",
    forbid: Sequence[str] = (),
    exact_args: bool = False,
    ctx: MatchContext | None = None,
) -> TrajectoryScore:
    """Grade ``actual`` against ``expected`` (name, argument matchers) in ``mode``; ``forbid`` names tools."""
    ctx = ctx or MatchContext()
    details: list[str] = []

    def ok(i: int, j: int) -> bool:
        name, args = expected[i]
        return call_matches(name, args, actual[j], ctx, exact_args=exact_args)

    full = max_matching(len(expected), len(actual), ok)
    if mode == "strict":
        passed = len(expected) == len(actual) and all(ok(i, i) for i in range(len(expected)))
        if not passed:
            for i in range(max(len(expected), len(actual))):
                if i >= len(expected) or i >= len(actual) or not ok(i, i):
                    want = _show_expected(expected[i]) if i < len(expected) else "nothing"
                    got = _show_call(actual[i]) if i < len(actual) else "nothing"
                    details.append(f"step {i + 1}: expected {want}, got {got}")
                    break
    elif mode == "unordered":
        passed = len(expected) == len(actual) and len(full) == len(expected)
    elif mode == "superset":
        passed = len(full) == len(expected)
    elif mode == "subset":
        passed = len(full) == len(actual)
    else:  # pragma: no cover - guarded by the schema
        raise ValueError(f"unknown match mode {mode!r}")
    if mode != "strict" and not passed:
        used = set(full.values())
        if mode in ("unordered", "superset"):
            details += [f"missing: {_show_expected(expected[i])}" for i in range(len(expected)) if i not in full]
        if mode in ("unordered", "subset"):
            details += [f"unexpected: {_show_call(actual[j])}" for j in range(len(actual)) if j not in used]
    hits = [c for c in actual if c.name in set(forbid)]
    if hits:
        passed = False
        details += [f"forbidden call: {_show_call(c)}" for c in hits]

    names_expected = Counter(name for name, _ in expected)
    names_actual = Counter(c.name for c in actual)
    common = sum((names_expected & names_actual).values())
    precision = common / len(actual) if actual else None
    recall = common / len(expected) if expected else None
    if not expected and mode == "superset":
        precision = None  # "expect nothing in particular" (e.g. only forbidden tools): precision is not measured
    argument_accuracy = len(full) / common if common else None
    return TrajectoryScore(passed, precision, recall, argument_accuracy, details)


def _show_call(call: Call) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in call.args.items())
    return f"{call.name}({args})"


def _show_expected(item: tuple[str, dict[str, Any]]) -> str:
    name, args = item
    return f"{name}(" + ", ".join(f"{k}: {describe(v)}" for k, v in args.items()) + ")"
