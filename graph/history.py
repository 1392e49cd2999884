"""Which past messages the model sees: recent ones, never splitting a tool call from its results."""

from __future__ import annotations

from langchain_core.messages import AIMessage, AnyMessage, BaseMessage, ToolMessage


def recent_history(messages: list[AnyMessage], limit: int) -> list[BaseMessage]:
    """The last ``limit`` messages, starting at a human or plain AI turn so tool pairs stay intact."""
    window: list[BaseMessage] = list(messages[-limit:])
    while window and (
        isinstance(window[0], ToolMessage) or (isinstance(window[0], AIMessage) and window[0].tool_calls)
    ):
        window.pop(0)
    return window
