"""Intent classification: nearest labelled examples in WordLlama space, nudged by keyword rules.

Embeddings catch paraphrases; rules catch strong lexical signals embeddings blur (a ticket key, the word
"meeting"). The result carries a confidence so triage can ask a bigger model, or the person, when unsure.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np

from graph.local_model.embeddings import embed
from graph.local_model.intent_examples import EXAMPLES

TICKET_KEY = re.compile(r"\b([A-Za-z][A-Za-z0-9]{1,9})-(\d{1,6})\b")

# A message that does something to a meeting ("…, so cancel the review", "move the design review to thursday").
_NO_MEETING_ACTION = (
    r"^(?!.*\b(?:cancel|move|push|reschedule|postpone|delay|book|decline|invite|shift|bump|call off)\b)"
)

# Keyword families that shift a route's score. Each is a whole-word pattern; weights are modest so that
# several weak cues, or one strong cue plus the embedding, decide together.
_ROUTE_CUES: dict[str, list[tuple[re.Pattern[str], float]]] = {
    "tickets": [
        (re.compile(r"\b(tickets?|issues?|bugs?|jira|backlog|in review|in progress|assignee|sprint)\b", re.I), 0.25),
        (
            re.compile(
                r"\b(open|file|raise|log|create|submit|report)\b.{0,30}\b(ticket|issue|bug|request|task)\b", re.I
            ),
            0.2,
        ),
        (re.compile(r"\b(reassign|unassign|assign(ed)?)\b", re.I), 0.15),
        (
            re.compile(
                r"\b(not started|started on|working on|overdue|in review|backlog)\b|"
                r"\b(?:has|have|had)n'?t (?:started|begun|touched|picked up)\b",
                re.I,
            ),
            0.15,
        ),
        # Finished work closed out: "the fix landed on main, you can close that one out" (meetings are cancelled,
        # never closed out or merged). Not when a meeting is acted on in the same message: "the fix shipped, so
        # cancel the threat model review" is a calendar request with a reason.
        (
            re.compile(
                _NO_MEETING_ACTION + r".*(?:\b(?:close|mark)\s+(?:it|that|this)(?:\s+one)?\s+"
                r"(?:out|off|as done|done|closed|resolved)\b|\byou can close\b)",
                re.I,
            ),
            0.25,
        ),
        (
            re.compile(
                _NO_MEETING_ACTION + r".*\b(?:fix|patch|pr|change)\b[^.?!]{0,40}\b(?:landed|merged|shipped)\b", re.I
            ),
            0.25,
        ),
        # Due dates belong to tracked work: "anything of Priya's due before the weekend?"
        (re.compile(r"\bdue (?:before|by|on|this|next|today|tomorrow|in|end)\b|\bdue dates?\b", re.I), 0.2),
        # Handing a set of work over: "give everything Lena hasn't started to Sofia".
        (
            re.compile(
                r"\b(?:give|hand(?: over)?|pass|reassign|transfer|move)\s+(?:all|everything|anything|whatever|every)\b"
                r"(?![^.?!]*\b(?:meetings?|events?|calls?|calendar)\b)",
                re.I,
            ),
            0.25,
        ),
        # Two described things handed to somebody: "give both the vpn one and the badge one to omar", "the laptop
        # one and the printer one can both go to omar" (not meetings moved to another day).
        (
            re.compile(
                r"(?:\b(?:give|hand|pass|assign|reassign)\s+(?:both|each)\b|\b(?:both|each)\s+go\s+(?:over\s+)?to\b)"
                r"(?![^.?!]*\b(?:meetings?|events?|calls?|calendar|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|"
                r"wednesday|thursday|friday|saturday|sunday|today|tomorrow|week|month|\d{1,2}(?::\d\d)?\s*(?:am|pm))\b)",
                re.I,
            ),
            0.3,
        ),
        # A problem report asking for help: "X is super loud since the update, can someone look?"
        (
            re.compile(
                r"\b(?:can|could|would) (?:someone|somebody|anyone|you|u) (?:please )?"
                r"(?:look|check|fix|help|have a look)\b|"
                r"\b(?:stopped working|not working|isn't working|doesn't work|won't (?:start|turn on|connect|load)|"
                r"keeps? (?:crashing|freezing|dropping|disconnecting)|since the (?:update|upgrade))\b",
                re.I,
            ),
            0.2,
        ),
        # Progress questions are about tracked work, even when the topic sounds like a policy ("expense tool").
        (
            re.compile(r"\b(where are we (?:with|on)|latest on|status of|progress on|any news on|update on)\b", re.I),
            0.35,
        ),
        # Who owns a piece of work is a ticket question: "who's handling the SSO setup for the expense tool?"
        (re.compile(r"^\W*who(?:'s|s|\s+is)\s+(?:handling|working on|looking into|taking care of)\b", re.I), 0.35),
        (
            re.compile(
                r"\bfile (?:this|it|that) (?:under|in|as|for)\b|\b(?:in|under|to) the \w+ (?:project|board)\b", re.I
            ),
            0.3,
        ),
        # Filing without the word "ticket": "open one on the X board", "raise another in OPS for Hana".
        (
            re.compile(
                r"\b(?:open|file|raise|log|create|start)\s+(?:up\s+)?(?:one|another(?:\s+one)?|a new one)\b"
                r"(?!\s+of\b)|\b(?:on|in|under|into)\s+(?:the\s+)?[A-Za-z]+\s+(?:board|queue)\b",
                re.I,
            ),
            0.3,
        ),
        # Filing what was just talked about, after a docs answer: "ok just file it now then: offboarding for X",
        # "go ahead and log that". Not "i'll file it myself" (the person's own plan) nor "file it under …" (above).
        (
            re.compile(
                r"(?<!\bi'll )(?<!\bi will )(?<!\bwe'll )(?<!\bto )(?<!\bgonna )"
                r"\b(?:file|log|lodge)\s+(?:it|that|this)\b"
                r"(?!\s+(?:under|in|as|for|myself|ourselves)\b)",
                re.I,
            ),
            0.3,
        ),
        # Saying where a piece of work stands: "starting the X today", "X is fixed and merged", "mark it as being
        # worked on", "Omar's taking over the Y work".
        (
            re.compile(
                r"\b(?:mark|set|put|move)\s+(?:it|this|that|them)\s+(?:as|to|in|into)\s+(?:being worked on|"
                r"in[\s-]?progress|in[\s-]?review|started|done|finished|fixed)\b|"
                r"\b(?:is|are|'s|got|been|was|were)\s+(?:now\s+)?(?:fixed|merged|shipped|deployed|patched)\b|"
                r"\b(?:fixed|merged)\s+(?:and|&)\s+(?:merged|deployed|shipped|released)\b|"
                r"\btak(?:e|es|ing)\s+over\s+(?:the|this|that|his|her|their|[\w-]+'s)\b|"
                r"\b(?:(?:i'?m|we'?re|i am|we are)\s+)?(?:starting|kicking off|beginning)\s+(?:on\s+|work on\s+)?"
                r"the\s+[\w-]+(?:\s+[\w-]+){0,4}\s+(?:work|upgrade|migration|fix|refactor|rollout|ticket|task|bug)\b",
                re.I,
            ),
            0.3,
        ),
        # Handing someone's unfinished work over: "whatever she's got that isn't done, give it to Noah".
        (
            re.compile(
                r"\b(?:whatever|everything|anything|all)\s+(?:that\s+)?(?:she|he|they|\w+)(?:'s|\s+has|\s+have)\s+"
                r"(?:got\s+)?(?:on\s+(?:her|his|their)\s+plate|open|that|which|left|in flight|in progress)\b|"
                r"\b(?:give|hand|pass|reassign|transfer)\s+(?:it|them|those|that)\s+(?:all\s+)?(?:over\s+)?to\s+"
                r"(?!(?:the\s+)?(?:meeting|calendar|invite))\w+",
                re.I,
            ),
            0.25,
        ),
        # Whether a problem is tracked or a request was dealt with: "is anyone tracking X?", "has anyone filed X?",
        # "did my request for Y ever get sorted?".
        (
            re.compile(
                r"\b(?:is|are)\s+(?:anyone|anybody|someone|somebody|we)\s+(?:already\s+)?(?:tracking|on top of|"
                r"fixing|handling)\b|\b(?:already\s+)?(?:being\s+)?tracked\b|"
                r"\b(?:has|have|did)\s+(?:anyone|anybody|someone|somebody|we)\s+(?:already\s+)?(?:filed|raised|logged|"
                r"reported|opened|written up)\b|"
                r"\b(?:my|our|the|her|his|their)\s+(?:\w+\s+)?(?:request|report|ticket)\s+(?:for|about|to|re)\b"
                r"[^.?!]*\b(?:sorted|done|fixed|resolved|handled|dealt with|closed|processed|looked at)\b",
                re.I,
            ),
            0.35,
        ),
        # Deadlines and priorities of work named only by a pronoun or a description: "bump it to highest", "mark
        # it done", "X and Y can both slip a week", "what's due tmrw across the boards".
        (
            re.compile(
                r"\b(?:bump|raise|drop|lower|set|make|move|put|change|escalate|knock)\s+(?:it|this|that|them|its\s+"
                r"priority|the\s+priority)\s+(?:up\s+|down\s+)?(?:to\s+|as\s+)?(?:the\s+)?(?:highest|lowest|high|low|"
                r"medium|urgent|critical|blocker|p[0-4]|top)\b|"
                r"\b(?:highest|lowest|high|low|medium|top)\s+(?:priority|prio|pri)\b|"
                r"\bmark\s+(?:it|this|that|them|both|all)\s+(?:of\s+them\s+)?(?:as\s+)?(?:done|complete(?:d)?|"
                r"finished|fixed|resolved|closed|blocked|started|in[\s-]?progress|in[\s-]?review)\b",
                re.I,
            ),
            0.3,
        ),
        (
            re.compile(
                # A deadline slips by a length of time; a meeting slipping is the calendar's.
                r"^(?![^.?!]*\b(?:meetings?|calls?|syncs?|1:1s?|invites?|events?|retros?|stand-?ups?|catch-?ups?|"
                r"check-?ins?|offsites?|appointments?|sessions?|interviews?|calendar)\b)[^.?!]*"
                r"\b(?:slip|slide)(?:s|ped|ping|d)?\s+(?:by\s+)?(?:a|an|one|two|three|four|five|six|\d+|a couple of|"
                r"another|a few)\s+(?:more\s+)?(?:days?|weeks?)\b|"
                r"\bdue\s+(?:tmrw|tmr|tmrow|2moro|2morrow|tomoz|soon|asap|eod|eow)\b|"
                r"\b(?:what(?:'s|s| is| are)|anything|everything|stuff|things|whatever(?:'s| is)?)\s+"
                r"(?:still\s+)?due\b",
                re.I,
            ),
            0.3,
        ),
        (
            re.compile(
                r"\b(?:all|every|each|across)\s+(?:of\s+)?(?:the\s+|our\s+)?(?:boards|projects|queues)\b",
                re.I,
            ),
            0.3,
        ),
        # Who is on a piece of work: "is sam still on it?", "if nobody's touching it i'll grab it", "the crash i
        # reported", "what's tom got open", "where's the badge one at?".
        (
            re.compile(
                r"\b(?:still|already|even)\s+(?:on|working on|looking at|handling)\s+(?:it|this|that)\b|"
                r"\b(?:nobody|no one|noone|anyone|anybody|someone|somebody)(?:'s|\s+is|\s+has)?\s+(?:been\s+)?"
                r"(?:touching|touched|working on|looking at|picked up|on)\s+(?:it|this|that)\b|"
                r"\bi(?:'ll|\s+can|\s+could|\s+will|\s+'d|\s+would)\s+(?:happily\s+)?(?:take|grab|pick up)\s+"
                r"(?:it|this|that)(?:\s+(?:over|on))?\b|"
                r"\b(?:i|we)\s+(?:reported|filed|raised|logged|opened|submitted)\b|"
                r"\b(?:got|have|has|having)\s+(?:still\s+)?(?:open|outstanding|on\s+(?:her|his|their|my)\s+plate|"
                r"in flight)\b(?!\s+(?:slots?|time|windows?|spots?|hours?|calendar|availability|on\b))|"
                r"^\W*where(?:'s|s|\s+is|\s+are)\s+(?:the|that|this|my|our|his|her|their)\s+(?:[\w'-]+\s+){0,6}?"
                r"(?!(?:meeting|call|sync|standup|stand-up|offsite|party|event|session|review|interview|dinner|lunch|"
                r"room|office|venue)s?\s)[\w'-]+\s+at\s*(?:[?.!,]|$|now|atm|right now)",
                re.I,
            ),
            0.3,
        ),
    ],
    "calendar": [
        # A person's own day or date is their agenda: "how's my thursday shaping up?", "what do I have going on on
        # the 24th?", "what have I got lined up for tomorrow".
        (
            re.compile(
                r"\bhow(?:'s|s| is| does| do| are)\s+(?:my|our)\s+(?:(?:next|this)\s+)?(?:day|week|weekend|morning|"
                r"afternoon|today|tomorrow|monday|tuesday|wednesday|thursday|friday|mon|tues?|wed|thu(?:rs)?|fri)\b|"
                # "how packed is my wednesday looking?": how full one's own day or week is.
                r"\bhow\s+(?:packed|busy|full|hectic|crammed|slammed|stacked|jammed|booked(?:\s+up)?)\s+(?:is|are|'s|does|do)"
                r"\s+(?:my|our)\s+(?:(?:next|this)\s+)?(?:day|week|weekend|morning|afternoon|today|tomorrow|monday|"
                r"tuesday|wednesday|thursday|friday|mon|tues?|wed|thu(?:rs)?|fri)\b|"
                r"\bwhat\s+(?:do|have|did|will)\s+(?:i|we)\s+(?:have|got)\s+(?:(?:going on|on|planned|booked|lined up|"
                r"scheduled|happening)\s+)?(?:(?:on|for|this|next)\s+)*(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)\b|today|"
                r"tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|weekend|week|(?:jan|feb|mar|apr|may|jun|jul|"
                r"aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b)",
                re.I,
            ),
            0.25,
        ),
        (
            re.compile(
                r"\b(meetings?|calendar|schedule|reschedule|events?|1:1|one-on-one|standup|sync|booked|"
                r"(?<!on )(?<!on-)call|invite|appointment|agenda|met with|have i met|when did i (?:last )?meet|diary|"
                r"got on|seeing|catch-?up|check-?in|retro|offsite|rename(?!.*\b[A-Z]+-\d+))\b",
                re.I,
            ),
            0.25,
        ),
        (
            re.compile(
                r"\b(\d{1,2}(:\d{2})?\s?(am|pm)|today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|"
                r"(?:mon|tue|tues|wed|thu|thurs|fri)(?= the \d|\s+(?:thru|through|to|-)\s)|the \d{1,2}(?:st|nd|rd|th)|"
                r"next week|this afternoon|this morning)\b",
                re.I,
            ),
            0.08,
        ),
        # "book a roadmap review with Hana on Dec 3 at 9 for 45 minutes": booking verbs with a time and a length.
        (
            re.compile(
                r"\b(?:book|schedule|set up|arrange|organi[sz]e|plan)\b(?!\s+(?:me\s+)?an?\s+(?:flight|hotel|"
                r"train|taxi|table|restaurant))",
                re.I,
            ),
            0.15,
        ),
        (
            re.compile(
                r"\b(?:at\s+\d{1,2}(?::\d{2})?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
                r"|\d+\s*(?:min(?:ute)?s?|hours?)|half an hour|an hour)\b",
                re.I,
            ),
            0.1,
        ),
        # Who is invited, whether a meeting is still on, moving something to a day and time, when people can meet.
        (
            re.compile(
                # "is the sync still on?" asks after a meeting; "is priya still on it?" asks who works on something.
                r"\b(?:invited|invitees|attendees|still on(?!\s+(?:it|this|that|them)\b)|town ?hall|qbr)\b|"
                # Moving a due date is a ticket change, whatever day it moves to.
                r"\b(?:move|push|shift|bring)\b(?![^.?!]*\bdue\b)[^.?!]*\bto\s+(?:\w+\s+)?(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)\b|"
                r"(?:mon|tue|wed|thu|fri|sat|sun)\w*\b[^.?!]*\d)|"
                # "pls move the review to thursday, it clashes w something": a thing that clashes is a meeting.
                r"\b(?:move|push|shift|bring|reschedule)\b(?![^.?!]*\bdue\b)[^?!]*\b(?:clash(?:es|ing)?|"
                r"double[- ]booked|conflicts? with|overlaps? with)\b|"
                r"\bwhen (?:could|can|would|are|is)\b[^.?!]*\b(?:\d+\s*(?:min(?:ute)?s?|hours?|hrs?)|free|meet)\b",
                re.I,
            ),
            0.2,
        ),
    ],
    "out_of_scope": [
        (
            re.compile(
                r"\b(?:write|compose|draft|generate)\s+(?:me\s+)?(?:an?\s+)?(?:\w+\s+){0,2}(?:poem|limerick|haiku|story|song|"
                r"essay|joke|rap|function|script|program|code|regex|sql query)\b",
                re.I,
            ),
            0.35,
        ),
        (
            re.compile(
                r"\b(?:share|stock) price|\bstock market\b|\bbitcoin\b|\bcrypto\b|\bweather\b|\brecipe\b|"
                r"\btranslate\b|\bhoroscope\b|\blottery\b|\bfootball\b|\bmovie\b",
                re.I,
            ),
            0.3,
        ),
        (
            re.compile(
                r"\b(?:send|write)\s+(?:an?\s+)?e-?mails?\s+to\b|\bemail (?:all|every|our customers)\b|"
                r"\b(?:order|buy) me\b|\bbook (?:me )?(?:a )?(?:flight|hotel|train|taxi|uber)\b",
                re.I,
            ),
            0.35,
        ),
    ],
    # Availability words only point at the calendar when no tickets are being talked about ("Sam has some free
    # time, give him Lee's tickets" is about tickets).
    # Calendar requests without a meeting word: answering an invitation ("can't make it, decline it"), asking for a
    # length of time with someone ("find 30 mins with Omar"), blocks of time on one's own calendar.
    "calendar_extra": [
        (
            re.compile(
                r"\b(?:decline|rsvp|(?:can'?t|cannot|won'?t|unable to)\s+(?:make|attend)\b)|"
                r"\b(?:find|grab|get)\s+(?:me\s+|us\s+)?(?:an?\s+)?(?:\d+|half|an?|one|two)[\s-]*(?:an?\s+)?"
                r"(?:min(?:ute)?s?|hours?|hrs?|h)\b[^.?!]{0,20}\b(?:with|w/?)\b|"
                r"\b(?:focus|time|calendar)\s+blocks?\b|\bfocus time\b|\bon my cal\b|"
                r"\b(?:windows?|slots?)\s+(?:with|w/?)\b",
                re.I,
            ),
            0.25,
        ),
    ],
    "calendar_availability": [
        (
            re.compile(r"\b(slots?|free|busy|availability|available)\b(?!.*\b(tickets?|tasks?|issues?|bugs?)\b)", re.I),
            0.25,
        ),
    ],
    "docs": [
        (
            re.compile(
                r"\b(policy|policies|handbook|guidelines?|process|procedure|benefits?|allowance|"
                r"leave|vacation|holidays?|per diem|expenses?|onboarding guide|wiki|docs?|documentation)\b",
                re.I,
            ),
            0.2,
        ),
        (
            re.compile(
                r"^(how (do|can|should|many|much)|what('s| is| are)? (the|our)|where (can|do|is)|"
                r"who (approves|do i)|is there a|am i allowed|can i)\b",
                re.I,
            ),
            0.12,
        ),
        # A personal situation and what the rules let one do about it, with no ticket or meeting in sight:
        # "my badge was stolen, what do I do?", "a client offered me a gift, can I keep it?".
        (
            re.compile(
                r"^(?!.*(?:\b[A-Za-z][A-Za-z0-9]{1,9}-\d+\b|\b(?:my|the|this|that|a|open|new)\s+(?:tickets?|issues?|bugs?)\b|"
                r"\b(?:meetings?|calendar|1:1)\b))"
                r".*\b(?:what (?:do|should|can|shall) i do|what can i do about|what are my options|"
                r"can i (?:accept|keep|take|claim|expense|bring|appeal)|am i allowed|"
                r"is (?:it|that|this) (?:ok|okay|allowed|fine|acceptable))\b",
                re.I,
            ),
            0.3,
        ),
    ],
}


_LEISURE_TICKETS = re.compile(
    r"\b((?:concert|cinema|movie|film|theat(?:re|er)|opera|show|gig|festival|match|game|football|sports?|stadium|"
    r"event|conference|train|plane|flight|bus|raffle|lottery|parking|speeding|museum|vip|season))\s+tickets?\b",
    re.I,
)


@dataclass(frozen=True)
class IntentScore:
    """A label with its combined score."""

    label: str
    score: float

    @property
    def route(self) -> str:
        """The route part of ``route.action``."""
        return self.label.split(".", 1)[0]


@dataclass(frozen=True)
class IntentResult:
    """Ranked labels and how sure the classifier is."""

    ranked: list[IntentScore]

    @property
    def best(self) -> IntentScore:
        """The top label."""
        return self.ranked[0]

    @property
    def margin(self) -> float:
        """Gap between the best label and the best label of another route."""
        top = self.ranked[0]
        for other in self.ranked[1:]:
            if other.route != top.route:
                return top.score - other.score
        return top.score

    @property
    def confident(self) -> bool:
        """Whether the top route is clear enough to act on without asking a bigger model."""
        return self.best.score >= 0.45 and self.margin >= 0.08

    def route_scores(self) -> dict[str, float]:
        """Best score per route."""
        scores: dict[str, float] = {}
        for item in self.ranked:
            scores.setdefault(item.route, item.score)
        return scores


class IntentClassifier:
    """k-nearest-examples classifier over WordLlama embeddings, plus keyword cues per route."""

    def __init__(self, examples: dict[str, list[str]] | None = None, *, k: int = 3) -> None:
        self._examples = examples or EXAMPLES
        self._k = k
        self._labels: list[str] = []
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()

    def _ensure_index(self) -> np.ndarray:
        if self._matrix is None:
            with self._lock:
                if self._matrix is None:
                    labels, texts = [], []
                    for label, phrases in self._examples.items():
                        for phrase in phrases:
                            labels.append(label)
                            texts.append(phrase)
                    self._labels = labels
                    self._matrix = embed(texts)
        return self._matrix

    def classify(self, text: str) -> IntentResult:
        """Score every label for ``text`` (already cleaned of mentions and truncated)."""
        matrix = self._ensure_index()
        # "concert tickets", "train tickets": tickets that are not tracked work say nothing about the tracker.
        text = _LEISURE_TICKETS.sub(lambda m: m.group(1) + " passes", text)
        query = embed([text])[0]
        sims = matrix @ query
        by_label: dict[str, list[float]] = {}
        for label, sim in zip(self._labels, sims, strict=True):
            by_label.setdefault(label, []).append(float(sim))
        scores: dict[str, float] = {}
        for label, values in by_label.items():
            top = sorted(values, reverse=True)[: self._k]
            scores[label] = float(np.mean(top))
        for route, cues in _ROUTE_CUES.items():
            bonus = sum(weight for pattern, weight in cues if pattern.search(text))
            if bonus:
                target = "calendar" if route.startswith("calendar_") else route
                for label in scores:
                    if label == target or label.startswith(target + "."):
                        scores[label] += bonus
        if TICKET_KEY.search(text) and not _ROUTE_CUES["calendar"][0][0].search(text):
            for label in scores:
                if label.startswith("tickets."):
                    scores[label] += 0.3
        ranked = sorted((IntentScore(label, s) for label, s in scores.items()), key=lambda x: -x.score)
        return IntentResult(ranked)


_shared: IntentClassifier | None = None
_shared_lock = threading.Lock()


def shared_classifier() -> IntentClassifier:
    """One classifier per process: its example index is built on first use."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = IntentClassifier()
    return _shared
