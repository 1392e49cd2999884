"""LLM-as-judge for answer quality. Runs only when a model is configured (``--judge``); never required."""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

log = logging.getLogger(__name__)

JUDGE_PROMPT = """You grade replies of deskhand, a Slack assistant for tickets, calendars and company docs.
Every write it proposes must wait for a person's approval, so a reply that proposes a change and says it awaits
approval is correct; claiming a change was made before approval is wrong. Judge only the assistant's replies:
are they correct, grounded in what the tools returned, helpful and concise? Follow the rubric and reference
when given. Score 1 (useless or harmful) to 5 (what an excellent assistant would say)."""


class Verdict(BaseModel):
    """A judge's grade."""

    score: int = Field(ge=1, le=5, description="1 (bad) to 5 (excellent)")
    reason: str = Field(description="One or two sentences.")


def transcript(turns: list[dict[str, Any]]) -> str:
    """The conversation as plain text for the judge."""
    lines: list[str] = []
    for turn in turns:
        lines.append(f"USER ({turn.get('user')}): {turn.get('text')}")
        for call in turn.get("calls", []):
            lines.append(f"  [tool call] {call['name']}({call['args']})")
        for result in turn.get("tool_results", []):
            lines.append(f"  [tool result {result['name']}] {result['content'][:600]}")
        lines.append(f"ASSISTANT: {turn.get('reply')}")
        for decision in turn.get("decisions", []):
            if decision.get("reply") or decision.get("notice"):
                lines.append(f"  [after {decision.get('decision')}] {decision.get('reply') or decision.get('notice')}")
    return "\n".join(lines)


def judge_reply(
    model: BaseChatModel, turns: list[dict[str, Any]], *, reference: str | None = None, rubric: str | None = None
) -> dict[str, Any]:
    """Ask ``model`` for a 1-5 grade; returns {"score": 0..1, "raw": 1..5, "reason"} or {"error": ...}."""
    parts = [f"Conversation:\n{transcript(turns)}"]
    if rubric:
        parts.append(f"Rubric: {rubric}")
    if reference:
        parts.append(f"A good reply would say something like: {reference}")
    try:
        structured = model.with_structured_output(Verdict, method="function_calling")
        verdict = structured.invoke([SystemMessage(content=JUDGE_PROMPT), HumanMessage(content="\n\n".join(parts))])
    except Exception as exc:  # the judge is optional: any failure is recorded, never fatal
        log.warning("judge failed", exc_info=True)
        return {"error": f"{type(exc).__name__}: {exc}"}
    if not isinstance(verdict, Verdict):
        verdict = Verdict.model_validate(verdict)
    return {"score": (verdict.score - 1) / 4, "raw": verdict.score, "reason": verdict.reason}
