"""In-memory docs indexes for tests and evals, built once per process per set of documents.

Evals build a fresh world per case; re-embedding the same corpus for every case would dominate their run time,
and a docs index is only read during a case (answers recorded for feedback aside), so worlds with the same
documents share one index.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from integrations.docs.base import SourceDocument
from integrations.docs.index import SqliteDocsIndex
from integrations.docs.ingest import ingest
from integrations.docs.sources import FolderSource, InlineSource

_cache: OrderedDict[str, SqliteDocsIndex] = OrderedDict()
_lock = threading.Lock()
_MAX = 4


def _key(docs: Sequence[SourceDocument], folders: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for doc in docs:
        digest.update(doc.model_dump_json(exclude={"updated_at"}).encode())
    for folder in folders:
        digest.update(str(Path(folder).resolve()).encode())
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def build_index(docs: Sequence[SourceDocument] = (), folders: Sequence[Path] = ()) -> SqliteDocsIndex:
    """A fresh in-memory index holding ``docs`` and the documents under ``folders``."""
    index = SqliteDocsIndex(None)
    if docs:
        ingest(index, InlineSource(list(docs)))
    for folder in folders:
        ingest(index, FolderSource(Path(folder)))
    return index


def shared_index(docs: Sequence[SourceDocument] = (), folders: Sequence[Path] = ()) -> SqliteDocsIndex:
    """The process's index for exactly these documents (built on first use; a few are kept)."""
    key = _key(docs, folders)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    index = build_index(docs, folders)
    with _lock:
        _cache[key] = index
        while len(_cache) > _MAX:
            _cache.popitem(last=False)[1].close()
    return index
