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
    if best.route == "out_of_scope" and best.score >= 0.2:
        return RouteDecision("out_of_scope", best.label, intents.confident, intents=intents)
    if best.score < 0.3:
        return RouteDecision("chat", "chat.unclear", False, intents=intents)
    route = best.route
    return RouteDecision(route, best.label, intents.confident, intents=intents)
