"""The docs index: one SQLite file with documents, chunks, an FTS5 table (BM25) and chunk vectors as BLOBs.

This machine's sqlite3 cannot load extensions, so vectors live in a BLOB column and are scored with numpy
against an in-memory matrix (brute force: ~5 ms for 100k × 256 floats), rebuilt when the file changes. The
matrix is the only large thing held in memory. Permissions and metadata filters are one SQL clause over the
documents table, applied inside both retrievers, so nothing a viewer may not read is ever ranked for them.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from integrations.docs.analysis import TOKENIZER
from integrations.docs.base import (
    Access,
    Chunk,
    DocsError,
    Embedder,
    Reranker,
    SearchFilters,
    SearchResult,
    SourceDocument,
    Viewer,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT '',
    path TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    updated_at TEXT,
    content_hash TEXT NOT NULL DEFAULT '',
    public INTEGER NOT NULL DEFAULT 1,
    readers TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL DEFAULT '',
    indexed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE INDEX IF NOT EXISTS documents_origin ON documents(origin);
CREATE TABLE IF NOT EXISTS doc_readers (
    principal TEXT NOT NULL,
    doc_num INTEGER NOT NULL,
    PRIMARY KEY (principal, doc_num)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_readers_doc ON doc_readers(doc_num);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    doc_num INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    heading TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    vector BLOB
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_num, ordinal);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5(title, heading, body, tokenize='{TOKENIZER}');
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_terms USING fts5vocab(chunk_fts, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS doc_fts USING fts5(
    title, body, content='documents', content_rowid='num', tokenize='{TOKENIZER}'
);
"""


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


@dataclass
class ChunkRow:
    """A chunk as search reads it back."""

    rowid: int
    doc_num: int
    doc_id: str
    ordinal: int
    title: str
    heading: str
    text: str
    link: str
    source: str
    path: str
    updated_at: datetime | None

    @property
    def chunk_id(self) -> str:
        """``doc_id#ordinal``."""
        return f"{self.doc_id}#{self.ordinal}"


@dataclass(frozen=True)
class Allowed:
    """The documents and chunks one viewer may see under one set of filters."""

    doc_nums: frozenset[int]
    chunk_mask: np.ndarray
    """Aligned with the dense matrix rows."""
    by_rowid: np.ndarray
    """Indexed by chunk id."""

    def has_chunk(self, rowid: int) -> bool:
        """Whether this chunk may be shown."""
        return 0 <= rowid < len(self.by_rowid) and bool(self.by_rowid[rowid])


@dataclass
class _Dense:
    by_dim: np.ndarray  # (dim, n) float32, C-contiguous
    rowids: np.ndarray  # (n,) int64 chunk ids
    doc_nums: np.ndarray  # (n,) int64
    doc_by_rowid: np.ndarray  # (max chunk id + 1,) int64, -1 where no chunk


