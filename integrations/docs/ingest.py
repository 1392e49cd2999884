"""Sync a source into the index: new and changed documents are (re)indexed, unchanged ones skipped by
fingerprint, vanished ones deleted, unreadable ones reported. Chunks are embedded in large batches (one
WordLlama call per few hundred chunks) and written one transaction per batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from integrations.docs.base import Chunk, IngestLine, IngestReport, SkipFile, SourceDocument
from integrations.docs.chunking import ChunkingOptions, chunk_document
from integrations.docs.index import SqliteDocsIndex, embedding_text
from integrations.docs.sources import DocumentSource, SourceEntry
from integrations.errors import IntegrationError

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
"""Called after each entry: (done, total, label)."""


def ingest(
    index: SqliteDocsIndex,
    source: DocumentSource,
    *,
    chunking: ChunkingOptions | None = None,
    progress: Progress | None = None,
    rebuild: bool = False,
    batch_chunks: int = 512,
) -> IngestReport:
    """Bring the index in line with ``source``; returns a line per document and totals."""
    started = time.perf_counter()
    report = IngestReport()
    known = index.known_documents(source.origin)
    listed = list(source.entries())  # listing first: a listing failure raises before anything is deleted
    total = len(listed)
    present: set[str] = set()
    pending: list[tuple[SourceDocument, list[Chunk], IngestLine]] = []
    pending_chunks = 0

    def flush() -> None:
        nonlocal pending, pending_chunks
        if not pending:
            return
        texts = [embedding_text(c) for _, chunks, _ in pending for c in chunks]
        vectors = index.embedder.embed(texts)
        batch: list[tuple[SourceDocument, list[Chunk], Any]] = []
        offset = 0
        for doc, chunks, _line in pending:
            batch.append((doc, chunks, vectors[offset : offset + len(chunks)]))
            offset += len(chunks)
        index.upsert_many(batch)
        pending, pending_chunks = [], 0

    for done, item in enumerate(listed, start=1):
        if isinstance(item, tuple):
            label, problem = item
            report.lines.append(IngestLine(label, "skipped", str(problem)))
        else:
            line, ready = _one(index, source, item, known, present, rebuild, chunking)
            report.lines.append(line)
            if ready is not None:
                pending.append((ready[0], ready[1], line))
                pending_chunks += len(ready[1])
                if pending_chunks >= batch_chunks:
                    flush()
        if progress is not None:
            progress(done, total, report.lines[-1].doc_id)
    flush()
    for doc_id in sorted(set(known) - present):
        index.delete(doc_id)
        report.lines.append(IngestLine(doc_id, "deleted", "no longer in the source"))
    report.seconds = time.perf_counter() - started
    log.info("docs ingest", extra={"origin": source.origin, "summary": report.summary()})
    return report


def _one(
    index: SqliteDocsIndex,
    source: DocumentSource,
    entry: SourceEntry,
    known: dict[str, str],
    present: set[str],
    rebuild: bool,
    chunking: ChunkingOptions | None,
) -> tuple[IngestLine, tuple[SourceDocument, list[Chunk]] | None]:
    if not rebuild and known.get(entry.id) == entry.fingerprint:
        present.add(entry.id)
        return IngestLine(entry.id, "unchanged"), None
    try:
        doc = source.load(entry)
    except SkipFile as exc:
        # An old, readable version of a now unreadable file is stale: it is deleted with the others.
        return IngestLine(entry.label or entry.id, "skipped", str(exc)), None
    except IntegrationError as exc:
        # A remote hiccup (Drive): keep what is indexed and try again next sync.
        present.add(entry.id)
        return IngestLine(entry.label or entry.id, "error", f"{exc}; kept the indexed version"), None
    doc = doc.model_copy(update={"id": entry.id, "origin": source.origin, "content_hash": entry.fingerprint})
    chunks = chunk_document(doc, chunking)
    if not chunks:
        return IngestLine(entry.label or entry.id, "skipped", "no text to index"), None
    present.add(entry.id)
    status = "updated" if entry.id in known else "added"
    return IngestLine(entry.id, status, f"{len(chunks)} chunks", len(chunks)), (doc, chunks)
