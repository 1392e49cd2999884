"""Routing classes from the ninth blind round: a person's own plan to file a ticket is context for their policy
question, and finished work being closed out is ticket talk even when the ticket's subject is a calendar."""

from __future__ import annotations

import pytest

from bot.composition import Core

from .test_triage_docs import _route


@pytest.mark.parametrize(
    "text",
    [
        "before i file a ticket for a new monitor: is there a budget for a second screen at home?",
        "I'll raise the ticket myself, but am I allowed to buy a desk chair with the home office budget?",
    ],
)
def test_an_own_plan_to_file_a_ticket_does_not_hide_a_policy_question(core: Core, text: str) -> None:
    """ "before I file a ticket …: is there a budget …?" is answered from the docs; nothing is filed for them."""
    assert _route(core, text) == "docs"


def test_a_ticket_asked_for_still_goes_to_tickets(core: Core) -> None:
    """ "can you file a ticket …?" with a policy word is still a ticket request."""
    assert _route(core, "can you file a ticket for a laptop stand, am I allowed one?") == "tickets"


@pytest.mark.parametrize(
    "text",
    [
        "the fix for the calendar export timeout landed yesterday, you can close that one out",
        "patch for the calendar reminder emails shipped this morning, close it out",
        "fix for the meeting room sync landed, you can close it",
    ],
)
def test_finished_work_closed_out_is_ticket_talk(core: Core, text: str) -> None:
    """A fix that landed and a request to close it out go to tickets, although the subject names a calendar."""
    assert _route(core, text) == "tickets"


def test_an_obligation_question_about_ones_own_calendar_asks_for_the_rule(core: Core) -> None:
    """ "do I have to put my holiday in my calendar…?" asks what the rules expect, so the docs answer it."""
    assert _route(core, "do I have to put my holiday in my calendar or is that automatic?") == "docs"


def test_a_request_about_ones_own_calendar_stays_on_the_calendar(core: Core) -> None:
    """ "can you put my holiday in my calendar?" asks deskhand to do it: the calendar handles it."""
    assert _route(core, "can you put my holiday in my calendar for next friday?") == "calendar"


@pytest.mark.parametrize(
    "text",
    [
        "do i have to decline my meetings on friday or can you do it for me?",
        "do i need to add my holiday to my calendar? if yes please block dec 24 to dec 31",
    ],
)
def test_an_obligation_question_that_also_asks_deskhand_to_act_stays_a_request(core: Core, text: str) -> None:
    """ "do I have to …, or can you do it?" asks deskhand to act: it is never diverted to the docs."""
    assert _route(core, text) != "docs"


@pytest.mark.parametrize(
    "text",
    [
        "the fix shipped, so cancel the threat model review please",
        "the PR merged, can you move the design review to thursday?",
    ],
)
def test_finished_work_as_the_reason_for_a_meeting_change_stays_on_the_calendar(core: Core, text: str) -> None:
    """A fix that shipped, given as the reason to cancel or move a meeting, leaves the request on the calendar."""
    assert _route(core, text) == "calendar"
