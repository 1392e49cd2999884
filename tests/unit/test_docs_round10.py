"""Docs answers when a situation is told before the question (the tenth blind round's class): the question sentence
alone must be covered by the handbook passage, so situation words no handbook uses don't hide the answer. Also
"hire a car" reaches the handbook's "rental cars". Wordings are our own; the demo handbook is the corpus."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.composition import Core
from graph.local_model.docs_answer import _asked_terms
from graph.state import ConversationContext

from .conftest import TOM


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "off to see a client in a tiny town in the hills next week, no buses out there. "
            "can i hire a car from the airport?",
            "Rental cars need Finance approval",
        ),
        (
            "landing late at night after a client dinner, the last train has gone by then. "
            "can i take a taxi from the airport?",
            "taxis and ride-hailing from the airport are fine",
        ),
    ],
)
def test_a_situation_before_the_question_still_gets_the_answer(
    core: Core, ctx: Callable[..., ConversationContext], question: str, answer: str
) -> None:
    """The sentence that answers the question is quoted with a source, instead of "couldn't find"."""
    outcome = core.runtime.handle_message(ctx(user=TOM, channel_type="im"), question)
    assert answer in outcome.reply and "couldn't find" not in outcome.reply, outcome.reply
    assert outcome.new_approval is None


@pytest.mark.parametrize(
    "question",
    [
        "thinking about getting a dog this spring. can i bring it to the office?",
        "my sister is visiting from abroad for a month. can she stay in the office flat?",
    ],
)
def test_an_unanswerable_question_after_a_situation_is_still_not_answered(
    core: Core, ctx: Callable[..., ConversationContext], question: str
) -> None:
    """A short question sentence of generic words ("bring it to the office") the handbook doesn't answer stays
    "couldn't find": the situation's key word (the dog, the sister) is still missing from every page."""
    outcome = core.runtime.handle_message(ctx(user=TOM, channel_type="im"), question)
    assert "couldn't find" in outcome.reply, outcome.reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no trains go there. can i hire a car at the airport?", ["hire", "car", "airport"]),
        ("can i hire a car at the airport?", None),  # one sentence: the whole message is the question
        ("my laptop broke. help?", None),  # too little to judge on its own
        ("the vpn drops. the wifi drops too.", None),  # nothing asked
    ],
)
def test_the_question_sentence_is_found_only_after_a_situation(text: str, expected: list[str] | None) -> None:
    """Only a message with a situation before its final question has a separate question sentence."""
    assert _asked_terms(text) == expected


@pytest.mark.parametrize(
    "question",
    [
        "laptop stolen from my bag at the station, i've reported it to the police. what should i do?",
        "lost my laptop on the train and already filed a police report. what now?",
    ],
)
def test_what_else_to_do_quotes_the_whole_short_paragraph(
    core: Core, ctx: Callable[..., ConversationContext], question: str
) -> None:
    """ "… police report's done. what else?" quotes every step of the short paragraph, not only the step the person
    has already taken."""
    outcome = core.runtime.handle_message(ctx(user=TOM, channel_type="im"), question)
    assert "#it-help" in outcome.reply and "police report" in outcome.reply, outcome.reply
