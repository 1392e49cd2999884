"""The docs capability: the shared tool-calling loop with only ``search_docs`` bound, then bookkeeping.

Binding nothing but a read tool is the structural defence against instructions hidden in documents: whatever a
passage says, the only call the model can make from here is another search. After the loop the answer is
recorded (question, answer, the chunks retrieved) so thumbs up/down under it in Slack can refer to it, and the
final message carries the answer id and its sources in ``additional_kwargs["deskhand_docs"]``.
"""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from graph.deps import GraphDeps
from graph.local_model.docs_answer import DOCS_ANSWER_KEY
from graph.nodes.agent import make_agent_node
from graph.nodes.types import NodeFn
from graph.prompts import DOCS_PROMPT
from graph.state import DeskhandState
from graph.tools.docs import build_docs_tools

log = logging.getLogger(__name__)

NOT_CONNECTED = (
    "Company docs aren't connected yet, so I can't look that up. An admin can index a folder with "
    "`deskhand docs ingest PATH` (or Google Drive with `--drive`)."
)


def make_docs_node(deps: GraphDeps) -> NodeFn:
    """The docs node: search, answer with citations, remember the answer for feedback."""
    loop = make_agent_node(deps, DOCS_PROMPT, build_docs_tools, name="docs")

    def docs(state: DeskhandState) -> dict[str, Any]:
        if deps.docs is None:
            return {"reply": NOT_CONNECTED, "messages": [AIMessage(content=NOT_CONNECTED)]}
        update = loop(state)
        produced: list[BaseMessage] = list(update.get("messages") or [])
        final = produced[-1] if produced and isinstance(produced[-1], AIMessage) else None
        if final is not None and not final.tool_calls:
            info = _remember(deps, state, produced, final)
            reply = str(update.get("reply") or "")
            # Slack shows the reply's first line as the message and renders attachments below it.
            body = reply.split("\n", 1)[1].strip("\n") if "\n" in reply else ""
            item = {"answer_id": info.get("answer_id", ""), "body": body, "sources": info.get("sources", [])}
            update["attachments"] = [*(update.get("attachments") or []), {"kind": "docs_answer", "items": [item]}]
        return update

    return docs


def _remember(deps: GraphDeps, state: DeskhandState, produced: list[BaseMessage], final: AIMessage) -> dict[str, Any]:
    """Record the answer and what it was built from; attach the answer id for the feedback buttons."""
    retrieved: list[dict[str, Any]] = []
    query = ""
    for message in produced:
        if isinstance(message, ToolMessage) and message.name == "search_docs" and isinstance(message.artifact, dict):
            query = query or str(message.artifact.get("query") or "")
            for hit in message.artifact.get("results") or []:
                retrieved.append({k: hit.get(k) for k in ("doc_id", "chunk_id", "title", "link", "score")})
    question = _last_question(state) or query
    info = dict(final.additional_kwargs.get(DOCS_ANSWER_KEY) or {})
    info.setdefault("sources", [])
    feedback = getattr(deps.docs, "feedback", None)
    answer = final.content if isinstance(final.content, str) else str(final.content)
    if feedback is not None and retrieved:
        ctx = state.get("context", {})
        try:
            info["answer_id"] = feedback.record_answer(
                query=question,
                answer=answer,
                chunks=retrieved[:20],
                user_id=ctx.get("user_id", ""),
                channel_id=ctx.get("channel_id", ""),
            )
        except Exception:  # bookkeeping must never cost the person their answer
            log.warning("could not record the docs answer", exc_info=True)
    info["retrieved"] = [r["doc_id"] for r in retrieved[:20]]
    final.additional_kwargs[DOCS_ANSWER_KEY] = info
    return info


def _last_question(state: DeskhandState) -> str:
    for message in reversed(state.get("messages", [])):
        if isinstance(message, HumanMessage):
            return message.content if isinstance(message.content, str) else ""
    return ""
