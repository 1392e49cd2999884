"""Tickets that describe the same problem in other words: for duplicate checks before filing, and for searches
whose exact words match nothing ("the VPN dropping out on Macs" → "VPN disconnects every hour on macOS").

Meaning comes from WordLlama sentence embeddings (local, shipped in its wheel); shared content words keep the
embedding honest. Either signal alone misfires: embeddings rate "onboarding checklist" close to "offboarding
checklist", and shared words make "Printer on floor 2 is jammed" look like any printer ticket. So a candidate
needs a close meaning and at least one shared word, or a fair meaning and two shared words.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from integrations.tickets.base import Ticket, TicketBackend, TicketQuery, significant_words

# Thresholds on cosine similarity of unit WordLlama embeddings (unrelated titles score about 0.1-0.35).
CLOSE_MEANING = 0.7
FAIR_MEANING = 0.6
CANDIDATE_LIMIT = 300
_CACHE_SIZE = 4096


@dataclass(frozen=True)
class SimilarTicket:
    """An existing ticket and how alike it is to the text (cosine similarity, shared content words)."""

    ticket: Ticket
    similarity: float
    shared_words: int


def _root(word: str) -> str:
    # A light stemmer: "jammed"/"jams" → "jam", "macs"/"macos" → "mac"; the point is overlap, not linguistics.
    word = word.lower()
    for suffix in ("ing", "ed", "es", "os", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return re.sub(r"(.)\1$", r"\1", word)


def content_roots(text: str) -> set[str]:
    """The significant words of ``text``, reduced to rough roots."""
    return {_root(w) for w in significant_words(text)}


class _EmbeddingCache:
    """Embeddings of ticket texts, kept by text so repeated checks over the same tracker stay cheap."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        from graph.local_model.embeddings import embed

        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._items]
        if missing:
            vectors = embed(missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._items[text] = vector
                    self._items.move_to_end(text)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        with self._lock:
            return np.stack([self._items[t] for t in texts])


_cache = _EmbeddingCache()


def _ticket_text(ticket: Ticket) -> str:
    # The title carries the problem; the description's opening adds the wording a reporter might reuse.
    first = (ticket.description or "").strip().split("\n", 1)[0][:160]
    return f"{ticket.title}. {first}" if first else ticket.title


def rank_similar(text: str, candidates: list[Ticket], *, limit: int = 3) -> list[SimilarTicket]:
    """The candidates that look like the same problem as ``text``, most alike first."""
    if not candidates or not text.strip():
        return []
    roots = content_roots(text)
    titles = [t.title for t in candidates]
    with_context = [_ticket_text(t) for t in candidates]
    vectors = _cache.embed([text, *titles, *with_context])
    query, by_title, by_context = vectors[0], vectors[1 : 1 + len(candidates)], vectors[1 + len(candidates) :]
    scores = np.maximum(by_title @ query, by_context @ query)
    found = []
    for ticket, score in zip(candidates, scores, strict=True):
        shared = len(roots & content_roots(_ticket_text(ticket)))
        if (score >= CLOSE_MEANING and shared >= 1) or (score >= FAIR_MEANING and shared >= 2):
            found.append(SimilarTicket(ticket=ticket, similarity=float(score), shared_words=shared))
    found.sort(key=lambda s: (s.similarity, s.shared_words), reverse=True)
    return found[:limit]


def find_similar_open(
    tickets: TicketBackend, text: str, *, project: str | None = None, limit: int = 3
) -> list[SimilarTicket]:
    """Open tickets (optionally in one project) that look like the same problem as ``text``."""
    candidates = tickets.search(TicketQuery(project=project, include_done=False, limit=CANDIDATE_LIMIT))
    return rank_similar(text, candidates, limit=limit)
