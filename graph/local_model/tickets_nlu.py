"""Reading a ticket request into a frame: what to do, to which tickets, with which values.

Each slot has its own small parser so they compose: "reassign OPS-3 to Tom and make it urgent" fills key,
assignee and priority independently of how the sentence is ordered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.local_model.intents import TICKET_KEY
from graph.local_model.lexicon import Lexicon
from graph.local_model.text import mentioned_user_ids
from graph.local_model.ticket_clauses import (
    names_an_owner,
    note_from_context,
    owner_clause,
    ticket_to_task,
    without_assigning_clause,
)
from graph.local_model.ticket_musings import is_musing, without_own_plan_clause, without_side_remarks
from graph.local_model.ticket_topic import kind_only
from graph.parsing.datetimes import day_span

TicketAction = str  # create | search | get | update | comment | close

_PRIORITY_WORD = r"highest|high|medium|normal|low|lowest|urgent|critical|blocker|trivial|minor|p[0-5]"
_PRIORITY_PATTERNS = [
    re.compile(rf"\b({_PRIORITY_WORD})[\s-]+(?:priority|prio|pri)\b", re.I),
    re.compile(rf"\b(?:priority|prio)\s*(?:to|of|is|as|=|:)?\s*({_PRIORITY_WORD})\b", re.I),
    re.compile(r"\b(urgent|critical|blocker|asap)\b", re.I),
    # "raise the priority of ENG-3 to high", "set the prio on it to p1": the ticket between noun and level
    re.compile(
        rf"\b(?:priority|prio)\s+(?:of|on|for)\s+(?:[A-Z][A-Z0-9]+-\d+|it|this|that|this one|that one|the ticket)"
        rf"\s+(?:to|as|up to|down to)\s+({_PRIORITY_WORD})\b",
        re.I,
    ),
]
# "top priority", "max prio": the highest level, whatever the tracker calls it.
_TOP_PRIORITY = re.compile(r"\b(?:top|max(?:imum)?|the highest)[\s-]+(?:priority|prio|pri)\b", re.I)
# "ENG-9 should be highest", "this needs to be low": the priority it ought to have.
_PRIORITY_SHOULD_BE = re.compile(
    rf"\b(?:should|must|needs? to|has to|ought to|deserves to)\s+be\s+(?:at\s+|an?\s+)?({_PRIORITY_WORD})\b"
    r"(?!\s+(?:on|in|by|for|to)\b)",
    re.I,
)
_PRIORITY_AFTER_VERB = re.compile(
    rf"\b(?:make|set|mark|bump|raise|lower|drop|change)\s+(?:it|this|that|the ticket|[A-Z][A-Z0-9]+-\d+)?\s*"
    rf"(?:to|as|up to|down to)?\s*({_PRIORITY_WORD})\b",
    re.I,
)

_STATUS_WORDS = (
    r"in[\s-]?progress|in[\s-]?review|review|backlog|done|closed|resolved|complete(?:d)?|"
    r"to[\s-]?do|todo|finished|started|wip|doing|being worked on|underway|under way|open"
)
_STATUS_TARGET = re.compile(rf"\b(?:to|as|into|back to|back in|status)\s+(?:the\s+)?({_STATUS_WORDS})\b", re.I)
_STATUS_FILTER = re.compile(rf"\b({_STATUS_WORDS})\b", re.I)

# A create request names the verb and a new thing: "open a ticket", "file this as a bug", "new issue:".
# "open" needs an article so that "any open tickets?" stays a search.
_CREATE = re.compile(
    r"(?<![\w-])(?:(?:file|raise|log|create|submit|report|make|start|add|put in|write up|track|need|want)"
    r"(?:\s+(?:me|up|this|it|that))?(?:\s+as)?\s+(?:a|an|one|another|new|the|this)?|"
    r"open\s+(?:up\s+)?(?:a|an|one|another|new)|^new|\bnew)\b"
    r"[^.?!\n]{0,30}?\b(tickets?|issues?|bugs?|tasks?|requests?|incidents?)\b",
    re.I,
)
_CREATE_LEAD = re.compile(
    r"^(?:(?:and|also|plus)\s+)?(?:another\s+(?:one|ticket|issue|bug)\s*[:\-—]\s*)?"
    r"(?:(?:hey|hi|ok|okay|so|please|pls|can you|could you|would you|will you|can u|i'd like you to|"
    r"i need you to|i want you to|go ahead and|let's|lets|kindly)[\s,]+)*"
    r"(?:please\s+)?(?:open|file|raise|log|create|submit|make|start|add|put in|write up|track|report|"
    r"i need to report|i want to report|i'd like to report|"
    r"(?:i|we) (?:need|want|have) to (?:open|file|log|raise|create|add|make|put in|submit|track)|"
    r"i'd like to (?:open|file|log|raise|create|add|make|submit)|i need|i want|we need|new)"
    r"\b\s*"
    r"(?:(?:me|up|this|it)\s+)?(?:as\s+)?(?:(?:a|an|the|one|another)\s+)?(?:(?:new|quick|separate)\s+)?"
    r"(?:(?:" + _PRIORITY_WORD + r")[\s-]+(?:priority|prio)\s+)?"
    r"(?:(?:it|it request|it support|support|ops|engineering|design|people)\s+)?"
    r"(?:(?:tickets?|issues?|bugs?|tasks?|requests?|incidents?)\b\s*)?"
    r"(?:(?:for|about|on|regarding|re|that says|saying|to say|that|called|titled|named|with)\b|[:\-—])?\s*",
    re.I,
)
_TRACK_AS = re.compile(r"^track this as an? (?:bug|issue|ticket)\s*[:\-]?\s*", re.I)
_TRAILING_ASK = re.compile(
    r"[,.;]?\s*(?:can|could|would) (?:someone|somebody|you|anyone|we)\b.*$|"
    r"[,.;]?\s*(?:please|pls|thanks|thank you|thx|asap)[.!]*$",
    re.I,
)
# A problem stated first, then a request for someone to look at it.
_HELP_ASK = re.compile(
    r"\w.{8,}?[,.;!?]\s*(?:can|could|would) (?:someone|somebody|anyone|you|u) (?:please )?"
    r"(?:look|check|fix|help|have a look|take a look)\b",
    re.I,
)
_SEARCH_START = re.compile(r"^\W*(?:show|list|find|search|which|what|any|is there|are there|do we have)\b", re.I)
_COMMENT = re.compile(
    r"\b(comment|add (?:a )?note|leave (?:a )?(?:note|comment)|reply|post (?:an? )?update|note on|update .* with)\b",
    re.I,
)
_COMMENT_BODY = re.compile(
    r"(?:comment(?:ing)?|note|reply|update|say)\s*(?:on|to)?\s*"
    r"(?:[A-Z][A-Z0-9]+-\d+|it|this|that(?: one)?|this one|the (?:existing |old |other )?(?:ticket|one)|there)?"
    r"\s*(?:that|saying|to say|with|asking|:|-)\s*(.+)$",
    re.I | re.S,
)
_CLOSE = re.compile(
    r"\b(close|closing|resolve|resolving|shut|wrap up|complete|finish)\b|"
    r"\b(?:mark|set|move)\b.{0,30}\b(?:as |to )?(done|closed|resolved|complete|completed|fixed|finished)\b|"
    r"\bcan be closed\b|\bis (?:fixed|resolved|done)\b",
    re.I,
)
_ASSIGN_TO = re.compile(
    r"\b(?P<verb>assign(?:ed)?|re-?assign(?:ed)?|give|hand(?:\s+it)?(?:\s+over)?|pass|route|send|transfer|move)\b"
    r"(?:\s+(?:it|this|that|them|the ticket|[A-Z][A-Z0-9]+-\d+(?:\s*(?:,|and)\s*[A-Z][A-Z0-9]+-\d+)*))?"
    r"\s+(?:over\s+)?to\s+(?P<target>.+)$",
    re.I,
)
_SELF_TAKE = re.compile(
    r"\b(?:i'?m|i am|i'll|i will|let me)\s+(?:pick(?:ing)?|tak(?:e|ing)|grab(?:bing)?|own)\b|"
    r"\bassign (?:it |this )?to me\b|\bassign me\b",
    re.I,
)
_UNASSIGN = re.compile(
    r"\bun-?assign\b|\bassign(?:ed)? to (?:nobody|no one|none)\b|\btake (?:me|him|her|them|[a-z]+) off\b|"
    r"\bleave (?:it|this|that|them) unassigned\b|\bremove (?:me|him|her|them) (?:from|as)\b",
    re.I,
)
_RENAME = re.compile(
    r"\b(?:rename|retitle|re-title)\b(?:\s+(?:it|this|that|[A-Z][A-Z0-9]+-\d+))?\s+(?:to|as)\s+(.+)$|"
    r"\b(?:change|update|set)\s+the\s+(?:title|name|summary)(?:\s+of\s+(?:it|[A-Z][A-Z0-9]+-\d+))?\s+to\s+(.+)$|"
    r"\b(?:call|title|name)\s+it\s+(.+)$",
    re.I,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
)
# A date as people type it after "by": "fri the 27th", "thurs", "dec 1st", "1 dec", "the 4th", "end of next week".
_DATE_AFTER_BY = (
    rf"(?:(?:next\s+|this\s+)?{_WEEKDAY}(?:\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?(?:\s+(?:of\s+)?{_MONTH})?)?|"
    rf"tomorrow|end of (?:the |this |next )?(?:week|month)|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}|\d{{4}}-\d{{2}}-\d{{2}}|the\s+\d{{1,2}}(?:st|nd|rd|th))"
)
_DUE = re.compile(
    r"\b(?:due(?:\s+date)?|deadline)(?:\s+of\s+(?:[A-Z][A-Z0-9]+-\d+|it|this|that|the ticket))?"
    r"(?:\s+(?:on|by|is|of|to|for|date|until|till))*\s+(.+?)(?=$|[,.;!?+&]|\s+(?:and|with|"
    rf"assign|assigned|for|in the|priority|across|over all|on all|in all)\b)|\bby\s+({_DATE_AFTER_BY})(?![\w-])",
    re.I,
)
# "push the due date on my expense report to a week from today", "move the deadline for the postgres upgrade to
# dec 3": the ticket, described, between the due-date noun and the new date.
_DUE_ON_TICKET = re.compile(
    r"\b(?:due(?:\s+date)?|deadline)\s+(?:on|of|for)\s+(?P<what>(?:my|our|the|his|her|their)\s+(?:[\w'-]+\s+){0,6}?"
    r"[\w'-]+)\s+(?:(?:out|back|in|forward)\s+)?(?:to|until|till)\s+(?P<when>[^,.;!?]+?)\s*"
    r"(?=$|[,.;!?]|\s+(?:and|pls|please|thanks|so|since|because|as)\b)",
    re.I,
)
_FINISHED_BY = re.compile(
    r"\b(?:done|finished|complete(?:d)?|closed(?:\s+out)?|wrapped\s+up|resolved|sorted|shipped)\s+"
    rf"(?=(?:by|before)\s+{_DATE_AFTER_BY}(?![\w-]))",
    re.I,
)
# "needs fixing by fri", "has to be done by the 4th", "should be sorted by dec 3": a deadline, no part of a title.
_DEADLINE_CLAUSE = re.compile(
    r"[,;.]?\s*(?:\b(?:and\s+)?(?:it|this|that)\s+)?\b(?:needs?|has to|have to|must|should|got to|gotta)\s+"
    rf"(?:to\s+)?(?:be\s+)?(?:[\w']+\s+){{0,2}}?(?:by|before)\s+{_DATE_AFTER_BY}(?![\w-])",
    re.I,
)
_REFERS_BACK = re.compile(
    r"\b(it|this|that(?!\s+(?:are|aren't|is|isn't|were|was|have|haven't|has|hasn't|had|i|we|you|they|he|she|"
    r"nobody|no one|need|needs|still|don't|doesn't|did|were|got)\b)"
    # "anything tagged X that's still in backlog": a relative clause, like "that is still", points at nothing.
    r"(?!['’]s\s+(?:still|been|sitting|stuck|not|assigned|due|overdue|waiting|open|labell?ed|tagged)\b)|"
    r"this one|that one|the ticket|the issue|the bug|same ticket)\b",
    re.I,
)
_SEARCH = re.compile(
    r"\b(show|list|find|search|look up|lookup|what|which|any|anything|how many|do we have|is there|are there|"
    r"working on|assigned to|my tickets|my issues|open tickets|overdue)\b",
    re.I,
)
_SEARCH_TEXT = re.compile(
    r"\b(?:about|mentioning|regarding|re|on|for|with|containing|matching|titled|called)\s+"
    r"(?:the\s+|a\s+|an\s+)?(.+?)(?=\?|[.!;](?:\s|$)|$)",  # the topic ends with its sentence
    re.I,
)
_POSSESSIVE = re.compile(
    r"\b([A-Za-z][A-Za-z-]+)'s\s+(?:open\s+|current\s+|)?(?:tickets?|issues?|bugs?|tasks?|work)", re.I
)
_WORKING_ON = re.compile(
    r"\b(?:is|are)\s+([A-Za-z][A-Za-z-]+(?:\s+[A-Za-z][A-Za-z-]+)?)\s+(?:working on|doing|"
    r"assigned)\b",
    re.I,
)
_MY = re.compile(
    r"\b(my|mine|(?<!show )(?<!tell )(?<!give )(?<!find )(?<!get )(?<!let )(?<!send )me|i'm|i am|"
    r"assigned to me|do i have|i have|i own|am i on)\b",
    re.I,
)
_UNASSIGNED_FILTER = re.compile(
    r"\b(?:unassigned|unowned|nobody(?:'s)?(?:\s+(?:is\s+)?on\s+(?:it|them))?|no[\s-]?one(?:'s)?"
    r"(?:\s+(?:is\s+)?on\s+(?:it|them))?|not assigned(?:\s+to\s+any(?:one|body))?|"
    r"(?:with\s+)?no\s+(?:owner|assignee)s?|without\s+(?:an?\s+)?(?:owner|assignee)s?|"
    r"(?:that|which)\s+(?:has|have)\s+no\s+(?:owner|assignee)s?|"
    r"without\s+(?:anyone|anybody|someone|somebody)\s+(?:assigned|on\s+(?:it|them)|owning\s+(?:it|them))|"
    r"(?:no\s?one|nobody)\s+(?:assigned|owns\s+(?:it|them)))\b",
    re.I,
)
# Time filler that is no filter: "what is Priya working on atm?", "which are overdue right now?".
_FILLER = re.compile(
    r"\b(?:atm|rn|right now|just now|currently|at the moment|at present|as of (?:now|today)|these days|"
    r"for now|so far|still|yet|now)\b",
    re.I,
)
# "waiting on a review", "awaiting review", "needs a review", "up for review": the In Review status.
_REVIEW_WAIT = re.compile(
    r"\b(?:waiting|wait)\s+(?:on|for)\s+(?:an?\s+|the\s+)?(?:code\s+)?reviews?\b|\bawaiting\s+(?:an?\s+)?"
    r"(?:code\s+)?reviews?\b|\bneeds?\s+(?:an?\s+)?(?:code\s+)?reviews?\b|\bup\s+for\s+review\b|"
    r"\bunder\s+review\b|\bbeing\s+reviewed\b",
    re.I,
)
# "has no due date", "without a deadline", "undated".
NO_DUE_DATE = re.compile(
    r"\b(?:(?:that|which)\s+(?:has|have)\s+no|(?:with\s+)?no|without\s+(?:an?\s+)?|missing\s+(?:an?\s+)?)"
    r"\s*(?:due\s+dates?|deadlines?)\b|\b(?:undated|no\s+due)\b|\b(?:has|have)n'?t\s+(?:got\s+)?"
    r"(?:an?\s+)?(?:due\s+dates?|deadlines?)\b"
    # "which tickets don't have a due date at all?", "that doesn't have any deadline"
    r"|\b(?:do|does)(?:n'?t|\s+not)\s+(?:have|carry|show)\s+(?:an?\s+|any\s+)?(?:due\s+dates?|deadlines?)"
    r"(?:\s+at\s+all|\s+set|\s+yet)?\b",
    re.I,
)
# "who's handling the SSO setup for the expense tool?": who owns a piece of work, which its ticket says.
_WHO_HANDLES = re.compile(
    r"^\W*who(?:'s|s|\s+is|\s+are)\s+(?:currently\s+|now\s+)?(?:handling|working on|looking (?:into|at)|"
    r"on top of|taking care of|dealing with|fixing|doing)\s+(?P<what>.+?)\s*\??\s*$",
    re.I,
)
# "is anyone already tracking the X?", "are we on top of Y?": whether a ticket about it exists.
_TRACKING = re.compile(
    r"^\W*(?:is|are)\s+(?:anyone|anybody|someone|somebody|we)\s+(?:already\s+)?(?:tracking|on top of|handling|"
    r"fixing|looking (?:at|into))\s+(?P<what>.+?)\s*\??\s*$|"
    r"^\W*(?:is|are)\s+(?P<what2>.+?)\s+(?:already\s+)?(?:being\s+)?tracked\b",
    re.I,
)
# "do we already have a ticket for X?", "has anyone filed X yet?", "is there an issue about X": whether a ticket
# exists is a lookup, even when the message goes on to mention filing ("don't want to file a dupe").
_EXISTS = re.compile(
    r"^\W*(?:(?:hey|hi|hiya|ok|okay|so|quick q(?:uestion)?|sanity check|before i file)[\s,:!-]+)*"
    r"(?:(?:(?:do|does|did)\s+(?:we|you|they|anyone|anybody|someone|somebody)\s+(?:already\s+)?(?:have|got)|"
    r"have\s+we\s+(?:already\s+)?got|(?:is|are)\s+there(?:\s+already)?)\s+"
    r"(?:an?\s+|any\s+|one\s+|the\s+)?(?:existing\s+|open\s+)?(?:tickets?|issues?|bugs?|tasks?|requests?)"
    r"(?:\s+already)?\s+(?:open\s+)?(?:for|about|on|re|regarding|covering|tracking|that covers)\s+|"
    r"(?:has|have|did)\s+(?:anyone|anybody|someone|somebody|we|you)\s+(?:already\s+)?(?:filed|raised|opened|logged|"
    r"reported|created|written up|put in)\s+(?:(?:an?|any)\s+(?:tickets?|issues?|bugs?)\s+(?:for|about|on|re)\s+)?)"
    r"(?P<what>[^?.!\n]+)",
    re.I,
)
# "the bugs i raised with eng", "that i opened last week", "Maya's filed a few": tickets somebody already filed.
# Past tense about the speaker (or a named person) means existing tickets, so without a creating verb phrase the
# message asks about them (a search by reporter), never for a new ticket titled with the question.
_ALREADY_FILED = re.compile(
    r"\b(?P<who>i|we|[a-z][\w-]+)(?:'ve|\s+have|\s+has|'s)?\s+(?:already\s+|just\s+|recently\s+)?"
    r"(?:raised|filed|reported|opened|logged|submitted|put in|created|flagged)\b",
    re.I,
)


def _filer(who: str, lexicon: Lexicon) -> str | None:
    """The filer a "<who> reported/raised" phrase names: "me" for the speaker (i/we), a known person, else None."""
    if who.lower() in {"i", "we"}:
        return "me"
    return who if lexicon.is_person(who) else None


def _filed_by(text: str, lexicon: Lexicon) -> str | None:
    """Who filed the tickets a message is about ("i raised" → "me", "priya filed" → "priya"), or None."""
    for m in _ALREADY_FILED.finditer(text):
        filer = _filer(m.group("who"), lexicon)
        if filer:
            return filer
    return None


# "is there a ticket for X? if not, open one": the lookup comes first, but a conditional create is a create.
_IF_NOT = re.compile(r"\b(?:if not|if there isn'?t|if none|otherwise|else)\b", re.I)


def is_existence_question(text: str) -> bool:
    """True for "do we already have a ticket for X?" and the like, unless it goes on "if not, file one"."""
    return bool(_EXISTS.search(text) or _TRACKING.search(re.split(r"(?<=[?.!])\s+", text.strip())[0])) and not (
        _IF_NOT.search(text)
    )


# -- the speaker's own plan to file, and the lookup they ask for -------------------------------------------------
# "before i file a ticket, can you check if there's one for the vpn?": the clause about filing is the speaker's own
# plan or condition, so it is no request to create; the request is the other clause, a lookup about its topic.
_FILE_VERB = r"(?:file|open|raise|log|create|submit|put in|write up|report|make|add|start)"
_FILE_VERB_ING = r"(?:filing|opening|raising|logging|creating|submitting|putting in|writing up|reporting|making)"
# Where a plan clause ends: punctuation, a dash, "but", or the start of the request beside it.
_PLAN_END = (
    r"[^,;:?!.\n]*?(?=[,;:?!.\n]|\s[-–—]+\s|\s+(?:but|so|can|could|would|will|pls|please|check|see|look|is|are|"
    r"do|does|did|has|have)\b|$)"
)
_OWN_PLAN = re.compile(
    r"(?:"
    # "before I file a ticket", "before raising one"
    rf"\bbefore\s+(?:(?:i|we)\s+(?:go\s+(?:and\s+)?)?{_FILE_VERB}|{_FILE_VERB_ING})\b"
    # "I was going to raise a ticket", "about to log a bug", "we're planning to open one"
    rf"|(?:\b(?:i|we)(?:'m|'re|\s+am|\s+are|\s+was|\s+were)?\s+|^\W*)(?:just\s+)?(?:going to|gonna|about to|"
    rf"planning (?:to|on)|meaning to|thinking (?:of|about)|intending to|ready to)\s+(?:{_FILE_VERB}|{_FILE_VERB_ING})\b"
    # "so I don't file a duplicate", "I don't want to open a dupe", "rather than filing another"
    rf"|\bso\s+(?:that\s+)?(?:i|we)\s+(?:don'?t|do not|won'?t|will not|dont)\s+(?:end up\s+)?(?:{_FILE_VERB}|"
    rf"{_FILE_VERB_ING})\b"
    rf"|\b(?:to avoid|(?:i|we)\s+(?:don'?t|do not|dont)\s+want to|(?:i|we)'?d rather not|rather than|instead of)"
    rf"\s+(?:{_FILE_VERB}|{_FILE_VERB_ING})\b"
    # "if there isn't one already I'll open a ticket": a condition on what the speaker will do
    rf"|\b(?:if|in case|unless)\b[^,;:?!.\n]{{0,50}}?\b(?:i|we)(?:'ll|'d|\s+will|\s+would|\s+can|\s+could|\s+shall)"
    rf"\s+(?:just\s+|then\s+|go ahead and\s+)?{_FILE_VERB}\b"
    # "I'll open one if there's nothing", "we'll log it otherwise"
    rf"|\b(?:i|we)(?:'ll|\s+will|\s+can)\s+(?:just\s+|then\s+)?{_FILE_VERB}\b[^,;:?!.\n]{{0,30}}?"
    rf"\b(?:if|otherwise|unless)\b"
    rf"){_PLAN_END}",
    re.I,
)
# "check if there's a ticket for X and assign it to me": a change to what is found, which other rules read.
_CHANGE_VERB = r"(?:assign|give|set|make|mark|close|comment|add|put|move|bump|tag|label|let|tell|ping)\b"
_THEN_CHANGE = re.compile(r"^\s*,?\s*and\s+(?:then\s+)?" + _CHANGE_VERB, re.I)
# What a lookup asks about ends with its clause, or where a condition or the speaker's plan begins.
_TOPIC = (
    r"(?P<what>[^?.!\n,;:]+?)(?=\s*(?:[?.!\n,;:]|\s[-–—]+\s|\b(?:and\s+)?(?:if|otherwise|else|before|so that|"
    r"so (?:i|we)|i (?:don'?t|dont) want|already|yet)\b|" + r"\band\s+(?:then\s+)?" + _CHANGE_VERB + r"|$))"
)
_TICKET_NOUN = r"(?:tickets?|issues?|bugs?|tasks?|requests?)"
# "can you check if there's one for X", "see whether someone reported X", "check for an existing ticket about X",
# "does anyone already have one for X": a request to look for the ticket, not to file one.
_CHECK_EXISTS = re.compile(
    r"^\W*(?:(?:and|also|so|then|pls|please|just|quickly|hey|ok|okay|can you|could you|would you|will you|"
    r"can u|could u)[\s,]+)*"
    r"(?:(?:check|see|look|find out|verify|confirm|double[\s-]?check|search|make sure)\s+(?:up\s+)?"
    r"(?:(?:for|whether|if|to see (?:if|whether)|on whether)\s+)?"
    r"|(?=(?:is|are|does|do|has|have|did)\b))"
    r"(?:"
    r"(?:there(?:'s|s|\s+is|\s+are|'re)|(?:is|are)\s+there)\s+(?:already\s+)?(?:an?\s+|any\s+|one\s+)?"
    rf"(?:existing\s+|open\s+)?(?:{_TICKET_NOUN}\s+|one\s+)?(?:already\s+)?(?:open\s+)?"
    r"|(?:does|do|has|have|did)?\s*(?:we|anyone|anybody|someone|somebody|they)(?:'s|'ve)?\s+(?:already\s+)?"
    rf"(?:has\s+|have\s+)?(?:already\s+)?(?:got|have|has)\s+(?:an?\s+|any\s+|one\s+)?(?:existing\s+|open\s+)?"
    rf"(?:{_TICKET_NOUN}\s+|one\s+)?(?:already\s+)?(?:open\s+)?"
    rf"|(?:an?\s+|any\s+)?(?:existing\s+|open\s+)?{_TICKET_NOUN}\s+(?:already\s+)?"
    r"|(?:anything|something)\s+(?:open\s+|filed\s+|already\s+)*"
    r")"
    r"(?:for|about|on|re|regarding|covering|that covers|tracking)\s+" + _TOPIC,
    re.I,
)
# "see whether someone reported X", "check if anyone has already filed X"
_CHECK_REPORTED = re.compile(
    r"^\W*(?:(?:and|also|so|then|pls|please|just|quickly|can you|could you|would you|will you|can u)[\s,]+)*"
    r"(?:check|see|look|find out|verify|confirm|double[\s-]?check|make sure)\s+(?:(?:whether|if|to see (?:if|whether))"
    r"\s+)?(?:we|anyone|anybody|someone|somebody|they)(?:'s|'ve|\s+has|\s+have)?\s+(?:already\s+)?"
    r"(?:filed|raised|opened|logged|reported|created|written up|put in|flagged)\s+"
    rf"(?:(?:an?|any)\s+{_TICKET_NOUN}\s+(?:for|about|on|re)\s+)?" + _TOPIC,
    re.I,
)
# "… and if there isn't one, open it", "if not, file one": the speaker asks deskhand to file when nothing exists.
# A subject ("I'll open one") makes it the speaker's own plan instead, which _OWN_PLAN removes first.
_FILE_IF_NONE = re.compile(
    r"\b(?:if not|if none|otherwise|else|if (?:there(?:'s|\s+is|\s+are)\s+(?:none|nothing|no\b)|"
    r"there\s+(?:isn'?t|aren'?t)|nothing|none|no one|nobody)\b"
    r"(?:(?!\b(?:i|we)\b)[^,;.?!\n]){0,40}?)[\s,;:-]*"
    r"(?:(?:please|pls|just|then|go ahead and|can you|could you|you can|feel free to)\s+)*"
    rf"{_FILE_VERB}\b",
    re.I,
)


_POINTER = r"(?:it|this|that|one|them|this one|that one)"
# "is there one already?", "has anyone reported it?", "check first": a lookup that names no topic of its own.
_BARE_CHECK = re.compile(
    r"^\W*(?:(?:can you|could you|please|pls|just|so|and)\s+)*(?:(?:check|see|look)\s+(?:first|(?:if|whether)\b)|"
    r"(?:is|are)\s+there\s+(?:already\s+)?(?:one|any|an existing one|an?\s+(?:existing\s+)?"
    + _TICKET_NOUN
    + r")\b|does\s+(?:one|it)\s+(?:already\s+)?exist)",
    re.I,
)
# What a plan to file names: "about to file a bug for X".
_PLAN_TOPIC = re.compile(r"\b(?:for|about(?!\s+to\b)|on|regarding)\s+(?:the\s+|a\s+|an\s+)?" + _TOPIC, re.I)
# "if there isn't one already, can you open a ticket for X": a condition on the create, which the create tool's
# duplicate check already honours; it is never the title.
_NONE_YET = re.compile(
    r"\b(?:if|unless|in case)\s+(?:there(?:'s|\s+is|\s+are)\s+(?:none|nothing|no\s+\w+)|there\s+(?:isn'?t|aren'?t)"
    r"(?:\s+(?:one|any|a ticket))?|(?:nobody|no one)\s+(?:has|'s)\s+(?:filed|raised|logged|opened|reported)"
    r"(?:\s+(?:one|it|this))?)(?:\s+(?:already|yet))?\s*[,;:-]?\s*",
    re.I,
)


# "check if there's a ticket for X? if there is, bump it to highest": a change to make only when the lookup finds
# one; its words are no search filters.
_IF_FOUND = re.compile(
    r"(?:^|[,;.?!]\s*|\s[-–—]+\s*|\s(?:and|but)\s+)(?:and\s+)?(?:if\s+(?:there\s+is|there'?s\s+one|there\s+are|so|yes|yeah|it\s+exists|"
    r"one\s+exists|you\s+find\s+(?:one|it)|it'?s\s+there|any|found)|in\s+that\s+case)\b\s*,?\s*(?:then\s+)?"
    r"(?P<change>[^?.!\n]*)",
    re.I,
)


# "…? it happened to me too", "same here": the speaker has the problem too; no filter on whose tickets to list.
_ME_TOO = re.compile(
    r"\b(?:(?:it|this|that)\s+)?(?:happen(?:s|ed|ing)|occurr?(?:s|ed))\s+to\s+me(?:\s+(?:too|as well|also))?\b"
    r"|\bme\s+too\b|\bsame\s+(?:here|for me|with me)\b"
    r"|\bi(?:'m|\s+am|'ve|\s+have)\s+(?:been\s+)?(?:seeing|having|getting|hitting|had|seen|got)\s+(?:it|this|that|"
    r"the same(?:\s+thing)?)(?:\s+(?:too|as well|also))?\b",
    re.I,
)


@dataclass(frozen=True)
class Lookup:
    """A request to look for an existing ticket, with what it is about."""

    topic: str
    """The phrase naming what the ticket is about, as written ("the vpn dropping")."""
    file_if_none: bool
    """The person also asked deskhand to file one when none exists."""


def without_own_plan(text: str) -> str:
    """``text`` without clauses stating the speaker's own plan to file ("before I log one", "so I don't file a
    dupe"); each leaves a comma so that the clause beside it still starts a clause."""
    return _OWN_PLAN.sub(", ", text)


