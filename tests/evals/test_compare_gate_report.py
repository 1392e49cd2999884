"""Run comparison, the CI gate, the usage counter and the HTML report."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, LLMResult

from evals.compare import compare_runs
from evals.gate import check_thresholds
from evals.report import render_html
from evals.runner import finish
from evals.usage import Usage, UsageHandler, estimate_cost, price_for


def _rec(case: str, passed: bool, trial: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "case_id": case,
        "tags": ["t"],
        "trial": trial,
        "status": "pass" if passed else "fail",
        "passed": passed,
        "metrics": {"latency_ms": [5.0]},
        "checks": [] if passed else [{"name": "outcome", "passed": False, "details": ["OPS-1: status wrong"]}],
        "turns": [],
        **extra,
    }


def test_compare_lists_regressions_and_fixes() -> None:
    """Case by case: passed before and failing now is a regression; the reverse a fix."""
    before = [_rec("a", True), _rec("b", False), _rec("c", True), _rec("gone", True)]
    after = [_rec("a", False), _rec("b", True), _rec("c", True), _rec("new", True)]
    result = compare_runs(before, after)
    assert [c.case_id for c in result.regressions] == ["a"]
    assert "status wrong" in result.regressions[0].detail
    assert [c.case_id for c in result.fixes] == ["b"]
    assert result.unchanged == 1
    assert result.added == ["new"]
    assert result.removed == ["gone"]


def test_compare_uses_pass_rates_over_trials() -> None:
    """With repeats, a drop from 3/3 to 2/3 is a regression."""
    before = [_rec("a", True, trial=i) for i in range(3)]
    after = [_rec("a", i != 1, trial=i) for i in range(3)]
    change = compare_runs(before, after).regressions[0]
    assert (change.before, round(change.after, 2)) == (1.0, 0.67)


def test_gate_min_max_and_tags() -> None:
    """Below a minimum or above a maximum fails; an unmeasured minimum fails; per-tag rules apply."""
    summary = {"pass_rate": 0.8, "side_effect_rate": 0.1, "route_accuracy": None}
    rules = {"min": {"pass_rate": 0.75}, "max": {"side_effect_rate": 0.2}}
    assert check_thresholds(summary, rules) == []
    assert check_thresholds(summary, {"min": {"pass_rate": 0.9}}) == ["overall: pass_rate 0.800 < minimum 0.900"]
    assert check_thresholds(summary, {"max": {"side_effect_rate": 0.05}}) != []
    assert check_thresholds(summary, {"min": {"route_accuracy": 0.5}}) == [
        "overall: route_accuracy missing < minimum 0.500"
    ]
    tagged = {"tags": {"ci": {"min": {"pass_rate": 0.9}}, "absent": {"min": {"pass_rate": 0.1}}}}
    problems = check_thresholds(summary, tagged, by_tag={"ci": {"pass_rate": 0.5}})
    assert problems == ["tag ci: pass_rate 0.500 < minimum 0.900", "tag absent: no cases ran"]


def test_usage_handler_counts_calls_and_tokens() -> None:
    """Each chat-model call and the tokens its message reports are counted."""
    handler = UsageHandler()
    handler.on_chat_model_start({}, [[]])
    message = AIMessage(content="x", usage_metadata={"input_tokens": 100, "output_tokens": 20, "total_tokens": 120})
    handler.on_llm_end(LLMResult(generations=[[ChatGeneration(message=message)]]))
    handler.on_llm_end(
        LLMResult(generations=[[]], llm_output={"token_usage": {"prompt_tokens": 5, "completion_tokens": 1}})
    )
    assert handler.usage.model_calls == 1
    assert (handler.usage.input_tokens, handler.usage.output_tokens) == (105, 21)
    handler.reset()
    assert handler.usage.total_tokens == 0


def test_cost_from_price_table() -> None:
    """Cost is tokens times the table's price per million; prefixes match; unknown models have no cost."""
    prices = {"gpt-4o": {"input": 2.5, "output": 10.0}, "gpt-4o-mini": {"input": 0.15, "output": 0.6}}
    usage = Usage(input_tokens=1_000_000, output_tokens=100_000)
    assert estimate_cost(usage, "gpt-4o-mini-2024-07-18", prices) == 0.15 + 0.06
    assert price_for("gpt-4o-2024-08-06", prices) == prices["gpt-4o"]
    assert estimate_cost(usage, "mystery", prices) is None


def test_report_is_self_contained_and_escaped() -> None:
    """One HTML file with inline SVG, no external resources, user text escaped."""
    turns = [
        {
            "user": "U1",
            "text": "<script>alert(1)</script>",
            "reply": "ok",
            "calls": [],
            "tool_results": [],
            "decisions": [],
            "latency_ms": 3.0,
            "route": "tickets",
        }
    ]
    records = [_rec("a", True, turns=turns), _rec("workbench.calendar.001", False, turns=[])]
    run = finish({"model": "local", "repeat": 1}, records)
    html = render_html(run)
    assert html.startswith("<!doctype html>")
    assert "<svg" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "http://" not in html.replace("http://127.0.0.1", "") and "https://" not in html
    assert "GPT-4" in html
