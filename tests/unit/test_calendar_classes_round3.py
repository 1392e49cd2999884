"""Calendar and routing classes the third blind round exposed, checked in wordings, people and titles of our own.

Classes: when-questions are searches, purposes name bookings, chat shorthand ("arvo", "cal", "w"), moves that say
"back an hour" or open with the meeting's name, what is left today, "am I free", quantified renames and
cancellations, titles changed with "change the … title", invitations declined without cancelling, qualifiers a
title doesn't carry, and routing by calendar verbs, own meeting titles and personal policy questions.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.composition import Core
from graph.actions.calendar import prepare_update, several_events
from graph.calendar_select import _title_matches
from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.local_model.router import route_text

from .test_calendar_generalisation import TOM, _call, _ctx, _parse, _plan, deps  # noqa: F401
from .test_triage_docs import _route


# -- asking when is a search, not a booking ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "need a 45 min slot with lena on friday, what time works?",
        "any 30-minute gaps with omar tomorrow?",
        "2 hours with sofia next week, when works for both of us?",
    ],
)
def test_when_questions_search_for_free_time(text: str) -> None:
    """A request that asks when (no clock time given) looks for free slots instead of asking for a title."""
    name, _args = _call(text)
    assert name == "find_free_slots"


def test_a_clock_time_makes_it_a_booking_again() -> None:
    """With a clock time the request is a booking, even if it ends with "when works?"-like words."""
    assert _parse("book 'budget prep' with lena friday at 3pm").action == "create"


# -- what the time is for names a booking --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "title", "start"),
    [
        ("hold 90 minutes thursday at 2pm for vendor contract prep", "Vendor contract prep", "thursday at 2pm"),
        ("block an hour friday arvo from 3pm for quarterly numbers", "Quarterly numbers", "friday 3pm"),
    ],
)
def test_purpose_names_the_booking(text: str, title: str, start: str) -> None:
    """ "for <purpose>" is the title; "arvo" is the afternoon, and a clock time inside it gives the start."""
    name, args = _call(text)
    assert name == "create_event" and args["title"] == title and args["start"] == start


@pytest.mark.parametrize("text", ["block 30 minutes for me tomorrow at 10", "hold an hour tomorrow for an hour"])
def test_people_and_lengths_after_for_are_not_titles(text: str) -> None:
    """ "for me" or "for an hour" never become a title: the booking asks what to call it."""
    plan = _plan(text)
    assert not plan.calls and "called" in plan.text


# -- moves -----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "by"),
    [("bump the hiring sync on thursday back 30 mins", "30 min"), ("push my check-in w lena back an hour", "1h")],
)
def test_back_an_amount_after_the_meeting_is_later(text: str, by: str) -> None:
    """ "push <meeting> back an hour" shifts it later by that amount; "w" means with."""
    name, args = _call(text)
    assert name == "move_event" and args["by"] == by


def test_w_is_with() -> None:
    """A lone "w" before a name reads as "with"."""
    assert _call("push my check-in w lena back an hour")[1].get("with_person") == "lena"


def test_message_opening_with_the_meetings_name_selects_it() -> None:
    """ "design review friday -> monday 2pm" names the meeting first; the arrow gives where it goes."""
    name, args = _call("design review friday -> monday 2pm pls")
    assert name == "move_event" and args["title"] == "design review" and args["to"] == "monday 2pm"


def test_bare_weekday_for_a_meeting_in_a_later_week_stays_in_that_week(deps: GraphDeps) -> None:  # noqa: F811
    """Moving next week's meeting "to Thursday" means that week's Thursday, not this week's."""
    action = prepare_update(
        {"title": "design review", "day": "next week", "to": "thursday 11am"}, deps, _ctx(TOM), action_id="a1"
    )
    start = datetime.fromisoformat(action.params["changes"]["start"]).astimezone(ZoneInfo("Europe/Berlin"))
    assert (start.month, start.day, start.hour) == (12, 10, 11)


