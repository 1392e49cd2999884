"""Calendar dates as people write them, read in the speaker's time zone."""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime
from zoneinfo import ZoneInfo

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
