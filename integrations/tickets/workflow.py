"""A ticket workflow: the statuses in order and which moves between them are allowed.

By default any status may move to any other, as on most trackers' boards (drag a card anywhere). A team that
wants its process enforced configures transitions explicitly, or the staged rule (``Workflow.staged``,
``{"transitions": "stages"}`` in settings). The staged rule, for statuses ``s0 … sN`` (Backlog → In Progress →
In Review → Done by default):

- a ticket may move one stage forward or one stage back (In Progress → In Review, In Review → In Progress);
- any ticket may be closed (moved to the final status, Done);
- any ticket may be sent back to the start: the first status (Backlog) or, when there are three or more
  statuses, the second (In Progress); from Done that is "reopen".

So in the four-stage workflow the one refused move is Backlog → In Review (work that never started
cannot be in review; start it first). Longer workflows refuse every skip forward that is not a close, e.g. with
Backlog → To Do → In Progress → Review → Done, Backlog → In Progress and To Do → Review. Setting a ticket to the
status it already has is not a move and is always allowed. A workflow can instead spell out its transitions, or
allow any move (``Workflow.free``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from integrations.errors import ValidationError
from integrations.tickets.base import DEFAULT_WORKFLOW


class Workflow:
    """Statuses in workflow order and the transitions allowed between them."""

    def __init__(self, statuses: Iterable[str], transitions: Mapping[str, Iterable[str]] | None = None) -> None:
        self.statuses: tuple[str, ...] = tuple(s.strip() for s in statuses)
        if len(self.statuses) < 2 or any(not s for s in self.statuses):
            raise ValueError("A workflow needs at least two named statuses.")
        if len({s.lower() for s in self.statuses}) != len(self.statuses):
            raise ValueError(f"Workflow statuses repeat: {', '.join(self.statuses)}.")
        if transitions is None:
            self._next = {s: tuple(t for t in self.statuses if t != s) for s in self.statuses}
        else:
            self._next = {s: () for s in self.statuses}
            for source, targets in transitions.items():
                src = self._known(source)
                allowed = {self._known(t) for t in targets} - {src}
                self._next[src] = tuple(s for s in self.statuses if s in allowed)

    # -- construction --------------------------------------------------------------------------------
    @classmethod
    def free(cls, statuses: Iterable[str] = DEFAULT_WORKFLOW) -> Workflow:
        """A workflow where any status may move to any other."""
        names = tuple(statuses)
        return cls(names, {s: names for s in names})

    @classmethod
    def staged(cls, statuses: Iterable[str] = DEFAULT_WORKFLOW) -> Workflow:
        """The staged rule: one stage forward or back, close from anywhere, restart from anywhere."""
        names = tuple(s.strip() for s in statuses)
        return cls(names, _staged_transitions(names))

    @classmethod
    def coerce(cls, value: Workflow | Iterable[str]) -> Workflow:
        """A Workflow as given, or a free workflow over a plain sequence of statuses."""
        return value if isinstance(value, Workflow) else cls(value)

    @classmethod
    def from_config(cls, spec: Mapping[str, Any] | Sequence[str]) -> Workflow:
        """Build from settings: a list of statuses (any move allowed), or ``{"statuses": [...], "transitions": ...}``.

        ``transitions`` is ``"any"`` (the default), ``"stages"``, or a mapping from each status to the statuses it
        may move to.
        """
        if not isinstance(spec, Mapping):
            return cls(spec)
        statuses = list(spec.get("statuses") or DEFAULT_WORKFLOW)
        transitions = spec.get("transitions", "default")
        if transitions in ("any", "default", None):
            return cls.free(statuses)
        if transitions == "stages":
            return cls.staged(statuses)
        if not isinstance(transitions, Mapping):
            raise ValueError('transitions must be "any", "stages" or a mapping of status → next statuses.')
        return cls(statuses, transitions)

    # -- questions ------------------------------------------------------------------------------------
    @property
    def initial(self) -> str:
        """Where new tickets start."""
        return self.statuses[0]

    @property
    def final(self) -> str:
        """The closed status."""
        return self.statuses[-1]

    def canonical(self, status: str) -> str:
        """The workflow's spelling of ``status`` (case-insensitive); ValidationError when it is not a status."""
        for known in self.statuses:
            if known.lower() == status.strip().lower():
                return known
        raise ValidationError(f"'{status}' is not a status here. Statuses: {', '.join(self.statuses)}.")

    def next_statuses(self, status: str) -> list[str]:
        """Statuses a ticket in ``status`` may move to, in workflow order."""
        return list(self._next[self.canonical(status)])

    def allows(self, current: str, target: str) -> bool:
        """True when a ticket in ``current`` may be set to ``target`` (staying put is always allowed)."""
        src, dst = self.canonical(current), self.canonical(target)
        return src == dst or dst in self._next[src]

    def check(self, current: str, target: str, *, key: str | None = None) -> str:
        """The canonical target status, or ValidationError naming the statuses that are allowed next."""
        src, dst = self.canonical(current), self.canonical(target)
        if src == dst or dst in self._next[src]:
            return dst
        allowed = self._next[src]
        who = key or "A ticket"
        options = _either(allowed) if allowed else "nowhere (it is a final status)"
        raise ValidationError(f"{who} can't move from {src} to {dst}. From {src} it can move to {options}.")

    def as_dict(self) -> dict[str, list[str]]:
        """Each status and the statuses it may move to (for display and settings round trips)."""
        return {s: list(self._next[s]) for s in self.statuses}

    def _known(self, status: str) -> str:
        for known in self.statuses:
            if known.lower() == status.strip().lower():
                return known
        raise ValueError(f"'{status}' in the transitions is not one of the statuses {', '.join(self.statuses)}.")

    def __repr__(self) -> str:
        return f"Workflow({list(self.statuses)!r}, {self.as_dict()!r})"


def _staged_transitions(statuses: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    last = len(statuses) - 1
    restart = {0, 1} if len(statuses) >= 3 else {0}
    table: dict[str, tuple[str, ...]] = {}
    for i, status in enumerate(statuses):
        allowed = {i - 1, i + 1, last} | restart
        table[status] = tuple(statuses[j] for j in sorted(allowed) if 0 <= j <= last and j != i)
    return table


def _either(options: Sequence[str]) -> str:
    if len(options) == 1:
        return options[0]
    return ", ".join(options[:-1]) + " or " + options[-1]


DEFAULT = Workflow(DEFAULT_WORKFLOW)

__all__ = ["DEFAULT", "Workflow"]
