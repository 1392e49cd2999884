"""Compare two runs case by case: regressions (passed before, fail now), fixes, and metric deltas."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.metrics import METRICS


@dataclass
class CaseChange:
    """One case whose pass rate moved between runs."""

    case_id: str
    before: float
    after: float
    detail: str = ""


@dataclass
class Comparison:
    """What changed from ``before`` to ``after``."""

    regressions: list[CaseChange] = field(default_factory=list)
    fixes: list[CaseChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    metric_deltas: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def _pass_rates(records: Sequence[dict[str, Any]]) -> dict[str, float]:
    runs: dict[str, list[bool]] = defaultdict(list)
    for r in records:
        if r.get("status") != "invalid":
            runs[r["case_id"]].append(bool(r.get("passed")))
    return {case: sum(v) / len(v) for case, v in runs.items()}


def _why(records: Sequence[dict[str, Any]], case_id: str) -> str:
    for r in records:
        if r["case_id"] == case_id and not r.get("passed"):
            if r.get("error"):
                return str(r["error"])[:200]
            failed = [c for c in r.get("checks", []) if not c.get("passed")]
            if failed:
                first = failed[0]
                return f"{first['name']}: " + "; ".join(first.get("details", [])[:2])[:200]
    return ""


def compare_runs(
    before: Sequence[dict[str, Any]],
    after: Sequence[dict[str, Any]],
    before_summary: dict[str, Any] | None = None,
    after_summary: dict[str, Any] | None = None,
) -> Comparison:
    """Case-by-case comparison of two runs' records (pass rates across repeats when K > 1)."""
    old, new = _pass_rates(before), _pass_rates(after)
    result = Comparison()
    for case_id in sorted(set(old) | set(new)):
        if case_id not in old:
            result.added.append(case_id)
        elif case_id not in new:
            result.removed.append(case_id)
        elif new[case_id] < old[case_id]:
            result.regressions.append(CaseChange(case_id, old[case_id], new[case_id], _why(after, case_id)))
        elif new[case_id] > old[case_id]:
            result.fixes.append(CaseChange(case_id, old[case_id], new[case_id]))
        else:
            result.unchanged += 1
    if before_summary and after_summary:
        for key, _label, _kind in METRICS:
            a, b = before_summary.get(key), after_summary.get(key)
            if a != b and (a is not None or b is not None):
                result.metric_deltas[key] = (a, b)
    return result
