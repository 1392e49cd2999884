"""Retrieval metrics for docs cases, and the hook that reads ranked doc ids out of a docs search tool's result.

The docs capability is not built yet. When a ``search_docs`` tool exists, its results are read in rank order
from (first that works): the ToolMessage ``artifact`` (a list of ids, or of dicts with ``doc_id``/``id``),
JSON content (same shapes, or ``{"results": [...]}``), or text lines carrying ``[doc:ID]``, ``doc_id: ID`` or
``(id: ID)``. Chunk ids like ``handbook.md#3`` count as their document (``handbook.md``) unless a case lists
chunk ids itself.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage, ToolMessage

RETRIEVAL_TOOLS: frozenset[str] = frozenset({"search_docs"})

_TEXT_ID = re.compile(r"\[doc:([^\]\s]+)\]|\bdoc_id[\"']?\s*[:=]\s*[\"']?([\w./#:-]+)|\(id:\s*([\w./#:-]+)\)")


def _ids_from(value: Any) -> list[str]:
    if isinstance(value, dict):
        for key in ("results", "documents", "docs", "hits", "chunks"):
            if isinstance(value.get(key), list):
                return _ids_from(value[key])
        ident = value.get("doc_id") or value.get("document_id") or value.get("id")
        return [str(ident)] if ident is not None else []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if isinstance(item, (str, int)):
                out.append(str(item))
            else:
                out += _ids_from(item)
        return out
    return []


def doc_ids_from_message(message: ToolMessage) -> list[str]:
    """Ranked doc ids in one docs-search result (empty when it carries none)."""
    artifact = getattr(message, "artifact", None)
    if artifact:
        ids = _ids_from(artifact)
        if ids:
            return ids
    content = message.content if isinstance(message.content, str) else json.dumps(message.content)
    try:
        ids = _ids_from(json.loads(content))
    except (ValueError, TypeError):
        ids = []
    if ids:
        return ids
    return [next(g for g in m.groups() if g) for m in _TEXT_ID.finditer(content)]


def retrieved_doc_ids(messages: Sequence[BaseMessage], tools: frozenset[str] = RETRIEVAL_TOOLS) -> list[str]:
    """Doc ids from every docs-search result in ``messages``, in order, first occurrence kept."""
    seen: list[str] = []
    for message in messages:
        if isinstance(message, ToolMessage) and message.name in tools:
            for ident in doc_ids_from_message(message):
                if ident not in seen:
                    seen.append(ident)
    return seen


def _normalise(retrieved: Sequence[str], relevant: set[str]) -> list[str]:
    """Map chunk ids (doc#chunk) onto their document when the case lists documents, dropping repeats."""
    out: list[str] = []
    for ident in retrieved:
        doc = ident if ident in relevant else ident.split("#", 1)[0]
        if doc not in out:
            out.append(doc)
    return out


def recall_at_k(retrieved: Sequence[str], relevant: Sequence[str] | dict[str, float], k: int) -> float:
    """Share of the relevant documents found in the top ``k``."""
    wanted = set(relevant)
    if not wanted:
        return 1.0
    top = _normalise(retrieved, wanted)[:k]
    return len(wanted.intersection(top)) / len(wanted)


def mrr(retrieved: Sequence[str], relevant: Sequence[str] | dict[str, float], k: int | None = None) -> float:
    """Reciprocal rank of the first relevant document (0 when none is retrieved within ``k``)."""
    wanted = set(relevant)
    ranked = _normalise(retrieved, wanted)
    for rank, ident in enumerate(ranked[:k] if k else ranked, start=1):
        if ident in wanted:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(retrieved: Sequence[str], relevant: Sequence[str] | dict[str, float], k: int) -> float:
    """Normalised discounted cumulative gain at ``k`` (binary gains for a list, graded for a dict)."""
    gains = dict(relevant) if isinstance(relevant, dict) else {r: 1.0 for r in relevant}
    if not gains:
        return 1.0
    ranked = _normalise(retrieved, set(gains))[:k]
    dcg = sum(gains.get(ident, 0.0) / math.log2(rank + 1) for rank, ident in enumerate(ranked, start=1))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg else 0.0