def _topic_words(topic: str, lexicon: Lexicon) -> str | None:
    """A lookup's subject as search words: no articles, filler or people ("the VPN dropping" → "VPN dropping")."""
    words = [
        w
        for w in re.findall(r"[\w'-]+", topic)
        if w.lower() not in _STOPWORDS | _DESCRIPTION_STOP and not lexicon.is_person(w)
    ]
    return " ".join(words[:6]) or None


def find_lookup(text: str) -> Lookup | None:
    """The lookup a message asks for ("can you check if there's one for the vpn?"), or None.

    Clauses stating the speaker's own plan are removed first, so their filing verbs neither read as a request to
    create nor hide the lookup; a bare statement with no lookup clause is left to the other rules. A lookup that
    only points ("has anyone reported it?") is about what the plan names ("about to file a bug for X").
    """
    rest = without_own_plan(text)
    pointing = False
    for clause in re.split(r"(?<=[?!.])\s+|[,;]|\s[-–—]+\s|\bbut\b", rest):
        m = _CHECK_EXISTS.search(clause) or _CHECK_REPORTED.search(clause) or _EXISTS.search(clause)
        if m and _THEN_CHANGE.match(clause[m.end("what") :]):
            return None
        topic = " ".join(m.group("what").split()).strip(" -—") if m else ""
        if topic and not re.fullmatch(_POINTER, topic, re.I):
            return Lookup(topic=topic, file_if_none=bool(_FILE_IF_NONE.search(rest)))
        pointing = pointing or bool(topic) or bool(_BARE_CHECK.search(clause))
    if pointing:
        for plan in _OWN_PLAN.finditer(text):
            named = _PLAN_TOPIC.search(plan.group(0))
            if named:
                return Lookup(
                    topic=" ".join(named.group("what").split()), file_if_none=bool(_FILE_IF_NONE.search(rest))
                )
    return None


