"""Argument and value matchers."""

from __future__ import annotations

import pytest

from evals.matchers import MatchContext, MatcherError, describe, matches, validate


def test_literal_is_exact(ctx: MatchContext) -> None:
    """A plain value matches only an equal value of the same type."""
    assert matches("In Progress", "In Progress", ctx)
    assert not matches("In Progress", "in progress", ctx)
    assert not matches(30, "30", ctx)
    assert not matches(True, 1, ctx)


def test_missing_value_matches_only_none_or_absent(ctx: MatchContext) -> None:
    """A missing argument fails an exact matcher but satisfies $absent and $ignore."""
    assert not matches("x", ctx=ctx)
    assert matches({"$absent": True}, ctx=ctx)
    assert matches({"$ignore": True}, ctx=ctx)
    assert matches({"$absent": True}, "", ctx)
    assert not matches({"$absent": True}, "set", ctx)


def test_case_insensitive(ctx: MatchContext) -> None:
    """$ci ignores case and runs of whitespace, not other differences."""
    assert matches({"$ci": "In  Progress"}, "in progress", ctx)
    assert not matches({"$ci": "In Progress"}, "in-progress", ctx)


def test_contains(ctx: MatchContext) -> None:
    """$contains is a case-insensitive substring test; a list needs every part."""
    assert matches({"$contains": "vpn"}, "VPN drops hourly", ctx)
    assert matches({"$contains": ["vpn", "hourly"]}, "VPN drops hourly", ctx)
    assert not matches({"$contains": ["vpn", "daily"]}, "VPN drops hourly", ctx)
    assert not matches({"$contains": "vpn"}, None, ctx)


def test_one_of_nests_matchers(ctx: MatchContext) -> None:
    """$one_of accepts any option, including matcher options."""
    spec = {"$one_of": ["high", {"$ci": "HIGHEST"}]}
    assert matches(spec, "high", ctx)
    assert matches(spec, "highest", ctx)
    assert not matches(spec, "medium", ctx)


def test_instant_in_user_zone(ctx: MatchContext) -> None:
    """$instant compares instants: naive times are in the user's zone, offsets and words are honoured."""
    spec = {"$instant": "2026-11-18T15:00:00"}
    assert matches(spec, "2026-11-18T15:00:00+00:00", ctx)  # London is UTC in November
    assert matches(spec, "2026-11-18T10:00:00-05:00", ctx)
    assert matches(spec, "tomorrow at 3pm", ctx)
    assert not matches(spec, "2026-11-18T15:30:00", ctx)
    assert not matches(spec, "not a time", ctx)


def test_instant_respects_zone() -> None:
    """The same naive time means different instants in different zones."""
    berlin = MatchContext(tz="Europe/Berlin", now=MatchContext().now)
    assert matches({"$instant": "2026-11-18T14:00:00"}, "2026-11-18T13:00:00Z", berlin)
    assert not matches({"$instant": "2026-11-18T14:00:00"}, "2026-11-18T14:00:00Z", berlin)


def test_date_matcher_reads_words(ctx: MatchContext) -> None:
    """$date accepts ISO dates and words read relative to the clock (Tuesday 17 Nov 2026)."""
    assert matches({"$date": "2026-12-04"}, "December 4", ctx)
    assert matches({"$date": "2026-11-18"}, "tomorrow", ctx)
    assert not matches({"$date": "2026-12-04"}, "December 5", ctx)


def test_regex_and_not(ctx: MatchContext) -> None:
    """$regex searches case-insensitively; $not inverts."""
    assert matches({"$regex": r"OPS-1\b"}, "see ops-1 now", ctx)
    assert not matches({"$regex": r"OPS-1\b"}, "see OPS-10", ctx)
    assert matches({"$not": {"$contains": "done"}}, "in progress", ctx)
    assert not matches({"$not": {"$contains": "done"}}, "Done", ctx)


def test_person_matcher(ctx: MatchContext) -> None:
    """$person compares whom two references resolve to."""
    assert matches({"$person": "ada"}, "Ada Lovelace", ctx)
    assert matches({"$person": "U1"}, "ada", ctx)
    assert matches({"$person": "U3"}, "me", ctx)
    assert not matches({"$person": "ada"}, "grace", ctx)
    assert not matches({"$person": "ada"}, "nobody-known", ctx)


def test_person_matcher_needs_a_directory() -> None:
    """Without a resolver $person is a dataset error, not a silent pass."""
    with pytest.raises(MatcherError):
        matches({"$person": "ada"}, "ada", MatchContext())


def test_nested_dicts_and_lists(ctx: MatchContext) -> None:
    """Containers match element-wise, with matchers inside."""
    assert matches({"a": {"$ci": "X"}, "b": [1, {"$ignore": True}]}, {"a": "x", "b": [1, 99]}, ctx)
    assert not matches({"a": 1}, {"a": 1, "b": 2}, ctx)
    assert not matches([1, 2], [1, 2, 3], ctx)


def test_validate_rejects_unknown_operators() -> None:
    """Typos in datasets fail loudly when loading."""
    with pytest.raises(MatcherError):
        validate({"title": {"$contain": "x"}})
    with pytest.raises(MatcherError):
        validate({"$one_of": []})
    with pytest.raises(MatcherError):
        validate({"$regex": "("})
    validate({"title": {"$contains": "x"}, "n": [{"$one_of": [1, {"$ci": "a"}]}]})


def test_describe_is_readable() -> None:
    """Reports show matchers in words."""
    assert describe({"$contains": "vpn"}) == "contains 'vpn'"
    assert describe({"$one_of": ["a", {"$ci": "B"}]}) == "one of ['a', ≈ 'B']"
    assert describe("x") == "'x'"
