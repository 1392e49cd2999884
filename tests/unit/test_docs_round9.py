"""Docs answers from the ninth blind round's classes: everyday words for mileage and part-time work find the
handbook sentence that answers them (the local extractive answerer, on the demo handbook)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.composition import Core
from graph.state import ConversationContext

from .conftest import TOM


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("how much mileage do we get for driving our own car to a supplier?", "0.30 EUR per km"),
        ("if I switch to three days a week, do I get fewer holidays?", "pro rata"),
    ],
)
def test_everyday_wording_gets_the_handbook_answer(
    core: Core, ctx: Callable[..., ConversationContext], question: str, answer: str
) -> None:
    """The answer quotes the sentence that answers the question, with a source, instead of "couldn't find"."""
    outcome = core.runtime.handle_message(ctx(user=TOM, channel_type="im"), question)
    assert answer in outcome.reply and "couldn't find" not in outcome.reply, outcome.reply
    assert outcome.new_approval is None