# "did my request for a second screen ever get sorted?": the asker's own request, which may be finished.
_OWN_REQUEST = re.compile(
    r"\b(?:my|our)\s+(?:\w+\s+)?(?P<noun>request|report|ticket|issue)\s+(?:for|about|to|re|on|regarding)\s+"
    r"(?:an?\s+|the\s+)?(?P<what>[\w'-]+(?:\s+[\w'-]+){0,5}?)"
    r"(?=\s+(?:ever|get|got|been|was|is|has|go|went|yet|already|still)\b|\s*[?.!,;]|$)",
    re.I,
)
_DONE_QUESTION = re.compile(
    r"\b(?:did|has|have|was|were|is|are)\b[^.?!]*\b(?:sorted|done|fixed|resolved|closed|finished|handled|dealt with|"
    r"completed|taken care of)\b",
    re.I,
)
_NOT_STARTED = re.compile(
    r"(?:\bnot|n't|\bnever)\s+(?:been\s+|yet\s+|even\s+)*(?:started|begun|picked up)\b|\bunstarted\b", re.I
)
_QUESTION = re.compile(
    r"^\W*(?:is there|are there|do we have|does anyone have|have we got|any\b|anything|what|which|who|whose|where|"
    r"(?:has|have|did|is|are)\s+(?:anyone|anybody|someone|somebody)|"
    r"how many|how (?:is|are)|how'?s|show|list|find|search|look up|can you (?:show|find|list|tell)|tell me|"
    r"give me a list)\b|"
    r"\?\s*$",
    re.I,
)
_EXPLICIT_CREATE = re.compile(
    r"(?<![\w-])(?:open|file|raise|log|create|submit|start|write up|put in)\s+(?:me\s+|up\s+)?"
    r"(?:a|an|one|another|new)\b|"
    r"^\W*(?:an?\s+)?(?:new|bug|issue|ticket|task|incident)(?:\s+for\s+\w+)?(?:[\s,]+(?:pls|plz|please|needed))?"
    r"\s*[:\-—]|"
    r"\bfile (?:this|it) (?:under|in|as|for)\b",
    re.I,
)
# Single quotes only count at word edges, so apostrophes ("you're ... it's") never look like a quotation.
_QUOTED = re.compile(r"\"([^\"]{2,200})\"|(?<![\w])'([^']{3,200})'(?![\w])|`([^`]{2,200})`")
_STOPWORDS = {
    "the",
    "a",
    "an",
    "any",
    "all",
    "some",
    "tickets",
    "ticket",
    "issues",
    "issue",
    "bugs",
    "bug",
    "about",
    "open",
    "is",
    "are",
    "there",
    "we",
    "have",
    "do",
    "for",
    "on",
    "of",
    "to",
    "in",
    "me",
    "my",
    "show",
    "list",
    "find",
    "search",
    "what",
    "which",
    "that",
    "with",
    "please",
    "anything",
    "something",
    "stuff",
    "related",
    "mentioning",
    "regarding",
    "already",
    "yet",
    "one",
    "tasks",
    "task",
    "those",
    "these",
    "them",
    "tix",
}


@dataclass
class TicketFrame:
    """What the person asked of the tracker, slot by slot. ``None`` means not mentioned."""

    action: TicketAction | None = None
    keys: list[str] = field(default_factory=list)
    title: str | None = None
    description: str | None = None
    priority: str | None = None
    status: str | None = None
    assignee: str | None = None
    project: str | None = None
    due: str | None = None
    comment: str | None = None
    search_text: str | None = None
    refers_back: bool = False
    unassign: bool = False
    overdue: bool = False
    reporter: str | None = None
    """For a search: who filed the tickets ("which tickets did I report")."""
    labels: list[str] = field(default_factory=list)
    """Labels to give the ticket ("tag it security")."""
    wants: str | None = None
    """For an update that named a ticket but not the change: which slot to ask for."""
    vague: bool = False
    """For a create inferred without an explicit verb: the subject is too vague to file."""
    about: str | None = None
    """A ticket named by what it is about instead of its key ("the empty states one")."""
    about_is_guess: bool = False
    """``about`` is only the sentence's subject ("postgres upgrade has to land …, bump it"): a ticket the
    conversation already named comes first."""
    no_due_date: bool = False
    """For a search: only tickets without a due date."""
    include_done: bool = False
    """For a search: finished tickets count too ("did my request for X ever get sorted?")."""
    topic: str | None = None
    """For a search: a label or subject named before the noun ("the accessibility tickets")."""
    file_it: bool = False
    """For a create: the request only said to file it ("ok just file it now then"); with nothing after it, the
    title comes from the conversation, or deskhand asks."""
    kind: str | None = None
    """For a create whose words name only the kind of ticket ("raise the replacement ticket for me"): that kind
    ("replacement", or ""); the title then comes from the conversation, or deskhand asks."""

    def change_slots(self) -> dict[str, Any]:
        """The slots that describe a change to a ticket, as tool arguments."""
        out: dict[str, Any] = {}
        for name in ("status", "priority", "assignee", "title", "due_date", "project", "description"):
            value = getattr(self, "due" if name == "due_date" else name)
            if value:
                out[name] = value
        if self.unassign:
            out["assignee"] = "nobody"
        if self.labels:
            out["labels" if self.action == "create" else "add_labels"] = list(self.labels)
        return out


# A list goes on only with another label: "labelled licences, can you open one" and "labelled billing and still
# open" name one label each.
_LABEL_LIST = (
    r"[#\"'“]?([\w-]+(?:[\"'”]?\s*(?:,|and|&)\s*[#\"'“]?"
    r"(?!(?:can|could|would|will|so|but|then|pls|please|thanks|i|we|you|it|also|just|still|that|which|is|are|in|"
    r"not|due|assigned|open)\b)[\w-]+)*)[\"'”]?"
)
_CLAUSE_START = r"(?:^|[,;:\-–]\s*|\b(?:and|please|also|then|just|can you|could you)\s+)"
_LABELS = (
    re.compile(r"\b([A-Za-z][\w]*)-(?:tagged|labell?ed)\b", re.I),
    re.compile(r"\b(?:add|with|put)\s+(?:the\s+|a\s+)?[#\"'“]?([\w-]+)[\"'”]?\s+(?:label|tag)\b", re.I),
    re.compile(r"\b(?:add|with|put)\s+(?:the\s+|a\s+)?(?:labels?|tags?)\s+" + _LABEL_LIST, re.I),
    re.compile(
        _CLAUSE_START
        + r"(?:tag|label)\s+(?:it|this|that|them|the ticket|[A-Z][A-Z0-9]+-\d+)?\s*(?:as|with)?\s*"
        + _LABEL_LIST,
        re.I,
    ),
    # "tagged security"; "tagged tickets" (from "security-tagged tickets") names no label.
    re.compile(
        r"\b(?:tagged|labell?ed)\s+(?:as\s+|with\s+)?(?!(?:tickets|issues|bugs|tasks|stuff|ones|things)\b)"
        + _LABEL_LIST,
        re.I,
    ),
    re.compile(r"\b(?:tags?|labels?)\s*:\s*" + _LABEL_LIST, re.I),
)
_NOT_LABELS = {"it", "this", "that", "them", "as", "with", "the", "a", "and", "please", "too", "also", "to", "on"}


def find_labels(text: str) -> tuple[list[str], tuple[int, int] | None]:
    """Labels to add ("tag it meeting-rooms", "label it security and urgent", "add the frontend label") and
    where the phrase is, so it can be left out of a title."""
    for pattern in _LABELS:
        m = pattern.search(text)
        if m:
            words = re.split(r"[\"'”“#]?\s*(?:,|\band\b|&)\s*[\"'“#]?", m.group(1))
            labels = [w.strip("\"'“”# ").lower() for w in words]
            labels = [w for w in labels if w and w not in _NOT_LABELS]
            if labels:
                return labels, m.span()
    return [], None


def find_keys(text: str, lexicon: Lexicon) -> list[str]:
    """Ticket keys in the text. With known projects, only their prefixes count (so "COVID-19" is not one)."""
    known = {k for k, _ in lexicon.projects}
    keys: list[str] = []
    for prefix, number in TICKET_KEY.findall(text):
        key = f"{prefix.upper()}-{int(number)}"
        if (not known or prefix.upper() in known) and key not in keys:
            keys.append(key)
    return keys


_NEGATED_PRIORITY = re.compile(
    rf"\b(?:not|isn'?t|is not|no longer|no more)\s+(?:an?\s+)?(?:{_PRIORITY_WORD}|asap)\b"
    r"(?:\s+(?:anymore|any more))?",
    re.I,
)
_PRIORITY_CODE = re.compile(r"\b(p[0-5]|sev\s?[1-4])\b", re.I)
_TRAILING_PRIORITY = re.compile(rf"[,;]\s*({_PRIORITY_WORD})\s*[.!]?\s*$", re.I)
# "… after a 500. high, assign me": a priority word standing alone as its own clause, anywhere.
_CLAUSE_PRIORITY = re.compile(
    rf"(?:^|[,;:.]\s+|[,;])\s*({_PRIORITY_WORD})(?:[\s-]+(?:priority|prio))?\s*(?=[,;.!]|$)", re.I
)
_OR = r"\s*(?:/|,|&|\bor\b|\band\b)\s*"
# "high/highest prio", "high or highest priority": a search for several priorities.
_PRIORITY_SET = re.compile(
    rf"\b((?:{_PRIORITY_WORD})(?:{_OR}(?:{_PRIORITY_WORD}))+)[\s-]+(?:priority|prio|pri)\b", re.I
)
# "high priority or above", "at least high priority", "high+ prio".
_PRIORITY_OR_ABOVE = re.compile(
    rf"\bat least\s+({_PRIORITY_WORD})\b|\b({_PRIORITY_WORD})(?:\s*\+|(?:[\s-]+(?:priority|prio))?\s+"
    r"(?:or|and)\s+(?:above|higher|up|more))",
    re.I,
)
_PRIORITY_ORDER = ("lowest", "low", "medium", "high", "highest")
_PRIORITY_CANON = {
    "normal": "medium",
    "urgent": "highest",
    "critical": "highest",
    "blocker": "highest",
    "trivial": "lowest",
    "minor": "low",
}


def find_priority(text: str) -> str | None:
    """A priority the text sets or asks for; a bare "high" only counts next to "priority" or a verb.

    An explicit target ("lower it to medium") beats a mention ("isn't urgent anymore"), and negated mentions
    never count.
    """
    text = _TOP_PRIORITY.sub("highest priority", _NEGATED_PRIORITY.sub(" ", text))
    patterns = (_PRIORITY_AFTER_VERB, *_PRIORITY_PATTERNS, _PRIORITY_SHOULD_BE, _PRIORITY_CODE, _TRAILING_PRIORITY)
    for pattern in (*patterns, _CLAUSE_PRIORITY):
        m = pattern.search(text)
        if m:
            word = m.group(1).lower().replace(" ", "")
            if word == "asap":
                return "highest"
            return {"sev1": "p1", "sev2": "p2", "sev3": "p3", "sev4": "p4"}.get(word, word)
    return None


