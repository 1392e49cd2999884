"""Aggregate result records into metrics, overall and per tag, including tau-bench's pass^k."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

# The metrics a summary row carries, in display order: (key, label, format).
METRICS: tuple[tuple[str, str, str], ...] = (
    ("cases", "cases", "int"),
    ("trials", "trials", "int"),
    ("pass_rate", "pass", "pct"),
    ("route_accuracy", "route", "pct"),
    ("tool_precision", "tool P", "pct"),
    ("tool_recall", "tool R", "pct"),
    ("argument_accuracy", "args", "pct"),
    ("outcome_accuracy", "outcome", "pct"),
    ("side_effect_rate", "side-eff", "pct"),
    ("clarification_rate", "clarify", "pct"),
    ("clarification_accuracy", "clarify ok", "pct"),
    ("recall_at_k", "recall@k", "pct"),
    ("mrr", "MRR", "float"),
    ("ndcg", "nDCG", "float"),
    ("judge_score", "judge", "pct"),
    ("latency_p50_ms", "p50 ms", "ms"),
    ("latency_p95_ms", "p95 ms", "ms"),
    ("model_calls_per_case", "calls/case", "float"),
    ("tokens_per_case", "tokens/case", "int"),
    ("cost_usd", "cost $", "usd"),
    ("errors", "errors", "int"),
    ("invalid", "invalid", "int"),
)


def pass_hat_k(successes: int, trials: int, k: int) -> float:
    """tau-bench's pass^k for one case: C(c, k) / C(n, k), the chance that k random trials all succeed."""
    if k < 1 or trials < k:
        raise ValueError(f"pass^{k} needs at least {k} trials (got {trials})")
    if successes < 0 or successes > trials:
        raise ValueError("successes must be between 0 and trials")
    return math.comb(successes, k) / math.comb(trials, k)


def mean_pass_hat_k(per_case: Iterable[tuple[int, int]], k: int) -> float | None:
    """pass^k averaged over cases, each given as (successes, trials)."""
    values = [pass_hat_k(c, n, k) for c, n in per_case if n >= k]
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def summarize(records: Sequence[dict[str, Any]], *, max_k: int | None = None) -> dict[str, Any]:
    """Metrics over a group of result records (one per case and trial)."""
    graded = [r for r in records if r["status"] in ("pass", "fail")]
    m = [r["metrics"] for r in graded]
    out: dict[str, Any] = {
        "cases": len({r["case_id"] for r in records}),
        "trials": len(records),
        "errors": sum(r["status"] == "error" for r in records),
        "invalid": sum(r["status"] == "invalid" for r in records),
    }
    runnable = [r for r in records if r["status"] != "invalid"]
    out["pass_rate"] = _mean(1.0 if r["passed"] else 0.0 for r in runnable)
    route_total = sum(x.get("route_total", 0) for x in m)
    out["route_accuracy"] = sum(x.get("route_correct", 0) for x in m) / route_total if route_total else None
    for key in ("tool_precision", "tool_recall", "argument_accuracy", "recall_at_k", "mrr", "ndcg", "judge_score"):
        out[key] = _mean(x.get(key) for x in m)
    with_outcome = [x for x in m if x.get("outcome_correct") is not None]
    # A crash mid-conversation counts against outcome accuracy too (the expected state was not reached).
    crashed = [r for r in records if r["status"] == "error"]
    denominator = len(with_outcome) + len(crashed)
    out["outcome_accuracy"] = (
        sum(1.0 for x in with_outcome if x["outcome_correct"]) / denominator if denominator else None
    )
    out["side_effect_rate"] = (
        sum(1.0 for x in with_outcome if x.get("side_effect")) / len(with_outcome) if with_outcome else None
    )
    out["clarification_rate"] = _mean(1.0 if x.get("clarified") else 0.0 for x in m)
    clar = [x for x in m if x.get("clarify_expected") is not None]
    out["clarification_accuracy"] = (
        _mean(1.0 if x["clarified"] == x["clarify_expected"] else 0.0 for x in clar) if clar else None
    )
    latencies = [v for x in m for v in x.get("latency_ms", [])]
    out["latency_p50_ms"] = percentile(latencies, 50)
    out["latency_p95_ms"] = percentile(latencies, 95)
    out["model_calls_per_case"] = _mean(x.get("model_calls") for x in m)
    out["tokens_per_case"] = _mean(x.get("total_tokens") for x in m)
    out["input_tokens"] = sum(x.get("input_tokens", 0) for x in m)
    out["output_tokens"] = sum(x.get("output_tokens", 0) for x in m)
    out["cost_usd"] = sum(x.get("cost_usd", 0.0) for x in m)
    out["cost_per_case_usd"] = out["cost_usd"] / len(m) if m else None
    per_case: dict[str, list[bool]] = defaultdict(list)
    for r in runnable:
        per_case[r["case_id"]].append(bool(r["passed"]))
    trials = min((len(v) for v in per_case.values()), default=0)
    top = max_k or trials
    out["pass_hat_k"] = {
        str(k): mean_pass_hat_k(((sum(v), len(v)) for v in per_case.values()), k) for k in range(1, top + 1)
    }
    return out


def summarize_by_tag(records: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One summary per tag (a record counts under each of its tags), tags sorted."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        for tag in record.get("tags") or ["(untagged)"]:
            groups[tag].append(record)
    return {tag: summarize(groups[tag]) for tag in sorted(groups)}


def format_value(value: Any, kind: str) -> str:
    """A metric for tables."""
    if value is None:
        return "–"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "int":
        return f"{round(value):d}"
    if kind == "ms":
        return f"{value:.0f}"
    if kind == "usd":
        return f"{value:.4f}"
    return f"{value:.2f}"
