"""The turn context the graph hands the model, carried on the system message.

An LLM reads the same facts from the system prompt's text; the local model reads them from the message's
``additional_kwargs`` so it never has to parse prose. OpenAI's client ignores these kwargs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import BaseMessage, SystemMessage

CONTEXT_KEY = "deskhand_context"
AWAITING_KEY = "deskhand_awaiting"


@dataclass
class ModelContext:
    """Facts about this turn: who is asking, when, who else exists, what is pending approval."""

    user_id: str = ""
    user_tz: str = "UTC"
    now: str = ""
    bot_user_id: str | None = None
    default_project: str | None = None
    people: list[dict[str, str]] = field(default_factory=list)
    projects: list[dict[str, str]] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_messages(cls, messages: list[BaseMessage]) -> ModelContext:
        """The context attached to the first system message, or an empty one."""
        for message in messages:
            if isinstance(message, SystemMessage) and CONTEXT_KEY in message.additional_kwargs:
                raw = message.additional_kwargs[CONTEXT_KEY]
                return cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})
        return cls()
