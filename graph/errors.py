"""The graph layer's exceptions; the edge turns them into a friendly message with a reference id."""

from __future__ import annotations


class GraphError(Exception):
    """Base class for errors raised by the graph layer."""


class ActionInvalidError(GraphError):
    """A proposed or edited action cannot run as given; ``str(err)`` says why, for the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownActionError(GraphError):
    """An action kind nobody registered (a bug, or a tampered resume payload)."""