def find_priority_filter(text: str) -> str | None:
    """The priorities a search asks for, comma-separated: "high/highest prio" → "high, highest",
    "medium or above" → "medium, high, highest"; a single one as find_priority reads it."""
    text = _TOP_PRIORITY.sub("highest priority", _NEGATED_PRIORITY.sub(" ", text))
    m = _PRIORITY_OR_ABOVE.search(text)
    if m:
        word = (m.group(1) or m.group(2)).lower()
        word = _PRIORITY_CANON.get(word, word)
        if word in _PRIORITY_ORDER:
            return ", ".join(_PRIORITY_ORDER[_PRIORITY_ORDER.index(word) :])
    m = _PRIORITY_SET.search(text)
    if m:
        words = [w.lower() for w in re.split(_OR, m.group(1), flags=re.I) if w]
        return ", ".join(dict.fromkeys(words))
    return find_priority(text)


def find_person(fragment: str, lexicon: Lexicon, *, speaker_words: bool = True) -> str | None:
    """The person a fragment starts with: a mention, "me", a known name, or a plausible unknown name."""
    fragment = fragment.strip()
    mentions = mentioned_user_ids(fragment)
    if mentions and fragment.startswith("<@"):
        return f"<@{mentions[0]}>"
    if speaker_words and re.match(r"^(me|myself)\b", fragment, re.I):
        return "me"
    people = lexicon.find_people(fragment)
    if people and people[0][0] <= 4:
        return people[0][2]
    m = re.match(r"^(?:@)?([A-Z][a-zA-Z'-]+(?:\s+[A-Z][a-zA-Z'-]+)?)", fragment)
    if m:
        return m.group(1)
    m = re.match(r"^@?([a-z][a-z'-]{1,20})\b", fragment)
    if m and m.group(1) not in _STOPWORDS and m.group(1) not in {"him", "her", "them", "someone", "somebody"}:
        return m.group(1)
    return None


def _cut_at_clause(text: str) -> str:
    """Stop a captured value at the next clause boundary."""
    return re.split(r"\s*(?:[,.;!?]|\band\b|\bwith\b|\binstead\b|\bplease\b|\bthanks\b)\s*", text, maxsplit=1)[0]


_ARROW_TO = re.compile(r"\b[A-Z][A-Z0-9]+-\d+\s*(?:->|→|=>)\s*@?([A-Za-z][\w-]*)", re.I)
# "Tom should take it", "Priya can pick this up": the person named before the taking verb.
_SHOULD_TAKE = re.compile(
    r"\b([A-Za-z][\w-]+)\s+(?:(?:should|can|could|will|is going to|wants to)\s+(?:take|own|handle|pick up|grab)"
    r"(?:\s+(?:it|this|that|over))?|(?:owns|'ll own|is owning|is taking)\s+(?:it|this|that))\b",
    re.I,
)
# "can omar take the macos vpn ticket?", "could Sam pick up the login one": a polite request to hand a ticket over,
# asked as a question.
_CAN_TAKE = re.compile(
    r"\b(?:can|could|would|will)\s+(?P<who>[A-Za-z][\w-]*)\s+(?:please\s+)?(?:take(?:\s+over)?|have|grab|"
    r"pick up|own|handle)\s+(?:the|this|that|my|our|his|her|their)\s+(?:[\w'-]+\s+){0,6}?"
    r"(?:one|ticket|bug|issue|task)\b|"
    r"\b(?:can|could|would|will)\s+(?P<who2>[A-Za-z][\w-]*)\s+(?:please\s+)?(?:take(?:\s+over)?|grab|pick up|own)\s+"
    r"[A-Z][A-Z0-9]+-\d+\b",
    re.I,
)


# "can maya take the contractor offboarding checklist off my plate?": the work, named without a ticket noun, taken
# from the speaker.
_TAKE_OFF_PLATE = re.compile(
    r"\b(?:can|could|would|will)\s+(?P<who>[A-Za-z][\w-]*)\s+(?:please\s+)?(?:take(?:\s+over)?|have|grab|pick up|"
    r"handle)\s+(?P<what>(?:the|this|that|my|our|his|her|their)\s+(?:[\w'-]+\s+){0,6}?[\w'-]+)\s+"
    r"(?:off\s+(?:my|his|her|their|our)\s+(?:plate|hands|desk)|from\s+(?:me|him|her|them))\b",
    re.I,
)


# "can diego take over the SSO setup for the expense tool?": "take over" hands the described work over, ticket noun
# or not.
_TAKE_OVER_WORK = re.compile(
    r"\b(?:can|could|would|will)\s+(?P<who>[A-Za-z][\w-]*)\s+(?:please\s+)?take\s+over\s+"
    r"(?P<what>(?:the|this|that|my|our|his|her|their)\s+(?:[\w'-]+\s+){0,8}?[\w'-]+)\s*(?=[?.!,;]|$|\s+(?:pls|please|"
    r"from|for (?:me|him|her|them)|instead|now|then|while)\b)",
    re.I,
)


def _taken_off_plate(text: str, lexicon: Lexicon) -> str | None:
    """The described work in "can X take the Y off my plate?" / "can X take over the Y?" when X is somebody
    deskhand knows, else None."""
    for m in (*_TAKE_OFF_PLATE.finditer(text), *_TAKE_OVER_WORK.finditer(text)):
        if m.group("who").lower() == "i" or lexicon.is_person(m.group("who")):
            return ticket_description_words(m.group("what"), lexicon)
    return None


def _can_take(text: str, lexicon: Lexicon) -> str | None:
    """The person asked to take a ticket over in "can omar take the X ticket?" ("me" for "can i"), else None."""
    for m in (*_CAN_TAKE.finditer(text), *_TAKE_OFF_PLATE.finditer(text), *_TAKE_OVER_WORK.finditer(text)):
        who = m.group("who") or m.group("who2")
        if who.lower() == "i":
            return "me"
        if lexicon.is_person(who):
            return who
    return None


# "Omar's taking over the rate limiting work", "Priya will take over ENG-4": the new owner, named first.
# "it can go to omar", "they should both go over to priya": handed to that person (a known person only, so that
# "it can go to review" stays a status).
_GOES_TO = re.compile(
    r"\b(?:it|that|this|they|them|both|each)\s+(?:(?:can|could|should|will|may|must|needs? to|ha(?:s|ve) to)\s+)?"
    r"(?:both\s+|all\s+|each\s+)?go(?:es)?\s+(?:over\s+)?to\s+(@?[A-Za-z][\w'-]*)",
    re.I,
)
_TAKES_OVER = re.compile(
    r"\b(?P<who>[A-Za-z][\w-]*)(?:'s|\s+is|\s+will|'ll|\s+will be|\s+is going to|\s+can)\s+(?:be\s+)?"
    r"(?:taking|take)\s+over\b",
    re.I,
)
# "ticket for me: …", "a bug for Priya: …": the ticket's owner, named before the colon.
_TICKET_FOR = re.compile(r"^\W*(?:an?\s+)?(?:new\s+)?(?:ticket|bug|task|issue)\s+for\s+(\w+)\s*[:\-—]", re.I)


_MINE = re.compile(
    r"(?:^|[,;:.]\s+|[,;(])\s*(?:(?:it'?s|it is|make it|that'?s|assign(?: it)?)\s+)?mine\s*(?=[,;.!)]|$)", re.I
)


# "put it on me", "stick this on Priya", "…, on me": the person the work lands on. A bare "on X" counts only as
# a clause of its own, so "works on my laptop" or "put it on hold" never names anyone.
_PUT_ON = re.compile(
    r"(?:\b(?:put|stick|throw|land|drop|pop|slap)\s+(?:it|this|that|this one|that one|the ticket)\s+on|"
    r"(?:^|[,;:.]\s*|\band\s+)(?:it'?s\s+|that'?s\s+)?on)\s+(?P<who>me|myself|<@[A-Z0-9]+(?:\|[^>]*)?>|@?[A-Za-z][\w'-]*)"
    # A following "with/w a due date", "by friday" or "for the launch" starts the next slot, not the name.
    r"(?=\s*(?:[,;.!)]|$|\b(?:pls|plz|please|thanks|thx|and|w/?|with|by|for|due|from|until|till|starting)\b))",
    re.I,
)


# "put me on it", "stick priya on this one", "get omar on ENG-4": the person first, then the ticket they land on.
_PUT_PERSON_ON = re.compile(
    r"\b(?:put|stick|throw|get|pop|slot)\s+(?P<who>me|myself|<@[A-Z0-9]+(?:\|[^>]*)?>|@?[A-Za-z][\w'-]*)\s+on\s+"
    r"(?:it|this|that|this one|that one|the ticket|[A-Z][A-Z0-9]+-\d+)\b",
    re.I,
)


def _put_on(text: str, lexicon: Lexicon) -> str | None:
    """The person from "put it on X" / ", on X" / "put X on it": "me" for the speaker, a mention, or somebody
    deskhand knows."""
    for m in (*_PUT_ON.finditer(text), *_PUT_PERSON_ON.finditer(text)):
        who = m.group("who").lstrip("@")
        if who.lower() in {"me", "myself"}:
            return "me"
        if who.startswith("<@") or lexicon.is_person(who):
            return who
    return None


def find_assignee(text: str, lexicon: Lexicon, bot_id: str | None = None) -> tuple[str | None, bool]:
    """(assignee reference, unassign?) from "assign to X", "give it to X", a mention, "I'll take it", "mine"."""
    if _UNASSIGN.search(text):
        return None, True
    if _SELF_TAKE.search(text) or _MINE.search(text):
        return "me", False
    put_on = _put_on(text, lexicon) or ((owner := owner_clause(text, lexicon)) and owner[0])
    if put_on:
        return put_on, False
    m = _ASSIGN_TO.search(text)
    if m:
        target = _cut_at_clause(m.group("target"))
        person = find_person(target, lexicon)
        # "move ENG-3 to QA" moves it through the workflow unless QA is somebody deskhand knows.
        moved = (
            m.group("verb").lower() == "move" and person not in {"me"} and not (person and lexicon.is_person(person))
        )
        if person and not _is_status_word(person) and not moved:
            return person, False
    m = re.search(r"\bassign\s+(?!it\b|this\b|that\b|them\b|to\b|me\b)(@?[A-Za-z][\w'-]*)", text, re.I)
    if m and lexicon.is_person(m.group(1).lstrip("@")):
        return m.group(1).lstrip("@"), False
    m = _ARROW_TO.search(text)
    if m and (lexicon.is_person(m.group(1)) or m.group(1).lower() == "me"):
        return m.group(1), False  # "ENG-12 -> priya": handed to that person
    m = _GOES_TO.search(text)
    if m and (lexicon.is_person(m.group(1).lstrip("@")) or m.group(1).lower() == "me"):
        return m.group(1).lstrip("@"), False
    m = _TAKES_OVER.search(text)
    if m and lexicon.is_person(m.group("who")):
        return m.group("who"), False
    asked = _can_take(text, lexicon)
    if asked:
        return asked, False
    m = _SHOULD_TAKE.search(text)
    if m and (lexicon.is_person(m.group(1)) or m.group(1).lower() == "i"):
        return ("me" if m.group(1).lower() == "i" else m.group(1)), False
    m = _TICKET_FOR.search(text)
    if m and (lexicon.is_person(m.group(1)) or m.group(1).lower() == "me"):
        return m.group(1), False
    mentions = [u for u in mentioned_user_ids(text) if u != bot_id]
    if mentions:
        return f"<@{mentions[0]}>", False
    # "a ticket for Priya to fix the export": "for NAME" names the assignee only before "to <verb>" or ":".
    m = re.search(r"\bfor\s+(.+?)\s*(?:\bto\s+[a-z]+|:)", text, re.I)
    if m:
        people = lexicon.find_people(m.group(1))
        if people and people[0][0] == 0 and people[0][1] == len(m.group(1)):
            return people[0][2], False
    return None, False


def _is_status_word(word: str) -> bool:
    return bool(re.fullmatch(_STATUS_WORDS, word.strip(), re.I))


_STATUS_STATEMENT = re.compile(
    r"\b(?:is|are|'s|has been|have been)\s+(?:now\s+)?(?:ready\s+for\s+(review)|(in[\s-]?review|in[\s-]?progress|"
    r"done|finished|fixed|resolved|complete(?:d)?|started|underway|under way|being worked on|merged|shipped))\b",
    re.I,
)
_MAKE_STATUS = re.compile(
    rf"\b(?:make|put|mark|move|set)\s+(?:it|that|this|them|[A-Z][A-Z0-9]+-\d+)\s+(?:in\s+(?=review|progress)|into\s+)?"
    rf"({_STATUS_WORDS})\b",
    re.I,
)
_STARTING = re.compile(
    r"\b(?:i'?m|i am|we'?re|we are)\s+(?:now\s+)?(?:starting|working)\s+on\b|"
    r"\b(?:start(?:ed)?|begin|began)\s+(?:working\s+)?on\s+[A-Z][A-Z0-9]+-\d+",
    re.I,
)
# "set ENG-3 to blocked": a target that is not a known status still goes to the tool, which lists valid ones.
_RAW_STATUS_TARGET = re.compile(
    r"\b(?:set|move|mark|change|put|switch)\b[^.?!]{0,40}?\b(?:to|as|into)\s+(?:the\s+)?[\"']?([a-z][a-z -]{1,20}?)"
    r"[\"']?\s*(?:$|[,.;!?]|\s+(?:and|please|status|column|state)\b)",
    re.I,
)


_REOPEN = re.compile(r"\bre-?open(?:ed)?\b", re.I)
# A change pointed at the ticket just named: "flip it to in progress", "bump it to high", "make that urgent".
_POINTS_AT_IT = re.compile(
    r"\b(?:flip|move|set|mark|put|make|bump|change|switch|drop|raise|give|assign|tag|label|push|get)\s+(?:it|that|this)\b",
    re.I,
)


def find_status_target(text: str) -> str | None:
    """The status a ticket should move to: "to in review", "as done", "back to backlog", "is ready for review"."""
    if _REOPEN.search(text) and not _STATUS_TARGET.search(text):
        return "reopen"
    for pattern in (_STATUS_TARGET, _MAKE_STATUS, _STATUS_STATEMENT):
        m = pattern.search(text)
        if m:
            found = next(g for g in m.groups() if g)
            # "ENG-4 is underway": work has begun, whatever the workflow calls that status; merged or shipped work
            # is finished.
            if re.fullmatch(r"merged|shipped", found, re.I):
                return "done"
            return "in progress" if re.fullmatch(r"underway|under way|being worked on|started", found, re.I) else found
    if _STARTING.search(text):
        return "in progress"
    return None


