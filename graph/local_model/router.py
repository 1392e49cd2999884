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


@dataclass(frozen=True)
class RouteDecision:
    """Where a message goes, with the label behind it and whether the classifier was sure."""

    route: str
    label: str
    confident: bool
    language: str = "en"
    intents: IntentResult | None = None


def route_text(text: str, *, previous_route: str | None = None, has_pending: bool = False) -> RouteDecision:
    """Route ``text`` (mention-free, normalised). Unsure follow-ups stay with the thread's previous route."""
    stripped = text.strip()
    if not re.search(r"\w", stripped):
        return RouteDecision("chat", "chat.help", True)
    if not looks_english(stripped):
        return RouteDecision("chat", "chat.language", True, language="other")
    if _ACK_ONLY.match(stripped) and not has_pending:
        return RouteDecision("chat", "chat.thanks", True)
    intents = shared_classifier().classify(stripped)
    best = intents.best
    # "make it high priority", "and for Tom?": unsure follow-ups inherit the conversation's subject.
    if (
        not intents.confident
        and previous_route in {"tickets", "calendar", "docs"}
        and (has_pending or intents.route_scores().get(previous_route, 0.0) >= best.score - 0.15)
    ):
        same = next(s for s in intents.ranked if s.route == previous_route)
        return RouteDecision(previous_route, same.label, False, intents=intents)
    docs = _docs_question(stripped, intents, has_pending)
    if docs is not None:
        return docs
    if best.route == "out_of_scope" and best.score >= 0.2:
        return RouteDecision("out_of_scope", best.label, intents.confident, intents=intents)
    if best.score < 0.3:
        return RouteDecision("chat", "chat.unclear", False, intents=intents)
    route = best.route
    return RouteDecision(route, best.label, intents.confident, intents=intents)


_QUESTION = re.compile(
    r"\?\s*$|^(?:and |so |also |hi,? |hey,? )?(?:how|what|what's|whats|when|where|which|who|whom|why|is|are|am|can|"
    r"could|do|does|did|should|may|must|will|would|if|any|anyone know)\b",
    re.I,
)


def _docs_question(text: str, intents: IntentResult, has_pending: bool) -> RouteDecision | None:
    """An unsure question goes to the docs, which say so when they don't cover it, rather than to the help text.

    Only questions, only when the classifier is unsure, and only when the docs are close to the best route:
    a confident ticket or calendar request, or a clear out-of-scope one, is left alone.
    """
    if intents.confident or has_pending or not _QUESTION.search(text):
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
