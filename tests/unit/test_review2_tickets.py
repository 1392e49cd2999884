"""Ticket bugs from the second review: descriptions that picked an unrelated ticket, and "can both go to X"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.composition import Core
from graph.local_model.ticket_bulk import parse_described_pair
from graph.state import ConversationContext
from integrations.tickets.base import match_score

from .conftest import TOM
from .test_ticket_nlu import LEX

# -- 1. a word matches whole words and their inflections, never a cut-down stem inside another word ------------


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("backup", "two backend roles"),
        ("reporting", "the repository is slow"),
        ("backups", "go back end"),
    ],
)
def test_a_word_never_matches_a_truncated_stem_inside_a_different_word(word: str, text: str) -> None:
    """ "backup" does not match "backend", nor "reporting" "repository"."""
    assert match_score([word], text, "") == 0 and match_score([word], "", text) == 0


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("backup", "nightly backups"),
        ("report", "weekly reporting"),
        ("reporting", "the weekly report"),
        ("flaky", "a flake on CI"),
        ("postgres", "Upgrade PostgreSQL"),
        ("setup", "set up SSO"),
        ("week-start", "the wrong week start"),
        ("overlapping", "cards overlap"),
    ],
)
def test_a_word_matches_its_inflections_and_spacing_variants(word: str, text: str) -> None:
    """Inflections, "set up"/"setup" and "flaky"/"flake" still meet."""
    assert match_score([word], text, "") > 0


def test_a_described_due_shift_never_changes_a_ticket_matched_inside_another_word(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "the backup one" is not PPL-5 (whose description says "backend"); the Done backup ticket is named instead."""
    outcome = core.runtime.handle_message(ctx(user=TOM), "the backup one can slip a week")
    assert outcome.new_approval is None, outcome.new_approval
    assert "PPL-5" not in outcome.reply and "ENG-13" in outcome.reply, outcome.reply


def test_a_topic_search_with_only_a_finished_match_says_so(core: Core, ctx: Callable[..., ConversationContext]) -> None:
    """ "any open tickets about backup?" names the Done backup ticket as finished, not the hiring plan."""
    outcome = core.runtime.handle_message(ctx(user=TOM), "any open tickets about backup?")
    assert "PPL-5" not in outcome.reply and "ENG-13" in outcome.reply, outcome.reply
    assert "finished" in outcome.reply.lower(), outcome.reply


def test_a_description_matching_only_a_tickets_body_is_asked_about_not_written(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "the headcount ticket" is only in PPL-5's description: the comment is a question, no card."""
    outcome = core.runtime.handle_message(ctx(user=TOM), "comment on the headcount ticket: draft is ready")
    assert outcome.new_approval is None, outcome.new_approval
    assert "PPL-5" in outcome.reply and "which ticket" in outcome.reply.lower(), outcome.reply


# -- 2. "the X one and the Y one can both go to Z" / "give both X and Y to Z" reassign the described tickets ----------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("the laptop one and the printer one can both go to omar", ["laptop", "printer"]),
        ("the backup ticket and the memory leak ticket can both go to omar", ["backup", "memory leak"]),
        ("give both the vpn one and the badge one to omar", ["vpn", "badge"]),
    ],
)
def test_both_go_to_a_person_is_a_reassignment_of_each_described_ticket(text: str, names: list[str]) -> None:
    """ "can both go to omar" hands each described ticket to Omar."""
    frame = parse_described_pair(text, LEX)
    assert frame is not None and frame.filters["each_of"] == names, frame
    assert frame.changes == {"assignee": "omar"}, frame


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("the laptop one and the printer one can both go to omar", {"OPS-3", "OPS-2"}),
        ("give both the vpn one and the flicker one to omar", {"OPS-1", "OPS-7"}),
    ],
)
def test_both_go_to_a_person_proposes_reassignments_never_a_create(
    core: Core, ctx: Callable[..., ConversationContext], text: str, keys: set[str]
) -> None:
    """End to end: the card reassigns the described tickets to Omar; no ticket is created or merely listed."""
    outcome = core.runtime.handle_message(ctx(user=TOM), text)
    assert outcome.new_approval is not None, outcome.reply
    actions = outcome.new_approval.actions
    assert {a["kind"] for a in actions} == {"ticket.update"}, actions
    assert {a["params"]["key"] for a in actions} == keys, actions


def test_both_go_to_with_a_finished_ticket_asks_and_creates_nothing(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "the backup ticket and the memory leak ticket can both go to omar": no create card titled with the text."""
    outcome = core.runtime.handle_message(
        ctx(user=TOM), "the backup ticket and the memory leak ticket can both go to omar"
    )
    assert outcome.new_approval is None, outcome.new_approval
    assert "ENG-13" in outcome.reply, outcome.reply
