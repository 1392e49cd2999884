"""Docs answers and the thumbs up/down people give them, in the docs database; exported as eval cases.

Each answer the docs capability gives is recorded (question, answer, the chunks it was built from); a vote
references it. A thumbs-down on a question whose right document is known becomes a retrieval case for the eval
harness (``deskhand docs feedback --export``): fix the expected document, and the regression stays fixed.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    user_id TEXT NOT NULL DEFAULT '',
    channel_id TEXT NOT NULL DEFAULT '',
    query TEXT NOT NULL,
    answer TEXT NOT NULL,
    chunks TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS answer_feedback (
    answer_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    vote TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);
"""

Vote = Literal["up", "down"]


@dataclass
class FeedbackRecord:
    """An answer with its votes."""

    answer_id: str
    created_at: str
    user_id: str
    channel_id: str
    query: str
    answer: str
    chunks: list[dict[str, Any]]
    up: int
    down: int


class FeedbackStore:
    """Answers and votes; shares the docs index's connection and lock."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock) -> None:
        self._conn = conn
        self._lock = lock
        with self._lock:
            self._conn.executescript(_SCHEMA)

    def record_answer(
        self, *, query: str, answer: str, chunks: list[dict[str, Any]], user_id: str = "", channel_id: str = ""
    ) -> str:
        """Store an answer and the chunks behind it; returns its id (the feedback buttons carry it)."""
        answer_id = uuid.uuid4().hex[:20]
        with self._lock:
            self._conn.execute(
                "INSERT INTO answers(id, created_at, user_id, channel_id, query, answer, chunks)"
                " VALUES (?,?,?,?,?,?,?)",
                (
                    answer_id,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    user_id,
                    channel_id,
                    query[:4000],
                    answer[:8000],
                    json.dumps(chunks)[:100_000],
                ),
            )
        return answer_id

    def vote(self, answer_id: str, *, user_id: str, vote: Vote) -> bool:
        """Record (or change) one person's vote; False if the answer is unknown."""
        if vote not in ("up", "down"):
            raise ValueError("vote must be 'up' or 'down'")
        with self._lock:
            if self._conn.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
                return False
            self._conn.execute(
                "INSERT INTO answer_feedback(answer_id, user_id, vote, at) VALUES (?,?,?,?)"
                " ON CONFLICT(answer_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at",
                (answer_id, user_id, vote, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        return True

    def records(self, *, only: Vote | None = None, limit: int = 1000) -> list[FeedbackRecord]:
        """Answers that received votes, newest first (``only`` keeps answers with at least one such vote)."""
        sql = (
            "SELECT a.id, a.created_at, a.user_id, a.channel_id, a.query, a.answer, a.chunks,"
            " sum(f.vote = 'up'), sum(f.vote = 'down') FROM answers a JOIN answer_feedback f ON f.answer_id = a.id"
            " GROUP BY a.id"
        )
        if only:
            sql += f" HAVING sum(f.vote = '{'up' if only == 'up' else 'down'}') > 0"
        sql += " ORDER BY a.created_at DESC LIMIT ?"
        with self._lock:
            rows = self._conn.execute(sql, (limit,)).fetchall()
        return [
            FeedbackRecord(
                answer_id=r[0],
                created_at=r[1],
                user_id=r[2],
                channel_id=r[3],
                query=r[4],
                answer=r[5],
                chunks=json.loads(r[6]),
                up=int(r[7] or 0),
                down=int(r[8] or 0),
            )
            for r in rows
        ]

    def get(self, answer_id: str) -> FeedbackRecord | None:
        """One answer (votes counted)."""
        with self._lock:
            r = self._conn.execute(
                "SELECT a.id, a.created_at, a.user_id, a.channel_id, a.query, a.answer, a.chunks,"
                " (SELECT count(*) FROM answer_feedback f WHERE f.answer_id = a.id AND f.vote = 'up'),"
                " (SELECT count(*) FROM answer_feedback f WHERE f.answer_id = a.id AND f.vote = 'down')"
                " FROM answers a WHERE a.id = ?",
                (answer_id,),
            ).fetchone()
        if r is None:
            return None
        return FeedbackRecord(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), int(r[7]), int(r[8]))


def export_cases(records: list[FeedbackRecord], *, fixture: str = "demo-handbook") -> list[dict[str, Any]]:
    """Eval-case skeletons (evals/README.md format) from voted answers.

    A thumbs-up keeps today's retrieval as the expectation (a regression test); a thumbs-down is tagged
    ``todo``: someone fills in the document that should have been found.
    """
    cases: list[dict[str, Any]] = []
    for rec in records:
        docs = list(dict.fromkeys(str(c.get("doc_id")) for c in rec.chunks if c.get("doc_id")))
        good = rec.up > 0 and rec.down == 0
        case: dict[str, Any] = {
            "id": f"docs.feedback.{rec.answer_id}",
            "tags": ["docs", "feedback"] + ([] if good else ["todo"]),
            "fixture": fixture,
            "conversation": {"user": rec.user_id or "maya", "turns": [rec.query]},
            "expect": {"route": "docs", "nothing_changes": True},
            "notes": f"{'thumbs up' if good else 'thumbs down'} on {rec.created_at}; answer: {rec.answer[:500]}",
        }
        if good and docs:
            case["expect"]["retrieval"] = {"relevant": docs[:1], "k": 5}
        cases.append(case)
    return cases
