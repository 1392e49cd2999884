"""`deskhand docs` commands, answer feedback (store, export) and the Slack feedback buttons."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from typer.testing import CliRunner

from bot.blocks.docs import DOCS_FEEDBACK_DOWN, DOCS_FEEDBACK_UP, docs_answer_blocks
from bot.cli import app
from bot.docs import record_vote
from integrations.docs.feedback import export_cases
from integrations.docs.index import SqliteDocsIndex
from tests.docs.conftest import HANDBOOK

runner = CliRunner()


def test_cli_ingest_search_and_list(isolated_env: Path, tmp_path: Path) -> None:
    """`docs ingest` reports per file and is incremental; `docs search --json --as` ranks what that person may read."""
    folder = tmp_path / "hb"
    folder.mkdir()
    for name in ("it/vpn.md", "people/compensation-bands.md", "leave/annual-leave.md"):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((HANDBOOK / name).read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    first = runner.invoke(app, ["docs", "ingest", str(folder), "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["summary"].startswith("3 added") and any(line["status"] == "skipped" for line in report["lines"])
    again = json.loads(runner.invoke(app, ["docs", "ingest", str(folder), "--json"]).stdout)
    assert again["summary"].startswith("0 added, 0 updated, 3 unchanged")
    tom = runner.invoke(app, ["docs", "search", "--json", "--k", "3", "--as", "tom", "salary band senior engineer"])
    lena = runner.invoke(app, ["docs", "search", "--json", "--k", "3", "--as", "lena", "salary band senior engineer"])
    assert tom.exit_code == 0 and lena.exit_code == 0
    assert "people/compensation-bands.md" not in [r["doc_id"] for r in json.loads(tom.stdout)["results"]]
    top = json.loads(lena.stdout)["results"][0]
    assert (
        top["doc_id"] == "people/compensation-bands.md"
        and top["score"] > 0
        and top["chunk_id"].startswith(top["doc_id"])
    )
    listed = json.loads(runner.invoke(app, ["docs", "list", "--json"]).stdout)
    assert len(listed) == 3


def test_cli_needs_a_path_or_drive(isolated_env: Path) -> None:
    """`docs ingest` with neither a path nor --drive explains itself and fails."""
    result = runner.invoke(app, ["docs", "ingest"])
    assert result.exit_code == 2


def test_feedback_export_becomes_eval_cases() -> None:
    """Voted answers export as eval cases: thumbs-up keeps its documents as expectations, thumbs-down is a todo."""
    index = SqliteDocsIndex(None)
    good = index.feedback.record_answer(
        query="how long is parental leave?",
        answer="16 weeks [1]",
        chunks=[{"doc_id": "leave.md", "chunk_id": "leave.md#0"}],
    )
    bad = index.feedback.record_answer(query="dress code?", answer="…", chunks=[{"doc_id": "x.md"}], user_id="U1")
    index.feedback.record_answer(query="unvoted", answer="-", chunks=[])
    assert index.feedback.vote(good, user_id="U1", vote="up") and index.feedback.vote(bad, user_id="U1", vote="down")
    assert not index.feedback.vote("nope", user_id="U1", vote="up")
    cases = {c["conversation"]["turns"][0]: c for c in export_cases(index.feedback.records())}
    assert set(cases) == {"how long is parental leave?", "dress code?"}
    assert cases["how long is parental leave?"]["expect"]["retrieval"] == {"relevant": ["leave.md"], "k": 5}
    assert "todo" in cases["dress code?"]["tags"]


def test_feedback_buttons_store_votes_and_thank(isolated_env: Path) -> None:
    """The 👍/👎 buttons carry the answer id; a click stores the vote and replaces the buttons with thanks."""
    index = SqliteDocsIndex(None)
    answer_id = index.feedback.record_answer(query="q", answer="a", chunks=[{"doc_id": "d"}])
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "answer"}}]
    blocks += docs_answer_blocks({"kind": "docs_answer", "items": [{"answer_id": answer_id, "body": "Sources: [1]"}]})
    actions = blocks[-1]
    assert [e["action_id"] for e in actions["elements"]] == [DOCS_FEEDBACK_UP, DOCS_FEEDBACK_DOWN]

    class Client:
        def __init__(self) -> None:
            self.updates: list[dict[str, Any]] = []

        def chat_update(self, **kwargs: Any) -> None:
            self.updates.append(kwargs)

        def chat_postEphemeral(self, **kwargs: Any) -> None:
            raise AssertionError("no ephemeral expected")

    services = SimpleNamespace(runtime=SimpleNamespace(deps=SimpleNamespace(docs=index)))
    client = Client()
    body = {
        "actions": [{"action_id": DOCS_FEEDBACK_DOWN, "value": answer_id}],
        "user": {"id": "U0TOMB0004"},
        "channel": {"id": "C1"},
        "message": {"ts": "1.2", "text": "answer", "blocks": blocks},
    }
    record_vote(services, client, body, "down")
    record = index.feedback.get(answer_id)
    assert record is not None and record.down == 1
    new_blocks = client.updates[0]["blocks"]
    assert new_blocks[-1]["type"] == "context" and not any(b["type"] == "actions" for b in new_blocks)