# -- agenda ----------------------------------------------------------------------------------------------------------
def test_rest_of_the_day_starts_now() -> None:
    """ "what's left on my cal for the rest of the day" lists today's meetings from now on."""
    name, args = _call("what's left on my cal for the rest of the day?")
    assert name == "find_events" and args["day"] == "today" and args["after"] == "now" and "title" not in args


def test_am_i_free_lists_what_is_booked_then() -> None:
    """ "am I free thursday morning?" reads the meetings in that window instead of proposing slots."""
    name, args = _call("am i free thursday morning or have i got stuff on")
    assert name == "find_events" and args["day"] == "thursday" and args["before"].endswith("12:00")


# -- several meetings, and titles changed ------------------------------------------------------------------------
def test_quantified_rename_renames_each_and_remembers_the_count() -> None:
    """ "both my X" renames every match, and says two are expected."""
    name, args = _call("rename both my platform standups to 'Standup (async)'")
    assert name == "rename_event" and args["title"] == "platform standups" and args["every"] is True
    assert args["expect_count"] == 2


def test_quantifier_count_mismatch_asks(deps: GraphDeps) -> None:  # noqa: F811
    """If "both" finds a different number of meetings, it is a question, never a guess."""
    with pytest.raises(ActionInvalidError, match="You said 2"):
        several_events({"title": "platform standup"}, deps, _ctx(TOM), expect_count=2, verb="rename")


def test_change_the_title_is_a_rename() -> None:
    """ "update the hiring sync title to …" renames the hiring sync."""
    name, args = _call('update the hiring sync title to "Hiring sync (Q1)"')
    assert name == "rename_event" and args["title"] == "hiring sync" and args["new_title"] == "Hiring sync (Q1)"


def test_all_my_blocks_cancels_them_without_expecting_one() -> None:
    """ "axe all my focus blocks next week" cancels every match."""
    name, args = _call("axe all my focus blocks next week")
    assert name == "cancel_events" and args["title"] == "focus blocks" and not args.get("expect_one")


# -- declining is not cancelling ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["won't be able to make the hiring sync tomorrow, decline it", "pls decline lena's check-in on thursday"]
)
def test_declining_never_cancels(text: str) -> None:
    """Declining an invitation changes nothing and says so; it never proposes cancelling the meeting."""
    plan = _plan(text)
    assert not plan.calls and "decline" in plan.text.lower()


# -- titles with a qualifier -------------------------------------------------------------------------------------
def test_qualifier_the_title_lacks_is_tolerated_but_ranks_lower() -> None:
    """ "design review w/ product" still finds "Design review: onboarding", below a title carrying the qualifier."""
    loose = _title_matches("design review w/ product", "Design review: onboarding flow")
    exact = _title_matches("design review w/ onboarding", "Design review: onboarding flow")
    assert 0 < loose < exact


# -- routing ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("find 45 minutes with lena sometime next week", "calendar"),
        ("i won't make the hiring sync, decline for me", "calendar"),
        ("my badge got stolen at the station, what should i do", "docs"),
        ("a supplier sent me festival tickets, is that ok?", "docs"),
        ("my expense claim got rejected, what can i do about it", "docs"),
        ("which tickets are still open for me?", "tickets"),
    ],
)
def test_routing_by_calendar_verbs_and_personal_policy_questions(text: str, route: str) -> None:
    """Calendar verbs without a meeting word go to the calendar; a personal situation asking what one may do goes to
    the docs unless a ticket or meeting is in it; tickets to a concert or a train are not work tickets."""
    assert route_text(text).route == route


def test_meeting_named_by_its_title_on_the_askers_calendar_routes_to_calendar(core: Core) -> None:
    """A change to a meeting named only by its title on the asker's calendar goes to the calendar."""
    assert _route(core, "change the design review title to 'Onboarding crit'") == "calendar"
