"""The one place that chooses the chat model: the offline local model, or any OpenAI-compatible server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from langchain_core.language_models import BaseChatModel


@dataclass(frozen=True)
class ModelSpec:
    """Which model to use and how to reach it (built from settings by the composition root)."""

    provider: Literal["local", "openai"] = "local"
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    api_key: str | None = None
    timeout_s: float = 30.0
    max_retries: int = 2
    temperature: float = 0.0


def make_chat_model(spec: ModelSpec) -> BaseChatModel:
    """``local`` needs nothing; ``openai`` serves OpenAI, Azure's compatible endpoint, vLLM, Ollama, LM Studio."""
    if spec.provider == "local":
        from graph.local_model.model import LocalChatModel

        return LocalChatModel()
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(
        model=spec.model,
        base_url=spec.base_url,
        # Local servers (vLLM, Ollama) accept any key; the client insists on one being set.
        api_key=SecretStr(spec.api_key or "not-needed"),
        timeout=spec.timeout_s,
        max_retries=spec.max_retries,
        temperature=spec.temperature,
    )
