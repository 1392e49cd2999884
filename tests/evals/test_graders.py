"""Graders for route, reply, clarification, proposals and retrieval."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import AIMessage, ToolMessage

from evals.graders import (
    asks_question,
    grade_clarify,
    grade_proposes,
    grade_reply,
    grade_retrieval,
    grade_route,
    grade_tools,
)
from evals.matchers import MatchContext
from evals.retrieval import doc_ids_from_message, mrr, ndcg_at_k, recall_at_k, retrieved_doc_ids
from evals.schema import ReplyExpectation, RetrievalExpectation, ToolsExpectation
from evals.trajectory import Call


def test_route_per_turn() -> None:
    """Each turn with an expected route is checked; None means unchecked."""
    ok = grade_route(["tickets", None], ["tickets", "chat"])
    assert ok.passed
    assert ok.metrics == {"route_correct": 1, "route_total": 1}
    bad = grade_route(["calendar", "tickets"], ["chat", "tickets"])
    assert not bad.passed
    assert bad.details == ["turn 1: expected route calendar, got chat"]


def test_tools_check_reports_metrics(ctx: MatchContext) -> None:
    """The tools grader wraps the trajectory score."""
    spec = ToolsExpectation(calls=[{"name": "get_ticket", "args": {"key": {"$ci": "ops-1"}}}], forbid=["close_ticket"])
    check = grade_tools(spec, [Call("get_ticket", {"key": "OPS-1"})], ctx)
    assert check.passed
    assert check.metrics["tool_recall"] == 1.0
    assert not grade_tools(
        spec, [Call("get_ticket", {"key": "OPS-1"}), Call("close_ticket", {"key": "OPS-1"})], ctx
    ).passed


def test_reply_mention_cite_and_not_claim(ctx: MatchContext) -> None:
    """Mentions and citations anywhere the bot spoke; claims only in turn replies."""
    spec = ReplyExpectation(
        mention=["ENG-5", {"$one_of": ["Nov 23", "2026-11-23"]}],
        cite=["handbook.md"],
        not_claim=["has been closed", {"$regex": r"OPS-1\b"}],
    )
    replies = ["ENG-5 is due 2026-11-23, see handbook.md"]
    assert grade_reply(spec, replies, replies[0] + "\nUpdated OPS-10", ctx).passed
    check = grade_reply(spec, ["OPS-1 has been closed"], "OPS-1 has been closed", ctx)
    assert not check.passed
    assert len(check.details) == 5  # two missing mentions, a missing citation, two claims


def test_claims_after_approval_are_allowed(ctx: MatchContext) -> None:
    """The post-approval result may say it was done; only turn replies are checked for claims."""
    spec = ReplyExpectation(not_claim=["Updated OPS-9"])
    assert grade_reply(spec, ["Here's what I'll do once it's approved:"], "…\nUpdated OPS-9", ctx).passed


def test_asks_question_ignores_quoted_titles() -> None:
    """A '?' inside a quoted title is not a question to the person."""
    assert asks_question("Which ticket should I change? Give me its key.")
    assert asks_question("Do you mean OPS-2 or OPS-7?")
    assert not asks_question("Found ENG-3 “Why does the picker start on Sunday?” · Backlog")
    assert not asks_question("Done.")


def test_clarify_and_proposes() -> None:
    """Both directions of the clarification and proposal checks."""
    assert grade_clarify(True, True).passed
    assert not grade_clarify(True, False).passed
    assert not grade_clarify(False, True).passed
    assert grade_proposes(False, 0).passed
    assert not grade_proposes(False, 2).passed
    assert grade_proposes(True, 1).passed


def test_retrieval_metric_values() -> None:
    """recall@k, MRR and nDCG on a known ranking."""
    ranked = ["a", "x", "b", "y"]
    assert recall_at_k(ranked, ["a", "b"], 2) == 0.5
    assert recall_at_k(ranked, ["a", "b"], 3) == 1.0
    assert mrr(ranked, ["b"]) == pytest.approx(1 / 3)
    assert mrr(ranked, ["z"]) == 0.0
    assert mrr(ranked, ["b"], k=2) == 0.0
    ideal = 1 + 1 / 1.5849625007211563  # log2(3)
    assert ndcg_at_k(ranked, ["a", "b"], 3) == pytest.approx((1 + 1 / 2) / ideal)
    assert ndcg_at_k(["b", "a"], {"a": 2.0, "b": 1.0}, 2) < ndcg_at_k(["a", "b"], {"a": 2.0, "b": 1.0}, 2) == 1.0


def test_chunk_ids_count_as_their_document() -> None:
    """handbook#3 retrieves handbook; repeats do not count twice."""
    assert recall_at_k(["handbook#3", "handbook#4", "vpn#1"], ["handbook", "vpn"], 2) == 1.0


def test_doc_ids_from_tool_results() -> None:
    """Doc ids come from the artifact, JSON content, or marked-up text, in rank order."""
    artifact = ToolMessage(
        content="…", tool_call_id="1", name="search_docs", artifact=[{"doc_id": "a"}, {"doc_id": "b"}]
    )
    assert doc_ids_from_message(artifact) == ["a", "b"]
    as_json = ToolMessage(
        content=json.dumps({"results": [{"id": "c"}, {"id": "d"}]}), tool_call_id="2", name="search_docs"
    )
    assert doc_ids_from_message(as_json) == ["c", "d"]
    as_text = ToolMessage(
        content="1. Leave [doc:parental-leave]\n2. (id: travel) Travel", tool_call_id="3", name="search_docs"
    )
    assert doc_ids_from_message(as_text) == ["parental-leave", "travel"]
    other = ToolMessage(content="[doc:ignored]", tool_call_id="4", name="search_tickets")
    assert retrieved_doc_ids([AIMessage(content="hi"), artifact, other, as_json]) == ["a", "b", "c", "d"]


def test_retrieval_check_passes_at_min_recall() -> None:
    """The check passes when recall@k reaches the case's minimum."""
    spec = RetrievalExpectation(relevant=["a", "b"], k=3, min_recall=0.5)
    assert grade_retrieval(spec, ["a", "x"]).passed
    failed = grade_retrieval(RetrievalExpectation(relevant=["a", "b"], k=3), ["a", "x"])
    assert not failed.passed
    assert failed.metrics["recall_at_k"] == 0.5
