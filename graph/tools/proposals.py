"""Collects what write tools propose during one turn."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.actions.base import ProposedAction


@dataclass
class ProposalCollector:
    """Write tools add here instead of writing; the node turns the collection into an approval request."""

    actions: list[ProposedAction] = field(default_factory=list)
    _counter: int = 0

    def next_id(self) -> str:
        """A short id, unique within one proposal batch (a1, a2, ...)."""
        self._counter += 1
        return f"a{self._counter}"

    def add(self, action: ProposedAction) -> int:
        """Add a proposal, returning its position (1-based) for the tool's reply."""
        self.actions.append(action)
        return len(self.actions)
