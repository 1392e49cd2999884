"""Triage hands a message to the company docs when a document clearly answers it, and only then."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage

from bot.composition import Core
from graph.nodes.triage import make_triage
from graph.state import DeskhandState

from .conftest import TOM


def _route(core: Core, text: str) -> str:
    state: DeskhandState = {
        "messages": [HumanMessage(content=text)],
        "context": {"user_id": TOM, "channel_type": "channel", "user_tz": "Europe/Berlin"},
    }
    return str(make_triage(core.deps)(state)["route"])


@pytest.mark.parametrize(
    "text",
    [
        "how do I get the VPN working again on my laptop?",
        "I need admin rights to install some software",
        "where is the Berlin office exactly?",
    ],
)
def test_how_to_and_pleas_for_help_that_a_document_answers_go_to_docs(core: Core, text: str) -> None:
    """A how-to question or plea for help that a handbook page matches strongly is answered from the docs."""
    assert core.deps.docs is not None and core.deps.docs.count_documents() > 0
    assert _route(core, text) == "docs"


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("what's on my calendar tomorrow?", "calendar"),
        ("which tickets are overdue?", "tickets"),
        ("can you book a meeting room for tomorrow at 3?", "calendar"),
        ("open a ticket: the printer on floor 3 jams on double-sided", "tickets"),
    ],
)
def test_own_work_and_requests_stay_with_their_capability(core: Core, text: str, route: str) -> None:
    """Questions about the person's own calendar or tickets and explicit requests are never diverted to docs."""
    assert _route(core, text) == route


@pytest.mark.parametrize(
    "text",
    [
        "is there money for a conference pass next month?",
        "is there a cap on the bill when I take a client to dinner tomorrow?",
    ],
)
def test_policy_questions_mentioning_a_date_go_to_docs(core: Core, text: str) -> None:
    """A question about what the company allows or pays goes to the docs even when it mentions a day or month."""
    assert _route(core, text) == "docs"


@pytest.mark.parametrize(
    "text",
    [
        "what time does the berlin office close in the evening? i'll be there next week",
        "can I just sign up for the free trial of that transcription app for my customer calls?",
    ],
)
def test_office_hours_and_may_i_questions_go_to_docs(core: Core, text: str) -> None:
    """When an office closes, or whether one may sign up for / accept / use something, is a question for the docs,
    whatever day it mentions and although "calls" or "next week" sound like a calendar."""
    assert _route(core, text) == "docs"


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("is there a slot next thursday for my 1:1 with Priya?", "calendar"),
        ("do I have any meetings next month that clash with the offsite?", "calendar"),
    ],
)
def test_schedule_questions_with_policy_words_stay_on_the_calendar(core: Core, text: str, route: str) -> None:
    """A question about the person's own meetings or slots stays on the calendar even with a word like "limit"."""
    assert _route(core, text) == route


@pytest.mark.parametrize(
    "text",
    [
        "ugh bad day, locked out of okta and my phone is in a taxi somewhere, help",
        "kid spilled juice on my work laptop, what now",
    ],
)
def test_unplaceable_pleas_a_page_covers_go_to_docs_not_the_help_menu(core: Core, text: str) -> None:
    """A plea the classifier cannot place goes to the page that covers it rather than to the generic help text."""
    assert _route(core, text) == "docs"


def test_question_mark_mid_message_asks_even_when_the_message_ends_otherwise(core: Core) -> None:
    """A question the classifier can't place counts as one by its question mark, even with a remark after it, so the
    page that covers it answers instead of the help menu."""
    assert _route(core, "the guest wifi password? my visitor is waiting at reception") == "docs"


def test_a_problem_told_that_a_page_answers_goes_to_docs_but_a_ticket_asked_for_stays(core: Core) -> None:
    """A problem described without asking for a ticket, which a page matches closely, is answered from the docs;
    the same problem with "log a ticket" is still filed."""
    told = "reset my okta password this morning and since then the staff wifi keeps asking me to log in again"
    assert _route(core, told) == "docs"
    assert _route(core, "log a ticket: since my password reset the staff wifi keeps asking me to log in") == "tickets"


@pytest.mark.parametrize(
    "text",
    [
        "keyboard on my laptop stopped working, ok if i buy a cheap one myself?",
        "our new contractor is asking where to send his invoice and how long till he gets paid",
    ],
)
def test_may_i_questions_and_questions_passed_on_go_to_docs(core: Core, text: str) -> None:
    """ "ok if I …?" is a policy question even when it sounds like a ticket, and a question passed on ("she's asking
    where…", "how long till…") is a question without its question mark."""
    assert _route(core, text) == "docs"


@pytest.mark.parametrize(
    "text",
    [
        "who's in the sprint planning next monday? wondering whether sofia should join us",
        "could we do sprint planning tuesday instead? same time works",
    ],
)
def test_who_is_in_and_instead_about_an_own_meeting_go_to_the_calendar(core: Core, text: str) -> None:
    """Asking who is in a meeting on the asker's calendar, or to hold it on another day "instead", is calendar work
    even when the classifier is unsure."""
    assert _route(core, text) == "calendar"


def test_unplaceable_small_talk_still_gets_the_help_menu(core: Core) -> None:
    """Small talk that no page covers stays with chat."""
    assert _route(core, "hmm what now") == "chat"


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("what api-labelled stuff is still open?", "tickets"),
        ("anything tagged network that isn't finished?", "tickets"),
        ("how many vacation days do I get?", "docs"),
    ],
)
def test_without_documents_question_shaped_work_goes_where_the_classifier_leans(
    core: Core, monkeypatch: pytest.MonkeyPatch, text: str, route: str
) -> None:
    """With no docs connected, a question sent to docs for its shape alone goes to tickets; a docs question stays."""
    monkeypatch.setattr(core.deps, "docs", None)
    assert _route(core, text) == route
