"""Argument and value matchers used by trajectory and outcome grading.

A matcher is either a plain JSON value (compared exactly) or a one-key object whose key starts with ``$``:

=================  ==================================================================================
``{"$exact": v}``    equal to ``v`` (the same as writing ``v``)
``{"$ignore": 1}``   anything, including a missing value
``{"$ci": "v"}``     equal ignoring case and runs of whitespace
``{"$contains": s}`` the actual text contains ``s`` (case-insensitive); a list means "contains every one"
``{"$one_of": [..]}`` matches any of the listed matchers
``{"$instant": t}``  the same instant as ``t``; naive times and natural language ("tomorrow at 3") are read
                     in the user's time zone relative to the case's clock
``{"$date": d}``     the same calendar date in the user's time zone ("next friday" ~ "2026-11-20")
``{"$absent": 1}``   missing, None or empty
``{"$regex": p}``    ``re.search(p, text, IGNORECASE)``
``{"$not": m}``      does not match ``m``
``{"$person": r}``   refers to the same person as ``r`` (an id, email, handle or name from the fixture); the
                     actual value may be any reference the directory resolves: a name, "me", a mention, an email
=================  ==================================================================================
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

OPERATORS = (
    "$exact",
    "$ignore",
    "$ci",
    "$contains",
    "$one_of",
    "$instant",
    "$date",
    "$absent",
    "$regex",
    "$not",
    "$person",
)

_MISSING = object()


class MatcherError(ValueError):
    """A matcher in a dataset is malformed (unknown operator, wrong operand)."""


@dataclass(frozen=True)
class MatchContext:
    """What time-aware matchers need: the case's clock and the speaker's time zone."""

    tz: str = "UTC"
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    person: Callable[[str], str | None] | None = None
    """Resolves a person reference (name, "me", mention, email, id) to a person id, or None."""


def is_matcher(value: Any) -> bool:
    """True for a one-key ``{"$op": operand}`` object."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("$")


IGNORE: dict[str, Any] = {"$ignore": True}


def validate(spec: Any) -> None:
    """Raise MatcherError when ``spec`` (or anything nested in it) uses an unknown operator."""
    if is_matcher(spec):
        op, operand = next(iter(spec.items()))
        if op not in OPERATORS:
            raise MatcherError(f"unknown matcher {op!r}; known: {', '.join(OPERATORS)}")
        if op == "$one_of":
            if not isinstance(operand, list) or not operand:
                raise MatcherError("$one_of needs a non-empty list")
            for option in operand:
                validate(option)
        elif op == "$not":
            validate(operand)
        elif op == "$regex":
            try:
                re.compile(str(operand))
            except re.error as exc:
                raise MatcherError(f"bad $regex {operand!r}: {exc}") from exc
    elif isinstance(spec, dict):
        for value in spec.values():
            validate(value)
    elif isinstance(spec, list):
        for value in spec:
            validate(value)


def _squash(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def _empty(value: Any) -> bool:
    return value is None or value is _MISSING or value == "" or value == [] or value == {}


def parse_instant(value: Any, ctx: MatchContext) -> datetime | None:
    """An aware datetime from a datetime, an ISO string (naive = user's zone) or words ("tomorrow at 3pm")."""
    zone = ZoneInfo(ctx.tz)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    import dateparser  # deferred: slow first import, and most matchers never need it

    base = ctx.now.astimezone(zone).replace(tzinfo=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        words = dateparser.parse(
            text,
            languages=["en"],
            settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False},
        )
    return words.replace(tzinfo=zone) if words else None


def parse_day(value: Any, ctx: MatchContext) -> date | None:
    """A calendar date in the user's zone from a date, an ISO string or words ("next friday")."""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(ctx.tz)).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, str) and value.strip():
        from graph.parsing.dates import parse_date  # the product's own reading of dates, so words agree

        return parse_date(value, now=ctx.now, tz=ctx.tz)
    return None


def matches(spec: Any, actual: Any = _MISSING, ctx: MatchContext | None = None) -> bool:
    """Does ``actual`` satisfy ``spec``? A missing actual value is passed as the default sentinel."""
    ctx = ctx or MatchContext()
    if not is_matcher(spec):
        if actual is _MISSING:
            return spec is None
        if isinstance(spec, dict) and isinstance(actual, dict):
            return spec.keys() == actual.keys() and all(matches(spec[k], actual[k], ctx) for k in spec)
        if isinstance(spec, list) and isinstance(actual, list):
            return len(spec) == len(actual) and all(matches(s, a, ctx) for s, a in zip(spec, actual, strict=True))
        if isinstance(spec, bool) or isinstance(actual, bool):
            return spec is actual
        numbers = isinstance(spec, (int, float)) and isinstance(actual, (int, float))
        return bool(spec == actual and (numbers or type(spec) is type(actual)))
    op, operand = next(iter(spec.items()))
    if op == "$ignore":
        return True
    if op == "$absent":
        return _empty(actual)
    if op == "$not":
        return not matches(operand, actual, ctx)
    if op == "$one_of":
        if not isinstance(operand, list):
            raise MatcherError("$one_of needs a list")
        return any(matches(option, actual, ctx) for option in operand)
    if actual is _MISSING or actual is None:
        return False
    if op == "$exact":
        return matches(operand, actual, ctx) if not is_matcher(operand) else spec == actual
    if op == "$ci":
        return _squash(operand) == _squash(actual)
    if op == "$contains":
        needles = operand if isinstance(operand, list) else [operand]
        hay = _squash(actual if not isinstance(actual, list) else " ".join(map(str, actual)))
        return all(_squash(n) in hay for n in needles)
    if op == "$regex":
        return re.search(str(operand), str(actual), re.IGNORECASE) is not None
    if op == "$instant":
        want, got = parse_instant(operand, ctx), parse_instant(actual, ctx)
        return want is not None and got is not None and want == got
    if op == "$date":
        want_day, got_day = parse_day(operand, ctx), parse_day(actual, ctx)
        return want_day is not None and want_day == got_day
    if op == "$person":
        if ctx.person is None:
            raise MatcherError("$person needs a directory (only available while grading a case)")
        want_id = ctx.person(str(operand))
        return want_id is not None and ctx.person(str(actual)) == want_id
    raise MatcherError(f"unknown matcher {op!r}")


def describe(spec: Any) -> str:
    """A short human form of a matcher for reports ("contains 'vpn'")."""
    if not is_matcher(spec):
        return repr(spec)
    op, operand = next(iter(spec.items()))
    words = {
        "$exact": "exactly",
        "$ignore": "anything",
        "$ci": "≈",
        "$contains": "contains",
        "$one_of": "one of",
        "$instant": "same instant as",
        "$date": "same date as",
        "$absent": "absent",
        "$regex": "matches",
        "$not": "not",
        "$person": "same person as",
    }
    if op in ("$ignore", "$absent"):
        return words[op]
    if op == "$one_of":
        return "one of [" + ", ".join(describe(o) for o in operand) + "]"
    if op == "$not":
        return "not " + describe(operand)
    return f"{words.get(op, op)} {operand!r}"


MISSING = _MISSING
