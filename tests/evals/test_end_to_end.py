"""A few cases through the real runtime with the local model: turns, the auto-approver, state, grading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from langchain_core.runnables import RunnableLambda
from typer.testing import CliRunner

from evals.cli import eval_app
from evals.driver import RunOptions, run_case
from evals.judge import Verdict, judge_reply
from evals.runner import finish, run_cases, write_run
from evals.schema import Case
from evals.usage import load_prices
from evals.world import ModelChoice

CASES = [
    {
        "id": "e2e.create-edited",
        "tags": ["e2e"],
        "conversation": {"user": "maya", "channel": "#it-help", "turns": ["open a ticket: the kitchen tap drips"]},
        "approval": {"decision": "edit", "fields": {"priority": "high"}},
        "expect": {
            "route": "tickets",
            "tools": {"calls": [{"name": "create_ticket", "args": {"title": {"$contains": "tap"}}}]},
            "outcome": {"actions": [{"op": "ticket.create", "title": {"$contains": "tap"}, "priority": "high"}]},
            "proposes": True,
        },
    },
    {
        "id": "e2e.rejected",
        "tags": ["e2e"],
        "conversation": {"user": "lena", "turns": ["move OPS-9 to in progress"]},
        "approval": "reject",
        "expect": {"nothing_changes": True, "proposes": True},
    },
    {
        "id": "e2e.refused-click",
        "tags": ["e2e"],
        "conversation": {"user": "maya", "turns": ["close ENG-4"]},
        "approval": {"decision": "approve", "by": "tom"},
        "expect": {"nothing_changes": True},
    },
    {
        "id": "e2e.wrong-expectation",
        "tags": ["e2e"],
        "description": "Deliberately expects the wrong status: must fail with a diff and count as a side effect.",
        "conversation": {"user": "lena", "turns": ["move OPS-9 to in progress"]},
        "expect": {"outcome": {"actions": [{"op": "ticket.update", "key": "OPS-9", "status": "Done"}]}},
    },
]


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    """The four cases, run once for the module."""
    cases = [Case.model_validate(c) for c in CASES]
    return run_cases(cases, RunOptions(prices=load_prices()), workers=1)


def test_edit_approval_reaches_the_state(records: list[dict[str, Any]]) -> None:
    """The auto-approver's edit goes through runtime.decide and the created ticket carries it."""
    record = records[0]
    assert record["status"] == "pass", record["checks"]
    turn = record["turns"][0]
    assert turn["route"] == "tickets"
    assert turn["approval"]["actions"][0]["kind"] == "ticket.create"
    assert turn["decisions"][0]["kind"] == "applied"
    assert record["metrics"]["model_calls"] >= 1
    assert record["metrics"]["total_tokens"] > 0
    assert record["metrics"]["latency_ms"][0] > 0
    assert any("new ticket" in line for line in record["state_changes"])


def test_reject_and_refused_click_change_nothing(records: list[dict[str, Any]]) -> None:
    """A rejection, and a click by someone who may not decide, leave the world as it was."""
    rejected, refused = records[1], records[2]
    assert rejected["status"] == "pass", rejected["checks"]
    assert rejected["turns"][0]["decisions"][0]["kind"] == "rejected"
    assert refused["status"] == "pass", refused["checks"]
    assert refused["turns"][0]["decisions"][0]["kind"] == "refused"


def test_wrong_outcome_fails_with_diff_and_side_effect(records: list[dict[str, Any]]) -> None:
    """A state that changed but not as expected fails and is flagged as a side effect."""
    record = records[3]
    assert record["status"] == "fail"
    assert record["state_diff"] == ["ticket OPS-9: status expected 'Done', got 'In Progress'"]
    assert record["metrics"]["side_effect"] is True


def test_summary_and_run_files(records: list[dict[str, Any]], tmp_path: Path) -> None:
    """A run writes results.jsonl, summary.json and a report."""
    run = finish({"model": "local", "repeat": 1}, records)
    assert run.summary["pass_rate"] == 0.75
    assert run.summary["side_effect_rate"] == pytest.approx(1 / 4)
    write_run(run, tmp_path)
    lines = (tmp_path / "results.jsonl").read_text().splitlines()
    assert [json.loads(line)["case_id"] for line in lines] == [c["id"] for c in CASES]
    assert json.loads((tmp_path / "summary.json").read_text())["overall"]["cases"] == 4
    assert "e2e.create-edited" in (tmp_path / "report.html").read_text()


class _Boom(BaseChatModel):
    """A model that fails on every call."""

    @property
    def _llm_type(self) -> str:
        return "boom"

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        raise RuntimeError("model exploded")


