"""Route a message (tickets, calendar, docs, chat, out of scope) without any LLM."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.local_model.intents import IntentResult, shared_classifier
from graph.local_model.text import looks_english

_ACK_ONLY = re.compile(
    r"^\W*(ok(ay)?|k|cool|great|nice|thanks?( you)?|thx|ty|cheers|perfect|awesome|got it|"
    r"sounds good|np|yes|yep|no|nope|sure)\W*$",
    re.I,
)

_YES_NO = re.compile(r"^\W*(yes|yeah|yep|sure|ok(ay)?|no|nope|nah)\b[\w\s,']{0,30}$", re.I)

_EDITS_PENDING = re.compile(
    r"^\W*(?:(?:actually|also|and|oh|ok(?:ay)?|sorry|wait|instead|no|then|please)[\s,]+)*"
    r"(?:make|change|set|move|put|tag|label|give|assign|rename|call|push|bump|mark)\s+(?:it|that|this|them)\b",
    re.I,
)


@dataclass(frozen=True)
class RouteDecision:
    """Where a message goes, with the label behind it and whether the classifier was sure."""

    route: str
    label: str
    confident: bool
    language: str = "en"
    intents: IntentResult | None = None


def route_text(
    text: str, *, previous_route: str | None = None, has_pending: bool = False, answering: bool = False
) -> RouteDecision:
    """Route ``text`` (mention-free, normalised). Unsure follow-ups stay with the thread's previous route.

    ``answering``: deskhand's last reply asked something, so an unsure message is most likely the answer.
    """
    stripped = text.strip()
    if not re.search(r"\w", stripped):
        return RouteDecision("chat", "chat.help", True)
    if not looks_english(stripped):
        return RouteDecision("chat", "chat.language", True, language="other")
    if answering and previous_route in {"tickets", "calendar"} and _YES_NO.match(stripped):
        return RouteDecision(previous_route, f"{previous_route}.answer", False)
    if _ACK_ONLY.match(stripped) and not has_pending:
        return RouteDecision("chat", "chat.thanks", True)
    if has_pending and previous_route in {"tickets", "calendar"} and _EDITS_PENDING.search(stripped):
        # "make it due Friday and tag it meeting-rooms": changes to what is awaiting approval stay with it,
        # whatever the words would suggest on their own.
        return RouteDecision(previous_route, f"{previous_route}.revise", True)
    intents = shared_classifier().classify(stripped)
    best = intents.best
    # "make it high priority", "and for Tom?": unsure follow-ups inherit the conversation's subject.
    if (
        not intents.confident
        and previous_route in {"tickets", "calendar", "docs"}
        and (has_pending or answering or intents.route_scores().get(previous_route, 0.0) >= best.score - 0.15)
    ):
        same = next(s for s in intents.ranked if s.route == previous_route)
        return RouteDecision(previous_route, same.label, False, intents=intents)
    docs = _docs_question(stripped, intents, has_pending) or _docs_head(stripped, has_pending)
    if docs is not None:
        return docs
    if best.route == "out_of_scope" and best.score >= 0.2:
        return RouteDecision("out_of_scope", best.label, intents.confident, intents=intents)
    if best.score < 0.3:
        return RouteDecision("chat", "chat.unclear", False, intents=intents)
    route = best.route
    return RouteDecision(route, best.label, intents.confident, intents=intents)


QUESTION = re.compile(
    r"\?\s*$|^(?:and |so |also |hi,? |hey,? )?(?:how|what|what's|whats|when|where|which|who|whom|why|is|are|am|can|"
    r"could|do|does|did|should|may|must|will|would|if|any|anyone know)\b",
    re.I,
)


def _docs_question(text: str, intents: IntentResult, has_pending: bool) -> RouteDecision | None:
    """An unsure question goes to the docs, which say so when they don't cover it, rather than to the help text.

    Only questions, only when the classifier is unsure, and only when the docs are close to the best route:
    a confident ticket or calendar request, or a clear out-of-scope one, is left alone.
    """
    if intents.confident or has_pending or not QUESTION.search(text):
        return None
    best = intents.best
    docs_score = intents.route_scores().get("docs", 0.0)
    label = next((s.label for s in intents.ranked if s.route == "docs"), "docs.ask")
    if best.route == "docs" or best.score < 0.3:
        return RouteDecision("docs", label, False, intents=intents)
    margin = {"chat": 0.12, "out_of_scope": 0.08}.get(best.route, 0.07)
    if docs_score >= best.score - margin:
        return RouteDecision("docs", label, False, intents=intents)
    return None


_LONG_MESSAGE = 400


def _docs_head(text: str, has_pending: bool) -> RouteDecision | None:
    """A long message whose first line asks about the docs ("Which of our docs cover this?" and a pasted case)
    goes to the docs: people put the ask first and the context after it, and the pasted context must not decide."""
    if has_pending or len(text) < _LONG_MESSAGE or "\n" not in text[:_LONG_MESSAGE]:
        return None
    head = text.split("\n", 1)[0].strip()
    if not head or not QUESTION.search(head):
        return None
    intents = shared_classifier().classify(head)
    if intents.best.route == "docs":
        return RouteDecision("docs", intents.best.label, intents.confident, intents=intents)
    return None
