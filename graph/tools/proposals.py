"""Collects what write tools propose during one turn."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.actions.base import ProposedAction


@dataclass
class ProposalCollector:
    """Write tools add here instead of writing; the node turns the collection into an approval request.

    ``taken`` holds ids of proposals still pending from earlier turns, so new ids never collide with them;
    ``replaced`` records which of those a correction supersedes.
    """

    taken: set[str] = field(default_factory=set)
    actions: list[ProposedAction] = field(default_factory=list)
    replaced: set[str] = field(default_factory=set)
    _counter: int = 0

    def next_id(self) -> str:
        """A short id unique among this batch and the pending proposals (a1, a2, ...)."""
        while True:
            self._counter += 1
            candidate = f"a{self._counter}"
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate

    def add(self, action: ProposedAction, *, replaces: str | None = None) -> int:
        """Add a proposal, returning its position (1-based) for the tool's reply."""
        self.actions.append(action)
        if replaces:
            self.replaced.add(replaces)
        return len(self.actions)

    def merged_with(self, pending: list[dict[str, object]]) -> list[dict[str, object]]:
        """Pending proposals that were not replaced, followed by this turn's new ones."""
        kept = [p for p in pending if p.get("id") not in self.replaced]
        return kept + [a.model_dump(mode="json") for a in self.actions]
