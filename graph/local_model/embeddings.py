"""WordLlama, loaded once per process from the weights that ship inside its wheel."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

_lock = threading.Lock()
_model: Any = None


def wordllama() -> Any:
    """The shared WordLlama instance (lazy: importing this module loads nothing)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import wordllama as wl_pkg
                from wordllama import WordLlama

                # The wheel carries weights and tokenizer; pointing cache_dir at the package avoids the network.
                _model = WordLlama.load(cache_dir=Path(wl_pkg.__file__).parent, disable_download=True)
    return _model


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, one row per text."""
    vectors = wordllama().embed(texts, norm=True)
    return np.asarray(vectors, dtype=np.float32)
