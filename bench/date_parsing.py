"""Relative dates: deskhand's parser (own rules first, dateparser as the fallback) against dateparser alone.

Issue 5 asks to prefer a well-kept parsing library where one fits and to measure it. dateparser is that library
and deskhand keeps it as the fallback; this script shows why its own rules run first. Each phrase has the date a
colleague in Berlin would mean on Wednesday 2026-11-25 at 10:00, with deskhand's documented conventions:
ambiguous dates lie ahead (except a month-day less than two months back, which means that recent day),
"next <weekday>" is that day of next week (the reading most people in the demo
company's zones use, and the same for due dates and meetings), "end of the week" is Friday.

    .venv/bin/python bench/date_parsing.py [--runs 5]

Prints accuracy for both parsers, the phrases they get wrong, and the median time per phrase over the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.parsing.dates import parse_date

TZ = "Europe/Berlin"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo(TZ))  # a Wednesday

CASES: list[tuple[str, date]] = [
    ("today", date(2026, 11, 25)),
    ("tomorrow", date(2026, 11, 26)),
    ("the day after tomorrow", date(2026, 11, 27)),
    ("friday", date(2026, 11, 27)),
    ("this friday", date(2026, 11, 27)),
    ("on Friday", date(2026, 11, 27)),
    ("monday", date(2026, 11, 30)),
    ("tues", date(2026, 12, 1)),
    ("thu", date(2026, 11, 26)),
    ("next friday", date(2026, 12, 4)),
    ("next tuesday", date(2026, 12, 1)),
    ("next wednesday", date(2026, 12, 2)),
    ("in 3 days", date(2026, 11, 28)),
    ("in two weeks", date(2026, 12, 9)),
    ("a week from today", date(2026, 12, 2)),
    ("two days from now", date(2026, 11, 27)),
    ("Dec 4", date(2026, 12, 4)),
    ("December 4", date(2026, 12, 4)),
    ("4 December", date(2026, 12, 4)),
    ("the 4th of December", date(2026, 12, 4)),
    ("Dec 4th", date(2026, 12, 4)),
    ("Jan 15", date(2027, 1, 15)),
    ("November 20", date(2026, 11, 20)),  # a few days back: people refer to recent days ("what was on Nov 20?")
    ("September 2", date(2027, 9, 2)),  # more than two months back: the next one
    ("the 30th", date(2026, 11, 30)),
    ("the 3rd", date(2026, 12, 3)),
    ("2026-12-05", date(2026, 12, 5)),
    ("end of the week", date(2026, 11, 27)),
    ("end of next week", date(2026, 12, 4)),
    ("end of the month", date(2026, 11, 30)),
    ("end of next month", date(2026, 12, 31)),
    ("Friday next week", date(2026, 12, 4)),
    ("Monday the 7th", date(2026, 12, 7)),
]


def _dateparser(text: str) -> date | None:
    import dateparser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(
            text,
            languages=["en"],
            settings={"RELATIVE_BASE": NOW.replace(tzinfo=None), "PREFER_DATES_FROM": "future"},
        )
    return parsed.date() if parsed else None


def _deskhand(text: str) -> date | None:
    return parse_date(text, now=NOW, tz=TZ)


def _score(parse: Callable[[str], date | None]) -> tuple[int, list[str]]:
    wrong = []
    for text, expected in CASES:
        got = parse(text)
        if got != expected:
            wrong.append(f"{text!r}: got {got}, expected {expected}")
    return len(CASES) - len(wrong), wrong


def _time_per_phrase(parse: Callable[[str], date | None], runs: int) -> float:
    medians = []
    for _ in range(runs):
        started = time.perf_counter()
        for text, _expected in CASES:
            parse(text)
        medians.append((time.perf_counter() - started) / len(CASES) * 1000)
    return statistics.median(medians)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _dateparser("today")  # import and warm both before timing
    _deskhand("today")
    print(f"{len(CASES)} phrases, now = {NOW.isoformat()} ({TZ})")
    for name, parse in (("dateparser alone", _dateparser), ("deskhand parse_date", _deskhand)):
        right, wrong = _score(parse)
        ms = _time_per_phrase(parse, args.runs)
        print(f"\n{name}: {right}/{len(CASES)} correct ({right / len(CASES):.0%}), median {ms:.3f} ms per phrase")
        for line in wrong:
            print(f"  ✗ {line}")


if __name__ == "__main__":
    main()
