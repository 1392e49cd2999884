"""Calendar fixes from the second code review, each checked on the demo company.

Classes: a meeting on someone else's calendar that the asker is not in is never listed or used as an anchor; a day
named beside "<city> time" is the speaker's day; "right after his/her …" anchors on the person named, and an anchor
that can't be resolved is asked about; "can we do a call … instead?" without a time never books a default time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.composition import Core
from graph.local_model.calendar_nlu import parse_calendar_request
from graph.local_model.calendar_planner import plan_from_frame
from graph.parsing.datetimes import parse_datetime
from graph.state import ConversationContext

from .conftest import TOM
from .test_calendar_generalisation import LEX, ZONES, _calendar_deps, run_planned

# Early Monday in Berlin, still Sunday evening in Los Angeles.
_EARLY_MONDAY = datetime(2026, 11, 30, 3, 18, tzinfo=UTC)


# -- someone else's meetings the asker is not in -----------------------------------------------------------------------
def test_anchor_on_a_meeting_the_asker_is_not_in_reveals_nothing(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "right after sam's sync" as Tom, who is in none of Sam's syncs, names no meeting, time or attendee."""
    outcome = core.runtime.handle_message(ctx(user=TOM), "book a call with sam right after sam's sync")
    assert outcome.new_approval is None, outcome.reply
    assert "Eng + Ops" not in outcome.reply and "Maya" not in outcome.reply and "18:00" not in outcome.reply
    assert "time" in outcome.reply.lower()


# -- "tomorrow" beside "<city> time" ----------------------------------------------------------------------------------
def test_tomorrow_in_a_named_zone_is_the_speakers_tomorrow() -> None:
    """ "at 10 la time tomorrow" said early Monday in Berlin is Tuesday 10:00 in LA, not Monday (LA's tomorrow)."""
    collector, reply = run_planned(_calendar_deps(_EARLY_MONDAY), TOM, "sync with lena at 10 la time tomorrow", "book")
    (action,) = collector.actions
    start = datetime.fromisoformat(str(action.params["start"])).astimezone(ZoneInfo("America/Los_Angeles"))
    assert (start.date().isoformat(), start.hour) == ("2026-12-01", 10), reply
    # The move path reads its target the same way: the day in the speaker's zone, the clock in the named one.
    moved = parse_datetime("tomorrow at 10", now=_EARLY_MONDAY, tz="America/Los_Angeles", day_tz=ZONES[TOM])
    assert (moved.date().isoformat(), moved.hour) == ("2026-12-01", 10)


# -- "right after his/her …" and anchors naming no meeting ------------------------------------------------------------
def test_an_anchor_is_never_dropped_for_a_default_time(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """ "right after his standup / her meeting / the meeting tomorrow" books nothing at 09:00: it anchors or asks."""
    for text in (
        "book a call with sam right after his standup tomorrow",
        "book a call with priya right after her meeting tomorrow",
        "book a call with priya right before her 1:1 tomorrow",
        "book a call with sam right after the meeting tomorrow",
    ):
        outcome = core.runtime.handle_message(ctx(user=TOM), text)
        assert outcome.new_approval is None, (text, outcome.reply)
    (call,) = plan_from_frame(
        parse_calendar_request("book a call with sam right after his standup tomorrow", LEX, suggested="book")
    ).calls
    assert call["args"]["anchor_title"] == "standup" and call["args"]["anchor_with"] == "sam"


# -- "… instead" with no time -----------------------------------------------------------------------------------------
def test_a_call_instead_without_a_time_offers_times(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """ "can we do a call with priya on friday instead?" offers free times on Friday; it books no default time."""
    outcome = core.runtime.handle_message(ctx(user=TOM), "can we do a call with priya on friday instead?")
    assert outcome.new_approval is None, outcome.reply
    (call,) = plan_from_frame(
        parse_calendar_request("can we do a call with priya on friday instead?", LEX, suggested="book")
    ).calls
    assert call["name"] == "find_free_slots" and call["args"]["attendees"] == ["priya"]