def find_raw_status_target(text: str, lexicon: Lexicon) -> str | None:
    """An unrecognised status word after set/move ... to; None when it is a priority, person or date."""
    m = _RAW_STATUS_TARGET.search(text)
    if not m:
        return None
    word = m.group(1).strip()
    bare = re.sub(r"\s*(?:priority|prio)$", "", word, flags=re.I)
    if (
        re.search(r"\bpriority\b", word, re.I)
        or re.fullmatch(_PRIORITY_WORD, bare, re.I)
        or re.fullmatch(_PRIORITY_WORD, word, re.I)
        or lexicon.is_person(word)
        or word.lower() in {"me", "nobody"}
        or re.search(
            r"\d|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|next|week|"
            r"month|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
            word,
            re.I,
        )
    ):
        return None
    return word


# Politeness after a date is no part of it: "due 1 dec pls", "by friday thanks".
_DUE_TAIL = re.compile(
    r"(?:\s+(?:pls|plz|please|thanks|thank you|thx|ty|cheers|asap|if possible|if you can|instead|then|now|"
    r"rather|at all))+\W*$",
    re.I,
)


def _due_ticket(text: str, lexicon: Lexicon) -> str | None:
    """The described ticket whose due date "push the due date on <ticket> to <date>" moves, or None."""
    m = _DUE_ON_TICKET.search(text)
    if not m:
        return None
    what = m.group("what")
    return find_described_ticket(what, lexicon) or ticket_description_words(what, lexicon)


def find_due(text: str) -> str | None:
    """The due-date phrase, unparsed ("next friday", "Dec 5")."""
    on_ticket = _DUE_ON_TICKET.search(text)
    if on_ticket:
        return _DUE_TAIL.sub("", on_ticket.group("when").strip()) or None
    values = []
    for m in _DUE.finditer(text):
        value = _DUE_TAIL.sub("", (m.group(1) or m.group(2) or "").strip())
        value = re.sub(r"^(?:in|out|back|forward|up)\s+to\s+", "", value, flags=re.I)  # "pull the due date in to dec 1"
        if value and not _FILLER.fullmatch(value):  # "past their due date right now": "right now" is no date
            values.append(value)
    # "… an owner and a due date, so file one: …, due dec 4": the noun "due date" names no date; a later phrase
    # that reads as a day is the one meant. Otherwise the first, so a date that can't be read is still reported.
    return next((v for v in values if day_span(v)), values[0] if values else None)


def find_rename(text: str) -> str | None:
    """A new title from "rename it to X", "change the title to X", "call it X"."""
    m = _RENAME.search(text)
    if not m:
        return None
    value = next(g for g in m.groups() if g)
    return _strip_quotes(value.strip().rstrip(".!?"))


def _strip_quotes(value: str) -> str:
    return value.strip().strip("\"'`“”‘’").strip()


# "tell Tom on PPL-7 I still need the invoice", "let Priya know on ENG-2 that the fix is out".
_TELL_ON = re.compile(
    r"^\W*(?:please\s+)?(?:tell|let|ask|remind|ping)\s+(?P<who>\w+)(?:\s+know)?\s+(?:on|in|via)\s+"
    r"(?P<key>[A-Z][A-Z0-9]+-\d+)\s*[:,\-—]?\s*(?:that\s+)?(?P<body>.+)$",
    re.I | re.S,
)


def find_comment(text: str) -> str | None:
    """The body of a comment request."""
    told = _TELL_ON.search(text)
    if told:
        return f"{told.group('who')}: {told.group('body').strip()}"
    quoted = _QUOTED.search(text)
    if quoted:
        return next(g for g in quoted.groups() if g)
    m = _COMMENT_BODY.search(text) or _COMMENT_COLON.search(text)
    if m:
        return m.group(1).strip()
    return None


# "comment on the pricing page bug: also on iPhone", "note for the VPN one - works after reboot".
_COMMENT_COLON = re.compile(
    r"^\W*(?:(?:please|pls|can you|could you|would you|can u)\s+)*(?:(?:add|leave|post|write|put|drop)\s+"
    r"(?:an?\s+)?(?:quick\s+|short\s+)?)?(?:comment|note)\b[^:\n]{0,80}?"
    r"(?::|\s[-–—]\s|\s+(?:saying|to say)\s+)\s*(.+)$",
    re.I | re.S,
)


# "the wiki says these go through IT, so pls raise one for me: my dock died": the request, then the problem after
# its colon; what comes before is why they ask, never the title.
_ASK_THEN_PROBLEM = re.compile(
    r"\b(?:raise|open|file|log|create|submit|put in|write up|start)\s+(?:me\s+|us\s+|up\s+)?"
    r"(?:one|(?:an?\s+|another\s+)?(?:new\s+)?(?:ticket|issue|bug|request|task))\s*"
    r"(?:(?:for|on behalf of)\s+(?:me|us|[\w-]+)\s*)?(?:pls\s+|please\s+)?[:—]\s*(?P<problem>\S.*)$",
    re.I | re.S,
)


def extract_title(text: str, lexicon: Lexicon, slots: TicketFrame) -> tuple[str | None, str | None]:
    """(title, description) for a new ticket, after removing the request phrasing and the other slots."""
    quoted = _QUOTED.search(text)
    first_line, _, rest = text.partition("\n")
    description = rest.strip() or None
    # "Hi! Hope you're well. Could you open a ticket about X? It's urgent." → the sentence that asks; but when
    # that sentence says nothing ("can someone raise an issue for it?"), the problem is in the others.
    sentences = re.split(r"(?<=[.!?])\s+", first_line.strip())
    if len(sentences) > 1 and not quoted:
        asking = next((i for i, sentence in enumerate(sentences) if _CREATE.search(sentence)), 0)
        if is_vague(_strip_request(sentences[asking], lexicon)):
            others = [s for i, s in enumerate(sentences) if i != asking and not is_vague(s)]
            first_line = others[0] if others else sentences[asking]
        else:
            first_line = sentences[asking]
        # "lost charger in the kitchen. prob diego's": whose the thing is stays in the details
        description = description or (text.strip() if len(text) > 90 or names_an_owner(text, lexicon) else None)
    if quoted:
        title = next(g for g in quoted.groups() if g)
        remainder = (text[: quoted.start()] + text[quoted.end() :]).strip()
        return _tidy_title(title), description or (remainder if len(remainder) > 60 else None)
    asked = _ASK_THEN_PROBLEM.search(first_line)
    if asked and asked.start() > 0:
        first_line = asked.group("problem")
        description = description or text.strip()  # the context before the request belongs in the details
    task = ticket_to_task(first_line)
    if task:
        # "need a ticket to rotate the db keys, they leaked …, omar's": the task; the rest is the details.
        return _tidy_title(task[0]), description or (text.strip() if task[1] else None)
    body = _TRACK_AS.sub("", first_line.strip())
    body = FILE_IT_LEAD.sub("", body, count=1)  # "ok just file it now then: 27 inch monitor" → the monitor
    body = _CREATE_LEAD.sub("", body, count=1)
    head, colon, tail = body.partition(":")
    if (
        colon
        and len(head) <= 80
        and (
            re.search(r"\b(ticket|issue|bug|task|request)\b", head, re.I)
            or lexicon.find_project(" in " + head)
            or len(head.split()) <= 4
        )
    ):
        body = tail  # "design board: new icons", "bug: totals are wrong" → what follows the colon
    body = _remove_slot_phrases(body, lexicon)
    people = lexicon.find_people(body)
    if people and people[0][0] == 0 and re.match(r"\s+to\s+\w", body[people[0][1] :]):
        body = body[people[0][1] :].strip()[3:]  # "priya to fix the export" → "fix the export"
    body = _TRAILING_ASK.sub("", body).strip(" ,.;:-—")
    body = re.sub(r"^(?:for me\s+)?(?:that|saying|about|for|regarding|re|:)\s+", "", body, flags=re.I)
    body = re.sub(r"^(?:a|an|the)\s+(problem|issue|bug)\s+(with|in|on)\b", r"\1 \2", body, flags=re.I)
    words = re.findall(r"[A-Za-z0-9]+", body)
    if not words or (len(words) <= 2 and all(w.lower() in _STOPWORDS | {"it", "this", "one", "ticket"} for w in words)):
        return None, description
    title = _tidy_title(body)
    if len(title) > 90:
        # Long free text: a short title from its first clause, the whole message as the description.
        clause = re.split(r"(?<=[.!?])\s+|\s+-\s+|;\s+|,\s+(?:and|but|so)\s+", title, maxsplit=1)[0]
        short = clause if len(clause) <= 90 else clause[:87].rsplit(" ", 1)[0] + "…"
        return _tidy_title(short), (description or text.strip())
    return title, description


# "needs sorting by tomorrow", "needs looking at asap": urgency about the problem, not the problem itself.
_NEEDS_DOING = re.compile(
    r"\b(?:it|this|that)?\s*(?:needs?|has to be|must be|should be)\s+(?:to\s+be\s+)?(?:sort(?:ing|ed)(?:\s+out)?|"
    r"fix(?:ing|ed)|do(?:ing|ne)|handl(?:ing|ed)|look(?:ing|ed) at|deal(?:ing|t) with|attention|sort(?:ing|ed))\b"
    r"(?:\s+(?:asap|urgently|quickly|soon|today|first thing))?",
    re.I,
)


def _strip_request(sentence: str, lexicon: Lexicon) -> str:
    """A sentence without its request phrasing, slot phrases, the people it names and any "needs sorting"."""
    body = _CREATE_LEAD.sub("", sentence.strip(), count=1)
    body = _TRAILING_ASK.sub("", _remove_slot_phrases(body, lexicon))
    body = re.sub(r"\b(?:raise|open|file|log|create)\s+(?:an?\s+)?(?:ticket|issue|bug)\b", "", body, flags=re.I)
    body = _NEEDS_DOING.sub("", body)
    for start, end, _surface in reversed(lexicon.find_people(body)):
        body = body[:start] + body[end:]  # "raise a ticket for diego": diego is who, not what
    return body


# "ok just file it now then", "fine, raise it then:", "just open one for me pls": the request to file, which says
# nothing about what the ticket is for.
FILE_IT_LEAD = re.compile(
    r"^\W*(?:(?:ok|okay|k|alright|right|fine|sure|yes|yeah|yep|cool|great|thanks|thx|ty|perfect|hmm|ugh|meh)\b[\s,.!-]*)*"
    r"(?:(?:then|so|just|pls|please|can you|could you|would you|go ahead and|let'?s)\s+)*"
    r"(?:file|open|raise|log|create|submit|make|put in|lodge)\s+(?:it|one|that|this|a ticket|the ticket)"
    r"(?:\s+(?:now|then|for me|for us|pls|please|anyway|anyways|already|instead|after all|today))*\b\s*"
    r"(?:[:,.!—–-]+\s*|$)",
    re.I,
)
# "new ticket: …", "bug: …", "ticket pls: …": a create stated as a heading, whatever else the message says.
_NEW_TICKET_LEAD = re.compile(
    r"^\W*(?:(?:ok|okay|hey|hi|so|pls|please)[\s,]+)*(?:new|another|a)\s+(?:ticket|issue|bug|task|request)"
    r"(?:\s+(?:pls|please|for me))?\s*[:—–-]",
    re.I,
)


def _remove_slot_phrases(body: str, lexicon: Lexicon) -> str:
    original = body
    patterns = [
        r"[,;]?\s*\b(?:and\s+)?(?:please\s+)?(?:assign(?:ed)?|give|hand)\b(?:\s+(?:it|this))?\s+to\s+"
        r"(?:<@[A-Z0-9]+>|me|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?|[a-z][\w'-]*)",
        r"[,;]?\s*\b(?:with\s+|at\s+|as\s+)?(?:a\s+)?(?:" + _PRIORITY_WORD + r")[\s-]+(?:priority|prio)\b",
        r"[,;]?\s*\b(?:priority|prio)\s*(?:to|of|is|:)?\s*(?:" + _PRIORITY_WORD + r")\b",
        r"[,;]?\s*\b(?:and\s+)?(?:make\s+it|mark\s+it\s+as?)\s+(?:" + _PRIORITY_WORD + r")\b",
        r"[,;]?\s*\b(?:due(?:\s+date)?|deadline)(?:\s+(?:on|by|is))*\s+[^,.;]+",
        _DEADLINE_CLAUSE.pattern,
        rf"[,;]?\s*\bby\s+{_DATE_AFTER_BY}(?![\w-])",
        r"[,;]?\s*\b[A-Z][\w-]+\s+(?:should|can|could|will)\s+(?:take|own|handle|pick up|grab)"
        r"(?:\s+(?:it|this|that))?\b",
        r"[,;]?\s*\b(?:tags?|labels?)\s*:\s*[\w-]+(?:\s*(?:,|and|&)\s*[\w-]+)*",
        r"<@[A-Z0-9]+(?:\|[^>]*)?>",
        r"[,;]\s*(?:it'?s\s+|this is\s+)?(?:urgent|asap|critical|a blocker)\b[!.]*",
        rf"[,;.]\s*(?:{_PRIORITY_WORD})(?:[\s-]+(?:priority|prio))?\s*(?=[,;.!]|$)",
        r"[,;.]\s*(?:(?:it'?s|it is|make it|that'?s|assign(?: it)?)\s+)?mine\s*(?=[,;.!]|$)",
        r"[,;.]?\s*\b(?:and\s+)?(?:put|stick|throw|land|drop|pop|slap)\s+(?:it|this|that|this one|that one|the ticket)"
        r"\s+on\s+(?:me|myself|<@[A-Z0-9]+(?:\|[^>]*)?>)(?=\s*(?:[,;.!]|$))",
        r"[,;.]\s*(?:it'?s\s+|that'?s\s+)?on\s+(?:me|myself)\s*(?=[,;.!]|$)",
        r"\(\s*not\s+(?:in\s+)?[A-Z][A-Z0-9]+\s*\)",
    ]
    for key, name in lexicon.projects:
        patterns.append(
            rf"[,;]?\s*\b(?:in|to|on|under|into|for)\s+(?:the\s+)?(?:{re.escape(key)}|"
            rf"{re.escape(name)})(?:\s+(?:project|board|queue|team|backlog))?\b"
        )
        first = name.split()[0] if name else key
        patterns.append(
            rf"[,;]?\s*\b(?:in|to|on|under|into|for)\s+(?:the\s+)?{re.escape(first)}\s+"
            rf"(?:project|board|queue|backlog)\b"
        )
    for pattern in patterns:
        body = re.sub(pattern, "", body, flags=re.I)
    m = _PUT_ON.search(body)
    if m and lexicon.is_person(m.group("who").lstrip("@")):
        body = body[: m.start()] + body[m.end() :]  # "…, put it on Priya": the assignee, not the title
    m = _PUT_PERSON_ON.search(body)
    if m and _put_on(m.group(0), lexicon):
        body = body[: m.start()] + body[m.end() :]  # "…, put me on it": the assignee, not the title
    body = without_own_plan_clause(body)  # "…, i'll mention it to omar too": the speaker's plan, not the problem
    return " ".join(without_assigning_clause(original, body, lexicon).split())