def test_a_crash_is_an_error_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception inside the product is reported with its traceback; the run goes on."""
    monkeypatch.setattr(ModelChoice, "make", lambda self: _Boom())
    case = Case.model_validate(CASES[1])
    record = run_case(case, RunOptions())
    assert record["status"] == "error"
    assert "model exploded" in record["error"]
    assert "Traceback" in record["traceback"]


def test_invalid_case_is_reported_not_run() -> None:
    """A case naming someone who is not in the fixture is invalid."""
    case = Case.model_validate({"id": "bad", "conversation": {"user": "nobody-here", "turns": ["hi"]}})
    assert run_case(case, RunOptions())["status"] == "invalid"


def test_cli_run_and_ci_gate(tmp_path: Path) -> None:
    """`deskhand eval` writes a run; `--ci` exits non-zero when a threshold is missed."""
    dataset = tmp_path / "mini.jsonl"
    dataset.write_text(json.dumps({**CASES[1], "tags": ["ci"]}) + "\n")
    runner = CliRunner()
    result = runner.invoke(eval_app, ["--dataset", str(dataset), "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "report.html").exists()
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text(
        json.dumps({"select": {"datasets": [str(dataset)], "tags": ["ci"]}, "min": {"pass_rate": 1.01}})
    )
    gate = ["--ci", "--thresholds", str(thresholds), "--workers", "1", "--out", str(tmp_path / "ci")]
    failed = runner.invoke(eval_app, gate)
    assert failed.exit_code == 1, failed.output
    assert "CI gate failed" in " ".join(failed.output.split())
    thresholds.write_text(
        json.dumps({"select": {"datasets": [str(dataset)], "tags": ["ci"]}, "min": {"pass_rate": 1.0}})
    )
    passed = runner.invoke(eval_app, [*gate[:-1], str(tmp_path / "ci2"), "--compare", str(tmp_path / "run")])
    assert passed.exit_code == 0, passed.output
    assert "0 regressions" in " ".join(passed.output.split())


def test_cli_rejects_bad_model_and_empty_selection(tmp_path: Path) -> None:
    """A bad --model or a selection with no cases exits with status 2."""
    runner = CliRunner()
    assert runner.invoke(eval_app, ["--model", "claude"]).exit_code == 2
    assert runner.invoke(eval_app, ["--tag", "no-such-tag", "--out", str(tmp_path)]).exit_code == 2


class _Judge(BaseChatModel):
    """A scripted judge."""

    verdict: Verdict | None = None

    @property
    def _llm_type(self) -> str:
        return "judge"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        raise NotImplementedError

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Any:
        verdict = self.verdict
        if verdict is None:
            return RunnableLambda(lambda _: (_ for _ in ()).throw(TimeoutError("judge timed out")))
        return RunnableLambda(lambda _: verdict)


def test_judge_scores_and_never_breaks_a_run() -> None:
    """A configured judge's 1-5 grade becomes 0..1; a failing judge is recorded as an error."""
    turns = [{"user": "U1", "text": "hi", "reply": "hello", "calls": [], "tool_results": [], "decisions": []}]
    scored = judge_reply(_Judge(verdict=Verdict(score=4, reason="fine")), turns, reference="greet back")
    assert scored == {"score": 0.75, "raw": 4, "reason": "fine"}
    assert "error" in judge_reply(_Judge(), turns)


def test_openai_compatible_model_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--model openai:NAME` drives ChatOpenAI against a loopback server; calls, tokens and cost are counted."""
    from collections import deque

    from tests.fakes.openai_server import ScriptedOpenAI, serve_openai, text_turn, tool_turn

    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    fake = ScriptedOpenAI(
        script=deque([tool_turn(("update_ticket", {"key": "OPS-9", "status": "In Progress"})), text_turn("Proposed.")]),
        responder=lambda request: text_turn("ok"),
    )
    server = serve_openai(fake)
    try:
        case = Case.model_validate(
            {
                "id": "openai",
                "conversation": {"user": "lena", "turns": ["move OPS-9 to in progress"]},
                "expect": {"outcome": {"actions": [{"op": "ticket.update", "key": "OPS-9", "status": "In Progress"}]}},
            }
        )
        model = ModelChoice.parse("openai:gpt-4o-mini", base_url=server.base_url)
        record = run_case(case, RunOptions(model=model, prices=load_prices()))
    finally:
        server.stop()
    assert record["status"] == "pass", record["checks"]
    assert record["model"] == "openai:gpt-4o-mini"
    assert record["metrics"]["model_calls"] == 2
    assert record["metrics"]["input_tokens"] == 100
    assert record["metrics"]["cost_usd"] == pytest.approx((100 * 0.15 + 20 * 0.60) / 1e6)
