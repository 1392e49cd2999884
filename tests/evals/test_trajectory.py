"""Trajectory match modes and tool precision / recall / argument accuracy."""

from __future__ import annotations

from evals.matchers import MatchContext
from evals.trajectory import Call, max_matching, score_trajectory

SEARCH = ("search_tickets", {"assignee": {"$ci": "priya"}})
UPDATE = ("update_ticket", {"key": "ENG-9", "status": {"$ci": "in review"}})


def _calls(*pairs: tuple[str, dict[str, object]]) -> list[Call]:
    return [Call(name, dict(args)) for name, args in pairs]


def test_strict_needs_same_order_and_length() -> None:
    """strict: the same calls in the same order, nothing more."""
    actual = _calls(
        ("search_tickets", {"assignee": "Priya"}), ("update_ticket", {"key": "ENG-9", "status": "In Review"})
    )
    assert score_trajectory([SEARCH, UPDATE], actual, mode="strict").passed
    assert not score_trajectory([UPDATE, SEARCH], actual, mode="strict").passed
    score = score_trajectory([SEARCH], actual, mode="strict")
    assert not score.passed
    assert score.details


def test_unordered_allows_any_order_but_no_extras() -> None:
    """unordered: same multiset of calls."""
    actual = _calls(
        ("update_ticket", {"key": "ENG-9", "status": "in review"}), ("search_tickets", {"assignee": "priya"})
    )
    assert score_trajectory([SEARCH, UPDATE], actual, mode="unordered").passed
    extra = [*actual, Call("get_ticket", {"key": "ENG-9"})]
    score = score_trajectory([SEARCH, UPDATE], extra, mode="unordered")
    assert not score.passed
    assert any("unexpected" in d for d in score.details)


def test_superset_allows_extra_calls() -> None:
    """superset: every expected call was made; extra calls are fine."""
    actual = _calls(("get_ticket", {"key": "ENG-9"}), ("update_ticket", {"key": "ENG-9", "status": "In Review"}))
    assert score_trajectory([UPDATE], actual, mode="superset").passed
    score = score_trajectory([SEARCH, UPDATE], actual, mode="superset")
    assert not score.passed
    assert any("missing" in d for d in score.details)


def test_subset_forbids_unexpected_calls() -> None:
    """subset: the agent did no more than expected (it may do less)."""
    assert score_trajectory([SEARCH, UPDATE], _calls(("search_tickets", {"assignee": "PRIYA"})), mode="subset").passed
    actual = _calls(("close_ticket", {"key": "ENG-9"}))
    assert not score_trajectory([SEARCH, UPDATE], actual, mode="subset").passed


def test_wrong_argument_fails_and_lowers_argument_accuracy() -> None:
    """A call with the right tool but a wrong argument does not match."""
    actual = _calls(("update_ticket", {"key": "ENG-9", "status": "Done"}))
    score = score_trajectory([UPDATE], actual, mode="superset")
    assert not score.passed
    assert score.precision == 1.0
    assert score.recall == 1.0
    assert score.argument_accuracy == 0.0


def test_precision_and_recall_by_tool_name() -> None:
    """Precision counts extra calls, recall missing ones (by tool name)."""
    actual = _calls(
        ("search_tickets", {"assignee": "priya"}), ("get_ticket", {"key": "X"}), ("get_ticket", {"key": "Y"})
    )
    score = score_trajectory([SEARCH, UPDATE], actual, mode="superset")
    assert score.precision == 1 / 3
    assert score.recall == 1 / 2
    assert score.argument_accuracy == 1.0


def test_no_expected_calls() -> None:
    """An explicit empty strict trajectory scores extra calls as imprecise; superset leaves it unmeasured."""
    actual = _calls(("create_ticket", {"title": "x"}))
    strict = score_trajectory([], actual, mode="strict")
    assert not strict.passed
    assert strict.precision == 0.0
    assert strict.recall is None
    loose = score_trajectory([], actual, mode="superset")
    assert loose.passed
    assert loose.precision is None
    assert score_trajectory([], [], mode="strict").passed


def test_forbidden_tools_fail_any_mode() -> None:
    """A forbidden tool call fails the check even when every expected call is there."""
    actual = _calls(("get_ticket", {"key": "OPS-11"}), ("close_ticket", {"key": "OPS-1"}))
    score = score_trajectory([("get_ticket", {"key": "OPS-11"})], actual, forbid=["close_ticket"])
    assert not score.passed
    assert any("forbidden" in d for d in score.details)


def test_exact_args_rejects_unlisted_arguments() -> None:
    """With exact_args, arguments the case does not list must be absent."""
    actual = _calls(("create_ticket", {"title": "x", "priority": "high"}))
    assert score_trajectory([("create_ticket", {"title": "x"})], actual).passed
    assert not score_trajectory([("create_ticket", {"title": "x"})], actual, exact_args=True).passed


def test_matchers_receive_the_context() -> None:
    """Time matchers use the case's clock and zone."""
    ctx = MatchContext(tz="UTC", now=MatchContext().now)
    actual = _calls(("create_event", {"start": "2026-11-18T15:00:00Z"}))
    assert score_trajectory([("create_event", {"start": {"$instant": "2026-11-18T15:00"}})], actual, ctx=ctx).passed


def test_max_matching_finds_augmenting_paths() -> None:
    """Greedy would pair 0-0 and leave 1 unmatched; the maximum matching pairs both."""
    ok = {(0, 0), (0, 1), (1, 0)}
    assert len(max_matching(2, 2, lambda i, j: (i, j) in ok)) == 2