class SqliteDocsIndex:
    """Documents, chunks, BM25 and vectors in one SQLite file (``None`` = in memory, for tests and evals)."""

    def __init__(
        self,
        path: Path | str | None,
        *,
        embedder: Embedder | None = None,
        reranker: Reranker | None = None,
        options: Any = None,
    ) -> None:
        from integrations.docs.embeddings import WordLlamaEmbedder
        from integrations.docs.search import HybridSearcher, RetrievalOptions

        self.path = Path(path) if path not in (None, ":memory:") else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            str(self.path) if self.path else ":memory:", check_same_thread=False, isolation_level=None
        )
        self._lock = threading.RLock()
        self.embedder: Embedder = embedder or WordLlamaEmbedder()
        with self._lock:
            if self.path is not None:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA cache_size=-32000")
            self._conn.executescript(_SCHEMA)
            self._check_meta()
        self._dense: _Dense | None = None
        self._dense_version: tuple[int, int] | None = None
        self._local_writes = 0
        self._df: dict[str, int] | None = None
        self._cf: dict[str, int] = {}
        self._df_version: tuple[int, int] | None = None
        self._n_chunks = 0
        self._allowed_cache: dict[tuple[Any, ...], Allowed] = {}
        self._topics: tuple[dict[str, int], set[tuple[str, ...]]] | None = None
        self._topics_version: tuple[int, int] | None = None
        self.options = options or RetrievalOptions()
        self.searcher = HybridSearcher(self, self.options, reranker=reranker)
        from integrations.docs.feedback import FeedbackStore

        self.feedback = FeedbackStore(self._conn, self._lock)

    # -- housekeeping ---------------------------------------------------------------------------------
    def _check_meta(self) -> None:
        meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            self._conn.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?)",
                [("schema_version", str(SCHEMA_VERSION)), ("embedder", self.embedder.name)],
            )
            return
        if meta.get("embedder") != self.embedder.name and self.count_documents():
            raise DocsError(
                f"the docs index was built with {meta.get('embedder')}, not {self.embedder.name}; "
                "re-ingest with --rebuild to switch embedders"
            )
        self._conn.execute("UPDATE meta SET value = ? WHERE key = 'embedder'", (self.embedder.name,))

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._local_writes += 1

    def _version(self) -> tuple[int, int]:
        """Changes when this process writes or another connection commits (``PRAGMA data_version``)."""
        with self._lock:
            data_version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        return (self._local_writes, data_version)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def clear(self) -> None:
        """Drop every document (``--rebuild``)."""
        with self._write() as conn:
            for table in ("documents", "doc_readers", "chunks", "chunk_fts"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("INSERT INTO doc_fts(doc_fts) VALUES ('delete-all')")
            conn.execute("UPDATE meta SET value = ? WHERE key = 'embedder'", (self.embedder.name,))

    # -- writes ----------------------------------------------------------------------------------------
    def known_documents(self, origin: str | None = None) -> dict[str, str]:
        """``doc id → content hash`` for one origin (a folder, a file, a Drive query), or all."""
        sql = "SELECT id, content_hash FROM documents" + (" WHERE origin = ?" if origin is not None else "")
        with self._lock:
            return dict(self._conn.execute(sql, (origin,) if origin is not None else ()).fetchall())

    def get_meta(self, key: str) -> str | None:
        """A value from the index's key/value table (sync cursors)."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a key/value (sync cursors)."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def upsert(self, doc: SourceDocument, chunks: Sequence[Chunk], vectors: np.ndarray | None = None) -> None:
        """Replace a document and its chunks atomically."""
        if vectors is None:
            vectors = self.embedder.embed([embedding_text(c) for c in chunks])
        if len(vectors) != len(chunks):
            raise DocsError("one vector per chunk is needed")
        self.upsert_many([(doc, list(chunks), vectors)])

    def upsert_many(self, batch: Sequence[tuple[SourceDocument, list[Chunk], np.ndarray]]) -> None:
        """Replace several documents in one transaction (ingest batches for speed)."""
        now = _iso(datetime.now(UTC))
        with self._write() as conn:
            for doc, chunks, vectors in batch:
                self._delete_locked(conn, doc.id)
                cur = conn.execute(
                    "INSERT INTO documents(id, source, origin, path, title, link, updated_at, content_hash, public,"
                    " readers, text, indexed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        doc.id,
                        doc.source,
                        doc.origin,
                        doc.path,
                        doc.title,
                        doc.link,
                        _iso(doc.updated_at),
                        doc.content_hash,
                        1 if doc.access.public else 0,
                        json.dumps(doc.access.readers),
                        doc.text,
                        now,
                    ),
                )
                num = int(cur.lastrowid or 0)
                conn.execute("INSERT INTO doc_fts(rowid, title, body) VALUES (?, ?, ?)", (num, doc.title, doc.text))
                conn.executemany(
                    "INSERT OR IGNORE INTO doc_readers(principal, doc_num) VALUES (?, ?)",
                    [(p, num) for p in doc.access.readers],
                )
                vec = np.ascontiguousarray(vectors, dtype=np.float32)
                for chunk, row in zip(chunks, vec, strict=True):
                    cur = conn.execute(
                        "INSERT INTO chunks(doc_num, ordinal, heading, text, vector) VALUES (?,?,?,?,?)",
                        (num, chunk.ordinal, chunk.heading_path, chunk.text, row.tobytes()),
                    )
                    conn.execute(
                        "INSERT INTO chunk_fts(rowid, title, heading, body) VALUES (?,?,?,?)",
                        (cur.lastrowid, chunk.title, chunk.heading_path, chunk.text),
                    )

    def delete(self, doc_id: str) -> bool:
        """Remove a document and its chunks; False if it was not there."""
        with self._write() as conn:
            return self._delete_locked(conn, doc_id)

    @staticmethod
    def _delete_locked(conn: sqlite3.Connection, doc_id: str) -> bool:
        row = conn.execute("SELECT num, title, text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return False
        num = row[0]
        # External-content FTS5 deletes need the indexed values.
        conn.execute("INSERT INTO doc_fts(doc_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)", row)
        conn.execute("DELETE FROM chunk_fts WHERE rowid IN (SELECT id FROM chunks WHERE doc_num = ?)", (num,))
        conn.execute("DELETE FROM chunks WHERE doc_num = ?", (num,))
        conn.execute("DELETE FROM doc_readers WHERE doc_num = ?", (num,))
        conn.execute("DELETE FROM documents WHERE num = ?", (num,))
        return True

    # -- reads -----------------------------------------------------------------------------------------
    def count_documents(self) -> int:
        """How many documents are indexed."""
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def count_chunks(self) -> int:
        """How many chunks are indexed."""
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def get_document(self, doc_id: str, *, viewer: Viewer) -> SourceDocument | None:
        """A document if ``viewer`` may read it."""
        where, params = self.doc_clause(viewer, None)
        sql = "SELECT id, title, text, source, path, link, updated_at, content_hash, public, readers FROM documents d"
        sql += " WHERE d.id = ?" + (f" AND {where}" if where else "")
        with self._lock:
            row = self._conn.execute(sql, (doc_id, *params)).fetchone()
        if row is None:
            return None
        return SourceDocument(
            id=row[0],
            title=row[1],
            text=row[2],
            source=row[3],
            path=row[4],
            link=row[5],
            updated_at=_parse_iso(row[6]),
            content_hash=row[7],
            access=Access(public=bool(row[8]), readers=json.loads(row[9])),
        )

    def documents(self, source: str | None = None) -> list[dict[str, Any]]:
        """Every document's metadata (for ``deskhand docs list``)."""
        sql = "SELECT d.id, d.title, d.source, d.path, d.link, d.updated_at, d.public, count(c.id) FROM documents d"
        sql += " LEFT JOIN chunks c ON c.doc_num = d.num" + (" WHERE d.source = ?" if source else "")
        sql += " GROUP BY d.num ORDER BY d.id"
        with self._lock:
            rows = self._conn.execute(sql, (source,) if source else ()).fetchall()
        keys = ("id", "title", "source", "path", "link", "updated_at", "public", "chunks")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def doc_clause(self, viewer: Viewer, filters: SearchFilters | None) -> tuple[str, list[Any]]:
        """SQL over ``documents d`` selecting what ``viewer`` may read and ``filters`` keep ('' = everything)."""
        clauses: list[str] = []
        params: list[Any] = []
        if not viewer.sees_everything:
            principals = viewer.principals()
            if principals:
                marks = ",".join("?" * len(principals))
                clauses.append(
                    f"(d.public = 1 OR d.num IN (SELECT doc_num FROM doc_readers WHERE principal IN ({marks})))"
                )
                params += principals
            else:
                clauses.append("d.public = 1")
        if filters is not None:
            if filters.source:
                clauses.append("d.source = ?")
                params.append(filters.source)
            if filters.path_prefix:
                prefix = filters.path_prefix.strip("/")
                escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                clauses.append("(d.path = ? OR d.path LIKE ? ESCAPE '\\')")
                params += [prefix, escaped + "/%"]
            if filters.updated_after:
                clauses.append("d.updated_at >= ?")
                params.append(_iso(filters.updated_after))
        return " AND ".join(clauses), params

    def allowed(self, viewer: Viewer, filters: SearchFilters | None) -> Allowed | None:
        """What ``viewer`` may see under ``filters`` (None: everything), cached until the index changes.

        Filtering happens in memory rather than as an SQL sub-select inside the FTS5 query: SQLite evaluates such
        a sub-select per match, which made a filtered BM25 query a hundred times slower.
        """
        where, params = self.doc_clause(viewer, filters)
        if not where:
            return None
        version = self._version()
        key = (version, where, tuple(str(p) for p in params))
        found = self._allowed_cache.get(key)
        if found is not None:
            return found
        with self._lock:
            rows = self._conn.execute(f"SELECT d.num FROM documents d WHERE {where}", params).fetchall()
        docs = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        dense = self.dense()
        chunk_mask = np.isin(dense.doc_nums, docs)
        by_rowid = np.zeros(int(dense.rowids.max()) + 1 if len(dense.rowids) else 1, dtype=bool)
        by_rowid[dense.rowids[chunk_mask]] = True
        result = Allowed(doc_nums=frozenset(int(d) for d in docs), chunk_mask=chunk_mask, by_rowid=by_rowid)
        if len(self._allowed_cache) > 256:
            self._allowed_cache.clear()
        self._allowed_cache[key] = result
        return result

    def allowed_doc_nums(self, viewer: Viewer, filters: SearchFilters | None) -> np.ndarray | None:
        """Document numbers ``viewer`` may see under ``filters``; None means no restriction."""
        allowed = self.allowed(viewer, filters)
        return None if allowed is None else np.fromiter(sorted(allowed.doc_nums), dtype=np.int64)

    def bm25(
        self,
        match: str,
        *,
        limit: int,
        viewer: Viewer,
        filters: SearchFilters | None = None,
        weights: tuple[float, float, float] = (2.0, 1.5, 1.0),
    ) -> list[tuple[int, float]]:
        """Chunk ids and BM25 scores (higher is better) for an FTS5 MATCH expression, only readable chunks."""
        allowed = self.allowed(viewer, filters)
        sql = "SELECT f.rowid, -bm25(chunk_fts, ?, ?, ?) AS s FROM chunk_fts f WHERE chunk_fts MATCH ?"
        sql += " ORDER BY s DESC LIMIT ?"
        fetch = limit if allowed is None else limit * 4
        while True:
            with self._lock:
                try:
                    rows = self._conn.execute(sql, (*weights, match, fetch)).fetchall()
                except sqlite3.OperationalError as exc:
                    log.warning("fts query failed", extra={"match_chars": len(match), "error": str(exc)})
                    return []
            hits = [(int(r[0]), float(r[1])) for r in rows]
            if allowed is None:
                return hits
            kept = [h for h in hits if allowed.has_chunk(h[0])]
            # Enough readable hits, or every match seen: done. Otherwise look deeper (exact, never a leak).
            if len(kept) >= limit or len(rows) < fetch:
                return kept[:limit]
            fetch *= 8

    def bm25_documents(
        self,
        match: str,
        *,
        limit: int,
        viewer: Viewer,
        filters: SearchFilters | None = None,
        weights: tuple[float, float] = (2.0, 1.0),
    ) -> list[tuple[int, float]]:
        """Document numbers and whole-document BM25 scores (higher is better)."""
        allowed = self.allowed(viewer, filters)
        sql = "SELECT f.rowid, -bm25(doc_fts, ?, ?) AS s FROM doc_fts f WHERE doc_fts MATCH ? ORDER BY s DESC"
        with self._lock:
            try:
                rows = self._conn.execute(sql + " LIMIT ?", (*weights, match, -1 if allowed else limit)).fetchall()
            except sqlite3.OperationalError as exc:
                log.warning("fts query failed", extra={"match_chars": len(match), "error": str(exc)})
                return []
        hits = [(int(r[0]), float(r[1])) for r in rows]
        if allowed is not None:
            hits = [h for h in hits if h[0] in allowed.doc_nums]
        return hits[:limit]

    def document_frequencies(self) -> tuple[dict[str, int], int]:
        """``stem → number of chunks containing it`` and the chunk count (cached until the index changes)."""
        version = self._version()
        if self._df is None or self._df_version != version:
            with self._lock:
                self._df = {}
                self._cf = {}
                for t, d, c in self._conn.execute("SELECT term, doc, cnt FROM chunk_terms"):
                    self._df[str(t)] = int(d)
                    self._cf[str(t)] = int(c)
                self._n_chunks = int(self._conn.execute("SELECT count(*) FROM chunks").fetchone()[0])
            self._df_version = version
        return self._df, self._n_chunks

    def collection_frequencies(self) -> dict[str, int]:
        """``stem → occurrences in all chunks`` (same cache as ``document_frequencies``)."""
        self.document_frequencies()
        return self._cf

    def topic_vocabulary(self) -> tuple[dict[str, int], set[tuple[str, ...]]]:
        """Stems used in titles and headings (with how many documents use each) and the title/heading n-grams.

        Titles and headings are where authors name what a document is about, so a query word that also names a
        topic of this collection is worth more than one that only occurs in running text.
        """
        version = self._version()
        if self._topics is None or self._topics_version != version:
            from integrations.docs.analysis import shared_analyzer

            analyzer = shared_analyzer()
            with self._lock:
                rows = self._conn.execute(
                    "SELECT d.num, d.title FROM documents d UNION SELECT c.doc_num, c.heading FROM chunks c"
                    " WHERE c.heading != ''"
                ).fetchall()
            counts: dict[str, set[int]] = {}
            grams: set[tuple[str, ...]] = set()
            for num, label in rows:
                for part in str(label).split(" > "):
                    stems = [s for _, s in analyzer.terms(part)]
                    for s in stems:
                        counts.setdefault(s, set()).add(int(num))
                    for n in (2, 3, 4):
                        for i in range(len(stems) - n + 1):
                            grams.add(tuple(stems[i : i + n]))
            self._topics = ({s: len(v) for s, v in counts.items()}, grams)
            self._topics_version = version
        return self._topics

    def dense(self) -> _Dense:
        """The chunk-vector matrix (rebuilt when the index changed)."""
        version = self._version()
        if self._dense is None or self._dense_version != version:
            with self._lock:
                rows = self._conn.execute("SELECT id, doc_num, vector FROM chunks ORDER BY id").fetchall()
            dim = self.embedder.dim
            size = dim * 4
            missing = bytes(size)  # a chunk without a usable vector scores 0 against every query
            joined = b"".join(blob if blob and len(blob) == size else missing for _, _, blob in rows)
            # Stored dimension-major (dim, n): a query row times it reads memory in order, about twice as fast
            # at 100k chunks as multiplying by the transposed (n, dim) matrix, which is the whole dense cost.
            by_dim = np.ascontiguousarray(np.frombuffer(joined, dtype=np.float32).reshape(len(rows), dim).T)
            del joined
            rowids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            doc_nums = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
            doc_by_rowid = np.full(int(rowids.max()) + 1 if len(rowids) else 1, -1, dtype=np.int64)
            doc_by_rowid[rowids] = doc_nums
            self._dense = _Dense(by_dim=by_dim, rowids=rowids, doc_nums=doc_nums, doc_by_rowid=doc_by_rowid)
            self._dense_version = version
        return self._dense

    def doc_nums_of(self, rowids: Sequence[int]) -> dict[int, int]:
        """``chunk id → document number`` from memory: fusion needs only this, not the chunks' text."""
        lookup = self.dense().doc_by_rowid
        out: dict[int, int] = {}
        for rowid in rowids:
            num = int(lookup[rowid]) if 0 <= rowid < len(lookup) else -1
            if num >= 0:
                out[int(rowid)] = num
        return out

    def chunk_rows(self, rowids: Sequence[int]) -> dict[int, ChunkRow]:
        """Chunks with their document's metadata, by chunk id."""
        if not rowids:
            return {}
        out: dict[int, ChunkRow] = {}
        ids = list(dict.fromkeys(int(r) for r in rowids))
        with self._lock:
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                marks = ",".join("?" * len(part))
                for row in self._conn.execute(
                    "SELECT c.id, c.doc_num, d.id, c.ordinal, d.title, c.heading, c.text, d.link, d.source, d.path,"
                    f" d.updated_at FROM chunks c JOIN documents d ON d.num = c.doc_num WHERE c.id IN ({marks})",
                    part,
                ):
                    out[int(row[0])] = ChunkRow(
                        rowid=int(row[0]),
                        doc_num=int(row[1]),
                        doc_id=row[2],
                        ordinal=int(row[3]),
                        title=row[4],
                        heading=row[5],
                        text=row[6],
                        link=row[7],
                        source=row[8],
                        path=row[9],
                        updated_at=_parse_iso(row[10]),
                    )
        return out

    def doc_chunk_ids(self, doc_nums: Sequence[int], *, limit: int | None = None) -> dict[int, list[int]]:
        """Every chunk id of each document, in order (at most ``limit`` per document)."""
        if not doc_nums:
            return {}
        out: dict[int, list[int]] = {}
        with self._lock:
            for num in dict.fromkeys(doc_nums):
                rows = self._conn.execute(
                    "SELECT id FROM chunks WHERE doc_num = ? ORDER BY ordinal LIMIT ?", (num, limit or -1)
                )
                out[int(num)] = [int(cid) for (cid,) in rows]
        return {num: ids for num, ids in out.items() if ids}

    # -- search ------------------------------------------------------------------------------------------
    def search(self, query: str, *, viewer: Viewer, k: int = 10, filters: SearchFilters | None = None) -> SearchResult:
        """Hybrid search (see ``integrations.docs.search``)."""
        return self.searcher.search(query, viewer=viewer, k=k, filters=filters)


def embedding_text(chunk: Chunk) -> str:
    """What a chunk's vector is computed from: its title and heading path give the passage its topic."""
    head = " > ".join([chunk.title, *chunk.heading])
    return f"{head}\n{chunk.text}"
