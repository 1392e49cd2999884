"""The local model's ticket parsers: slots compose regardless of phrasing order."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.local_model.lexicon import Lexicon
from graph.local_model.tickets_nlu import find_keys, find_priority, parse_ticket_request
from integrations.demo_company import load_demo_company

_demo = load_demo_company()
LEX = Lexicon.build(
    [{"id": p.id, "name": p.name, "handle": p.handle, "email": p.email} for p in _demo.people],
    [{"key": p.key, "name": p.name} for p in _demo.projects],
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("open a ticket: coffee machine leaks", {"action": "create", "title": "Coffee machine leaks"}),
        (
            "create a high priority ticket for the VPN dropping and assign it to priya",
            {"action": "create", "title": "VPN dropping", "priority": "high", "assignee": "priya"},
        ),
        (
            "file a bug about the login page timing out, due friday, in ENG",
            {"action": "create", "title": "Login page timing out", "due": "friday", "project": "ENG"},
        ),
        (
            'new ticket "Renew the domain" for the design project',
            {"action": "create", "title": "Renew the domain", "project": "DES"},
        ),
        ("assign OPS-3 to tom", {"action": "update", "keys": ["OPS-3"], "assignee": "tom"}),
        (
            "make ENG-2 urgent and move it to in review",
            {"action": "update", "keys": ["ENG-2"], "priority": "urgent", "status": "in review"},
        ),
        (
            "close OPS-7 with comment: replaced the toner",
            {"action": "close", "keys": ["OPS-7"], "comment": "replaced the toner"},
        ),
        (
            "comment on OPS-12 that the vendor replied",
            {"action": "comment", "keys": ["OPS-12"], "comment": "the vendor replied"},
        ),
        ("any open tickets about the printer?", {"action": "search", "search_text": "printer"}),
        ("show my tickets in progress", {"action": "search", "assignee": "me", "status": "in progress"}),
        ("what is Hana working on", {"action": "search", "assignee": "Hana"}),
        ("is OPS-4 finished", {"action": "get", "keys": ["OPS-4"]}),
    ],
)
def test_parses_slots(text: str, expected: dict[str, object]) -> None:
    """Each example fills exactly the slots it states."""
    frame = parse_ticket_request(text, LEX, suggested=None)
    for slot, value in expected.items():
        assert getattr(frame, slot) == value, (slot, getattr(frame, slot))


def test_open_as_adjective_is_not_a_create_request() -> None:
    """'open tickets' asks to see tickets; only 'open a ticket' files one."""
    assert parse_ticket_request("list open tickets for design", LEX, suggested=None).action == "search"
    assert parse_ticket_request("open a ticket for design", LEX, suggested=None).action == "create"


def test_high_in_a_title_is_not_a_priority() -> None:
    """'high CPU usage' describes the problem; it does not set the priority."""
    frame = parse_ticket_request("open a ticket: high CPU usage on the build box", LEX, suggested=None)
    assert frame.priority is None and frame.title == "High CPU usage on the build box"


def test_unknown_prefixes_are_not_ticket_keys() -> None:
    """With known projects, 'COVID-19' or 'ISO-9001' are not ticket keys."""
    assert find_keys("COVID-19 rules and ISO-9001 for OPS-12", LEX) == ["OPS-12"]


@given(st.text(max_size=300))
def test_parser_never_crashes_on_arbitrary_text(text: str) -> None:
    """Any string parses into a frame (possibly empty) without raising."""
    frame = parse_ticket_request(text, LEX, suggested=None)
    assert frame.action in (None, "create", "search", "get", "update", "comment", "close")


@given(
    st.sampled_from(["OPS", "ENG", "DES", "PPL"]),
    st.integers(min_value=1, max_value=99999),
    st.text(alphabet=" abcdefghij,.", max_size=20),
    st.text(alphabet=" abcdefghij,.", max_size=20),
)
def test_keys_are_found_anywhere_in_any_case(project: str, number: int, before: str, after: str) -> None:
    """A known project's key is found in any surrounding text and normalised to upper case."""
    text = f"{before} {project.lower()}-{number} {after}"
    assert find_keys(text, LEX) == [f"{project}-{number}"]


@given(st.sampled_from(["low", "high", "urgent", "critical", "p1", "trivial", "medium"]))
def test_priority_stated_with_the_word_priority_is_found(word: str) -> None:
    """'<word> priority' and 'priority <word>' both set the priority."""
    assert find_priority(f"please make this {word} priority") == word
    assert find_priority(f"set priority to {word}") == word


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "open a ticket: export times out on big files. Hana can take it, labels: ux, mobile",
            {
                "action": "create",
                "title": "Export times out on big files",
                "assignee": "Hana",
                "labels": ["ux", "mobile"],
            },
        ),
        ("bug for Priya: the export times out", {"action": "create", "title": "Export times out", "assignee": "Priya"}),
        (
            "new ticket: order badges for the December starters by the 12th",
            {"action": "create", "title": "Order badges for the December starters", "due": "the 12th"},
        ),
        ("DES-2 has been started", {"action": "update", "keys": ["DES-2"], "status": "in progress"}),
        (
            "the kitchen tap on floor 2 is leaking again. could someone have a look?",
            {"action": "create", "title": "Kitchen tap on floor 2 is leaking again"},
        ),
        (
            "let Omar know on OPS-6 that finance approved it",
            {"action": "comment", "keys": ["OPS-6"], "comment": "Omar: finance approved it"},
        ),
        ("which tickets has Tom filed?", {"action": "search", "reporter": "Tom"}),
        ("OPS-9 -> omar, high priority please", {"action": "update", "keys": ["OPS-9"], "assignee": "omar"}),
        ("mark DES-2 and DES-6 as done", {"action": "close", "keys": ["DES-2", "DES-6"]}),
        ("which of my tickets aren't closed yet?", {"action": "search", "assignee": "me", "status": None}),
        ("what is Akira working on at the moment?", {"action": "search", "assignee": "Akira", "status": "active"}),
    ],
)
def test_statements_addressees_and_filters_are_understood(text: str, expected: dict[str, object]) -> None:
    """Owners named as "X can take it", dates "by the 12th", progress statements, comments addressed to someone,
    reporters and negated statuses each land in their slot."""
    frame = parse_ticket_request(text, LEX, suggested=None)
    for slot, value in expected.items():
        assert getattr(frame, slot) == value, slot


def parsed_frame(text: str, suggested: str | None = None) -> dict[str, Any]:
    """The ticket frame the local model reads from ``text``, without its empty fields (shared by the class tests)."""
    frame = parse_ticket_request(text, LEX, suggested=suggested)
    return {k: v for k, v in vars(frame).items() if v not in (None, [], False)}


def berlin_today() -> date:
    """Today in the demo company's zone, for due dates the tests compute."""
    return datetime.now(ZoneInfo("Europe/Berlin")).date()