def _tidy_title(title: str) -> str:
    title = " ".join(title.split()).strip(" ,.;:-—?!")
    title = re.sub(r"^(?:called|named|titled|entitled)\s+", "", title, flags=re.I)
    title = re.sub(r"^(?:a|an|the)\s+(?=\w)", "", title, flags=re.I)
    return title[:1].upper() + title[1:] if title else title


_NOT_TOPIC_WORDS = {
    "me",
    "priority",
    "high",
    "low",
    "medium",
    "done",
    "today",
    "now",
    "right",
    "currently",
    "moment",
    "still",
    "yet",
}


def find_search_text(text: str, lexicon: Lexicon) -> str | None:
    """Topic words of a search ("any tickets about the VPN" → "VPN"), minus people and filler words."""
    m = _SEARCH_TEXT.search(text)
    if not m:
        return None
    candidate = m.group(1)
    for start, end, _ in reversed(lexicon.find_people(candidate)):
        candidate = candidate[:start] + candidate[end:]
    words = [
        w
        for w in re.findall(r"[\w'-]+", candidate)
        if w.lower() not in _STOPWORDS and not _is_status_word(w) and w.lower() not in _NOT_TOPIC_WORDS
    ]
    return " ".join(words[:6]) or None


_UPDATE_VERB = re.compile(
    r"\b(?P<status>move|transition|set the status|change the status|mark|set)\b|"
    r"\b(?P<assignee>re-?assign|assign|hand (?:it )?over|give)\b|"
    r"\b(?P<priority>prioriti[sz]e|re-?prioriti[sz]e|bump|escalate)\b|"
    r"\b(?P<any>update|change|edit|modify)\b",
    re.I,
)
_COMMENT_VERB = re.compile(
    r"^\W*(?:please\s+)?(?:add|leave|post|write|put)\s+(?:a\s+)?(?:comment|note)\b|"
    r"^\W*(?:please\s+)?comment\b",
    re.I,
)
# "add a note on the VPN ticket: …", "leave a comment to ENG-4 saying …": a comment on a ticket already filed, though
# "add … ticket" reads like a create.
_COMMENT_ON_TICKET = re.compile(
    r"^\W*(?:(?:please|pls|can you|could you|would you|can u)\s+)*(?:add|leave|post|write|put|drop)\s+"
    r"(?:an?\s+)?(?:quick\s+|short\s+)?(?:comment|note)\s+(?:on|to|in|under|against)\s+"
    r"(?:the|this|that|it|[A-Z][A-Z0-9]+-\d+)\b",
    re.I,
)
_OVERDUE = re.compile(
    r"\b(overdue|past due|late|behind schedule|missed (?:their|its|his|her|the) (?:due dates?|due|deadlines?)|"
    r"(?:past|passed|after|beyond|over) (?:their|its|his|her|the) (?:due dates?|deadlines?))\b",
    re.I,
)
_LIST_ALL = re.compile(r"\b(?:show|list|all|every|everything|open)\b", re.I)
_VAGUE_WORDS = {
    "it",
    "its",
    "it's",
    "this",
    "that",
    "thing",
    "stuff",
    "broken",
    "again",
    "still",
    "not",
    "working",
    "work",
    "doesn't",
    "isn't",
    "won't",
    "problem",
    "issue",
    "help",
    "please",
    "fix",
    "something",
    "wrong",
    "down",
    "bad",
    "ticket",
    "update",
    "the",
    "a",
    "an",
    "is",
    "was",
    "are",
    "my",
    "me",
    "i",
    "we",
    "our",
    "some",
    "one",
}
_RAW_PROJECT = re.compile(
    r"\b(?:in|under|into|to|for|on)\s+(?:the\s+)?([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)?)\s+"
    r"(?:project|board|queue)\b"
)


def explicit_quote(text: str) -> bool:
    """True when the message quotes a title."""
    return bool(_QUOTED.search(text))


def mask_quotes(text: str) -> str:
    """The text with quoted spans blanked: keys and verbs inside a quoted title are content, not commands."""
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def is_vague(title: str | None) -> bool:
    """True when a would-be title has no concrete subject ("it's broken again")."""
    if not title:
        return True
    words = [w.lower() for w in re.findall(r"[\w']+", title)]
    return not any(w not in _VAGUE_WORDS and len(w) > 2 for w in words)


# "put it on hold", "park that for now", "leave this for later": something to do to a ticket already in view.
_DO_TO_IT = re.compile(
    r"^\W*(?:(?:pls|please|ok|okay|actually|just)\W+)*(?:put|set|move|mark|make|keep|leave|park|pause|shelve|hold|"
    r"punt|deprioriti[sz]e|bump)\s+(?:it|this|that|this one|that one)\b",
    re.I,
)


def parse_ticket_request(
    text: str, lexicon: Lexicon, *, suggested: str | None, bot_id: str | None = None
) -> TicketFrame:
    """The frame for one message; ``suggested`` is the classifier's ticket action, used when rules are silent."""
    frame = TicketFrame()
    request = without_side_remarks(text)
    if request != text:
        # The classifier read the whole message, remark included: the request alone decides what it asks for.
        text, suggested = request, None
    plain = mask_quotes(text)
    frame.keys = find_keys(plain, lexicon)
    frame.refers_back = bool(_REFERS_BACK.search(plain))
    frame.priority = find_priority(plain)
    frame.assignee, frame.unassign = find_assignee(plain, lexicon, bot_id)
    frame.due = find_due(plain)
    frame.labels, label_span = find_labels(plain)
    if not frame.labels:
        frame.labels, label_span = find_labels(text)  # 'tag ENG-4 as "db"': the label may be quoted
    if label_span and frame.priority and re.search(rf"\b{frame.priority}\b", text[label_span[0] : label_span[1]], re.I):
        frame.priority = None  # "label it urgent" names a label, not a priority
    unnegated = mask_negated_projects(plain, lexicon)
    frame.project = lexicon.find_project(unnegated) or _lower_case_key(unnegated, lexicon) or _raw_project(unnegated)
    status_target = find_status_target(plain) or (find_raw_status_target(plain, lexicon) if frame.keys else None)
    subject = None if frame.keys else find_statement_subject(plain, lexicon)
    # "can omar take the X ticket?" asks for a change, though it ends in a question mark.
    handover = bool(_can_take(plain, lexicon))
    question_like = bool(_QUESTION.search(plain)) and not handover
    # "the rail-first travel policy ticket - push the due date back": a ticket named by description is a target.
    # "can u push the due date on my expense report to friday?" names its ticket even as a question.
    due_of = None if frame.keys else _due_ticket(plain, lexicon)
    described = None if frame.keys or question_like else find_described_ticket(plain, lexicon)
    described = due_of or described or (_taken_off_plate(plain, lexicon) if handover and not frame.keys else None)
    mine = None if frame.keys or question_like else _my_described(plain, lexicon)
    described = described or (mine[0] if mine else None)
    has_target = bool(frame.keys) or frame.refers_back or bool(subject) or bool(described)
    close_first = bool(re.match(r"^\W*(?:please\s+)?(?:close|resolve)\b", plain, re.I))
    question = question_like and not _EXPLICIT_CREATE.search(plain)
    # "add a new task ...? Can you do that?" still asks to create; only a bare question ("is there a ticket for
    # X?") without a creating verb phrase is a lookup.
    explicit_create = bool(_CREATE.search(plain) or _EXPLICIT_CREATE.search(plain))
    if (
        explicit_create
        and subject
        and (status_target or frame.priority or frame.assignee or frame.due or frame.labels)
        and _POINTS_AT_IT.search(plain)
        and not re.search(r"\b(?:new|another|separate)\b", plain, re.I)
    ):
        # "starting on the date-picker bug today - flip it to in progress and bump it to high": a statement about
        # work under way, then changes to "it", updates the ticket the statement names; it files nothing new.
        explicit_create = False
    if _COMMENT_ON_TICKET.search(plain):
        explicit_create = False  # "add a note on the X ticket: …" comments on X; it files nothing
    # "before i file a ticket, can you check if there's one for X?": the filing clause is the speaker's plan and
    # the request is the lookup; "… and if there isn't one, open it" files X, after the create tool's own check
    # for the same open problem (it offers an existing ticket instead of proposing a duplicate).
    lookup = None if frame.keys else find_lookup(plain)
    if lookup:
        frame.action = "create" if lookup.file_if_none else "search"
    elif is_existence_question(plain) and not frame.keys:
        frame.action = "search"  # "do we already have a ticket for X? don't want to file a dupe": a lookup
    elif explicit_create and not (frame.keys and not re.search(r"\b(new|another|separate)\b", plain, re.I)):
        frame.action = "create"
    elif _CLOSE_AND_NOTE.search(plain) and has_target:
        # "the scanner's fine now. close it out and leave a note saying that": a close with its note
        frame.action = "close"
        frame.comment = note_from_context(plain, _closing_note(plain) or find_comment(text))
    elif (_COMMENT.search(plain) or _TELL_ON.search(plain)) and has_target and not close_first:
        frame.action = "comment"
    elif _CLOSE.search(plain) and has_target and _closes(status_target):
        frame.action = "close"
        frame.comment = _closing_note(plain)
    elif has_target and (
        frame.priority
        or frame.assignee
        or frame.unassign
        or status_target
        or frame.due
        or frame.labels
        or find_rename(text)
    ):
        frame.action = "update"
    elif _COMMENT.search(plain) and not close_first and find_described_ticket(_without_comment_body(text), lexicon):
        frame.action = "comment"  # "on the date picker ticket leave a comment that …"
    elif frame.keys and _UPDATE_VERB.search(plain) and not question:
        frame.action = "update"  # a change was asked for but not what: the planner asks
    elif frame.keys:
        frame.action = "get"
    elif _COMMENT_VERB.search(plain):
        frame.action = "comment"  # "add a comment saying ...": the ticket comes from the conversation
    elif _HELP_ASK.search(plain) and not _SEARCH_START.search(plain):
        frame.action = "create"  # "the printer jams again, can someone look?": a problem report asking for help
    elif _filed_by(plain, lexicon) and not explicit_create:
        frame.action = "search"  # "the two bugs i raised with eng, any movement?": what I filed, not a new ticket
    elif (
        _WHO_HANDLES.search(plain)
        or _TRACKING.search(plain)
        or (_WHO_HAS.search(plain) and find_described_ticket(plain, lexicon))
    ):
        frame.action = "search"  # "who's handling the SSO setup?", "is anyone tracking X?": the ticket says
    elif _OWN_REQUEST.search(plain) and _DONE_QUESTION.search(plain):
        frame.action = "search"  # "did my request for X ever get sorted": a lookup, with or without a "?"
    elif question and (
        _SEARCH.search(plain)
        or _WHERE_AT.search(plain)
        or re.search(r"\b(tickets?|issues?|bugs?|tasks?|tix|stuff)\b", plain, re.I)
    ):
        frame.action = "search"
    elif suggested == "create" and _DO_TO_IT.match(plain):
        # "put it on hold for now": an instruction about the ticket already talked about, never a new ticket.
        frame.action = "update"
    elif suggested in {"create", "search", "update", "comment", "close", "get"}:
        # A question never files a ticket on the classifier's say-so: "where are we with X?" is a lookup.
        frame.action = "search" if question and suggested == "create" else suggested
        if suggested == "close" and not _CLOSE.search(plain) and (frame.assignee or frame.due or frame.priority):
            frame.action = "update"  # "prob diego's. due the 28th" sets fields; nothing in it closes a ticket
    elif _SEARCH.search(plain):
        frame.action = "search"
    if frame.action == "close" and not has_target:
        frame.action = "search" if _SEARCH.search(plain) else frame.action
    explicit_new = frame.action == "create" and bool(_EXPLICIT_CREATE.search(plain) or _NEW_TICKET_LEAD.match(plain))
    if (
        frame.action in {"create", "update", "close", "comment"}
        and not lookup
        and not explicit_new
        and is_musing(plain)
    ):
        # "X probably deserves a higher prio tbh, i'll raise it w sam": asks nothing; at most, look X up.
        frame = TicketFrame(keys=frame.keys, action="get" if frame.keys else "search")
        frame.search_text = None if frame.keys else (described or subject)
        frame.vague = not (frame.keys or frame.search_text)
        return frame
    if not frame.keys and not frame.refers_back and frame.action == "get":
        frame.action = "search"  # "anything in ENG waiting on a review?": a lookup with no ticket named is a search
    if frame.action in {"update", "close", "comment"} and not frame.keys:
        frame.about = (
            due_of
            or find_described_ticket(_without_comment_body(text), lexicon)
            or (_taken_off_plate(plain, lexicon) if handover else None)
            or subject
        )
        if mine and not frame.about:
            frame.about, frame.reporter = mine  # "close my monitor request": the one I filed about monitors
        if not frame.about and frame.refers_back:
            frame.about = _leading_subject(plain, lexicon)
            frame.about_is_guess = bool(frame.about)
    if frame.action == "comment":
        frame.comment = find_comment(text)
    if frame.action in {"update", "close"}:
        frame.status = status_target if frame.action == "update" else None
        if frame.action == "update" and not frame.status:
            frame.status = find_raw_status_target(plain, lexicon)
        frame.title = find_rename(text)
        if frame.action == "update" and not frame.change_slots():
            frame.wants = _wanted_slot(plain)
            if not frame.keys and not frame.refers_back and not frame.about:
                # No ticket and no change: a question is a lookup; anything else is too unclear to act on.
                frame.action, frame.wants = ("search" if question else None), None
    if frame.action == "create":
        # "open a ticket in MKTG: …" files into a project that must exist; the tool refuses an unknown one.
        frame.project = _unknown_placed_project(unnegated, lexicon) or frame.project
        titled = text[: label_span[0]] + text[label_span[1] :] if label_span else text
        titled = _NONE_YET.sub("", titled) if not explicit_quote(text) else titled
        frame.title, frame.description = extract_title(titled.strip(" ,;"), lexicon, frame)
        frame.file_it = bool(FILE_IT_LEAD.match(plain))
        frame.assignee = frame.assignee or _assignee_outside_quotes(text, lexicon)
        asked = _EXISTS.search(plain)
        if lookup and not explicit_quote(text):
            frame.title = _tidy_title(lookup.topic)  # "check for a ticket about X and if there isn't one open it": X
        elif asked and not explicit_quote(text):
            frame.title = _tidy_title(asked.group("what"))  # "is there a ticket for X? if not, open one": X
        frame.vague = not (explicit_create or lookup) and is_vague(frame.title)
        frame.kind = kind_only(frame.title) if frame.title and not explicit_quote(text) else None
        if frame.kind is not None:
            frame.title = None  # "Replacement ticket for me" is the request, not what the ticket is about
    found_change = _IF_FOUND.search(plain) if lookup and frame.action == "search" else None
    if found_change:
        # "…? if there is, bump it to highest": the ticket the lookup finds, changed when exactly one matches (the
        # tool lists them when several do); the conditional's words never filter a search.
        clause = found_change.group("change")
        change = TicketFrame(action="update", about=_topic_words(lookup.topic, lexicon) if lookup else None)
        change.priority, change.due = find_priority(clause), find_due(clause)
        change.assignee, change.unassign = find_assignee(clause, lexicon, bot_id)
        change.status = find_status_target(clause)
        if change.about and change.change_slots():
            return change
        plain = plain[: found_change.start()]
        frame.priority = frame.assignee = frame.due = frame.status = None
    if frame.action == "search" and lookup:
        # Only the lookup clause filters: "I'm about to log one" names no assignee, "filed" no reporter.
        # The topic is blanked too: "slack notifications being late" is a subject, not the overdue filter.
        _fill_search(_ME_TOO.sub(" ", without_own_plan(plain).replace(lookup.topic, " ")), lexicon, frame)
        frame.search_text, frame.topic, frame.reporter = _topic_words(lookup.topic, lexicon), None, None
    elif frame.action == "search":
        _fill_search(plain, lexicon, frame)
        no_filter = not (
            frame.assignee
            or frame.status
            or frame.project
            or frame.priority
            or frame.search_text
            or frame.overdue
            or frame.reporter
            or frame.labels
            or frame.topic
        )
        frame.vague = no_filter and is_vague(plain) and not _LIST_ALL.search(plain)
    return frame


