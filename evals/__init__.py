"""deskhand's eval harness: datasets, graders, the runner, reports and the WorkBench adapter.

Evals drive the real graph through ``graph.runtime.AgentRuntime`` in a fresh in-memory world per case; they
import ``graph``, ``integrations`` and ``sandbox`` only (never ``bot``). See ``evals/README.md``.
"""
