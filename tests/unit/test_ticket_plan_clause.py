"""A clause stating the speaker's own plan to file ("before I file a ticket", "so I don't file a dupe", "I was
going to raise one but…") is no request to create: the request is the lookup beside it, a ticket search about its
topic. Asked to check and file when nothing exists, deskhand proposes the create with the topic as title, and the
create tool's own duplicate check shows a matching open ticket instead of filing. Plain create requests still
create.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.composition import Core
from graph.local_model.planner import Plan
from graph.local_model.router import route_text
from graph.state import ConversationContext

from .conftest import PRIYA
from .test_ticket_generalisation import plan_as
from .test_ticket_nlu import parsed_frame


def _plan(text: str) -> Plan:
    return plan_as(text, PRIYA)


# -- a plan clause beside a lookup: search the topic, file nothing --------------------------------------------


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("before i file a ticket, can you check if there's one for the vpn?", "vpn"),
        ("before I open a ticket, is there already one about the printer on floor 3?", "printer floor 3"),
        ("can you see whether someone reported the slow wifi in the lobby? before i log one", "slow wifi lobby"),
        (
            "if there isn't one already I'll open a ticket - can you check for anything about the expense tool"
            " crashing?",
            "expense tool crashing",
        ),
        (
            "I was going to raise a ticket but can you check if anyone has filed the badge reader problem already?",
            "badge reader problem",
        ),
        ("so I don't file a duplicate, is there already a ticket about the coffee machine?", "coffee machine"),
        (
            "check whether there's an existing ticket about the projector in the board room, I don't want to file"
            " a dupe",
            "projector board room",
        ),
        ("before raising a ticket, could you look whether anyone has reported the wifi dropping?", "wifi dropping"),
        ("about to log a bug - does anyone already have one for the dark mode contrast issue?", "dark mode contrast"),
        (
            "heads up, before we raise a ticket could you see if there's an open one about the office heating?",
            "office heating",
        ),
    ],
)
def test_a_plan_to_file_beside_a_lookup_is_a_search_about_the_topic(text: str, topic: str) -> None:
    """The speaker's plan to file is context; the lookup beside it is a search whose text is the topic."""
    frame = parsed_frame(text, "create")
    assert frame["action"] == "search", frame
    assert frame["search_text"].lower() == topic, frame
    assert "title" not in frame
    plan = _plan(text)
    assert [c["name"] for c in plan.calls] == ["search_tickets"], plan
    assert plan.calls[0]["args"]["text"].lower() == topic


def test_a_pointing_lookup_takes_its_topic_from_the_plan() -> None:
    """ "about to file a bug for X, has anyone reported it?" searches for X rather than filing the sentence."""
    frame = parsed_frame("we're about to file a bug for the login page timing out, has anyone already reported it?")
    assert frame["action"] == "search", frame
    assert frame["search_text"] == "login page timing out"


def test_words_inside_the_topic_are_not_filters() -> None:
    """ "notifications being late" is a subject, not the overdue filter; the plan's "I" names no assignee."""
    frame = parsed_frame(
        "quick one - is there an existing issue for the slack notifications being late? I'll file one if"
        " there's nothing"
    )
    assert frame == {"action": "search", "search_text": "slack notifications being late"}


@pytest.mark.parametrize(
    "text",
    [
        "before i file a ticket, can you check if there's one for the vpn?",
        "so I don't file a duplicate, is there already a ticket about the coffee machine?",
        "I was going to raise a ticket but can you check if anyone has filed the badge reader problem already?",
    ],
)
def test_plan_and_lookup_messages_route_to_tickets(text: str) -> None:
    """Messages that pair a plan to file with a lookup are ticket talk."""
    assert route_text(text).route == "tickets", route_text(text)


# -- check, and file when nothing exists ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("check for an existing ticket about the printer and if there isn't one open it", "Printer"),
        ("can you see if there's a ticket for the vpn dropping, and if not file one", "Vpn dropping"),
        ("can you check whether anyone has filed the printer jam, otherwise please create one", "Printer jam"),
        ("if there isn't one already, can you open a ticket for the wifi in room 4", "Wifi in room 4"),
    ],
)
def test_check_then_file_proposes_a_create_titled_by_the_topic(text: str, title: str) -> None:
    """Asked to file when none exists, the create's title is the topic, never the check or its condition."""
    frame = parsed_frame(text, "create")
    assert frame["action"] == "create", frame
    assert frame["title"] == title
    plan = _plan(text)
    assert plan.calls == [{"name": "create_ticket", "args": {"title": title}}], plan


def test_check_then_file_shows_the_matching_open_ticket_and_proposes_nothing(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: when a matching open ticket exists, it is shown and no create is proposed."""
    text = "check if there's a ticket about the VPN disconnecting on macOS and if there isn't one open it"
    outcome = core.runtime.handle_message(ctx(user=PRIYA), text)
    assert "OPS-1" in outcome.reply
    assert outcome.new_approval is None


def test_check_then_file_proposes_the_create_when_nothing_matches(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: with no matching ticket, the create is proposed under the topic's title."""
    text = "can you see if there's a ticket for the dishwasher leaking, and if not file one"
    outcome = core.runtime.handle_message(ctx(user=PRIYA), text)
    assert outcome.new_approval is not None
    assert "Dishwasher leaking" in str(outcome.new_approval)


def test_the_reported_message_searches_and_proposes_nothing(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: "before i file a ticket, can you check if there's one for the vpn?" lists OPS-1, files nothing."""
    text = "before i file a ticket, can you check if there's one for the vpn?"
    outcome = core.runtime.handle_message(ctx(user=PRIYA), text)
    assert "OPS-1" in outcome.reply
    assert outcome.new_approval is None


# -- guards: plain requests keep their meaning ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("file a ticket: vpn drops every hour", "Vpn drops every hour"),
        ("open a ticket for the broken printer", "Broken printer"),
        ("can you raise a ticket about the projector flickering", "Projector flickering"),
        ("i want to file a ticket for the broken chair", "Broken chair"),
        ("before I forget, file a ticket: the fridge is broken", "Fridge is broken"),
    ],
)
def test_plain_create_requests_still_create(text: str, title: str) -> None:
    """An explicit request to file, with or without a lead-in, still proposes the create."""
    frame = parsed_frame(text, "create")
    assert frame["action"] == "create", frame
    assert frame["title"] == title


def test_a_lookup_followed_by_a_change_is_left_to_the_change() -> None:
    """ "check if there's a ticket for X and assign it to me" is not read as a search filtered to my tickets."""
    frame = parsed_frame("check if there's a ticket for the vpn and assign it to me", "create")
    assert frame["action"] != "search"
    assert frame["action"] != "create"


def test_a_plain_existence_question_is_still_a_search() -> None:
    """ "is there already a ticket about the VPN?" stays a lookup about the VPN."""
    assert parsed_frame("is there already a ticket about the VPN?") == {"action": "search", "search_text": "VPN"}
