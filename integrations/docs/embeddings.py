"""Embedders behind one protocol: WordLlama (offline, default), OpenAI embeddings, sentence-transformers.

Only WordLlama is a dependency; the others import their library when built and say what to install if it is
missing. The index records the embedder's name and dimension and refuses to mix vectors from two embedders.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from integrations.docs.base import DocsError, Embedder

_lock = threading.Lock()
_wordllama: dict[int, Any] = {}


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors.reshape(1, -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class WordLlamaEmbedder:
    """WordLlama's ``l2_supercat`` static embeddings: weights ship in the wheel, no network, ~10k texts/s."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"wordllama-l2_supercat-{dim}"

    def _model(self) -> Any:
        model = _wordllama.get(self.dim)
        if model is None:
            with _lock:
                model = _wordllama.get(self.dim)
                if model is None:
                    import wordllama as wl_pkg
                    from wordllama import WordLlama

                    # The wheel carries weights and tokenizer; cache_dir at the package avoids any download.
                    model = WordLlama.load(
                        cache_dir=Path(wl_pkg.__file__).parent, disable_download=True, trunc_dim=self.dim
                    )
                    _wordllama[self.dim] = model
        return model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model().embed(list(texts), norm=True))


class OpenAIEmbedder:
    """OpenAI (or compatible) ``/v1/embeddings``; needs network and a key, so it is never the default."""

    def __init__(
        self,
        model: str = "text-embedding-3-small",
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        dim: int = 1536,
        client: Any = None,
    ) -> None:
        self.dim = dim
        self.name = f"openai-{model}-{dim}"
        self._model = model
        if client is None:
            try:
                from openai import OpenAI
            except ImportError as exc:  # pragma: no cover - openai ships with langchain-openai
                raise DocsError("OpenAI embeddings need the 'openai' package") from exc
            client = OpenAI(api_key=api_key, base_url=base_url)
        self._client = client

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Batched requests of up to 256 texts."""
        rows: list[list[float]] = []
        for start in range(0, len(texts), 256):
            batch = [t[:8000] or " " for t in texts[start : start + 256]]
            response = self._client.embeddings.create(model=self._model, input=batch, dimensions=self.dim)
            rows += [item.embedding for item in response.data]
        return _normalise(np.asarray(rows, dtype=np.float32).reshape(len(rows), self.dim))


class SentenceTransformerEmbedder:
    """A sentence-transformers model already on disk (``pip install sentence-transformers``; no download here)."""

    def __init__(self, model_name_or_path: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise DocsError("install sentence-transformers to use this embedder") from exc
        self._model = SentenceTransformer(model_name_or_path)
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self.name = f"st-{Path(model_name_or_path).name}-{self.dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows."""
        return _normalise(self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True))


def make_embedder(spec: str = "wordllama", **kwargs: Any) -> Embedder:
    """``wordllama`` (default), ``wordllama:128``, ``openai:MODEL``, ``st:PATH``."""
    kind, _, arg = spec.partition(":")
    if kind == "wordllama":
        return WordLlamaEmbedder(int(arg) if arg else 256)
    if kind == "openai":
        return OpenAIEmbedder(arg or "text-embedding-3-small", **kwargs)
    if kind in ("st", "sentence-transformers"):
        if not arg:
            raise DocsError("sentence-transformers needs a model path: st:/path/to/model")
        return SentenceTransformerEmbedder(arg)
    raise DocsError(f"unknown embedder {spec!r} (wordllama, openai:MODEL, st:PATH)")
