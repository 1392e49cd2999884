"""Model calls, tokens and estimated cost, counted by a LangChain callback handler on the case's model."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult

DEFAULT_PRICES = Path(__file__).resolve().parent / "prices.json"


@dataclass
class Usage:
    """Totals for one case."""

    model_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {**asdict(self), "total_tokens": self.total_tokens}


class UsageHandler(BaseCallbackHandler):
    """Counts every chat-model call and the tokens its messages report (``usage_metadata``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.usage = Usage()
        self.model_names: set[str] = set()

    def reset(self) -> None:
        """Start counting again (after a conversation's ungraded set-up turns)."""
        with self._lock:
            self.usage = Usage()

    def on_chat_model_start(self, serialized: dict[str, Any], messages: list[list[Any]], **kwargs: Any) -> None:
        """One more model call."""
        with self._lock:
            self.usage.model_calls += 1

    def on_llm_start(self, serialized: dict[str, Any], prompts: list[str], **kwargs: Any) -> None:
        """Completion-style models count too."""
        with self._lock:
            self.usage.model_calls += 1

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        """Add the tokens of every generation (falling back to the provider's ``token_usage``)."""
        found = False
        with self._lock:
            for generations in response.generations:
                for generation in generations:
                    message = getattr(generation, "message", None)
                    meta = getattr(message, "usage_metadata", None) if message is not None else None
                    if meta:
                        found = True
                        self.usage.input_tokens += int(meta.get("input_tokens", 0))
                        self.usage.output_tokens += int(meta.get("output_tokens", 0))
                    name = (getattr(message, "response_metadata", None) or {}).get("model_name")
                    if name:
                        self.model_names.add(str(name))
            if not found and response.llm_output:
                usage = response.llm_output.get("token_usage") or {}
                self.usage.input_tokens += int(usage.get("prompt_tokens", 0))
                self.usage.output_tokens += int(usage.get("completion_tokens", 0))


def load_prices(path: Path | None = None) -> dict[str, dict[str, float]]:
    """Model name → {"input": USD per 1M tokens, "output": ...}; the committed table unless a path is given."""
    raw = json.loads((path or DEFAULT_PRICES).read_text(encoding="utf-8"))
    return {k: v for k, v in raw.get("models", {}).items() if isinstance(v, dict)}


def price_for(model: str, prices: dict[str, dict[str, float]]) -> dict[str, float] | None:
    """The price entry for a model: an exact name, else the longest table name that prefixes it."""
    if model in prices:
        return prices[model]
    candidates = [name for name in prices if model.startswith(name)]
    return prices[max(candidates, key=len)] if candidates else None


def estimate_cost(usage: Usage, model: str, prices: dict[str, dict[str, float]]) -> float | None:
    """USD for this usage at the table's prices; None when the model is not in the table."""
    entry = price_for(model, prices)
    if entry is None:
        return None
    return (usage.input_tokens * entry.get("input", 0.0) + usage.output_tokens * entry.get("output", 0.0)) / 1e6
