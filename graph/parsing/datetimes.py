"""Dates, times, durations and shifts as people write them, resolved in the speaker's time zone.

Small composable parsers rather than one big grammar: each finds its own kind of phrase anywhere in a sentence
(``find_*``) or reads a phrase a tool was given (``parse_*``). Times without am/pm are placed inside working
hours ("at 3" in a meeting request means 15:00), dates without a year are the next such date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from graph.parsing.zones import zone_for_place

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "weds": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
NUMBER_WORDS = {
    "a": 1.0,
    "an": 1.0,
    "one": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
    "eleven": 11.0,
    "twelve": 12.0,
    "fifteen": 15.0,
    "twenty": 20.0,
    "thirty": 30.0,
    "forty": 40.0,
    "forty-five": 45.0,
    "fortyfive": 45.0,
    "sixty": 60.0,
    "ninety": 90.0,
    "couple": 2.0,
    "a couple of": 2.0,
    "few": 3.0,
    "a few": 3.0,
}
_NOW = re.compile(r"\s*(?:right\s+)?now\s*", re.I)

PERIODS = {
    "morning": (9, 12),
    "afternoon": (13, 17),
    "evening": (17, 20),
    "tonight": (17, 20),  # today's evening: "book a call tonight" is never this morning
    "lunchtime": (12, 14),
    "noon": (12, 13),
}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_NUMBER = r"\d+(?:\.\d+)?|" + "|".join(sorted((w for w in NUMBER_WORDS if " " not in w), key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"

_DURATION = re.compile(
    rf"\b(?P<hours>{_NUMBER}|half an?|half)?[\s-]*(?:and\s+(?:a\s+)?(?P<half>half)\s+)?"
    rf"(?P<unit>hours?|hrs?|h|minutes?|mins?|m)\b(?:\s*(?:and\s+)?(?:a\s+)?(?P<half2>half)\b)?"
    rf"(?:\s*(?:and\s+)?(?P<mins>\d+)\s*(?:minutes?|mins?|m)\b)?",
    re.I,
)
_COMPACT_DURATION = re.compile(r"\b(?P<h>\d+)\s*h\s*(?P<m>\d+)\s*m?\b", re.I)
_TIME = re.compile(r"\b(?:at\s+|@\s*)?(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?(?=\W|$)", re.I)
# "11 my time", "4 his time", "3 CET": a bare hour said with a time zone is a clock time. A zone abbreviation must
# end the phrase ("2 UTC migration issues" is a count of issues); "9 london time" is checked against known places
# (``_place_time``), since "4 response time alerts" is not a time.
ZONE_ABBREVIATIONS = r"(?:ET|PT|CT|CET|CEST|GMT|UTC|BST|IST|JST|EST|PST|EDT|PDT|AEST|AEDT)"
_ZONE_AFTER_HOUR = (
    r"\s+(?:(?:my|your|his|her|their|our|local)\s+time\b|[\w-]+(?:'s|’s)\s+time\b|"
    rf"{ZONE_ABBREVIATIONS}\b(?=\s*(?:$|[,.;:!?)]|(?:on|tomorrow|today|tmrw|tonight|next|this|for|with|pls|please|if|and|or|"
    r"works?|ok|okay|mon|tue|wed|thu|fri|sat|sun|\w+day)\b)))"
)
_ZONED_HOUR = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?=" + _ZONE_AFTER_HOUR + ")", re.I)
_PLACE_TIME = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s+(?P<place>[a-z]+(?:\s+[a-z]+)?)\s+time\b", re.I)


def _place_time(text: str, at: int = 0) -> re.Match[str] | None:
    """ "9 london time", "10 new york time" starting at ``at``: an hour, then a place that has a time zone."""
    m = _PLACE_TIME.match(text, at)
    if m is None:
        return None
    words = m.group("place").split()
    # "9 new york time" or "9 york time": the longest run of words before "time" that names a place
    return m if any(zone_for_place(" ".join(words[i:])) for i in range(len(words))) else None


_NAMED_TIME = re.compile(r"\b(noon|midday|midnight)\b", re.I)
_PAST_HALF = re.compile(r"\b(half|quarter)\s+(past|to)\s+(\d{1,2})\b", re.I)
_ISO_DT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?\b")
_MONTH_DAY = re.compile(rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}){_ORD}\b(?:,?\s+(?P<year>\d{{4}}))?", re.I)
_DAY_MONTH = re.compile(
    rf"\b(?:the\s+)?(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<month>{_MONTH})\b(?:,?\s+(?P<year>\d{{4}}))?", re.I
)
_SLASH_DATE = re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{2,4}))?\b")
# "Friday the 27th", "Mon 23rd", "on the 4th": an ordinal day of the month (the weekday, if any, is a check).
_ORDINAL_DAY = re.compile(
    rf"\b(?:(?:{_WEEKDAY})\.?,?\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:{_MONTH}))", re.I
)
_TOMORROW = r"tomorrow|tmrw|tmr|tmrow|tomorow|tommorow|tommorrow|2moro"
_RELATIVE_DAY = re.compile(
    rf"\b(today|tonight|{_TOMORROW}|yesterday|the day after tomorrow|day after tomorrow)\b", re.I
)
_WEEKDAY_REF = re.compile(
    rf"\b(?:(?P<mod>next|this|coming|last|past)\s+)?(?P<weekday>{_WEEKDAY})\b(?:'s)?"
    rf"(?P<wk>\s+week\b)?",
    re.I,
)
_IN_N = re.compile(rf"\bin\s+(?P<n>{_NUMBER})\s+(?P<unit>days?|weeks?|months?)\b", re.I)
# "a week from today", "three days from now": checked before "today" alone.
_FROM_NOW = re.compile(rf"\b(?P<n>an?|{_NUMBER})\s+(?P<unit>days?|weeks?|months?)\s+from\s+(?:today|now)\b", re.I)
_N_AGO = re.compile(rf"\b(?P<n>{_NUMBER})\s+(?P<unit>days?|weeks?)\s+ago\b", re.I)
_WEEK_REF = re.compile(r"\b(this|next|last)\s+week\b", re.I)
_PERIOD = re.compile(r"\b(morning|afternoon|evening|tonight|lunchtime)\b", re.I)
_SHIFT = re.compile(
    rf"\b(?:(?P<dir1>back|forward|later|earlier|ahead|out)\s+)?by\s+(?P<amount>(?:{_NUMBER}|half an?)[^,.;!?]*?"
    rf"(?:hours?|hrs?|h|minutes?|mins?|m)\b(?:\s+and\s+a\s+half)?)(?:\s+(?P<dir2>later|earlier|back|forward))?",
    re.I,
)


class DateTimeParseError(ValueError):
    """A date or time that cannot be read, or that does not exist (February 30, 25:00)."""


def _number(word: str) -> float:
    word = word.lower().strip()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    return float(word)


# -- durations and shifts ---------------------------------------------------------------------------------
def find_duration(text: str) -> timedelta | None:
    """A duration anywhere in ``text``: "1.5 hours", "half an hour", "90 min", "an hour and a half", "1h30"."""
    # "a full hour", "a whole 45 minutes": the emphasis does not change the length.
    text = re.sub(r"\b(?:full|whole|solid|good)\s+(?=(?:\d|hours?\b|half\b))", "", text, flags=re.I)
    compact = _COMPACT_DURATION.search(text)
    if compact:
        return timedelta(hours=int(compact.group("h")), minutes=int(compact.group("m")))
    for m in _DURATION.finditer(text):
        amount_word = m.group("hours")
        unit = m.group("unit").lower()
        if amount_word is None:
            # "hour" alone counts only as "an hour"-style phrasing ("an hour", handled by the number words).
            continue
        if unit in {"m", "h"} and not re.match(r"\d", amount_word):
            continue
        amount = 0.5 if amount_word.lower().startswith("half") else _number(amount_word)
        if m.group("half") or m.group("half2"):
            amount += 0.5
        minutes = amount * 60 if unit.startswith("h") else amount
        if m.group("mins") and unit.startswith("h"):
            minutes += int(m.group("mins"))
        # "-30 minutes" / "minus 30 minutes" are negative: the booking tool refuses them instead of guessing.
        if re.search(r"(?:-|\bminus\s+|\bnegative\s+)$", text[: m.start()]):
            minutes = -minutes
        return timedelta(minutes=minutes)
    return None


def parse_duration(text: str) -> timedelta:
    """A duration a tool was given ("30", "30 minutes", "1.5h", "PT90M"); plain numbers are minutes."""
    cleaned = text.strip().lower()
    iso = re.fullmatch(r"pt(?:(\d+)h)?(?:(\d+)m)?", cleaned)
    if iso and (iso.group(1) or iso.group(2)):
        return timedelta(hours=int(iso.group(1) or 0), minutes=int(iso.group(2) or 0))
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return timedelta(minutes=float(cleaned))
    found = find_duration(cleaned)
    if found is None:
        raise DateTimeParseError(f"I couldn't read '{text}' as a duration. Try '30 minutes' or '1.5 hours'.")
    return found


_SHIFT_PLAIN = re.compile(
    rf"\b(?P<amount>(?:{_NUMBER}|half an?)\s*(?:hours?|hrs?|h|minutes?|mins?|m)\b(?:\s+and\s+a\s+half)?)\s+"
    rf"(?P<dir>later|earlier|sooner|back|forward|ahead)\b|"
    rf"\b(?P<verb>push(?:\s+\w+)?\s+back|delay(?:\s+\w+)?|bring(?:\s+\w+)?\s+forward|move(?:\s+\w+)?\s+up)\s+"
    rf"(?P<amount2>(?:{_NUMBER}|half an?)\s*(?:hours?|hrs?|h|minutes?|mins?|m)\b)|"
    # "push my 1:1 with Omar on Friday back an hour": the meeting sits between the verb and its direction.
    rf"\b(?:push|bump|move|shift|slide|kick|bring|pull)\b[^,.;!?]{{1,60}}?\s(?P<dir3>back|forward|up)\s+"
    rf"(?P<amount3>(?:{_NUMBER}|half an?)\s*(?:hours?|hrs?|h|minutes?|mins?|m)\b)",
    re.I,
)


def find_shift(text: str) -> timedelta | None:
    """How far to move something: "by 2 hours" (later), "earlier by 30 minutes", "push back by an hour",
    "30 minutes later", "push it back 15 min"."""
    m = _SHIFT.search(text)
    if not m:
        plain = _SHIFT_PLAIN.search(text)
        if not plain:
            return None
        amount = find_duration(plain.group("amount") or plain.group("amount2") or plain.group("amount3"))
        if amount is None:
            return None
        word = (plain.group("dir") or plain.group("verb") or plain.group("dir3") or "").lower()
        earlier = any(w in word for w in ("earlier", "sooner", "forward", "ahead", "up"))
        return -amount if earlier else amount
    amount = find_duration(m.group("amount"))
    if amount is None:
        return None
    direction = (m.group("dir1") or m.group("dir2") or "").lower()
    before = text[: m.start()].lower()
    earlier = direction in {"earlier", "forward", "ahead"} or bool(
        re.search(r"\b(?:earlier|(?:bring|pull|move)\s+(?:\w+\s+){0,3}(?:forward|up|earlier))\b", before)
    )
    return -amount if earlier else amount


# -- times of day -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TimeOfDay:
    """A clock time as written; ``meridiem`` is "am"/"pm" when the writer said so."""

    hour: int
    minute: int = 0
    meridiem: str | None = None

    def resolve(self, working_hours: tuple[int, int] = (9, 18)) -> time:
        """The 24-hour time. Without am/pm, pick the reading inside working hours (3 → 15:00, 10 → 10:00)."""
        hour = self.hour
        if self.meridiem == "pm" and hour < 12:
            hour += 12
        elif self.meridiem == "am" and hour == 12:
            hour = 0
        elif self.meridiem is None and 0 < hour <= 12:  # hour 0 ("00:00") is midnight, never noon
            start, end = working_hours
            morning, afternoon = hour % 12 if hour != 12 else 12, (hour % 12) + 12
            if not start <= morning < end and start <= afternoon < end:
                hour = afternoon
            elif hour == 12:
                hour = 12
        if not (0 <= hour <= 23 and 0 <= self.minute <= 59):
            raise DateTimeParseError(f"{self.hour}:{self.minute:02d} is not a time of day.")
        return time(hour, self.minute)


def find_time(text: str) -> TimeOfDay | None:
    """A clock time in ``text``: "at 3", "3:30pm", "15:00", "noon", "half past 2". Dates are not mistaken."""
    named = _NAMED_TIME.search(text)
    if named:
        word = named.group(1).lower()
        return TimeOfDay(0 if word == "midnight" else 12, 0, "am" if word == "midnight" else "pm")
    british = re.search(
        r"\bhalf\s+(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\b(?!\s+hours?)", text, re.I
    )
    if british and not re.search(r"\bhalf\s+(?:an?\s+)?hour", text, re.I):
        hour = int(_number(british.group(1)))
        return TimeOfDay(hour, 30)
    half = _PAST_HALF.search(text)
    if half:
        minutes = 30 if half.group(1).lower() == "half" else 15
        hour = int(half.group(3))
        if half.group(2).lower() == "to":
            hour, minutes = hour - 1, 60 - minutes
        return TimeOfDay(hour % 24, minutes)
    spoken = re.search(r"\b(\d{1,2})(?::(\d{2}))?\s+(?:in the\s+(morning|afternoon|evening)|o'?clock)\b", text, re.I)
    if spoken:
        # "10 in the morning", "3 in the afternoon", "4 o'clock"
        period = (spoken.group(3) or "").lower()
        meridiem = "am" if period == "morning" else "pm" if period else None
        return TimeOfDay(int(spoken.group(1)), int(spoken.group(2) or 0), meridiem)
    masked = _mask_dates(text)
    for m in _TIME.finditer(masked):
        has_at = masked[m.start() : m.start() + 3].lower().startswith(("at ", "@"))
        zoned = _ZONED_HOUR.match(masked, m.start()) or _place_time(masked, m.start())
        if not (has_at or m.group("m") or m.group("ampm") or zoned):
            continue  # a bare number ("2 hours", "the 4th") is not a time
        hour = int(m.group("h"))
        minute = int(m.group("m") or 0)
        ampm = m.group("ampm")
        meridiem = None if not ampm else ("pm" if ampm.lower().startswith("p") else "am")
        if hour > 23 or minute > 59:
            raise DateTimeParseError(f"{m.group(0).strip()} is not a time of day.")
        if meridiem and hour > 12:
            raise DateTimeParseError(f"{m.group(0).strip()} mixes 24-hour time with am/pm.")
        return TimeOfDay(hour, minute, meridiem)
    return None


def _mask_dates(text: str) -> str:
    """Blank out date phrases and durations so their numbers are not read as clock times."""
    out = text
    for pattern in (_ISO_DT, _MONTH_DAY, _DAY_MONTH, _SLASH_DATE, _IN_N, _FROM_NOW, _N_AGO):
        out = pattern.sub(lambda m: " " * len(m.group(0)), out)
    out = _DURATION.sub(lambda m: " " * len(m.group(0)) if m.group("hours") else m.group(0), out)
    return out


# -- days -------------------------------------------------------------------------------------------------
def _safe_date(year: int, month: int, day: int, phrase: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateTimeParseError(f"{phrase.strip()} is not a real date.") from exc


def _upcoming(month: int, day: int, today: date, phrase: str, year: int | None) -> date:
    if year is not None:
        return _safe_date(year, month, day, phrase)
    candidate = _safe_date(today.year, month, day, phrase) if not (month == 2 and day == 29) else None
    if candidate is None:
        for offset in range(0, 5):
            try:
                candidate = date(today.year + offset, 2, 29)
                if candidate >= today:
                    return candidate
            except ValueError:
                continue
        raise DateTimeParseError(f"{phrase.strip()} is not a real date.")
    # Dates without a year are about the next such day: in December, "January 5" is next year.
    if candidate < today - timedelta(days=60):
        return _safe_date(today.year + 1, month, day, phrase)
    return candidate


def find_day(text: str, today: date) -> date | None:
    """A calendar day in ``text``: ISO, "December 4", "4th Dec", "12/4", "tomorrow", "next Tuesday", "in 2 weeks"."""
    m = _ISO_DT.search(text)
    if m:
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(0))
    m = _MONTH_DAY.search(text) or _DAY_MONTH.search(text)
    if m:
        year = int(m.group("year")) if m.group("year") else None
        return _upcoming(MONTHS[m.group("month").lower().rstrip(".")], int(m.group("day")), today, m.group(0), year)
    m = _ORDINAL_DAY.search(text)
    if m:
        return _next_day_of_month(int(m.group("day")), today, m.group(0))
    m = _SLASH_DATE.search(text)
    if m:
        year = int(m.group("y")) if m.group("y") else None
        if year is not None and year < 100:
            year += 2000
        return _upcoming(int(m.group("m")), int(m.group("d")), today, m.group(0), year)
    m = _RELATIVE_DAY.search(text) if not _FROM_NOW.search(text) else None
    if m:
        word = m.group(1).lower()
        if re.fullmatch(_TOMORROW, word):
            word = "tomorrow"  # common shorthand and misspellings
        return today + timedelta(days={"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}.get(word, 2))
    m = _IN_N.search(text) or _FROM_NOW.search(text)
    if m:
        n = 1 if m.group("n").lower() in {"a", "an"} else int(_number(m.group("n")))
        unit = m.group("unit").lower()
        return today + (
            timedelta(weeks=n)
            if unit.startswith("week")
            else timedelta(days=30 * n)
            if unit.startswith("month")
            else timedelta(days=n)
        )
    m = _N_AGO.search(text)
    if m:
        n = int(_number(m.group("n")))
        return today - (timedelta(weeks=n) if m.group("unit").lower().startswith("week") else timedelta(days=n))
    m = _WEEKDAY_REF.search(text)
    if m:
        weekday = WEEKDAYS[m.group("weekday").lower()]
        week = find_week_range(text, today)
        if week is not None and not week.from_now and (m.group("mod") or "this").lower() == "this":
            # "Tuesday next week", "next week's Tuesday", "Friday the week after": that week's day.
            monday = week.start - timedelta(days=week.start.weekday())
            return monday + timedelta(days=weekday)
        day = _weekday_date(weekday, (m.group("mod") or "").lower(), today)
        if m.group("wk"):
            day += timedelta(days=7)  # British "Wednesday week": the Wednesday after next
        return day
    return None


def _next_day_of_month(day: int, today: date, phrase: str) -> date:
    """ "the 27th": this month's if it is still ahead (or today), else next month's."""
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        month += 1
        if month == 13:
            year, month = year + 1, 1
    raise DateTimeParseError(f"{phrase.strip()} is not a real date.")


def _weekday_date(weekday: int, modifier: str, today: date) -> date:
    ahead = (weekday - today.weekday()) % 7
    if modifier in {"last", "past"}:
        back = (today.weekday() - weekday) % 7 or 7
        return today - timedelta(days=back)
    if modifier == "next":
        # "next Tuesday" is the Tuesday of next week when said early in the week, else the coming one.
        start_of_next_week = today + timedelta(days=7 - today.weekday())
        candidate = start_of_next_week + timedelta(days=weekday)
        return candidate if ahead == 0 or candidate - today <= timedelta(days=13) else today + timedelta(days=ahead)
    return today + timedelta(days=ahead)


def find_week(text: str, today: date) -> tuple[date, date] | None:
    """(Monday, Sunday) of "this week", "next week" or "last week"."""
    m = _WEEK_REF.search(text)
    if not m:
        return None
    monday = today - timedelta(days=today.weekday())
    offset = {"this": 0, "next": 7, "last": -7}[m.group(1).lower()]
    start = monday + timedelta(days=offset)
    return start, start + timedelta(days=6)


_WEEK_RANGE = re.compile(
    r"\b(?:(?P<rest>(?:the\s+)?(?:rest|remainder)\s+of\s+(?:the|this)\s+week|later\s+this\s+week)|"
    r"(?P<part>early|late|end\s+of)\s+(?P<pweek>this|next)\s+week|"
    r"(?P<after>(?:the\s+)?week\s+after(?:\s+next)?|(?:the\s+)?following\s+week)|"
    r"(?P<which>this|next|last|coming|past|my)\s+week(?!\s+after))(?:'s)?\b",
    re.I,
)


@dataclass(frozen=True)
class WeekRange:
    """Days ``start`` ≤ d < ``end`` named by a week phrase; ``from_now`` when only what is still ahead counts."""

    start: date
    end: date
    phrase: str
    from_now: bool = False


def find_week_range(text: str, today: date) -> WeekRange | None:
    """A range of days named by a week phrase: "this week", "next week", "the week after", "rest of the week",
    "early next week" (Monday to Wednesday), "late this week" (Thursday on). Weeks run Monday to Sunday."""
    m = _WEEK_RANGE.search(text)
    if not m:
        return None
    monday = today - timedelta(days=today.weekday())
    phrase = m.group(0).removesuffix("'s")
    if m.group("rest"):
        return WeekRange(today, monday + timedelta(days=7), phrase, from_now=True)
    if m.group("after"):
        start = monday + timedelta(days=14)
        return WeekRange(start, start + timedelta(days=7), phrase)
    if m.group("part"):
        start = monday + timedelta(days=7 if m.group("pweek").lower() == "next" else 0)
        part = m.group("part").lower()
        if part == "early":
            return WeekRange(start, start + timedelta(days=3), phrase)
        return WeekRange(start + timedelta(days=3), start + timedelta(days=7), phrase)
    offset = {"this": 0, "my": 0, "coming": 7, "next": 7, "last": -7, "past": -7}[m.group("which").lower()]
    start = monday + timedelta(days=offset)
    return WeekRange(start, start + timedelta(days=7), phrase, from_now=False)


def week_range_span(text: str) -> tuple[int, int] | None:
    """Where the first week phrase is ("next week's", "the rest of the week")."""
    m = _WEEK_RANGE.search(text)
    return m.span() if m else None


def find_period(text: str) -> tuple[int, int] | None:
    """Hours of "morning", "afternoon", "evening", "lunchtime"."""
    m = _PERIOD.search(text)
    return PERIODS[m.group(1).lower()] if m else None


# -- whole phrases a tool receives --------------------------------------------------------------------------
def local_now(now: datetime, tz: str) -> datetime:
    """``now`` in the zone ``tz``; unknown zones are refused clearly."""
    try:
        zone = ZoneInfo(tz)
    except (KeyError, ValueError) as exc:
        raise DateTimeParseError(f"'{tz}' is not a time zone I know.") from exc
    return now.astimezone(zone)


def names_clock_time(text: str) -> bool:
    """Whether a phrase says *when* in the day ("at 3", "15:00", "2026-12-01 10:00", "now"), not just which day
    ("tomorrow", "Friday afternoon"). A booking without one has no time anybody chose."""
    if _NOW.fullmatch(text):
        return True
    iso = _ISO_DT.search(text)
    return bool(iso and iso.group(4)) or find_time(text) is not None


def parse_datetime(
    text: str,
    *,
    now: datetime,
    tz: str,
    working_hours: tuple[int, int] = (9, 18),
    default_time: time | None = None,
    day_tz: str | None = None,
) -> datetime:
    """A moment from a phrase: ISO ("2023-12-04 15:30"), "December 8 at 3:30", "tomorrow at 3", "next Tuesday 10am".

    A day without a time takes ``default_time`` (or the start of working hours); a time without a day is today,
    or tomorrow if that time has passed. The clock is read in ``tz``; a relative day ("tomorrow", "Friday") is
    counted from today in ``day_tz`` when given: "10am LA time tomorrow" is the speaker's tomorrow, at 10 in LA.
    """
    current = local_now(now, tz)
    if _NOW.fullmatch(text):
        return current
    iso = _ISO_DT.search(text)
    if iso and iso.group(4):
        naive = datetime(
            int(iso.group(1)),
            int(iso.group(2)),
            int(iso.group(3)),
            int(iso.group(4)),
            int(iso.group(5)),
            int(iso.group(6) or 0),
        )
        return naive.replace(tzinfo=current.tzinfo)
    day = find_day(text, local_now(now, day_tz).date() if day_tz else current.date())
    tod = find_time(text)
    period = find_period(text)
    if day is None and tod is None and period is None:
        raise DateTimeParseError(
            f"I couldn't read '{text}' as a date and time. Try 'tomorrow at 3pm' or 'December 4 at 10:30'."
        )
    if tod is not None:
        clock = tod.resolve(working_hours)
    elif period is not None:
        clock = time(period[0], 0)
    else:
        clock = default_time or time(working_hours[0], 0)
    if day is None:
        day = current.date()
        if datetime.combine(day, clock, current.tzinfo) <= current:
            day += timedelta(days=1)
    return datetime.combine(day, clock, current.tzinfo)


def parse_day_phrase(text: str, *, now: datetime, tz: str) -> date:
    """A day from a phrase ("December 13", "tomorrow", "2023-12-13")."""
    current = local_now(now, tz)
    day = find_day(text, current.date())
    if day is None:
        raise DateTimeParseError(f"I couldn't read '{text}' as a day. Try 'December 4' or 'next Tuesday'.")
    return day


# -- locating phrases in a sentence (for the local model, which hands phrases to tools) --------------------------
# "Tuesday next week", "next week's Tuesday", "Friday of the week after": one phrase, so it travels whole.
_WEEKDAY_IN_WEEK = re.compile(
    rf"\b(?:{_WEEKDAY})\b(?:'s)?\s+(?:of\s+|in\s+)?(?:(?:this|next)\s+week|(?:the\s+)?week\s+after(?:\s+next)?)\b|"
    rf"\b(?:this|next)\s+week'?s?\s+(?:{_WEEKDAY})\b",
    re.I,
)
_DAY_PATTERNS = (
    _ISO_DT,
    _MONTH_DAY,
    _DAY_MONTH,
    _ORDINAL_DAY,
    _SLASH_DATE,
    _FROM_NOW,
    _RELATIVE_DAY,
    _IN_N,
    _WEEKDAY_IN_WEEK,
    _WEEKDAY_REF,
)
_TIME_SPAN = re.compile(
    r"\b(?:at\s+|@\s*)(?:\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)?|noon|midday|midnight)(?=\W|$)|"
    r"\b\d{1,2}(?::\d{2})?" + _ZONE_AFTER_HOUR + "|"  # the zone travels with the hour: "11 my time"
    r"\b\d{1,2}(?::\d{2})\s*(?:a\.?m\.?|p\.?m\.?)?(?=\W|$)|\b\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)(?=\W|$)|"
    r"\b(?:noon|midday|midnight)\b|\b(?:half|quarter)\s+(?:past|to)\s+\d{1,2}\b|"
    r"\bhalf\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\b(?!\s+hours?)|"
    r"\b\d{1,2}(?::\d{2})?\s+(?:in the\s+(?:morning|afternoon|evening)|o'?clock)\b|"
    r"\b(?:in the\s+)?(?:morning|afternoon|evening|lunchtime)\b",
    re.I,
)


def day_span(text: str) -> tuple[int, int] | None:
    """Where the first day phrase is ("December 13", "tomorrow", "next Tuesday")."""
    spans = [m.span() for pattern in _DAY_PATTERNS for m in pattern.finditer(text)]
    # Earliest, and of those the longest: "Friday the 27th" beats "Friday".
    return min(spans, key=lambda span: (span[0], -span[1])) if spans else None


# "wed 25th through fri 27th", "Monday to Wednesday", "from the 3rd until the 5th", "between Dec 3 and Dec 5".
_RANGE_JOIN = re.compile(r"\s*(?:through|thru|until|till|til|to|and|-|–|—)\s*", re.I)


def day_range_span(text: str) -> tuple[int, int] | None:
    """Where the first range of days is: two day phrases joined by "through", "to", "until" or a dash ("and" only
    after "between"). Each side must be a day phrase of its own."""
    starts = sorted(
        {m.span() for pattern in _DAY_PATTERNS for m in pattern.finditer(text)}, key=lambda s: (s[0], -s[1])
    )
    for first_start, first_end in starts:
        join = _RANGE_JOIN.match(text, first_end)
        if not join:
            continue
        if join.group(0).strip().lower() == "and" and not re.search(r"\bbetween\s+$", text[:first_start], re.I):
            continue
        second = day_span(text[join.end() :])
        if second and second[0] == 0:
            return first_start, join.end() + second[1]
    return None


# "thu 26th + fri 27th", "monday and wednesday", "tue & thu": named days, each on its own (not the days between).
_LIST_JOIN = re.compile(r"\s*(?:\+|&|,\s*and|and|,)\s*", re.I)


def _day_list_spans(text: str) -> list[tuple[int, int]]:
    """The day phrases of the first list of two or more days, or nothing. "between X and Y" is a range, not a list."""
    starts = sorted(
        {m.span() for pattern in _DAY_PATTERNS for m in pattern.finditer(text)}, key=lambda s: (s[0], -s[1])
    )
    for first in starts:
        if re.search(r"\bbetween\s+$", text[: first[0]], re.I):
            continue
        spans, joins = [first], []
        while True:
            join = _LIST_JOIN.match(text, spans[-1][1])
            following = day_span(text[join.end() :]) if join else None
            if not join or not following or following[0] != 0:
                break
            joins.append(join.group(0).strip())
            spans.append((join.end(), join.end() + following[1]))
        # Commas alone ("friday, tuesday's is fine") do not make a list; "mon, wed and fri" does.
        if len(spans) >= 2 and any(j != "," for j in joins):
            return spans
    return []


def day_list_span(text: str) -> tuple[int, int] | None:
    """Where the first list of days is ("thu 26th + fri 27th", "monday and wednesday")."""
    spans = _day_list_spans(text)
    return (spans[0][0], spans[-1][1]) if spans else None


def find_day_list(text: str, today: date) -> list[date] | None:
    """The days a list names, in order ("thu 26th + fri 27th" → both), or None when ``text`` is not a list."""
    spans = _day_list_spans(text)
    phrases = [text[a:b] for a, b in spans]
    week = week_range_span(phrases[-1]) if phrases else None
    if week is not None:
        # "tue & thu next week": the week named once is every day's week.
        phrases = [p if week_range_span(p) else f"{p} {phrases[-1][week[0] : week[1]]}" for p in phrases]
    days = [find_day(p, today) for p in phrases]
    return [d for d in days if d is not None] if spans and all(days) else None


def find_day_range(text: str, today: date) -> tuple[date, date] | None:
    """First and last day (both included) of a range of days ("wed 25th through fri 27th"). A last day before the
    first ("Friday to Monday") is in the week after."""
    span = day_range_span(text)
    if span is None:
        return None
    phrase = text[span[0] : span[1]]
    first_span = day_span(phrase)
    assert first_span is not None
    join = _RANGE_JOIN.match(phrase, first_span[1])
    assert join is not None
    first, last = find_day(phrase[: first_span[1]], today), find_day(phrase[join.end() :], today)
    if first is None or last is None:
        return None
    while last < first and (first - last).days < 7:
        last += timedelta(days=7)
    while (last - first).days >= 7 and _WEEKDAY_REF.fullmatch(phrase[: first_span[1]].strip()):
        first += timedelta(days=7)  # "monday to wednesday next week": the week named once covers both ends
    return (first, last) if last >= first else None


CLOCK_WORD = re.compile(r"\d|\b(?:noon|midday|midnight|half|quarter)\b", re.I)
"""What makes a time phrase a clock time ("at 3", "noon", "half past") rather than a part of the day ("afternoon")."""


def time_span(text: str) -> tuple[int, int] | None:
    """Where the first clock-time or part-of-day phrase is ("at 3:30", "10am", "afternoon"). A clock time wins
    over a part of the day it narrows: "Monday afternoon from 1pm" starts at 1pm."""
    masked = _mask_dates(text)
    found = list(_TIME_SPAN.finditer(masked)) + [
        m for m in _PLACE_TIME.finditer(masked) if _place_time(masked, m.start())
    ]
    found.sort(key=lambda m: m.start())
    clock = next((m for m in found if CLOCK_WORD.search(m.group(0))), None)
    m = clock or (found[0] if found else None)
    return m.span() if m else None


def when_phrase(text: str) -> str | None:
    """The day-and-time phrase of a sentence, as one string a tool can parse ("December 8 at 3:30")."""
    day, clock = day_span(text), time_span(text)
    spans = [s for s in (day, clock) if s]
    if not spans:
        return None
    if day and clock and abs(clock[0] - day[1]) > 40 and abs(day[0] - clock[1]) > 40:
        spans = [day]  # a time far from the day probably belongs to something else
    start, end = min(s[0] for s in spans), max(s[1] for s in spans)
    if day and clock:
        return f"{text[day[0] : day[1]]} {text[clock[0] : clock[1]]}".strip()
    return text[start:end].strip()
