"""Atlassian Document Format conversion: text → ADF → the same text, and real Jira ADF → readable text."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.tickets.adf import adf_to_text, text_to_adf

ROUND_TRIP = [
    "",
    "One line.",
    "First line\nsecond line of the same paragraph.\n\nA second paragraph.",
    "Steps:\n\n- connect\n- wait an hour\n  - still connected?\n- drops",
    "1. first\n2. second\n\n3. three\n4. four",
    "# Summary\n\nBody text.\n\n### Detail",
    "> quoted\n> still quoted\n\nafter",
    "```python\nprint('hi')\n\nx = 1\n```",
    "Before\n\n---\n\nAfter",
    "**bold**, *emphasis*, `code`, ~~gone~~, [docs](https://example.com/a) and https://example.com/b?q=1.",
    "snake_case_name, 2 * 3 * 4, a lone * star and C:\\path\\file",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_text_survives_a_round_trip(text: str) -> None:
    """Text in the supported Markdown-ish subset converts to ADF and back unchanged."""
    doc = text_to_adf(text)
    assert doc["type"] == "doc" and doc["version"] == 1
    assert adf_to_text(doc) == text


def test_adf_nodes_have_no_empty_text() -> None:
    """ADF forbids empty text nodes; blank lines never produce them."""

    def texts(node: dict[str, Any]) -> list[str]:
        own = [node["text"]] if node.get("type") == "text" else []
        return own + [t for child in node.get("content") or [] for t in texts(child)]

    doc = text_to_adf("\n\n  a  \n\n\n**b** \n")
    assert all(texts(doc)) and adf_to_text(doc) == "a\n\n**b**"


def test_list_after_a_line_starts_a_list() -> None:
    """A list right under a paragraph line is a list (and reads back separated by a blank line)."""
    doc = text_to_adf("Steps:\n- a\n- b")
    assert [b["type"] for b in doc["content"]] == ["paragraph", "bulletList"]
    assert adf_to_text(doc) == "Steps:\n\n- a\n- b"


def test_jira_authored_adf_reads_as_text() -> None:
    """Mentions, emoji, cards, dates, status lozenges, tables, panels and media become readable text."""
    doc = {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "paragraph",
                "content": [
                    {"type": "mention", "attrs": {"id": "abc", "text": "@Ana Lima"}},
                    {"type": "text", "text": " please check "},
                    {"type": "emoji", "attrs": {"shortName": ":fire:", "text": "🔥"}},
                    {"type": "hardBreak"},
                    {"type": "inlineCard", "attrs": {"url": "https://x.atlassian.net/browse/OPS-2"}},
                    {"type": "text", "text": " by "},
                    {"type": "date", "attrs": {"timestamp": "1764547200000"}},
                    {"type": "text", "text": " "},
                    {"type": "status", "attrs": {"text": "BLOCKED", "color": "red"}},
                ],
            },
            {
                "type": "panel",
                "attrs": {"panelType": "info"},
                "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Heads up"}]}],
            },
            {
                "type": "table",
                "content": [
                    {
                        "type": "tableRow",
                        "content": [
                            {
                                "type": "tableHeader",
                                "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Host"}]}],
                            },
                            {
                                "type": "tableHeader",
                                "content": [{"type": "paragraph", "content": [{"type": "text", "text": "State"}]}],
                            },
                        ],
                    },
                    {
                        "type": "tableRow",
                        "content": [
                            {
                                "type": "tableCell",
                                "content": [{"type": "paragraph", "content": [{"type": "text", "text": "vpn1"}]}],
                            },
                            {
                                "type": "tableCell",
                                "content": [{"type": "paragraph", "content": [{"type": "text", "text": "down"}]}],
                            },
                        ],
                    },
                ],
            },
            {"type": "mediaSingle", "content": [{"type": "media", "attrs": {"id": "m1", "type": "file"}}]},
            {"type": "someFutureNode", "content": [{"type": "text", "text": "kept"}]},
        ],
    }
    assert adf_to_text(doc) == (
        "@Ana Lima please check 🔥\nhttps://x.atlassian.net/browse/OPS-2 by 2025-12-01 BLOCKED"
        "\n\nHeads up\n\nHost | State\nvpn1 | down\n\n[attachment]\n\nkept"
    )


def test_missing_or_plain_descriptions() -> None:
    """A null description is empty text; a plain string (API v2 style) passes through."""
    assert adf_to_text(None) == "" and adf_to_text("plain") == "plain"