def _lower_case_key(text: str, lexicon: Lexicon) -> str | None:
    """A project key typed in lower case after a preposition ("raised with eng", "filed in ops"); a bare lower-case
    "eng" elsewhere is too easily a word to count."""
    for key, _name in lexicon.projects:
        if re.search(rf"\b(?:with|in|to|on|under|into|for)\s+(?:the\s+)?{re.escape(key)}\b(?![-\w])", text, re.I):
            return key
        if re.search(rf"\b{re.escape(key)}\s+(?:tickets?|issues?|bugs?|tasks?|requests?|tix)\b", text, re.I):
            return key  # "those ops requests"
    return None


def _raw_project(text: str) -> str | None:
    m = _RAW_PROJECT.search(text)
    return m.group(1) if m else None


# "open a ticket in MKTG: …", "file under FIN - …", "new bug on MOBILE, …": a project key where the request says
# where the ticket goes, right after the ticket noun and before the title.
_PLACED_IN = re.compile(
    r"\b(?:tickets?|issues?|bugs?|tasks?|requests?|incidents?|one|this|it)\s+(?:in|on|under|into|for|to)\s+"
    r"(?:the\s+)?(?P<key>[A-Z][A-Z0-9]{1,9})(?![\w-])(?:\s+(?:project|board|queue|backlog))?\s*(?=[:\-—,]|$)"
)


def _unknown_placed_project(text: str, lexicon: Lexicon) -> str | None:
    """A project key the request files into that no project (key or name) and nobody answers to."""
    m = _PLACED_IN.search(text)
    if not m:
        return None
    word = m.group("key")
    folded = word.lower()
    for key, name in lexicon.projects:
        words = name.lower().split()
        if folded == key.lower() or folded in words or name.lower().startswith(folded):
            return None
    return None if lexicon.is_person(word) else word


def _wanted_slot(text: str) -> str:
    m = _UPDATE_VERB.search(text)
    if not m:
        return "any"
    return next(name for name, value in m.groupdict().items() if value)


def _assignee_outside_quotes(text: str, lexicon: Lexicon) -> str | None:
    """With a quoted title, "for Akira" or "assign Priya" outside the quotes names the assignee."""
    plain = mask_quotes(text)
    m = re.search(r"\b(?:for|assign|assigned to|owner|owned by)\s+(@?[\w<@>|.-]+(?:\s+[A-Z][\w-]+)?)", plain, re.I)
    if m and (lexicon.is_person(m.group(1).lstrip("@")) or m.group(1).startswith("<@")):
        return m.group(1).lstrip("@")
    return None


def _closes(status_target: str | None) -> bool:
    """A close request moves to the final status; "move to review" is an update, not a close."""
    return status_target is None or status_target.lower() in {
        "done",
        "closed",
        "resolved",
        "complete",
        "completed",
        "finished",
        "fixed",
    }


_CLOSE_AND_NOTE = re.compile(
    r"\b(?:close|resolve)\s+(?:it|this|that|the ticket)(?:\s+out)?\s+(?:and|&|\+)\s+(?:leave|add|put|drop)\s+"
    r"(?:a\s+|an?\s+quick\s+)?(?:note|comment)\b",
    re.I,
)


def _closing_note(text: str) -> str | None:
    m = re.search(r"(?:with (?:the )?(?:comment|note)|saying|comment)\s*[:\-]?\s*(.+)$", text, re.I)
    return m.group(1).strip() if m else None


NOT_FINISHED = re.compile(
    r"\b(?:aren'?t|are not|isn'?t|is not|not|never|haven'?t been|hasn'?t been)\s+(?:yet\s+)?(?:been\s+)?"
    r"(?:done|closed|finished|complete(?:d)?|resolved)\b|\b(?:still|currently)\s+open\b|\bunfinished\b",
    re.I,
)
_WORKING_ON_NOW = re.compile(r"\bworking on\b(?:\s+(?:right now|now|currently|at the moment|today))?", re.I)
_REPORTED = re.compile(
    r"\b(?P<who>i|\w+)\s+(?:have\s+|has\s+)?(?:reported|filed|opened|raised|logged)\b|"
    r"\bdid\s+(?P<who2>i)\s+(?:report|file|open|raise|log)\b|"
    r"\b(?:reported|filed|opened|raised|logged)\s+by\s+(?P<by>me|\w+)\b",
    re.I,
)


def _blank(pattern: re.Pattern[str] | str, text: str) -> str:
    """``text`` without what ``pattern`` matches: a phrase read as a filter is not also a topic."""
    return re.sub(pattern, " ", text, flags=re.I) if isinstance(pattern, str) else pattern.sub(" ", text)


# "before i start closing stuff out for the sprint - what … are still open?": a lead-in saying why the person asks.
# Only the question after it filters; the lead-in's words ("closing", "sprint") are neither a status nor a topic.
_LEAD_IN = re.compile(
    r"^\W*(?:before|after|once|while|when|since|as|now that|so|ok|okay|btw)\b[^?\n]{0,120}?(?:\s[-–—]+|[,;:])\s+"
    r"(?=(?:what|which|any|anything|are|is|how|who|whose|where|show|list|do|does|can|could)\b)",
    re.I,
)
# A later sentence saying why one asks ("want to know who to nudge", "wanna know before i hand her more",
# "just curious") is context for the question before it, never a filter.
_WHY_TAIL = re.compile(
    r"(?<=[?.!])\s+(?:(?:i\s+)?(?:just\s+)?(?:want(?:ed)?|wanna|need|needed|trying|try(?:ing)? to)\s+(?:to\s+)?"
    r"(?:know|check|figure|see|work out|find out)\b|just curious\b|asking (?:because|cos|since|so)\b|"
    r"(?:so|before|because|cos|since) i\b|(?:i'?m\s+)?(?:about|going|planning) to\b|gonna\b).*$"
    # "which tickets have no due date? want to put dates on them later": after the question, the speaker's plan
    r"|(?<=\?)\s+(?:(?:i|we)\s+)?(?:want|wanna|plan|planning|hope|hoping|i'll|we'll|will)\s+(?:to\s+)?\w.*$",
    re.I | re.S,
)
# "the notification worker memory leak i reported", "the login crash maya filed": one ticket named by its subject
# and by who filed it.
_FILED_DESCRIBED = re.compile(
    r"\bthe\s+(?P<words>(?:[\w'-]+\s+){0,6}?[\w'-]+)\s+(?:that\s+|which\s+)?(?P<who>i|we|[a-z][\w-]+)\s+"
    r"(?:just\s+|already\s+)?(?:reported|filed|raised|logged|opened|submitted|put in)\b",
    re.I,
)
# "is priya still on it?", "anyone on this?", "who's touching it": who works on the ticket is the question, so
# the person named is no assignee filter.
_OWNER_QUESTION = re.compile(
    r"\b(?:is|'s|are)\s+(?:[\w-]+\s+)?(?:still\s+|already\s+)?(?:on|working on|handling|looking at|touching)\s+"
    r"(?:it|this|that)\b|\bwho(?:'s|s|\s+is)\s+(?:on|touching|handling|working on)\s+(?:it|this|that)\b",
    re.I,
)


# "close my monitor request", "bump our vpn ticket": one ticket the speaker filed, named by what it is about.
_MY_DESCRIBED = re.compile(
    r"\b(?P<who>my|our)\s+(?P<words>(?:[\w'-]+\s+){0,5}?[\w'-]+)\s+(?:request|ticket|issue|bug)\b"
    r"(?!\s+(?:for|about|to|re|on|regarding)\b)",
    re.I,
)


