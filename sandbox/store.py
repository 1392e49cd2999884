"""The SQLite file behind the workspace: schema, a lock, and JSON helpers."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users(id TEXT PRIMARY KEY, email TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conversations(
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS members(channel TEXT NOT NULL, user TEXT NOT NULL, PRIMARY KEY(channel, user));
CREATE TABLE IF NOT EXISTS messages(
    channel TEXT NOT NULL, ts TEXT NOT NULL, thread_ts TEXT, in_channel INTEGER NOT NULL,
    author TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, stream_state TEXT,
    data TEXT NOT NULL, PRIMARY KEY(channel, ts));
CREATE INDEX IF NOT EXISTS messages_thread ON messages(channel, thread_ts);
CREATE TABLE IF NOT EXISTS ephemerals(
    channel TEXT NOT NULL, ts TEXT NOT NULL, user TEXT NOT NULL, thread_ts TEXT,
    deleted INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL, PRIMARY KEY(channel, ts));
CREATE TABLE IF NOT EXISTS views(
    id TEXT PRIMARY KEY, user TEXT NOT NULL, kind TEXT NOT NULL, root_id TEXT NOT NULL,
    position INTEGER NOT NULL, is_open INTEGER NOT NULL, external_id TEXT, errors TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries(
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, event_id TEXT, channel TEXT, ts TEXT, status TEXT NOT NULL,
    attempts INTEGER NOT NULL, last_error TEXT, created REAL NOT NULL, updated REAL NOT NULL, summary TEXT,
    body TEXT);
CREATE INDEX IF NOT EXISTS deliveries_message ON deliveries(channel, ts);
CREATE TABLE IF NOT EXISTS response_urls(id TEXT PRIMARY KEY, data TEXT NOT NULL, created REAL NOT NULL,
    uses INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS assistant_threads(
    channel TEXT NOT NULL, thread_ts TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY(channel, thread_ts));
"""


class Store:
    """One connection shared by the server's threads; every use holds the lock."""

    def __init__(self, path: Path | None) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        target = str(path) if path is not None else ":memory:"
        # The ASGI loop thread and test threads both reach the workspace, so the lock (not
        # sqlite3's thread check) is what keeps access serial.
        self.conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        if path is not None:
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(SCHEMA)
        self.lock = threading.RLock()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction under the lock, so a multi-row change lands whole or not at all."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        with self.lock:
            row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
            return row

    def get_meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        with self.lock:
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def close(self) -> None:
        with self.lock:
            self.conn.close()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)
