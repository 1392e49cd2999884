"""Conditional edges."""

from __future__ import annotations

from typing import Literal

from graph.state import DeskhandState

CapabilityNode = Literal["tickets", "calendar", "docs", "chat", "out_of_scope"]


def route_after_triage(state: DeskhandState) -> CapabilityNode:
    """Send the message to the node triage chose."""
    route = state.get("route") or "chat"
    return route if route in ("tickets", "calendar", "docs", "chat", "out_of_scope") else "chat"


def route_after_capability(state: DeskhandState) -> Literal["approval", "__end__"]:
    """Anything proposed (now or in an earlier turn, still pending) waits for approval."""
    return "approval" if state.get("proposals") else "__end__"
