"""Routing classes from the tenth blind round: a question about what the process or the rules require is answered
from the docs, even when it names a ticket, an incident or a call; the nearby requests still act."""

from __future__ import annotations

import pytest

from bot.composition import Core
from graph.local_model.router import asks_what_the_rules_say, route_text

from .test_triage_docs import _route


@pytest.mark.parametrize(
    "text",
    [
        "our contractor's last day is the 12th. by when do i have to get the offboarding ticket in?",
        "how far ahead do I have to put in the access request ticket?",
        "what should the laptop ticket include?",
        "how many days before someone leaves does the offboarding ticket need to go in?",
        "what info goes in a hardware request ticket?",
        "is there a deadline for submitting the access ticket before a new hire starts?",
        "when should the offboarding ticket be filed if her last day is next friday?",
    ],
)
def test_a_question_about_filing_a_ticket_is_a_docs_question(core: Core, text: str) -> None:
    """When a ticket must be filed, or what it must say, is answered from the docs; nothing is filed."""
    assert route_text(text).route == "docs"
    assert _route(core, text) == "docs"


@pytest.mark.parametrize(
    "text",
    [
        "can you put in the offboarding ticket for Alex, last day dec 4",
        "please file an access request ticket for the new designer",
        "ok then pls open that ticket for the review",
        "could you raise the replacement laptop ticket for me?",
        "when is the laptop ticket due?",
        "is there a deadline on the printer ticket?",
        "which tickets do I need to close before friday?",
        "what's the status of the offboarding ticket?",
        "how long do we have to fix OPS-3 before the SLA runs out?",
    ],
)
def test_ticket_requests_and_questions_about_tickets_stay_with_tickets(core: Core, text: str) -> None:
    """Asking deskhand to file a ticket, or asking about a ticket's own state, still goes to tickets."""
    assert not asks_what_the_rules_say(text)
    assert _route(core, text) == "tickets"


@pytest.mark.parametrize(
    "text",
    [
        "we think a bug leaked customer emails to another tenant, who do i tell and is there a clock ticking?",
        "the outage may have exposed some customer records. who do we need to get hold of, and how long do we have?",
        "an export job sent personal data to the wrong client: who should we notify?",
        "pretty sure a misconfigured bucket exposed customer files overnight, who has to be told?",
    ],
)
def test_who_to_tell_about_exposed_data_is_a_docs_question(core: Core, text: str) -> None:
    """Who must be told when customer data may have leaked, and by when, is policy: docs, never a ticket."""
    assert route_text(text).route == "docs"
    assert _route(core, text) == "docs"


@pytest.mark.parametrize(
    "text",
    [
        "we'd like to try an AI note-taking app on customer calls. anything we need to do before signing up?",
        "do we need a security review before using a new video call plugin?",
        "can i install a browser extension that summarises my meetings?",
        "we're thinking of a transcription bot for sales calls, does that need a security review?",
    ],
)
def test_whether_a_tool_is_allowed_is_a_docs_question(core: Core, text: str) -> None:
    """Whether a tool may be used or what review it needs is policy, though it mentions calls or meetings."""
    assert route_text(text).route == "docs"
    assert _route(core, text) == "docs"


@pytest.mark.parametrize(
    "text",
    [
        "book a call with the vendor tomorrow at 3",
        "set up a customer call with priya on friday at 10",
        "can we move the design review to thursday?",
        "do we need to invite legal to the vendor call on friday?",
        "can you check if sam is free thursday at 2?",
    ],
)
def test_calendar_requests_near_policy_words_stay_on_the_calendar(core: Core, text: str) -> None:
    """Booking, moving or checking a call or review stays on the calendar."""
    assert not asks_what_the_rules_say(text)
    assert _route(core, text) == "calendar"


def test_a_pending_proposal_keeps_its_route() -> None:
    """With a ticket awaiting approval, a question about what it should include is about that ticket."""
    decision = route_text("what should the ticket include?", previous_route="tickets", has_pending=True)
    assert decision.route == "tickets"


@pytest.mark.parametrize(
    "text",
    [
        "ok just file it now then: offboarding for Sam, leaving on the 9th",
        "right, log that for me: the projector in room 2 is dead",
        "fine, file this one: new starter needs a laptop by monday",
    ],
)
def test_filing_what_the_docs_just_described_goes_to_tickets(text: str) -> None:
    """After a docs answer, "ok just file it now: …" asks deskhand to file the ticket, not for more docs."""
    assert route_text(text, previous_route="docs").route == "tickets"


@pytest.mark.parametrize(
    "text",
    ["i'll file it myself later, thanks", "we'll log it ourselves once IT replies"],
)
def test_the_persons_own_plan_to_file_is_not_a_request(text: str) -> None:
    """ "I'll file it myself" after a docs answer does not file anything."""
    assert route_text(text, previous_route="docs").route != "tickets"


@pytest.mark.parametrize(
    "text",
    [
        "we're organising the team retreat by the lake. are dogs allowed?",
        "planning the offsite in march. can we bring our dogs?",
        "my kid has a bug going round. if i'm on call this week what does it pay?",
        "do we get paid for the hours spent travelling to a client?",
    ],
)
def test_what_is_allowed_or_paid_is_a_docs_question(core: Core, text: str) -> None:
    """ "are partners allowed?", "what does on call pay?": policy questions go to the docs, not to a move or a ticket
    search, whatever else the message mentions."""
    assert _route(core, text) == "docs"


@pytest.mark.parametrize(
    "text",
    ["the checkout bug is back, can you file a ticket?", "is the payroll export ticket done?"],
)
def test_ticket_requests_next_to_pay_or_bug_words_stay_tickets(core: Core, text: str) -> None:
    """A request about tickets stays with tickets, even with "bug" or "pay" words in it."""
    assert _route(core, text) == "tickets"


@pytest.mark.parametrize(
    "text",
    [
        "do I need a ticket for a new headset? if so open one",
        "is a ticket needed to get a second monitor? if yes, just file it",
    ],
)
def test_a_process_question_with_a_request_hanging_on_it_stays_with_tickets(core: Core, text: str) -> None:
    """ "do I need a ticket for X? if so open one" asks deskhand to act, so it stays with tickets."""
    assert _route(core, text) == "tickets"


@pytest.mark.parametrize(
    "text",
    [
        "do I need a ticket for a new chair? if so, do I file it in OPS or PPL?",
        "is a ticket needed for a second screen? if not, do I just email diego?",
    ],
)
def test_if_so_followed_by_another_question_is_still_a_question(core: Core, text: str) -> None:
    """ "… if so, do I file it in OPS?" asks how, it does not ask deskhand to file: docs, nothing filed."""
    assert _route(core, text) == "docs"


@pytest.mark.parametrize(
    "text",
    [
        "the payroll export is broken, what does it pay out now? file a ticket",
        "is overtime paid? the timesheet tool won't let me log extra hours, open a ticket for that",
    ],
)
def test_an_order_to_file_wins_over_a_pay_question_beside_it(core: Core, text: str) -> None:
    """A message that orders a ticket ("… file a ticket") goes to tickets even next to a policy question."""
    assert _route(core, text) == "tickets"
