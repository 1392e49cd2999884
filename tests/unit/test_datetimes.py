"""Dates, times and durations as people write them, read in the speaker's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.parsing.datetimes import (
    DateTimeParseError,
    TimeOfDay,
    day_span,
    find_day,
    find_duration,
    find_shift,
    find_time,
    find_week_range,
    parse_datetime,
    parse_duration,
    when_phrase,
)

THURSDAY = datetime(2023, 11, 30, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("December 8 at 3:30", datetime(2023, 12, 8, 15, 30, tzinfo=UTC)),
        ("Dec 19 at 11", datetime(2023, 12, 19, 11, 0, tzinfo=UTC)),
        ("tomorrow at 3", datetime(2023, 12, 1, 15, 0, tzinfo=UTC)),
        ("the 4th of December at 10am", datetime(2023, 12, 4, 10, 0, tzinfo=UTC)),
        ("2023-12-04 12:00:00", datetime(2023, 12, 4, 12, 0, tzinfo=UTC)),
        ("next friday at 9:30", datetime(2023, 12, 8, 9, 30, tzinfo=UTC)),
        ("January 5 at noon", datetime(2024, 1, 5, 12, 0, tzinfo=UTC)),
    ],
)
def test_moments_resolve_in_working_hours_and_the_future(phrase: str, expected: datetime) -> None:
    """Times without am/pm land inside working hours; dates without a year are the next such date."""
    assert parse_datetime(phrase, now=THURSDAY, tz="UTC") == expected


def test_local_zone_is_used_for_the_speaker() -> None:
    """ "tomorrow at 9" for someone in Tokyo is 9:00 Tokyo time."""
    moment = parse_datetime("tomorrow at 9", now=THURSDAY, tz="Asia/Tokyo")
    assert moment.utcoffset() == timedelta(hours=9)
    assert (moment.day, moment.hour) == (1, 9)


@pytest.mark.parametrize("phrase", ["Feb 30", "February 30 at 10", "at 25:00", "13pm", "Dec 32"])
def test_impossible_dates_and_times_are_refused(phrase: str) -> None:
    """Impossible dates and times raise a clear error instead of guessing."""
    with pytest.raises(DateTimeParseError):
        parse_datetime(phrase, now=THURSDAY, tz="UTC")


def test_unknown_zone_is_refused() -> None:
    """A time zone that does not exist is a clear error."""
    with pytest.raises(DateTimeParseError, match="time zone"):
        parse_datetime("tomorrow", now=THURSDAY, tz="Mars/Olympus")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1.5 hours", 90),
        ("half an hour", 30),
        ("90 min", 90),
        ("an hour and a half", 90),
        ("a 30-minute sync", 30),
        ("2 hour event", 120),
        ("1h30", 90),
        ("a 45 minute call", 45),
    ],
)
def test_durations(text: str, minutes: int) -> None:
    """Common ways of writing a length of time."""
    assert find_duration(text) == timedelta(minutes=minutes)


def test_zero_and_negative_durations_are_not_durations_to_book() -> None:
    """ "0 minutes" parses to zero (the booking tool then refuses it); text without a duration is None."""
    assert parse_duration("0 minutes") == timedelta(0)
    assert find_duration("let's meet") is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("push it back by 2 hours", 120),
        ("delay by 30 minutes", 30),
        ("move it earlier by an hour", -60),
        ("bring it forward by 30 minutes", -30),
    ],
)
def test_shifts_know_their_direction(text: str, minutes: int) -> None:
    """Later is positive, earlier is negative."""
    assert find_shift(text) == timedelta(minutes=minutes)


def test_numbers_in_dates_and_durations_are_not_clock_times() -> None:
    """ "December 4 by 1.5 hours" has no clock time; "on December 4 at 1:30" does."""
    assert find_time("my first meeting on December 4 by 1.5 hours") is None
    assert find_time("on December 4 at 1:30") == TimeOfDay(1, 30, None)


def test_when_phrase_finds_day_and_time_in_a_sentence() -> None:
    """The day and time are pulled out of a longer request for the tool to parse."""
    assert (
        when_phrase("Create a 1.5 hour event called Onboarding on December 8 at 3:30 with nia") == "December 8 at 3:30"
    )


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=0, max_value=59))
def test_ambiguous_hours_are_placed_inside_working_hours(hour: int, minute: int) -> None:
    """Without am/pm, any hour that has a reading between 9:00 and 18:00 gets that reading."""
    resolved = TimeOfDay(hour, minute).resolve((9, 18))
    readings = {hour % 12, hour % 12 + 12} if hour != 12 else {12}
    if any(9 <= h < 18 for h in readings):
        assert 9 <= resolved.hour < 18
    assert resolved.minute == minute


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_iso_dates_round_trip(day: date) -> None:
    """Any ISO date with a time parses to exactly that moment."""
    text = f"{day.isoformat()} 10:15"
    assert parse_datetime(text, now=THURSDAY, tz="UTC") == datetime.combine(day, time(10, 15), UTC)


@given(st.text(max_size=80))
def test_finders_never_crash_on_arbitrary_text(text: str) -> None:
    """Any text yields a value or None (or a clear parse error), never an unexpected exception."""
    try:
        find_duration(text)
        find_shift(text)
        find_time(text)
        when_phrase(text)
    except DateTimeParseError:
        pass


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("anything next week?", date(2023, 12, 4), date(2023, 12, 11)),
        ("this week's meetings", date(2023, 11, 27), date(2023, 12, 4)),
        ("the week after next", date(2023, 12, 11), date(2023, 12, 18)),
        ("for the rest of the week", date(2023, 11, 30), date(2023, 12, 4)),
        ("early next week", date(2023, 12, 4), date(2023, 12, 7)),
        ("late this week", date(2023, 11, 30), date(2023, 12, 4)),
    ],
)
def test_week_phrases_are_ranges(text: str, start: date, end: date) -> None:
    """Week phrases name a range of days, Monday-based; "the rest of the week" starts today."""
    week = find_week_range(text, THURSDAY.date())
    assert week is not None and (week.start, week.end) == (start, end)


@pytest.mark.parametrize(
    "text", ["Tuesday next week", "next week's Tuesday", "Tuesday of next week", "tuesday in next week"]
)
def test_weekday_with_a_week_is_that_weeks_day(text: str) -> None:
    """A weekday with a week phrase is that week's day, and the phrase is located whole."""
    assert find_day(text, THURSDAY.date()) == date(2023, 12, 5)
    assert day_span(text) == (0, len(text))


