"""Time zones as people name them: a city ("london", "new york"), a common abbreviation ("IST"), or a tz name."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

# Names people use that are not a city in the tz database.
ZONE_ALIASES = {
    "uk": "Europe/London",
    "gmt": "Europe/London",
    "bst": "Europe/London",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "ist": "Asia/Kolkata",
    "india": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "japan": "Asia/Tokyo",
    "nyc": "America/New_York",
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "east coast": "America/New_York",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "west coast": "America/Los_Angeles",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "utc": "UTC",
}


# Old tz-database aliases whose last part is an everyday word ("US/Eastern", "Australia/West", "Mexico/General"):
# "the east time" or "general time" are not zones.
_NOT_PLACES = frozenset(
    "north south east west general central continental universal mountain eastern pacific atlantic zulu greenwich "
    "uct uct michigan indiana".split()
)
_REGIONS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")


@cache
def _by_city() -> dict[str, str]:
    return {
        z.rsplit("/", 1)[-1].replace("_", " ").lower(): z
        for z in sorted(available_timezones())
        if z.startswith(_REGIONS) and z.rsplit("/", 1)[-1].lower() not in _NOT_PLACES
    }


def zone_for_place(name: str) -> str | None:
    """The tz name a place or zone phrase means ("London" → "Europe/London", "IST" → "Asia/Kolkata"), or None."""
    key = " ".join(name.strip().lower().replace("_", " ").split())
    if key in ZONE_ALIASES:
        return ZONE_ALIASES[key]
    if key in _by_city():
        return _by_city()[key]
    if "/" in name:
        try:
            ZoneInfo(name.strip())
        except (KeyError, ValueError):
            return None
        return name.strip()
    return None
