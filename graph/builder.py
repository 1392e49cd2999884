"""Assemble the state machine. Returns an uncompiled ``StateGraph``; callers pick the checkpointer."""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graph.deps import GraphDeps
from graph.nodes.agent import make_agent_node
from graph.nodes.approval import make_approval
from graph.nodes.chat import make_chat, out_of_scope
from graph.nodes.docs import make_docs_node
from graph.nodes.execute import make_execute
from graph.nodes.triage import make_triage
from graph.prompts import CALENDAR_PROMPT, TICKETS_PROMPT
from graph.routing import route_after_capability, route_after_triage
from graph.state import DeskhandState
from graph.tools.calendar import build_calendar_tools
from graph.tools.tickets import build_ticket_tools


def build_graph(deps: GraphDeps) -> StateGraph:
    """triage → capability → (approval → execute)? → end."""
    builder = StateGraph(DeskhandState)
    builder.add_node("triage", make_triage(deps))
    builder.add_node("tickets", make_agent_node(deps, TICKETS_PROMPT, build_ticket_tools, name="tickets"))
    builder.add_node("calendar", make_agent_node(deps, CALENDAR_PROMPT, build_calendar_tools, name="calendar"))
    builder.add_node("docs", make_docs_node(deps))
    builder.add_node("chat", make_chat(deps))
    builder.add_node("out_of_scope", out_of_scope)
    builder.add_node("approval", make_approval(deps), destinations=("approval", "execute", END))
    builder.add_node("execute", make_execute(deps))

    builder.add_edge(START, "triage")
    builder.add_conditional_edges("triage", route_after_triage)
    for node in ("tickets", "calendar", "docs", "chat", "out_of_scope"):
        builder.add_conditional_edges(node, route_after_capability)
    builder.add_edge("execute", END)
    return builder
