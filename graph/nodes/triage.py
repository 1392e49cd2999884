"""Triage: decide which capability handles the latest message."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from graph.calendar_select import GENERIC_TITLE_WORDS, title_words
from graph.deps import GraphDeps
from graph.docs_synonyms import expand_query
from graph.local_model.intents import TICKET_KEY
from graph.local_model.router import QUESTION, RouteDecision, route_text
from graph.nodes.common import asked_last_turn, last_human_text
from graph.nodes.types import NodeFn
from graph.state import DeskhandState, Route
from graph.ticket_similarity import content_roots
from graph.tools.docs import viewer_for

log = logging.getLogger(__name__)


class TriageOutput(BaseModel):
    """Which capability should handle the message."""

    route: Route = Field(description="tickets | calendar | docs | chat (greetings, help) | out_of_scope")


_TRIAGE_PROMPT = (
    "Classify the user's latest Slack message for a workplace assistant. Routes: tickets (issue tracker: "
    "create, find, update, comment, close), calendar (meetings, availability, booking), docs (questions "
    "answered by company documents and policies), chat (greetings, thanks, what can you do), out_of_scope "
    "(anything else). Answer with the route only."
)


def make_triage(deps: GraphDeps) -> NodeFn:
    """The triage node: the local classifier answers first; an LLM is asked only when it is unsure."""

    def triage(state: DeskhandState) -> dict[str, Any]:
        text = last_human_text(state, str(deps.extra.get("bot_user_id") or "") or None)
        decision = route_text(
            text,
            previous_route=state.get("route"),
            has_pending=bool(state.get("proposals")),
            answering=asked_last_turn(state),
        )
        route = decision.route
        if _names_own_meeting(deps, state, text, decision):
            route = "calendar"
        elif _docs_answer_this(deps, state, text, decision):
            route = "docs"
        elif (work := _work_without_docs(deps, decision)) is not None:
            route = work
        elif not decision.confident and not deps.model_is_local and decision.language == "en":
            route = _ask_model(deps, text, decision)
        log.debug("triage", extra={"route": route, "label": decision.label, "confident": decision.confident})
        return {"route": route, "language": decision.language}

    return triage


# Requests phrased as questions ("can you book ...?") and questions about the person's own tickets or calendar
# stay with those capabilities whatever a document is called.
_REQUEST = re.compile(
    r"^\W*(?:please|pls|can you|could you|would you|will you|can I get)\b|\b[A-Z][A-Z0-9]+-\d+\b|\btickets?\b", re.I
)
_OWN_WORK = re.compile(r"\bmy (?:calendar|meetings?|schedule|day|week|tickets?|issues?)\b", re.I)
# ...except a question about what one is obliged to do, which asks for a rule even when the rule is about one's
# own calendar ("do I need to put my leave in my calendar too?", "am I expected to accept every invite?").
_ASKS_TO_ACT = re.compile(r"\b(?:please|pls|can you|could you|would you|go ahead)\b", re.I)
_OBLIGATION = re.compile(
    r"\b(?:do|must|should) (?:i|we) (?:really |also |still )?(?:need|have) to\b|"
    r"\bam i (?:still |really )?(?:expected|supposed|required) to\b",
    re.I,
)


# "before I open a ticket with IT: am I allowed …?", "I'll file the ticket myself, but is … covered?": the person's
# own plan to file a ticket is context for their question, not a request to deskhand.
_OWN_TICKET_PLAN = re.compile(
    r"\b(?:before|until|so) (?:i|we) (?:open|file|raise|log|submit|put in|create)\b[^:?!.;]{0,40}?\btickets?\b|"
    r"\b(?:i'll|i will|i'm going to|gonna|i can) (?:open|file|raise|log|submit|put in)\b[^:?!.;]{0,40}?\btickets?\b"
    r"(?:\s+myself)?",
    re.I,
)


_HOW_TO = re.compile(
    r"\bhow (?:do|can|should|would) (?:i|we)\b|\bhow to\b|\bwhat (?:do|should) i do\b|\bwhat now\b", re.I
)
_ASKS_SOMETHING = re.compile(
    r"\?|^\W*whose\b|\b(?:asking|wondering|know|sure) (?:where|how|when|who|whether|if)\b|\bhow long (?:till|until)\b",
    re.I,
)
_FILE_IT = re.compile(
    r"\b(?:tickets?|file|open (?:a|an|one)|raise|log (?:a|an|it|this|one)|report|create|track)\b", re.I
)
_HELP_ASK = re.compile(r"\b(?:i need|i'm locked out|i am locked out|i can't|i cannot|help)\b", re.I)
# Labels whose meaning does not depend on any document: answers to deskhand's own question, edits to a pending
# proposal, greetings, thanks and the language notice.
_SETTLED_LABELS = re.compile(r"\.(?:answer|revise)$|^chat\.(?:thanks|help|language)$")
_STRONG_DENSE, _STRONG_COVERAGE, _HOW_TO_COVERAGE, _CLOSE_DENSE = 0.45, 0.7, 0.4, 0.55
# A question about what the company allows, pays, gives or expects ("what's the cap per person?", "is there any money
# for a course?", "do we get a day off on our birthday?", "can I just sign up?", "ok if I buy one myself?", "do I
# need a note?") or when its offices are open ("will the office be open on the 28th?"): policy, whatever day, week
# or broken laptop it mentions in passing.
_POLICY_ASK = re.compile(
    r"\b(?:cap|limit|max(?:imum)?|budget|allowance|allowed|policy|rules?|reimburs\w*|expens\w*|claim|entitled|"
    r"money|pay for|paid for|covered|per (?:person|head|day|night)|do (?:we|i) get|are we allowed|is it ok|"
    r"how much (?:can|may|do|should) (?:i|we)|(?:can|may) (?:i|we) (?:just |still |also )?(?:sign up|accept|keep|"
    r"use|bring|install|expense|buy)|(?:office|building)\b.{0,40}\b(?:open|closed?|shut|closing)|"
    r"what time does .{0,30}\b(?:open|close|shut)|(?:is it )?ok if (?:i|we)|do (?:i|we) (?:need|have) to|"
    r"am i (?:still )?(?:expected|supposed|required))\b",
    re.I,
)
# ...unless it is plainly about the person's own schedule.
_CALENDAR_OBJECT = re.compile(
    r"\b(?:meetings?|calendar|cal|invites?|1:1s?|one-on-ones?|syncs?|stand-?ups?|appointments?|slots?|"
    r"free time|availability|schedule|book|reschedule|call with)\b",
    re.I,
)
_POLICY_COVERAGE = 0.5
_UNCLEAR_COVERAGE = 0.5


def _docs_answer_this(deps: GraphDeps, state: DeskhandState, text: str, decision: RouteDecision) -> bool:
    """Whether the company documents should answer this message although the classifier chose another route.

    Three kinds of evidence, each from one permission-aware search (a document's text never decides, only how
    well it matches the question and, for the first, its title):
    - a question that names a document by its title ("what does the printer notice say?"): at least two of the
      title's significant words appear in it and they make up at least half of the title;
    - a how-to question ("how do I fix the VPN on my Mac?") that a document matches strongly;
    - an unsure question or plea for help ("I need admin rights to install a driver") that a document matches
      strongly and almost word for word;
    - a policy question (what is allowed, paid, given or expected) that the calendar or tickets route took for its
      date or problem words ("next week", "my laptop died") although it names no meeting or ticket, when a document
      matches it fairly;
    - a question, plea or how-to the classifier could not place at all, when a document covers it fairly.
    """
    # "help" alone asks what deskhand can do; "locked out of Okta and lost my phone, help" is a problem to solve.
    pleading = decision.label == "chat.help" and len(text.split()) > 4
    if deps.docs is None or decision.route == "docs" or (_SETTLED_LABELS.search(decision.label) and not pleading):
        return False
    how_to = bool(_HOW_TO.search(text))
    # A question mark anywhere asks something ("whose turn is it this week? feels like forever"), as does a "whose".
    asks = bool(QUESTION.search(text) or _ASKS_SOMETHING.search(text) or _HELP_ASK.search(text))
    # "changed my password and now the wifi keeps asking for it": a problem told, not a ticket asked for.
    problem = decision.label == "tickets.create" and not decision.confident and not _FILE_IT.search(text)
    question = _OWN_TICKET_PLAN.sub(" ", text)
    # "do I have to decline them, or can you do it?" asks deskhand to act as well: that request decides.
    obligation = bool(_OBLIGATION.search(question)) and not _ASKS_TO_ACT.search(question)
    own = _REQUEST.search(question) or (_OWN_WORK.search(question) and not obligation)
    if not (asks or how_to or problem) or own:
        return False
    try:
        # The same expanded query the docs tool will search ("vacation" also looks for "annual leave"), so triage
        # judges the page the answer would come from.
        result = deps.docs.search(expand_query(question), viewer=viewer_for(deps, state.get("context", {})), k=3)
    except Exception:
        log.warning("docs check during triage failed; keeping the route", exc_info=True)
        return False
    if not result.confident or not result.hits:
        return False
    top = result.hits[0]
    title = content_roots(top.title)
    shared = title & content_roots(question)
    named = len(shared) >= 2 and 2 * len(shared) >= len(title)
    if named and decision.route in ("tickets", "calendar") and QUESTION.search(text):
        return True
    dense, coverage = top.signals.get("dense", 0.0), top.signals.get("coverage", 0.0)
    if how_to and dense >= _STRONG_DENSE and coverage >= _HOW_TO_COVERAGE:
        return True
    policy = QUESTION.search(text) and _POLICY_ASK.search(text) and (obligation or not _CALENDAR_OBJECT.search(text))
    if policy and decision.route in ("calendar", "tickets") and coverage >= _POLICY_COVERAGE:
        return True
    if decision.label == "chat.unclear" and coverage >= (_HOW_TO_COVERAGE if how_to or asks else _UNCLEAR_COVERAGE):
        # The classifier has no idea and the alternative is the help menu: a page that covers the question or
        # plea ("locked out of Okta and lost my phone, help") is the better answer.
        return True
    if problem and not (asks or how_to):
        return dense >= _CLOSE_DENSE and coverage >= _STRONG_COVERAGE
    # A closer match in meaning needs less word-for-word overlap.
    strong = (dense >= _STRONG_DENSE and coverage >= _STRONG_COVERAGE) or (dense >= _CLOSE_DENSE and coverage >= 0.5)
    return not decision.confident and strong


_WORK_MARGIN = 0.05


def _work_without_docs(deps: GraphDeps, decision: RouteDecision) -> str | None:
    """With no documents connected, an unsure question that went to docs only for its shape goes where the
    classifier leans instead ("what security-labelled stuff is still open?" is a ticket search), rather than to
    "docs aren't connected". A clear docs question keeps that answer: it tells an admin how to connect them."""
    if deps.docs is not None or decision.route != "docs" or decision.confident or decision.intents is None:
        return None
    scores = decision.intents.route_scores()
    work = max(("tickets", "calendar"), key=lambda r: scores.get(r, 0.0))
    return work if scores.get(work, 0.0) >= scores.get("docs", 0.0) + _WORK_MARGIN else None


# Doing something to a meeting: the verbs people use with a meeting's name ("kill both pipeline reviews").
_MEETING_VERB = re.compile(
    r"\b(?:cancel|delete|remove|call off|drop|clear|scrap|kill|axe|nix|bin|get rid of|move|reschedule|push|bump|"
    r"delay|postpone|shift|slide|bring|pull|rename|retitle|re-title|change|update|decline|skip|invite|add|shorten|"
    r"extend|when(?:'s| is)|who(?:s|'s|’s| is| all's| else is) (?:in|on|at|coming to|invited to|joining)|instead|"
    r"same time)\b",
    re.I,
)
_NAME_SPLIT = re.compile(r"\s*[:(\[|–—]\s*|\s+-\s+")
_LOOK_BACK, _LOOK_AHEAD = timedelta(days=7), timedelta(days=35)


def _names_own_meeting(deps: GraphDeps, state: DeskhandState, text: str, decision: RouteDecision) -> bool:
    """Whether an unsure message does something to a meeting it names by its title on the asker's own calendar
    ("kill both pipeline reviews", "change the Q1 planning title to …"). The name is the title's head (before a
    colon or bracket) of at least two words, every one of them in the message; a ticket reference never counts."""
    if (
        deps.calendar is None
        or decision.route == "calendar"
        or decision.confident
        or _SETTLED_LABELS.search(decision.label)
        or TICKET_KEY.search(text)
        or re.search(r"\btickets?\b", text, re.I)
        or not _MEETING_VERB.search(text)
    ):
        return False
    owner = str(state.get("context", {}).get("user_id") or "")
    if not owner:
        return False
    now = deps.clock()
    try:
        events = deps.calendar.list_events(owner, start=now - _LOOK_BACK, end=now + _LOOK_AHEAD, limit=500)
    except Exception:
        log.warning("calendar check during triage failed; keeping the route", exc_info=True)
        return False
    said = set(title_words(text))
    for title in {e.title for e in events}:
        head = [w for w in title_words(_NAME_SPLIT.split(title, maxsplit=1)[0]) if w not in GENERIC_TITLE_WORDS]
        if len(head) >= 2 and all(w in said for w in head):
            return True
    return False


def _ask_model(deps: GraphDeps, text: str, fallback: RouteDecision) -> str:
    try:
        structured = deps.model.with_structured_output(TriageOutput, method="function_calling")
        result = structured.invoke([SystemMessage(content=_TRIAGE_PROMPT), HumanMessage(content=text[:4000])])
    except Exception:
        log.warning("model triage failed; using local route", exc_info=True)
        return fallback.route
    if isinstance(result, TriageOutput):
        return result.route
    return fallback.route
