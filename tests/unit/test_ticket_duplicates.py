"""Before filing, deskhand offers open tickets that describe the same problem; searches find other wordings."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.composition import Core
from graph.state import ConversationContext
from graph.ticket_similarity import rank_similar
from integrations.tickets.base import TicketQuery

from .conftest import DIEGO, PRIYA


def _open_tickets(core: Core) -> list:  # type: ignore[type-arg]
    return core.tickets.search(TicketQuery(include_done=False, limit=200))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the badge reader by the side door won't let anyone in", "OPS-5"),
        ("VPN keeps dropping out on Macs", "OPS-1"),
        ("looking up a customer by email shows them twice in the search results", "ENG-5"),
    ],
)
def test_same_problem_in_other_words_is_found(core: Core, text: str, expected: str) -> None:
    """A paraphrase of an open ticket ranks that ticket first."""
    found = rank_similar(text, _open_tickets(core))
    assert found and found[0].ticket.key == expected


@pytest.mark.parametrize(
    "text",
    ["update the onboarding checklist", "order a new monitor for Sam", "the login page is slow", "new laptop for Omar"],
)
def test_merely_related_topics_are_not_duplicates(core: Core, text: str) -> None:
    """Sharing a word or a theme ("checklist", "monitor") is not enough to call a ticket the same problem."""
    assert rank_similar(text, _open_tickets(core)) == []


def test_create_offers_the_existing_ticket_and_files_nothing(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """Filing a problem that is already open proposes nothing and names the open ticket."""
    before = len(core.tickets.search(TicketQuery(limit=500)))
    outcome = core.runtime.handle_message(ctx(user=DIEGO), "open a ticket: the badge reader by the side door is dead")
    assert outcome.new_approval is None
    assert "OPS-5" in outcome.reply and "file it anyway" in outcome.reply
    assert [item["key"] for a in outcome.attachments for item in a["items"]] == ["OPS-5"]
    assert len(core.tickets.search(TicketQuery(limit=500))) == before


def test_file_it_anyway_proposes_the_new_ticket(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """After the offer, "file it anyway" proposes the ticket as first asked."""
    context = ctx(user=DIEGO)
    core.runtime.handle_message(context, "open a ticket: the badge reader by the side door is dead")
    outcome = core.runtime.handle_message(context, "it's a different door, file it anyway")
    assert outcome.new_approval is not None
    action = outcome.new_approval.actions[0]
    assert action["kind"] == "ticket.create"
    assert "badge reader" in action["params"]["title"].lower()


def test_comment_there_instead_comments_on_the_offered_ticket(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "comment on that one that …" turns the request into a comment on the offered ticket, applied on approval."""
    context = ctx(user=PRIYA, channel_id="C0ENGINEER", default_project="ENG")
    core.runtime.handle_message(
        context, "file a bug: looking up a customer by email shows them twice in the search results"
    )
    outcome = core.runtime.handle_message(context, "ok, then comment on that one that phone lookups do it too")
    assert outcome.new_approval is not None
    action = outcome.new_approval.actions[0]
    assert action["kind"] == "ticket.comment" and action["params"]["key"] == "ENG-5"
    core.runtime.decide(outcome.new_approval.id, user_id=PRIYA, outcome="approve")
    comments = core.tickets.comments("ENG-5")
    assert comments and "phone lookups do it too" in comments[-1].body


def test_declining_the_offer_files_nothing(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """ "no, leave it" after the offer proposes nothing."""
    context = ctx(user=DIEGO)
    core.runtime.handle_message(context, "open a ticket: the badge reader by the side door is dead")
    outcome = core.runtime.handle_message(context, "no, leave it")
    assert outcome.new_approval is None and "won't file" in outcome.reply


def test_new_problem_is_proposed_without_an_offer(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """A problem nobody has filed goes straight to an approval card."""
    outcome = core.runtime.handle_message(ctx(), "open a ticket: the dishwasher in the kitchen is leaking")
    assert outcome.new_approval is not None
    assert outcome.new_approval.actions[0]["kind"] == "ticket.create"


def test_search_finds_a_ticket_worded_differently(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """ "Is there a ticket about the VPN dropping out on Macs?" finds "VPN disconnects every hour on macOS"."""
    outcome = core.runtime.handle_message(ctx(), "is there already a ticket about the VPN dropping out on Macs?")
    assert "OPS-1" in outcome.reply and outcome.new_approval is None


def test_search_with_no_related_ticket_says_so(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """A search for something nobody filed answers plainly instead of listing near misses."""
    outcome = core.runtime.handle_message(ctx(), "do we have a ticket for the dishwasher in the kitchen leaking?")
    assert "No tickets match" in outcome.reply
