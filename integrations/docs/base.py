"""What a document, a chunk and a search hit are, and what a docs index must be able to do.

Documents come from sources (a local folder, a JSONL file, Google Drive), are split into chunks by structure
and indexed for hybrid search. Every document carries its access list; every search names who is asking so
that nobody retrieves what they may not read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, Field

from integrations.errors import IntegrationError


class DocsError(IntegrationError):
    """A docs backend could not do what was asked."""


class SkipFile(DocsError):
    """A file cannot be read as a document (binary, too large, corrupt, empty, not UTF-8); ingest goes on."""


class Access(BaseModel):
    """Who may read a document: everyone in the workspace, or the listed principals.

    Principals are Slack user ids, lower-cased email addresses and group emails (``group:`` names for local
    front matter). An empty, non-public list means only admins (nobody here) can read it.
    """

    public: bool = True
    readers: list[str] = Field(default_factory=list)

    @classmethod
    def private(cls, readers: Sequence[str]) -> Access:
        """Readable only by ``readers``."""
        return cls(public=False, readers=sorted({normalise_principal(r) for r in readers if r.strip()}))


def normalise_principal(value: str) -> str:
    """How principals are compared: emails and group names fold case, Slack ids keep theirs."""
    value = value.strip()
    if "@" in value or value.lower().startswith("group:"):
        return value.lower()
    return value


class SourceDocument(BaseModel):
    """One document as a source yields it, before chunking."""

    id: str
    """Stable id within the index (a path, a Drive file id, a JSONL record id)."""
    title: str
    text: str
    """The document as Markdown-ish text: headings as ``#`` lines, lists, tables as ``|`` rows."""
    source: str = "local"
    """Where it came from: ``local``, ``jsonl``, ``drive``."""
    path: str = ""
    """Folder path (local), Drive folder path, or empty; used by the path-prefix filter."""
    link: str = ""
    """Where a person can open it (file URL, Drive webViewLink, handbook URL)."""
    updated_at: datetime | None = None
    access: Access = Field(default_factory=Access)
    content_hash: str = ""
    """Hash of what was read; unchanged hash means nothing to re-index."""
    origin: str = ""
    """The folder, file or Drive query it was ingested from (deletions are scoped to one origin)."""


class Chunk(BaseModel):
    """A piece of a document small enough to embed and to cite."""

    doc_id: str
    ordinal: int
    title: str
    heading: list[str] = Field(default_factory=list)
    """The heading path from the document's top to this chunk (``["Leave", "Parental leave"]``)."""
    text: str
    link: str = ""
    updated_at: datetime | None = None
    access: Access = Field(default_factory=Access)

    @property
    def id(self) -> str:
        """``doc_id#ordinal``: the eval harness counts a chunk id as its document."""
        return f"{self.doc_id}#{self.ordinal}"

    @property
    def heading_path(self) -> str:
        """The heading path as one line."""
        return " > ".join(self.heading)


class SearchFilters(BaseModel):
    """Metadata filters; every one is optional and they combine with AND."""

    source: str | None = None
    path_prefix: str | None = None
    updated_after: datetime | None = None


@dataclass(frozen=True)
class Viewer:
    """Who is asking, and where: in a channel everyone present sees the answer, so only public docs count."""

    user_id: str = ""
    email: str = ""
    groups: tuple[str, ...] = ()
    private_context: bool = False
    """True in a DM (the person's own access applies); False in channels (public documents only)."""
    sees_everything: bool = False
    """Operators on the command line and evals over public corpora; never set from Slack."""

    def principals(self) -> list[str]:
        """The principals whose documents this viewer may read beyond the public ones."""
        if not self.private_context:
            return []
        found = [self.user_id, self.email, *self.groups]
        return sorted({normalise_principal(p) for p in found if p and p.strip()})


EVERYONE = Viewer(sees_everything=True)


class ChunkHit(BaseModel):
    """One retrieved chunk."""

    chunk_id: str
    doc_id: str
    title: str
    heading: str = ""
    text: str
    link: str = ""
    updated_at: datetime | None = None
    score: float = 0.0


class SearchHit(BaseModel):
    """One retrieved document with its best chunks, best first."""

    doc_id: str
    title: str
    link: str = ""
    score: float
    """Fused score (higher is better); comparable within one search only."""
    source: str = ""
    path: str = ""
    updated_at: datetime | None = None
    chunks: list[ChunkHit] = Field(default_factory=list)
    signals: dict[str, float] = Field(default_factory=dict)
    """Per-retriever evidence (best BM25 rank, best dense similarity, query-term coverage) for confidence."""

    @property
    def chunk_id(self) -> str:
        """The best chunk's id."""
        return self.chunks[0].chunk_id if self.chunks else f"{self.doc_id}#0"


class SearchResult(BaseModel):
    """Ranked documents for a query, with how sure retrieval is that the answer is in them."""

    query: str
    hits: list[SearchHit] = Field(default_factory=list)
    confident: bool = False
    """False when the best hit shares too little with the question to answer from it."""
    took_ms: float = 0.0


@dataclass
class IngestLine:
    """One line of the ingest report."""

    doc_id: str
    status: str
    """``added``, ``updated``, ``unchanged``, ``deleted``, ``skipped``."""
    detail: str = ""
    chunks: int = 0


@dataclass
class IngestReport:
    """What an ingest did, file by file, with totals."""

    lines: list[IngestLine] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        """How many documents ended with ``status``."""
        return sum(1 for line in self.lines if line.status == status)

    @property
    def chunks(self) -> int:
        """Chunks written (added or updated documents)."""
        return sum(line.chunks for line in self.lines if line.status in ("added", "updated"))

    def summary(self) -> str:
        """One line of totals."""
        parts = [f"{self.count(s)} {s}" for s in ("added", "updated", "unchanged", "deleted", "skipped")]
        rate = f", {self.chunks / self.seconds:.0f} chunks/s" if self.seconds > 0 and self.chunks else ""
        return ", ".join(parts) + f"; {self.chunks} chunks in {self.seconds:.2f} s{rate}"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length vectors; ``name`` and ``dim`` are recorded with the index."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One float32 row per text, L2-normalised."""
        ...


class Reranker(Protocol):
    """Reorders the fused candidates for a query (a cross-encoder, an LLM, or a cheap local heuristic)."""

    def rerank(self, query: str, hits: list[SearchHit]) -> list[SearchHit]:
        """The same hits, best first (scores may change)."""
        ...


class DocumentSource(Protocol):
    """Somewhere documents come from."""

    name: str

    def documents(self) -> Iterator[SourceDocument | SkipFile]:
        """Every current document (or the reason one could not be read), for a full sync."""
        ...


class DocsIndex(Protocol):
    """What the graph needs from a docs backend."""

    def search(self, query: str, *, viewer: Viewer, k: int = 10, filters: SearchFilters | None = None) -> SearchResult:
        """The ``k`` best documents ``viewer`` may read, with their best chunks."""
        ...

    def get_document(self, doc_id: str, *, viewer: Viewer) -> SourceDocument | None:
        """One document if ``viewer`` may read it."""
        ...

    def count_documents(self) -> int:
        """How many documents the index holds."""
        ...
