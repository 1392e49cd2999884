"""Entry point for LangGraph's own tooling (Studio, LangGraph Server), named in ``langgraph.json``.

LangGraph Server compiles the graph with its own checkpointer (PostgreSQL in a deployment), so this returns
the uncompiled builder, wired to backends built from the same settings as ``deskhand serve``.
"""

from __future__ import annotations

from langgraph.graph import StateGraph

from bot.composition import build_core
from bot.settings import Settings
from graph.builder import build_graph


def make_graph() -> StateGraph:
    """The deskhand graph, uncompiled, with backends from the environment's settings."""
    core = build_core(Settings())
    return build_graph(core.deps)