def test_weekday_alone_is_unchanged_by_week_logic() -> None:
    """Without a week phrase, "Tuesday" is still the coming Tuesday."""
    assert find_day("Tuesday", THURSDAY.date()) == date(2023, 12, 5)
    assert find_day("Monday", THURSDAY.date()) == date(2023, 12, 4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10 in the morning", TimeOfDay(10, 0, "am")), ("4 in the afternoon", TimeOfDay(4, 0, "pm"))],
)
def test_spoken_times(text: str, expected: TimeOfDay) -> None:
    """ "10 in the morning" is 10am; "4 in the afternoon" is 4pm."""
    assert find_time(text) == expected


@pytest.mark.parametrize("word", ["tmrw", "tmr", "tomorow", "tommorow"])
def test_tomorrow_shorthand_and_typos(word: str) -> None:
    """Common shorthand and misspellings of "tomorrow" are tomorrow."""
    assert find_day(f"anything {word}?", THURSDAY.date()) == date(2023, 12, 1)


@pytest.mark.parametrize(
    ("phrase", "day"),
    [("weds at 2", date(2023, 12, 6)), ("tues at 4pm", date(2023, 12, 5)), ("thurs at 10", THURSDAY.date())],
)
def test_chat_abbreviations_of_weekdays_are_those_days(phrase: str, day: date) -> None:
    """ "weds", "tues" and "thurs", as people type them, name the coming such day (today's, if still ahead)."""
    assert parse_datetime(phrase, now=THURSDAY, tz="UTC").date() == day
