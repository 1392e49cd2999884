"""Odd questions end to end: punctuation only, 10,000 characters, a bad filter on the command line."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage
from typer.testing import CliRunner

from bot.cli import app
from bot.composition import Core, build_core
from bot.settings import Settings
from evals.retrieval import retrieved_doc_ids
from tests.docs.test_docs_graph import ctx


@pytest.fixture
def core(isolated_env: Path) -> Iterator[Core]:
    """The demo company with its handbook, in memory, with the local model."""
    yield build_core(Settings(data_dir=isolated_env), in_memory=True)


def test_punctuation_only_message_gets_help_not_a_search(core: Core) -> None:
    """A message of only punctuation gets the help text: no search, no proposal, no error."""
    outcome = core.runtime.handle_message(ctx(), "?!?... ,,, ¿¡")
    history = core.runtime.history(outcome.thread_id)
    assert "deskhand" in outcome.reply and "Try:" in outcome.reply
    assert not [c for m in history if isinstance(m, AIMessage) for c in m.tool_calls]
    assert outcome.new_approval is None


def test_ten_thousand_character_question_gets_a_cited_answer(core: Core) -> None:
    """A 10,000-character question is searched and answered from the right document with a link, in seconds."""
    question = ("how do I get my travel receipts reimbursed as expenses? " * 200)[:10_000]
    started = time.perf_counter()
    outcome = core.runtime.handle_message(ctx(), question)
    history = core.runtime.history(outcome.thread_id)
    assert time.perf_counter() - started < 10
    assert "finance/expenses.md" in retrieved_doc_ids(history)[:3]
    assert "Sources:" in outcome.reply and "<file://" in outcome.reply


def test_search_with_a_bad_date_filter_explains_itself(isolated_env: Path) -> None:
    """`docs search --after` with something that is not a date exits 2 with a clear message, no traceback."""
    result = CliRunner().invoke(app, ["docs", "search", "--after", "last tuesday", "vpn"])
    assert result.exit_code == 2
    assert "--after needs an ISO date" in result.output and "Traceback" not in result.output
