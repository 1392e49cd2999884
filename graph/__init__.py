"""deskhand's LangGraph state machine: triage, capability nodes, human approval, exactly-once execution.

``graph.builder.build_graph`` returns the uncompiled ``StateGraph``; the composition root compiles it with a
checkpointer. Nothing here reads the environment or opens connections at import time.
"""
