"""The OpenAI-compatible path: ChatOpenAI talks to a scripted server; the same approval flow follows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.blocks.approval import APPROVE
from tests.fakes.openai_server import RunningOpenAI, ScriptedOpenAI, serve_openai, text_turn, tool_turn
from tests.support.stack import BOT, DIEGO, IT_HELP, TOM, Stack, running_stack, wait_for


@pytest.fixture
def openai_fake() -> Iterator[RunningOpenAI]:
    """A scripted OpenAI-compatible server."""
    running = serve_openai(ScriptedOpenAI())
    yield running
    running.stop()


@pytest.fixture
def openai_stack(isolated_env: Path, openai_fake: RunningOpenAI) -> Iterator[Stack]:
    """deskhand configured for an OpenAI-compatible model at the fake's base URL."""
    with running_stack(
        isolated_env,
        model_provider="openai",
        openai_base_url=openai_fake.base_url,
        openai_api_key="sk-test-not-real",
        openai_model="scripted-model",
        model_max_retries=0,
    ) as stack:
        yield stack


def test_openai_tool_calls_drive_the_approval_flow(openai_stack: Stack, openai_fake: RunningOpenAI) -> None:
    """The model's create_ticket call becomes a card; approving it files exactly what the model proposed."""
    openai_fake.fake.script.extend(
        [
            tool_turn(("create_ticket", {"title": "Kitchen tap drips", "priority": "high", "assignee": "Diego"})),
            text_turn("I've drafted that ticket; approve it below."),
        ]
    )
    ts = openai_stack.say(TOM, IT_HELP, f"<@{BOT}> open a ticket: the kitchen tap drips, Diego should look")
    card = openai_stack.wait_card(IT_HELP, ts)
    assert "I've drafted that ticket" in str(card["blocks"])
    openai_stack.click(TOM, IT_HELP, card, APPROVE)
    ticket = wait_for(lambda: [t for t in openai_stack.tickets() if t.title == "Kitchen tap drips"], what="ticket")[0]
    assert (ticket.priority, ticket.assignee_id) == ("high", DIEGO)

    first = openai_fake.fake.requests[0]
    assert first["model"] == "scripted-model"
    assert {t["function"]["name"] for t in first["tools"]} >= {"create_ticket", "search_tickets"}
    assert first["messages"][0]["role"] == "system" and "PROPOSE" in first["messages"][0]["content"]
    second = openai_fake.fake.requests[1]
    assert second["messages"][-1]["role"] == "tool" and "Proposed #1" in second["messages"][-1]["content"]
    assert openai_fake.fake.api_key_seen[0] == "Bearer sk-test-not-real"


def test_unsure_triage_asks_the_model_with_structured_output(openai_stack: Stack, openai_fake: RunningOpenAI) -> None:
    """When the local classifier is unsure, triage asks the model (a function call) and follows its route."""
    openai_fake.fake.script.extend(
        [
            tool_turn(("TriageOutput", {"route": "out_of_scope"})),
        ]
    )
    ts = openai_stack.say(TOM, IT_HELP, f"<@{BOT}> flurb the wibble quietly")
    reply = openai_stack.wait_reply(IT_HELP, ts)[0]
    assert "outside what I can help with" in reply["text"]
    assert openai_fake.fake.requests[0]["tools"][0]["function"]["name"] == "TriageOutput"


def test_model_server_error_becomes_a_friendly_reply(openai_stack: Stack, openai_fake: RunningOpenAI) -> None:
    """If the model server fails, the person gets a short message with a reference, not silence."""
    ts = openai_stack.say(TOM, IT_HELP, f"<@{BOT}> open a ticket: server will fail")  # script is empty → 500
    reply = openai_stack.wait_reply(IT_HELP, ts)[0]
    assert "ref-" in reply["text"]
    assert not [t for t in openai_stack.tickets() if t.title == "Server will fail"]
