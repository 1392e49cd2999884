"""Limits a person puts on a day without choosing a time: "after 2", "before lunch", "by 11am", "end of day",
"late afternoon".

"Book a call with Sofia tomorrow after 2" names no start time; it narrows where the first free time is looked
for. Read as a clock time ("2pm") it would book on top of whatever is there at 14:00, and read as nothing it
would book at 09:00, before the time the person ruled out. Both were wrong writes waiting for an approver to
notice; ``find_day_window`` keeps the limit so the booking can honour it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from graph.parsing.datetimes import PERIODS, DateTimeParseError, TimeOfDay

# The clock after "after"/"before": "2", "2:30", "3pm", "noon", "lunch". Not a length or a date ("by 2 hours",
# "after the 2nd", "before 3 days") and not a range ("after 2-3").
_BOUND_CLOCK = (
    r"(?P<clock>(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?:\s*(?P<ampm>[ap])\.?m\.?)?|noon|midday|lunch(?:time)?)\b"
    r"(?!\s*(?:[-–:/]|\d|h\b|hrs?\b|hours?\b|mins?\b|minutes?\b|days?\b|weeks?\b|months?\b|%|st\b|nd\b|rd\b|th\b))"
)
# A limit said the other way round: "not after 4" is before 4, "i'm busy until 2" is after 2 ("out by 5" is still
# before 5: gone from then on).
_TURNED = (
    r"(?:\b(?P<neg>not|never|can'?t(?:\s+do)?|cannot(?:\s+do)?|nothing)\s+(?:any\s*time\s+|anything\s+)?|"
    r"\b(?P<away>busy|out|tied\s+up|in\s+meetings?|stuck|unavailable|booked(?:\s+up)?|away|off|gone)\s+)?"
)
_BOUND = re.compile(
    _TURNED + r"\b(?:(?:any\s*time|some\s*time|anything)\s+)?"
    r"(?P<kind>after|later\s+than|before|earlier\s+than|by|until|till|no\s+later\s+than)\s+" + _BOUND_CLOCK,
    re.I,
)
# "end of day", "EOD", "close of business": late in the day, so the last free time rather than the first.
_LATE = re.compile(
    r"\b(?:(?P<by>by|before)\s+)?(?:(?:at|around|towards?|near)\s+)?(?:the\s+)?"
    r"(?:end\s+of\s+(?:the\s+)?(?:day|business\s+day|work\s*day)|eod|cob|close\s+of\s+business|late\s+in\s+the\s+day)\b",
    re.I,
)
# "early afternoon", "late morning", "mid-afternoon": a half (or the middle half) of a part of the day.
_PART = re.compile(r"\b(?P<part>early|late|mid)[\s-]*(?P<period>morning|afternoon|evening)\b", re.I)


@dataclass(frozen=True)
class DayWindow:
    """Where in a day a meeting may go: not before ``after``, ending by ``before``; ``latest`` prefers the last
    free time ("end of day") over the first."""

    after: time | None = None
    before: time | None = None
    latest: bool = False
    phrase: str = ""

    def describe(self) -> str:
        """How the card says the time was chosen: "the first time after 14:00 that day everyone is free"."""
        bounds = " ".join(
            part
            for part in (
                f"after {self.after:%H:%M}" if self.after else "",
                f"ending by {self.before:%H:%M}" if self.before else "",
            )
            if part
        )
        which = "the last time" if self.latest else "the first time"
        return f"{which} {bounds + ' ' if bounds else ''}that day everyone is free"


def _bound_time(m: re.Match[str], *, kind: str, working_hours: tuple[int, int]) -> time:
    word = m.group("clock").lower()
    if word.startswith("lunch"):
        # "after lunch" is once an hour's lunch is over; "before lunch" is before it starts.
        lunch_start = PERIODS["lunchtime"][0]
        return time(lunch_start + 1 if kind == "after" else lunch_start)
    if word in ("noon", "midday"):
        return time(12)
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    meridiem = {"a": "am", "p": "pm"}.get((m.group("ampm") or "").lower())
    clock = TimeOfDay(hour, minute, meridiem).resolve(working_hours)
    if meridiem is None and clock.hour < working_hours[0] and hour + 12 <= 23:
        # "after 6" in a 9-18 day is six in the evening, never six in the morning.
        clock = time(hour + 12, minute)
    return clock


def _kind(word: str) -> str:
    return "after" if word.lower().split()[0] in ("after", "later") else "before"


def _part_bounds(part: str, period: str) -> tuple[time, time]:
    first, last = PERIODS[period]
    minutes = (last - first) * 60
    lo, hi = {"early": (0, minutes // 2), "late": (minutes // 2, minutes), "mid": (minutes // 4, minutes * 3 // 4)}[
        part
    ]
    lo, hi = lo // 30 * 30, -(-hi // 30) * 30  # whole half hours: "late afternoon" is 15:00, not 14:59
    return time(first + lo // 60, lo % 60), time(first + hi // 60, hi % 60) if first + hi // 60 < 24 else time(23, 59)


def find_day_window(text: str, working_hours: tuple[int, int] = (9, 18)) -> DayWindow | None:
    """The limits ``text`` puts on its day ("tomorrow after 2" → after 14:00), or None when it names none.

    A bare hour is read inside working hours ("after 2" is 14:00, "before 10" is 10:00); "by end of day" is a
    deadline (any time that day), while "end of day" alone asks for the last free time."""
    after: time | None = None
    before: time | None = None
    latest = False
    phrases: list[str] = []
    for m in _BOUND.finditer(text):
        kind = _kind(m.group("kind"))
        if m.group("neg") or (m.group("away") and m.group("kind").lower() != "by"):
            kind = "before" if kind == "after" else "after"
        try:
            clock = _bound_time(m, kind=kind, working_hours=working_hours)
        except DateTimeParseError:
            continue
        if kind == "after":
            after = max(after, clock) if after else clock
        else:
            before = min(before, clock) if before else clock
        phrases.append(m.group(0))
    for m in _LATE.finditer(text):
        phrases.append(m.group(0))
        latest = latest or not m.group("by")
    for m in _PART.finditer(text):
        lo, hi = _part_bounds(m.group("part").lower(), m.group("period").lower())
        after, before = max(after, lo) if after else lo, min(before, hi) if before else hi
        phrases.append(m.group(0))
    if not phrases:
        return None
    return DayWindow(after=after, before=before, latest=latest, phrase=" ".join(p.strip() for p in phrases))


def day_window_phrases(text: str) -> list[str]:
    """The limits on the day as written, in order ("after 2", "end of day", "late afternoon"), so a start phrase
    can carry them whole."""
    found = sorted(
        (m.start(), m.group(0).strip()) for pattern in (_BOUND, _LATE, _PART) for m in pattern.finditer(text)
    )
    return [phrase for _, phrase in found]


def without_day_window(text: str) -> str:
    """``text`` with its limits blanked, so "tomorrow by 11am" is not read as a meeting at 11am."""
    out = text
    for pattern in (_BOUND, _LATE, _PART):
        out = pattern.sub(lambda m: " " * len(m.group(0)), out)
    return out
