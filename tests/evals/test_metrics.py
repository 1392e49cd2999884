"""Aggregation: pass^k (tau-bench), percentiles, and per-group metrics."""

from __future__ import annotations

from typing import Any

import pytest

from evals.metrics import mean_pass_hat_k, pass_hat_k, percentile, summarize, summarize_by_tag


def test_pass_hat_k_known_values() -> None:
    """pass^k = C(c, k) / C(n, k)."""
    assert pass_hat_k(4, 4, 1) == 1.0
    assert pass_hat_k(4, 4, 4) == 1.0
    assert pass_hat_k(3, 4, 1) == 0.75
    assert pass_hat_k(3, 4, 2) == 0.5  # C(3,2)=3 / C(4,2)=6
    assert pass_hat_k(3, 4, 3) == 0.25  # 1 / 4
    assert pass_hat_k(3, 4, 4) == 0.0
    assert pass_hat_k(2, 5, 2) == pytest.approx(0.1)  # 1 / 10
    assert pass_hat_k(0, 3, 1) == 0.0


def test_pass_hat_k_rejects_impossible_inputs() -> None:
    """k larger than the trials, or successes out of range, are errors."""
    with pytest.raises(ValueError, match="at least 3 trials"):
        pass_hat_k(1, 2, 3)
    with pytest.raises(ValueError, match="between 0 and trials"):
        pass_hat_k(3, 2, 1)


def test_mean_pass_hat_k_averages_cases() -> None:
    """The dataset's pass^k is the mean over cases."""
    assert mean_pass_hat_k([(4, 4), (2, 4), (0, 4)], 2) == pytest.approx((1 + 1 / 6 + 0) / 3)
    assert mean_pass_hat_k([], 1) is None


def test_percentile_interpolates() -> None:
    """p50 and p95 by linear interpolation between ranks."""
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(values, 50) == 30.0
    assert percentile(values, 95) == pytest.approx(48.0)
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None


def _record(case: str, passed: bool, trial: int = 0, tags: list[str] | None = None, **metrics: Any) -> dict[str, Any]:
    return {
        "case_id": case,
        "tags": tags or ["t"],
        "trial": trial,
        "status": "pass" if passed else "fail",
        "passed": passed,
        "metrics": {"latency_ms": [10.0], **metrics},
    }


def test_summarize_outcome_and_side_effects() -> None:
    """Outcome accuracy and side-effect rate count only cases with an outcome expectation; crashes count as wrong."""
    records = [
        _record("a", True, outcome_correct=True, side_effect=False, changed=True),
        _record("b", False, outcome_correct=False, side_effect=True, changed=True),
        _record("c", False, outcome_correct=False, side_effect=False, changed=False),
        _record("d", True),
        {"case_id": "e", "tags": ["t"], "trial": 0, "status": "error", "passed": False, "metrics": {}},
        {"case_id": "f", "tags": ["t"], "trial": 0, "status": "invalid", "passed": False, "metrics": {}},
    ]
    s = summarize(records)
    assert s["cases"] == 6
    assert s["invalid"] == 1
    assert s["errors"] == 1
    assert s["pass_rate"] == pytest.approx(2 / 5)
    assert s["outcome_accuracy"] == pytest.approx(1 / 4)
    assert s["side_effect_rate"] == pytest.approx(1 / 3)


def test_summarize_route_tools_clarify_and_usage() -> None:
    """Route accuracy is per turn; tool metrics are means over cases that measure them."""
    records = [
        _record(
            "a",
            True,
            route_correct=2,
            route_total=2,
            tool_precision=1.0,
            tool_recall=0.5,
            clarified=True,
            clarify_expected=True,
            model_calls=2,
            total_tokens=100,
            cost_usd=0.01,
        ),
        _record(
            "b",
            False,
            route_correct=0,
            route_total=1,
            tool_precision=None,
            tool_recall=1.0,
            clarified=False,
            clarify_expected=True,
            model_calls=4,
            total_tokens=300,
            cost_usd=0.03,
        ),
    ]
    s = summarize(records)
    assert s["route_accuracy"] == pytest.approx(2 / 3)
    assert s["tool_precision"] == 1.0
    assert s["tool_recall"] == 0.75
    assert s["clarification_rate"] == 0.5
    assert s["clarification_accuracy"] == 0.5
    assert s["model_calls_per_case"] == 3.0
    assert s["tokens_per_case"] == 200.0
    assert s["cost_usd"] == pytest.approx(0.04)


def test_summarize_pass_hat_k_over_trials() -> None:
    """With K trials per case the summary carries pass^1..pass^K."""
    records = [_record("a", p, trial=i) for i, p in enumerate([True, True, False])]
    records += [_record("b", True, trial=i) for i in range(3)]
    s = summarize(records, max_k=3)
    assert s["pass_hat_k"]["1"] == pytest.approx((2 / 3 + 1) / 2)
    assert s["pass_hat_k"]["2"] == pytest.approx((1 / 3 + 1) / 2)
    assert s["pass_hat_k"]["3"] == pytest.approx(0.5)


def test_summarize_by_tag_counts_each_tag() -> None:
    """A case counts under every tag it carries."""
    groups = summarize_by_tag([_record("a", True, tags=["x", "y"]), _record("b", False, tags=["y"])])
    assert groups["x"]["pass_rate"] == 1.0
    assert groups["y"]["pass_rate"] == 0.5
