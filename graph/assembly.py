"""Build a ready-to-use ``AgentRuntime`` from dependencies (for callers that are not the Slack app: evals)."""

from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver

from graph.builder import build_graph
from graph.checkpoint import open_checkpointer
from graph.deps import GraphDeps
from graph.runtime import AgentRuntime
from integrations.approvals.base import ApprovalStore


def build_runtime(
    deps: GraphDeps, approvals: ApprovalStore, checkpointer: BaseCheckpointSaver | None = None
) -> AgentRuntime:
    """Compile the graph with a checkpointer (in-memory SQLite by default) and wrap it in a runtime."""
    graph = build_graph(deps).compile(checkpointer=checkpointer or open_checkpointer(None))
    return AgentRuntime(graph, approvals, deps)
