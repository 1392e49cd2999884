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
    if not (has_pending or answering) and best.route in {"tickets", "calendar"} and asks_what_the_rules_say(stripped):
        # "by when do I need to get the offboarding ticket in?", "who do we tell, and is there a deadline?": a
        # question about the process, answered from the docs (which say so when they don't cover it); filing a
        # ticket or reading a calendar for it would act on a question nobody asked deskhand to act on.
        label = next((s.label for s in intents.ranked if s.route == "docs"), "docs.ask")
        return RouteDecision("docs", label, True, intents=intents)
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


# Asking deskhand to act ("can you put in the offboarding ticket?", "pls file it") or naming a ticket: a request.
_ASKS_DESKHAND = re.compile(
    r"\b(?:please|pls|plz|can you|could you|would you|will you|can u|could u|go ahead|for me)\b|"
    r"\b[A-Za-z][A-Za-z0-9]{1,9}-\d{1,6}\b|"
    r"^\W*(?:(?:ok(?:ay)?|so|then|and|just|right)[\s,]+)*(?:file|open|raise|log|submit|create|put in|make|book|"
    r"schedule|cancel|move|set up)\b|"
    # "do I need a ticket for a new monitor? if so open one": the question, then the request it hangs on ("if so,
    # do I file it in OPS?" is still a question)
    r"\bif (?:so|yes|needed|it does|i do|we do|not)\b[\s,]*(?:(?:just|then|pls|please)\s+)*"
    r"(?:file|open|raise|log|submit|create|put in|make)\b(?!\s+(?:i|we)\b)|"
    # "…, what does it pay out now? file a ticket": an order to file, wherever it sits
    r"(?:^|[.?!,;]\s*)(?:(?:and|so|then|also|just|pls|please)\s+)*(?:file|log|open|raise|create|submit)\s+"
    r"(?:a|an|the)?\s*(?:ticket|issue|bug|request|one)\b",
    re.I,
)
# A ticket or request named as the thing being filed: "the offboarding ticket", "an access request".
_A_TICKET = re.compile(r"\b(?:tickets?|requests?)\b", re.I)
# The person's own tickets, or a search over tickets, is tracked work, not process: "which tickets do I need to close?".
_TICKETS_THEMSELVES = re.compile(
    r"\b(?:my|our|his|her|their|which|what|how many|any|all|open|overdue)\s+(?:\w+\s+)?tickets\b|"
    r"\b(?:status|progress|update|latest) (?:of|on)\b|\b(?:assigned|assignee|due date)\b",
    re.I,
)
# When a ticket has to be filed, what it must say, whether one is needed at all.
_TICKET_PROCESS = re.compile(
    r"\bby when\b|\bhow (?:far|long|many (?:\w+ )?days|many weeks|much notice|early|soon)\b"
    r"[^.?!]{0,30}\b(?:ahead|in advance|before(?:hand)?|prior|notice)\b|\bhow (?:far )?in advance\b|"
    r"\b(?:lead time|notice period|cut-?off)\b|"
    r"\bwhen (?:do|should|must|shall|would|have) (?:i|we) (?:(?:need|have|got|ought) to )?(?:file|submit|raise|log|"
    r"open|put|send|get|lodge|create)\b|"
    r"\bwhen (?:does|do|should|must|has|have) (?:the |an? |my |our )?(?:[\w-]+\s+){0,3}(?:tickets?|requests?)\s+"
    r"(?:(?:need|have|got) to |to )?(?:be|go)\b|"
    r"\bis there (?:a|any) (?:deadline|time limit|minimum notice)\b[^.?!]{0,20}\b(?:for|to|on) (?:filing|submitting|"
    r"raising|logging|opening|putting|getting|sending)\b|"
    r"\bwhat (?:should|must|do|does|needs? to|has to|ought to) (?:go|be|get put) in\b|"
    r"\bwhat (?:should|must|do|does|would) (?:the |an? |my |our )?(?:[\w-]+\s+){0,3}(?:tickets?|requests?)\s+"
    r"(?:(?:need|have|got) to |ought to )?(?:include|contain|say|cover|mention|have in it|look like)\b|"
    r"\bwhat (?:info|information|details|fields)\b[^.?!]{0,40}\b(?:tickets?|requests?)\b|"
    r"\b(?:do|must|should) (?:i|we) (?:really |also |still |even |actually )?(?:need|have) to (?:file|open|raise|log|"
    r"submit|put|get|create|send|lodge)\b|"
    r"\b(?:do|would|will) (?:i|we) (?:really |also |still |even |actually )?need (?:a|an) (?:[\w-]+\s+){0,2}"
    r"(?:ticket|request)\b|"
    r"\b(?:is|would) (?:a|an) (?:[\w-]+\s+){0,2}(?:ticket|request) (?:even )?(?:needed|required|necessary)\b",
    re.I,
)
# Who must be told about something that went wrong, and how long there is to do it.
_WHO_TO_TELL = re.compile(
    r"\bwho (?:do|should|must|shall|would) (?:i|we) (?:(?:need|have|got|ought) to )?(?:tell|notify|inform|contact|"
    r"alert|call|ping|page|warn|escalate(?: it| this| that)? to|report (?:it|this|that) to|get hold of|get in touch "
    r"with|reach out to|loop in|speak to|talk to)\b|"
    r"\bwho (?:needs|has|ought) to (?:know|be told|be notified|be informed)\b|"
    r"\bwho (?:should|must) (?:be )?(?:know|told|notified|informed|alerted)\b",
    re.I,
)
# Whether something is allowed, or what review or approval it needs, before anyone starts using it.
_ALLOWED_OR_REVIEW = re.compile(
    r"\b(?:can|may|could) (?:i|we) (?:just |still |also |actually )?(?:use|install|try|trial|sign up|buy|record|"
    r"download|connect|plug|share|upload|run|bring|claim|expense)\b|"
    r"\b(?:am i|are we|is (?:it|this|that)) (?:even )?(?:allowed|permitted|ok|okay|fine|approved)\b|"
    r"\b(?:are|is)\s+(?:[\w-]+\s+){1,3}(?:allowed|permitted)\b|"  # "are dogs allowed?", "is remote work permitted"
    r"\b(?:need|needs|require|requires|needed|required|get|go through|pass)\s+(?:an?\s+|any\s+)?(?:[\w-]+\s+)?"
    r"(?:review|approval|sign-?off|permission|vetting|assessment)\b|"
    r"\b(?:need|needs|have|has) to (?:be|get) (?:reviewed|approved|signed off|vetted|cleared)\b|"
    r"\banything (?:i|we) (?:need|have|should|must|ought) (?:to )?(?:do|know|check|sort out)\b[^.?!]{0,20}"
    r"\b(?:before|first)\b|\bwhat (?:do|should|must) (?:i|we) (?:do|check|sort out) (?:before|first)\b",
    re.I,
)
# A day or a clock time, or a booking verb: "can we use the big room tomorrow at 3?" is about the calendar.
_WHEN_OR_BOOKING = re.compile(
    r"\b(?:today|tonight|tomorrow|tmrw|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next week|this week|"
    r"\d{1,2}(?::\d{2})?\s*(?:am|pm)|at \d{1,2}(?::\d{2})?|book|schedule|reschedule|slot|free|busy|available)\b",
    re.I,
)
# "if i'm on call, what does it pay?", "do we get paid for travel time?", "am I entitled to …": what the company
# gives, a policy question whatever else the message mentions (a "bug going round" at home is no ticket).
_ENTITLEMENT = re.compile(
    r"\bwhat does (?:it|that|this|[\w-]+(?:\s+[\w-]+)?) pay\b|\b(?:do|does|will) (?:i|we|you|they) get paid\b|"
    r"\b(?:is|are) (?:it|that|this|[\w-]+(?:\s+[\w-]+)?) paid\b|\b(?:am i|are we|is (?:he|she)) entitled\b|"
    r"\bhow much (?:do|does|will) (?:i|we|you) get\b",
    re.I,
)
_TRACKED = re.compile(r"\b(?:tickets?|issues?|bugs?|jira|backlog)\b", re.I)


def asks_what_the_rules_say(text: str) -> bool:
    """Whether ``text`` asks what the company's process or rules require, not for deskhand to do something.

    - when a ticket must be filed, what it must say, or whether one is needed ("how far ahead do I have to put in
      the access request ticket?", "what should the laptop ticket include?");
    - who must be told about something that went wrong ("customer data leaked, who do we notify?");
    - whether a tool or practice is allowed, or what review it needs ("can we use an AI notetaker on customer calls,
      does it need a security review?"), with no day, time or booking in it.

    A request to deskhand ("can you put in the offboarding ticket for …?"), a ticket key, or a question about
    tickets themselves ("which tickets do I need to close?") is never one.
    """
    if not QUESTION.search(text) and "?" not in text:
        return False
    if _ASKS_DESKHAND.search(text) or _TICKETS_THEMSELVES.search(text):
        return False
    if _A_TICKET.search(text) and _TICKET_PROCESS.search(text):
        return True
    if _WHO_TO_TELL.search(text):
        return True
    if _ENTITLEMENT.search(text):
        return True
    return bool(_ALLOWED_OR_REVIEW.search(text)) and not _WHEN_OR_BOOKING.search(text) and not _TRACKED.search(text)
