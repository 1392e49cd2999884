"""Calendar dates as people write them, read in the speaker's time zone."""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from graph.parsing.datetimes import DateTimeParseError, day_span, find_day

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FILLER = re.compile(r"[\s,.]*(?:(?:on|by|the|due|before|until|for)[\s,.]+)*[\s,.]*", re.I)

_END_OF = re.compile(r"(?:by\s+)?(?:the\s+)?end\s+of\s+(?P<which>this|next|the)?\s*(?P<unit>week|month)", re.I)


def _end_of(which: str | None, unit: str, today: date) -> date:
    """ "end of the week" is its Friday (work is due on a working day); "end of the month" its last day."""
    if unit == "week":
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        return friday + timedelta(days=7) if (which or "").lower() == "next" else friday
    year, month = today.year, today.month
    if (which or "").lower() == "next":
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def parse_date(text: str, *, now: datetime, tz: str = "UTC") -> date | None:
    """A date from "2026-12-05", "Dec 5", "friday", "tomorrow", "in two weeks"; None if it is not one.

    Dates are resolved in the speaker's zone and, when ambiguous, towards the future ("friday" is the coming
    Friday), because due dates and meetings are almost always ahead of us.
    """
    cleaned = text.strip()
    if not cleaned or len(cleaned) > 60:
        return None
    if _ISO_DATE.match(cleaned):
        try:
            return date.fromisoformat(cleaned)
        except ValueError:
            return None
    # Our own rules first, so "next Friday" means the same day for a due date as for a meeting.
    local_today = now.astimezone(ZoneInfo(tz)).date()
    end = _END_OF.fullmatch(cleaned)
    if end:
        return _end_of(end.group("which"), end.group("unit").lower(), local_today)
    span = day_span(cleaned)
    if span and _FILLER.fullmatch(cleaned[: span[0]] + " " + cleaned[span[1] :]):
        try:
            day = find_day(cleaned, local_today)
        except DateTimeParseError:
            return None
        if day is not None:
            return day
    import dateparser  # deferred: its first import costs ~0.3 s and most turns never need it

    local_now = now.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(
            cleaned,
            languages=["en"],
            settings={
                "RELATIVE_BASE": local_now,
                "PREFER_DATES_FROM": "future",
                "STRICT_PARSING": False,
                "REQUIRE_PARTS": [],
            },
        )
    return parsed.date() if parsed else None