def _my_described(text: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """(subject words, filer) of "my <X> request/ticket": the speaker's own ticket about X, or None."""
    for m in _MY_DESCRIBED.finditer(text):
        words = ticket_description_words(m.group("words"), lexicon)
        filer = _filer("i" if m.group("who").lower() == "my" else "we", lexicon)
        if words and filer:
            return words, filer
    return None


def _filed_described(text: str, lexicon: Lexicon) -> str | None:
    """The subject words of "the X i reported" when someone known (or the speaker) filed it, else None."""
    for m in _FILED_DESCRIBED.finditer(text):
        if not _filer(m.group("who"), lexicon):
            continue
        words = [
            w
            for w in re.findall(r"[\w'-]+", m.group("words"))
            if w.lower() not in _DESCRIPTION_STOP | _NOT_DESCRIPTION | _NOT_TOPIC_WORDS | _STOPWORDS
            and not lexicon.is_person(w)
            and w.lower() not in {"tickets", "issues", "bugs", "ones", "stuff", "things"}
        ]
        if any(len(w) >= 3 for w in words):
            return " ".join(words[:6])
    return None


# "how are the X tickets doing?", "how's the Y going": a progress question; "doing" is no status filter there.
_HOW_GOING = re.compile(
    r"^\W*how(?:'s|s|\s+is|\s+are)\b(?P<what>.*?)\b(?:doing|going|getting on|coming along|looking)\b", re.I
)
# "the accessibility tickets", "any frontend tix": one or two words naming a label or subject before the noun.
_NOUN_TOPIC = re.compile(
    r"\b(?:the|my|our|any|all|which|what|those|these)\s+(?P<mods>[\w-]+(?:\s+[\w-]+)?)\s+"
    r"(?:tickets|tix|issues|bugs|tasks|stuff)\b",
    re.I,
)


def _noun_topic(text: str, lexicon: Lexicon) -> str | None:
    """The words before "tickets" that are no person, project, status, priority, filter or filler, or None."""
    m = _NOUN_TOPIC.search(text)
    if not m:
        return None
    words = [
        w
        for w in m.group("mods").split()
        if len(w) >= 3
        and w.lower() not in _STOPWORDS | _NOT_TOPIC_WORDS | _NOT_DESCRIPTION | _DESCRIPTION_STOP
        and w.lower() not in {"other", "new", "old", "stuck", "late", "urgent", "two", "three", "few", "customer"}
        and not _is_status_word(w)
        and not re.fullmatch(_PRIORITY_WORD, w, re.I)
        and not _OVERDUE.fullmatch(w)
        and not lexicon.is_person(w)
        # "people-team", "eng-side": a project or team, already read as the project filter.
        and not any(
            part in {k.lower(), *n.lower().split(), "team", "side", "board", "project"}
            for k, n in lexicon.projects
            for part in w.lower().split("-")
        )
        and not w.lower().endswith(("-labelled", "-labeled", "-tagged"))
    ]
    return " ".join(words) if len(words) == len(m.group("mods").split()) else None


# "who's got the X ticket", "who owns the Y one", "has anyone picked up the Z bug": a question about one ticket.
_WHO_HAS = re.compile(
    r"^\W*(?:who(?:'s|s|\s+is|\s+has)?\s+(?:got|owns?|on|has|assigned(?:\s+to)?|holding|taking)\b|"
    r"whose\b|(?:has|did|is)\s+(?:anyone|anybody|someone|somebody)\s+(?:\w+\s+){0,2}?"
    r"(?:started|picked up|taken|grabbed|working on|on)\b)",
    re.I,
)


# "where's the offsite receipts one at?", "where are we at with the badge bug": where one ticket stands.
_WHERE_AT = re.compile(r"^\W*(?:so\s+|and\s+)?where(?:'s|s|\s+is|\s+are)\b[^.?!]*\bat\b", re.I)


def _fill_search(text: str, lexicon: Lexicon, frame: TicketFrame) -> None:
    text = _LEAD_IN.sub("", text, count=1)
    text = _WHY_TAIL.sub("", text)
    going = _HOW_GOING.search(text)
    if going:
        text = text[: going.end("what")] + text[going.end() :]  # "how are X doing?" asks after X, any status
    # ``rest`` loses each phrase once it has been read as a filter; what is left may be the topic.
    rest = _blank(_FILLER, text)
    if _UNASSIGNED_FILTER.search(text) or frame.unassign:
        frame.assignee, frame.unassign = "nobody", False
        rest = _blank(_UNASSIGNED_FILTER, rest)
    else:
        m = _POSSESSIVE.search(text) or _WORKING_ON.search(text)
        if m and lexicon.is_person(m.group(1)):
            frame.assignee = m.group(1)
        elif not frame.assignee:
            people = lexicon.find_people(text)
            if people:
                frame.assignee = people[0][2]
            elif _MY.search(text):
                frame.assignee = "me"
    if _OVERDUE.search(text):
        frame.overdue = True
        rest = _blank(_OVERDUE, rest)
        frame.due = find_due(_blank(_OVERDUE, _blank(_FILLER, text)))  # "past their due date" is not a date
    if NO_DUE_DATE.search(text):
        frame.no_due_date, frame.due = True, None
        rest = _blank(NO_DUE_DATE, rest)
    # "need to be finished by thurs": a deadline, not a search for finished tickets.
    text = _blank(_FINISHED_BY, text)
    status = _STATUS_FILTER.search(_blank(_FILLER, text))
    explicit = status.group(1) if status and status.group(1).lower() != "open" else None
    if _NOT_STARTED.search(text):
        frame.status = "not started"
    elif NOT_FINISHED.search(text):
        pass  # "tickets that aren't done yet": open ones, which is what a search shows by default
    elif _REVIEW_WAIT.search(text):
        frame.status = "in review"
    elif explicit:
        frame.status = explicit
    elif _WORKING_ON_NOW.search(text) and frame.assignee:
        frame.status = "active"  # "what's Priya working on right now?": what she has begun and not finished
    for pattern in (_NOT_STARTED, NOT_FINISHED, _REVIEW_WAIT, _WORKING_ON_NOW, _STATUS_FILTER):
        rest = _blank(pattern, rest)
    frame.priority = find_priority_filter(text)
    if frame.priority:
        for pattern in (_PRIORITY_OR_ABOVE, _PRIORITY_SET, *_PRIORITY_PATTERNS, _PRIORITY_CODE):
            rest = _blank(pattern, rest)
    if frame.project:
        rest = _blank_project(rest, frame.project, lexicon)
    _label_words, label_span = find_labels(rest)
    if label_span:
        rest = rest[: label_span[0]] + " " + rest[label_span[1] :]
    if frame.due:
        rest = _blank(_DUE, rest)
    reported = None
    for m in _REPORTED.finditer(text):
        who = m.group("who") or m.group("who2") or m.group("by") or ""
        if who.lower() in {"i", "me", "myself"} or lexicon.is_person(who):
            reported = m
            frame.reporter = "me" if who.lower() in {"i", "me", "myself"} else who
            break
    if not reported and _filed_by(text, lexicon):
        frame.reporter = _filed_by(text, lexicon)  # "the issues we filed", "what i submitted"
        reported = _ALREADY_FILED.search(text)
    if reported and frame.assignee in {"me", frame.reporter}:
        frame.assignee = None  # "tickets I reported" are not the ones assigned to me
    frame.search_text = find_search_text(rest, lexicon)
    if not frame.search_text and not frame.labels:
        frame.topic = _noun_topic(rest, lexicon)  # "how are the accessibility tickets doing?"
    what: str | None = None
    own = _OWN_REQUEST.search(text)
    if own:
        # "did my request for X get sorted?": what I filed, finished or not, about X.
        frame.reporter = "me"
        frame.assignee = None if frame.assignee == "me" else frame.assignee
        frame.include_done = bool(_DONE_QUESTION.search(text))
        what = own.group("noun") + " " + own.group("what")
    else:
        first = re.split(r"(?<=[?.!])\s+", rest.strip())[0]
        handled = _WHO_HANDLES.search(rest) or _TRACKING.search(first) or _EXISTS.search(first)
        if handled:  # the whole phrase after the verb, not only what follows its last preposition
            what = next(g for g in (handled.groupdict().get(n) for n in ("what", "what2")) if g)
    if what is not None:
        words = [
            w
            for w in re.findall(r"[\w'-]+", what)
            if w.lower() not in _STOPWORDS | _DESCRIPTION_STOP | {"at", "by", "from", "each", "other"}
            and w.lower() not in _NOT_TOPIC_WORDS
            and not lexicon.is_person(w)
        ]
        frame.search_text = " ".join(words[:6]) or None
    described = find_described_ticket(text, lexicon) if _WHO_HAS.search(text) or _WHERE_AT.search(text) else None
    if described and what is None:
        # "who's got the per-token rate limiting ticket, has anyone started on it?": that one ticket, whatever its
        # owner or status; those are what the question asks, not filters.
        frame.search_text, frame.status, frame.topic = described, None, None
        frame.assignee = None if frame.assignee == "me" else frame.assignee
    filed = _filed_described(text, lexicon) if what is None and not described else None
    if filed and (_OWNER_QUESTION.search(text) or _QUESTION.search(text)):
        # "the notification worker memory leak i reported - is priya still on it?": that one ticket, whoever has
        # it; its owner is what the question asks.
        frame.search_text, frame.status, frame.topic = filed, None, None
        if _OWNER_QUESTION.search(text) or frame.assignee in {"me", "nobody"}:
            frame.assignee = None
    if reported and frame.search_text:
        frame.search_text = re.sub(r"\b(?:report(?:ed)?|filed|opened|raised|logged)\b", "", frame.search_text).strip()
        frame.search_text = frame.search_text or None


def _blank_project(text: str, key: str, lexicon: Lexicon) -> str:
    """``text`` without the project it names ("on the design board", "in ENG", "OPS tickets")."""
    name = next((n for k, n in lexicon.projects if k == key), key)
    forms = {re.escape(key), re.escape(name)}
    if name.split():
        forms.add(re.escape(name.split()[0]))
    either = "|".join(sorted(forms, key=len, reverse=True))
    text = re.sub(
        rf"\b(?:in|on|under|for|from|of|with)?\s*(?:the\s+)?(?:{either})(?:\s+(?:project|board|queue|team|backlog))?\b",
        " ",
        text,
        flags=re.I,
    )
    return text


_NEGATED_PROJECT = (
    r"(?:\bnot|n't|\brather than|\binstead of|\bbut not|\bexcept)\s+(?:in\s+|on\s+|under\s+|for\s+)?(?:the\s+)?"
)


def mask_negated_projects(text: str, lexicon: Lexicon) -> str:
    """The text with projects named only to rule them out blanked: "an OPS ticket (not ENG)" is for OPS."""
    for key, name in lexicon.projects:
        forms = "|".join(re.escape(f) for f in sorted({key, name}, key=len, reverse=True) if f)
        text = re.sub(
            rf"{_NEGATED_PROJECT}(?:{forms})\b(?:\s+(?:project|board|queue|team))?",
            lambda m: " " * len(m.group(0)),
            text,
            flags=re.I,
        )
    return text


# "the empty states one", "the pricing page mobile bug", "the ticket about the VPN".
_DESCRIBED = re.compile(
    r"\bthe\s+(?P<words>(?:[\w'-]+\s+){0,6}?[\w'-]+)\s+(?:one|ticket|bug|issue|task)\b(?!-?\d)|"
    r"\bthe\s+(?:one|ticket|bug|issue|task)\s+(?:about|for|on|regarding|re)\s+(?:the\s+)?"
    r"(?P<after>[\w'-]+(?:\s+[\w'-]+){0,5}?)(?=\s*(?:[,.;:!?]|$|\s+(?:to|into|as|and|saying|that)\b))",
    re.I,
)
_NOT_DESCRIPTION = {
    "same",
    "other",
    "first",
    "second",
    "third",
    "last",
    "latest",
    "previous",
    "new",
    "old",
    "existing",
    "above",
    "earlier",
    "next",
    "current",
    "original",
    "right",
    "wrong",
    "whole",
    "unassigned",
    "overdue",
    "oldest",
    "newest",
    "only",
    "remaining",
    "open",
    "ticket",
    "one",
    "his",
    "her",
    "their",
    "its",
}


_DESCRIPTION_STOP = {
    "the",
    "a",
    "an",
    "of",
    "for",
    "on",
    "in",
    "to",
    "with",
    "my",
    "our",
    "that",
    "this",
    "about",
    "and",
}


def find_described_ticket(text: str, lexicon: Lexicon) -> str | None:
    """Words naming a ticket by its subject ("started on the empty states one" → "empty states"), or None when
    the phrase only points ("the same one", "the other ticket") or names a person, project, status or priority."""
    plain = mask_quotes(text)
    for m in _DESCRIBED.finditer(plain):
        words = ticket_description_words(m.group("words") or m.group("after") or "", lexicon)
        if words:
            return words
    return None


def ticket_description_words(phrase: str, lexicon: Lexicon) -> str | None:
    """The words of ``phrase`` that describe a ticket's subject ("the settings page redesign" → "settings page
    redesign"): no people, projects, statuses, priorities or pointing words; None when nothing of substance is
    left."""
    for start, end, _surface in reversed(lexicon.find_people(phrase)):
        phrase = phrase[:start] + " " + phrase[end:]
    words = [
        w
        for w in re.findall(r"[\w'-]+", phrase)
        if w.lower() not in _DESCRIPTION_STOP
        and w.lower() not in _NOT_DESCRIPTION
        and w.lower() not in _NOT_TOPIC_WORDS
        and not _is_status_word(w)
        and not re.fullmatch(_PRIORITY_WORD, w, re.I)
        and not any(w.lower() in {k.lower(), n.lower()} for k, n in lexicon.projects)
    ]
    return " ".join(words) if any(len(w) >= 3 for w in words) else None


# Work named by what it is, in a statement about where it stands: "starting the postgres upgrade today",
# "the test_sync flake is fixed and merged", "Omar's taking over the rate limiting work".
_STATEMENT_SUBJECTS = (
    re.compile(
        r"^\W*(?:(?:ok|so|fyi|heads up)[\s,:]+)?(?:(?:i'?m|we'?re|i am|we are|i'?ll be|we'?ll be)\s+)?"
        r"(?:starting|started|kicking off|kicked off|beginning|picking up|picked up|working on|finishing|wrapping up|"
        r"done with|finished)\s+"
        r"(?:on\s+|with\s+|work on\s+)?(?:the|our|my)\s+(?P<what>[\w'-]+(?:\s+[\w'-]+){0,6}?)"
        r"(?=\s+(?:today|tonight|now|this\s+\w+|tomorrow|so|and|then|but|-)\b|\s*[,.;:!?\-–—]|$)",
        re.I,
    ),
    re.compile(
        r"^\W*(?:(?:ok|so|fyi|heads up|good news)[\s,:]+)?(?:the\s+|our\s+|my\s+)?"
        # "the postgres upgrade's done", "the parental leave page update is in review now"; never a question
        # ("which tickets are in review?").
        r"(?!(?:which|what|whats|how|any|anything|who|whose|where|when|are|is|do|does)\b)"
        r"(?P<what>[\w'-]+(?:\s+[\w'-]+){0,6}?)(?:\s+(?:is|are|has been|have been|got|was|were)|'s)\s+"
        r"(?:now\s+|finally\s+|all\s+)?(?:fixed|merged|done|resolved|shipped|finished|deployed|complete(?:d)?|"
        r"in[\s-]review|in[\s-]progress|ready for review|blocked"
        # "the floor 2 scanner's fine now", "the vpn is working again": settled, said of the thing itself
        r"|(?:fine|working|sorted|ok|okay|good|all good|back up|back to normal|running)\s+(?:now|again)|"
        r"working fine now)\b",
        re.I,
    ),
    re.compile(
        r"\b(?:taking|take|takes|took)\s+over\s+(?:the\s+|our\s+)?(?P<what>[\w'-]+(?:\s+[\w'-]+){0,6}?)"
        r"(?=\s+(?:from|today|tomorrow|now|this|next|while|until|and|so)\b|\s*[,.;:!?]|$)",
        re.I,
    ),
)
_STATEMENT_FILLER = {"work", "stuff", "thing", "things", "job", "piece", "bit", "whole"}


# "postgres 17 upgrade has to land before the freeze. bump it to highest": the work, named as the subject of the
# first clause, that a later "it" points at.
_LEADING_SUBJECT = re.compile(
    r"^\W*(?:(?:ok|so|fyi|heads up|right)[\s,:]+)?(?:the\s+|our\s+)?(?P<what>(?:[\w'-]+\s+){0,5}?[\w'-]+)\s+"
    r"(?:has to|have to|needs? to|must|should|is going to|will|won't|can'?t|keeps?|got|"
    # "the pricing page mobile thing is blowing up in support, bump it to highest": what is happening to it.
    r"(?:is|are)\s+(?:still\s+|now\s+|really\s+|totally\s+)?[a-z]+ing\b)(?=[\s,;.!?])",
    re.I,
)


def _leading_subject(text: str, lexicon: Lexicon) -> str | None:
    """The first clause's subject when it names work ("postgres 17 upgrade"), or None for people and pronouns."""
    m = _LEADING_SUBJECT.search(text)
    if not m:
        return None
    words = re.findall(r"[\w'-]+", m.group("what"))
    if lexicon.find_people(m.group("what")) or any(
        w.lower() in {"i", "we", "you", "he", "she", "they", "it", "this", "that", "someone", "everyone"} for w in words
    ):
        return None
    kept = [
        w
        for w in words
        if w.lower() not in _DESCRIPTION_STOP and w.lower() not in _STATEMENT_FILLER and not _is_status_word(w)
    ]
    return " ".join(kept) if any(len(w) >= 3 for w in kept) else None


def find_statement_subject(text: str, lexicon: Lexicon) -> str | None:
    """The words naming a piece of work in a statement about its progress ("starting the postgres upgrade today" →
    "postgres upgrade"), or None. Pronouns, people, projects and status words are no subject."""
    plain = mask_quotes(text)
    for pattern in _STATEMENT_SUBJECTS:
        m = pattern.search(plain)
        if not m:
            continue
        phrase = m.group("what")
        for start, end, _surface in reversed(lexicon.find_people(phrase)):
            phrase = phrase[:start] + " " + phrase[end:]
        words = [
            w
            for w in re.findall(r"[\w'-]+", phrase)
            if w.lower() not in _DESCRIPTION_STOP
            and w.lower() not in _NOT_DESCRIPTION
            and w.lower() not in _NOT_TOPIC_WORDS
            and w.lower() not in _STATEMENT_FILLER
            and w.lower() not in {"it", "everything", "anything", "all", "i", "we", "he", "she", "they", "you"}
            and not _is_status_word(w)
            and not any(w.lower() in {k.lower(), n.lower()} for k, n in lexicon.projects)
        ]
        if any(len(w) >= 3 for w in words):
            return " ".join(words)
    return None


def _without_comment_body(text: str) -> str:
    """A comment request without its body, so words of the comment never name the ticket."""
    body = find_comment(text)
    if body and body in text:
        return text.replace(body, " ")
    return text
