"""Reading a calendar request into a frame: what to do, to which meetings, with which values.

Slots are parsed independently so they compose in any order and combination: "my first meeting on Dec 13 with
Kofi", "all future meetings with Raj", "if I haven't met Aisha in the last 4 days, book 30 minutes called
catch-up at my first free slot from tomorrow".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from graph.local_model.lexicon import Lexicon
from graph.local_model.text import mentioned_user_ids
from graph.parsing.datetimes import (
    CLOCK_WORD,
    ZONE_ABBREVIATIONS,
    day_list_span,
    day_range_span,
    day_span,
    find_duration,
    find_shift,
    find_week,
    time_span,
    week_range_span,
    when_phrase,
)
from graph.parsing.day_windows import day_window_phrases, without_day_window
from graph.parsing.zones import zone_for_place

_MEETING = r"(?:meetings?|events?|calls?|sessions?|syncs?|1:1s?|one-on-ones?|appointments?|catch-ups?)"
_CANCEL = re.compile(r"\b(cancel|delete|remove|call off|drop|clear|scrap|kill|axe|nix|bin|get rid of)\b", re.I)
_RENAME = re.compile(
    r"\b(rename|retitle|re-title|change the (?:name|title) of|call it)\b|"
    # "change the budget sync title to …", "update my retro's name to …"
    r"\b(?:change|update|edit|set|fix)\s+(?:the\s+|my\s+|our\s+)?[^,.;!?]{1,50}?\s+(?:title|name)\s+to\b",
    re.I,
)
# "change the budget sync title" → "rename the budget sync": the selector part of a title change.
_TITLE_CHANGE = re.compile(
    r"\b(?:change|update|edit|set|fix)\s+(?:the\s+|my\s+|our\s+)?(?P<t>[^,.;!?]{1,50}?)(?:'s)?\s+(?:title|name)\s*$",
    re.I,
)
# "both my focus blocks", "all the retros", "the two planning sessions": several meetings, maybe how many.
_QUANTIFIER = re.compile(
    r"\b(?P<q>both|all|every|each|the\s+(?P<n>two|three|four|five))(?:\s+of)?(?:\s+(?:the|my|our|these|those))?\s+"
    r"(?=\S)",
    re.I,
)
_MOVE = re.compile(
    r"\b(move|reschedule|push|bump|shove|nudge|punt|delay|postpone|shift|slide|swap|switch|rebook|"
    r"bring\b.{0,40}?\bforward|"
    r"pull\b.{0,40}?\bforward)\b",
    re.I,
)
_CREATE = re.compile(
    r"\b(schedule|book|set up|arrange|create|add|put|plan|organi[sz]e|invite|block|hold|reserve|pop|pencil)\b|"
    # "need a 1 hr meeting w/ Hana …", "I'd like a call with Omar …": wanting a meeting is asking for one.
    rf"\b(?:need|want|would like|'d like|like to have)\s+(?:an?|some)\s+(?:[\w.-]+\s+){{0,3}}{_MEETING}\b|"
    # "grab another 30 min with Priya", "snag the earliest one": taking time is booking it; "grab a desk near the
    # window" is not, so "grab a/some" needs a length, a person or a meeting word.
    r"\b(?:grab|snag|nab)\s+(?:me\s+|us\s+)?the\s+(?:earliest|first|next|second|last)\b|"
    r"\b(?:grab|snag|nab)\s+(?:me\s+|us\s+)?(?:another|an?|some|\d+|half)\b"
    rf"(?=[^.?!,;]{{0,40}}?(?:\bwith\b|\bw/|\d|<@|\b(?:mins?|minutes?|hours?|hrs?|half|{_MEETING})\b))",
    re.I,
)
_FIND_TIME = re.compile(
    r"\b(find (?:me |us )?(?:a |some |an? )?(?:time|slot|\d+|half|an hour|\w+ minutes)|free slots?|"
    r"when (?:are|is|am) .* (?:free|available)|good time|suggest (?:some )?times?)\b",
    re.I,
)
_GOT_TIME = re.compile(
    r"\b(?:got|have you got|do (?:i|we|you) have|can (?:i|we) (?:get|grab|find))\s+(?:an?\s+)?"
    r"(?:\d+|half(?: an?)?|an?|one|two)"
    r"[\s-]*(?:hours?|min(?:ute)?s?|\w+ minutes?)\b.*\bwith\b|\bwhen can (?:i|we) (?:meet|catch up|sync)\b|"
    r"\bwhen (?:could|can|would|might) .{0,80}?\b(?:get|find|have|grab|do|fit in|squeeze in|meet for)\b.{0,30}?"
    r"(?:hours?|minutes?|mins?)\b|"
    r"\bwhen (?:are|is) .*\b(?:both|all)\s+free\b",
    re.I,
)
_READ = re.compile(
    r"\b(what(?:'s| is| do i have)?|show|list|when is|when's|do i have|agenda|schedule for|"
    r"anything on|what have i got|diary|when am i (?:next )?(?:seeing|meeting)|when do i (?:next )?(?:see|meet)|"
    r"how(?:'s| is| does| do) (?:my|the|our|next|this)\b|look(?:s|ing)? like|shaping up)\b|"
    r"^\W*(?:is|are|was|will|does|did)\s+(?:the|my|our)\b",
    re.I,
)
_WHICH = re.compile(r"\b(first|earliest|last|latest|final|next|upcoming)\b", re.I)
_ALL = re.compile(r"\b(all|every|each)\b", re.I)
_FUTURE = re.compile(r"\b(future|upcoming|from now on|going forward|remaining|coming up|later)\b", re.I)
_WITH = re.compile(
    r"\b(?:with|w/|and me and|invite|inviting|meet(?:ing)?|catch up with|sync with|1:1 with)\s+"
    r"(?P<who>.+)$",
    re.I,
)
_TITLE = re.compile(
    r"(?:\b(?:called|named|titled|entitled|name it|call it|title it|with (?:the )?title)\s+|"
    r"\b(?:title|subject|name)\s*:\s*)"
    r"(?P<q>[\"'“‘])?(?P<title>.+?)"
    r"(?(q)[\"'”’])"
    # Titles may contain "and" ("Data Security and Compliance"); only "and <verb>" ends one.
    r"(?=$|[?!.,;]|\s+(?:on|at|for|with|from|tomorrow|today|next|this|by|starting|in)\b|"
    r"\s+and\s+(?:invite|assign|add|book|schedule|send|make|put|include)\b)",
    re.I,
)
_QUOTED = re.compile(r"[\"“]([^\"”]{2,120})[\"”]|(?<![\w])'([^']{2,120})'(?![\w])")
_NEW_TITLE = re.compile(r"\bto\s+(?P<q>[\"'“‘])?(?P<title>.+?)(?(q)[\"'”’])\s*[.!?]*$", re.I)
_CONDITION = re.compile(
    r"\b(?:if\s+(?:i\s+)?(?:haven'?t|have not|didn'?t|did not)\s+(?:met|seen|talked to|spoken (?:to|with)|"
    r"caught up with|had a (?:1:1|one-on-one|meeting) with|synced with)|"
    r"(?:check\s+)?(?:if|whether)\s+i(?:'ve| have)\s+met|have i met)\b.*?\b(?:in|within|during|over)\s+the\s+"
    r"(?:last|past)\s+(?:(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|fourteen|thirty)\s+)?"
    r"(?P<unit>days?|weeks?|fortnight|month)\b",
    re.I | re.S,
)
_FIRST_FREE = re.compile(
    r"\b(?:my\s+|our\s+|the\s+)?(?:first|earliest|next)\s+(?:free|available|open)\s+(?:slot|time|spot|window)"
    r"(?:\s+(?:from|after|starting)\s+(?P<after>[^,.;!?]+?))?(?=$|[,.;!?]|\s+(?:with|for|called)\b)|"
    r"\bwhenever (?:we're|we are|everyone is|they're|they are) (?:both )?free\b|"
    r"\b(?:the\s+)?(?:first|earliest|next)\s+(?:time|slot)\b[^.?!]{0,60}?\b(?:both|all|everyone\s+is|we(?:'re| are)|"
    r"i(?:'m| am)|they(?:'re| are))\s+(?:both\s+|all\s+)?free\b",
    re.I,
)
_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "fourteen": 14,
    "thirty": 30,
}
_PRONOUN_PERSON = re.compile(r"\b(them|him|her|they)\b", re.I)


@dataclass
class CalendarFrame:
    """The parsed request."""

    action: str | None = None  # read | availability | find_time | create | move | rename | cancel
    which: str = "all"
    day: str | None = None
    after: str | None = None
    before: str | None = None
    with_people: list[str] = field(default_factory=list)
    title: str | None = None
    future_only: bool = False
    expect_one: bool = False
    """A single meeting was named ("my 1:1 with Diego"): several matches need a question, not a guess."""
    start: str | None = None
    first_free_after: str | None = None
    duration: timedelta | None = None
    shift: timedelta | None = None
    to: str | None = None
    new_title: str | None = None
    not_met_days: int | None = None
    exact_start: bool = False
    only_with: list[str] | None = None
    organised_by_me: bool = False
    """Only meetings the speaker runs ("the meetings I'm running", "ones I organise"), not invitations."""
    new_duration: timedelta | None = None
    shift_days: int | None = None
    """A move by whole days or weeks ("a day later", "back a week"): same clock time, another day."""
    location: str | None = None
    """Where a new meeting is: a room named ("in Kite", "room Heron", "reserve Falcon")."""
    anchor: str | None = None
    """How a new meeting sits against an existing one: right_after | right_before | day_after | day_before."""
    anchor_title: str | None = None
    """The existing meeting a new one is placed against ("the renewal call")."""
    anchor_day: str | None = None
    """The day that existing meeting is on, when named ("our pipeline review on Friday")."""
    anchor_part: str | None = None
    anchor_with: str | None = None
    anchor_offset: str | None = None
    """Someone the existing meeting belongs to or includes ("priya's focus time", "my check-in with lena")."""
    at: str | None = None
    """The moment an availability question is about ("free monday at 4?"), when it names one."""
    zone: str | None = None
    """Whose clock or which place's a time is given in, when not the speaker's ("4pm his time" → the guest)."""
    keep: list[str] = field(default_factory=list)
    """What a cancellation spares, said beside it ("keep next week's as is")."""
    every: bool = False
    """Several meetings were named ("both my focus blocks", "all the retros"): each one that matches changes."""
    expect_count: int | None = None
    """How many meetings the words promise ("both" is two): another number needs a question, not a guess."""

    def selector_args(self) -> dict[str, object]:
        """The selector part as tool arguments."""
        out: dict[str, object] = {}
        if self.which != "all":
            out["which"] = self.which
        for name in ("day", "after", "before", "title"):
            value = getattr(self, name)
            if value:
                out[name] = value
        if self.exact_start:
            out["starts_at"] = out.pop("after")
            out.pop("before", None)
        if self.with_people:
            out["with_person"] = self.with_people[0]
        if self.only_with:
            out["only_with"] = list(self.only_with)
        if self.organised_by_me:
            out["organised_by_me"] = True
        return out


_NOT_NAMES = {
    "me",
    "us",
    "the",
    "my",
    "our",
    "them",
    "him",
    "her",
    "everyone",
    "team",
    "someone",
    "anyone",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "tomorrow",
    "next",
    "this",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "a",
    "an",
    "i",
    "it",
    "noon",
    "lunch",
}


def _people(text: str, lexicon: Lexicon, bot_id: str | None) -> list[str]:
    """People named in the text, in order: mentions, known names, emails, and capitalised names after
    "with"/"invite" that nobody here answers to (so the booking tool can say it doesn't know them)."""
    found = [f"<@{uid}>" for uid in mentioned_user_ids(text) if uid != bot_id]
    for _start, _end, surface in lexicon.find_people(text):
        if surface not in found:
            found.append(surface)
    for email in re.findall(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b", text):
        if not any(email.lower() == f.lower() for f in found):
            found.append(email)
    # Only a "with ..." / "invite ..." list names guests; a title such as "Data Security and Compliance" does not.
    scan = _TITLE.sub(" ", _QUOTED.sub(" ", text))
    for m in re.finditer(r"\b(?:with|invite|inviting)\s+((?:[A-Z][a-z]+)(?:\s*(?:,|and|&)\s*[A-Z][a-z]+)*)", scan):
        for name in re.split(r"\s*(?:,|\band\b|&)\s*", m.group(1)):
            first = name.split()[0].lower() if name.split() else ""
            if not first or first in _NOT_NAMES or lexicon.is_person(name) or lexicon.find_people(name):
                continue
            if any(name.lower() in f.lower() for f in found):
                continue
            found.append(name)
    return found


def _which(text: str) -> str:
    if _ALL.search(text):
        return "all"  # "every upcoming meeting" is all of them, not the next one
    m = _WHICH.search(text)
    if not m:
        return "all"
    word = m.group(1).lower()
    return {"earliest": "first", "latest": "last", "final": "last", "upcoming": "next"}.get(word, word)


_NOT_TITLES = re.compile(
    r"^(?:ones?|them|those|these|it|that|this|all|everything|meetings?|events?|the rest|"
    r"stuff|things?)$",
    re.I,
)


def _title_selector(text: str) -> str | None:
    """The meeting named in a selector: "the next process review meeting" → "process review"."""
    title = _raw_title_selector(text)
    if title is None:
        return None
    title = re.sub(r"^(?:the|my|our|a)\s+", "", _QUANTIFIER.sub("", title.strip(), count=1), flags=re.I)
    if not title or _NOT_TITLES.match(title) or day_span(title) or time_span(title):
        return None
    return title


_MEETING_TYPES = {
    "one-on-one": "1:1",
    "1-1": "1:1",
    "1:1": "1:1",
    "standup": "standup",
    "stand-up": "stand-up",
    "retro": "retro",
    "retrospective": "retro",
    "interview": "interview",
    "planning": "planning",
    "demo": "demo",
    "review": "review",
    "workshop": "workshop",
    "offsite": "offsite",
}
# Words that make a cancellation about a set ("all my standups", "both focus blocks", "those").
_PLURAL_SET = re.compile(
    r"\b(?:all|every|each|both|everything|them|those|these|any|(?:meeting|event|call|sync|1:1|one-on-one|session|"
    r"appointment|standup|stand-up|block|retro|interview|review|catch-up|check-in)s)\b",
    re.I,
)
_MEETING_KIND = re.compile(r"(?<![\w:])(one-on-one|1-1|1:1|stand-?up|retro(?:spective)?|interview|offsite)s?\b", re.I)
_DAY_OWNER = (
    r"(?:today|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"this week|next week)'s"
)
_END_OF_TITLE = (
    r"(?=\s+w/|\s+(?:to|by|for|with|w|at|on|from|forward|back|earlier|later|\d+|half|an?\b|pls|please|instead|"
    r"and)\b|[,.;!?]|$)"
)


# What "my … with X" can name that is not a meeting: "my calendar with priya", "my time with omar".
_NOT_MEETINGS = r"(?:calendars?|schedules?|diary|time|day|week|availability|plans?|stuff|things?|one|ones)"
_QUALIFIERS = r"(?:all|every|future|remaining|past|other|recurring|regular|usual|weekly|daily|upcoming)"


def _raw_title_selector(text: str) -> str | None:
    quoted = _QUOTED.search(text)
    if quoted:
        return next(g for g in quoted.groups() if g)
    # "tomorrow's ops budget check-in", "Friday's IT office hours"
    m = re.search(rf"\b{_DAY_OWNER}\s+(?P<t>[\w&'/() -]{{2,60}}?){_END_OF_TITLE}", text, re.I)
    if m and not re.fullmatch(rf"{_MEETING}|meetings?", m.group("t").strip(), re.I):
        return m.group("t")
    # "bring the Q1 planning forward", "move the sprint retro to Thursday"
    m = re.search(
        rf"\b(?:move|bring|push|shove|nudge|punt|shift|pull|swap|switch|cancel|delete|rename|reschedule)\s+"
        rf"(?:the|my|our)\s+"
        rf"(?P<t>(?!(?:first|earliest|last|latest|next|upcoming|future|meetings?|events?)\b)"
        rf"[\w&'/() -]{{2,60}}?){_END_OF_TITLE}",
        text,
        re.I,
    )
    if (
        m
        and not re.search(r"\b(?:with|on|at|in|for|of)\b", m.group("t"), re.I)
        and not re.fullmatch(rf"{_MEETING}", m.group("t").strip(), re.I)
    ):
        return m.group("t")
    # "my next one-on-one with Omar": a meeting type is a title filter.
    m = re.search(
        r"\b(?:first|earliest|last|latest|next|upcoming)\s+(one-on-one|1-1|1:1|stand-?up|retro(?:spective)?|"
        r"interview|planning|demo|review|workshop|offsite)s?\b",
        text,
        re.I,
    )
    if m:
        return _MEETING_TYPES.get(m.group(1).lower(), m.group(1))
    # "my dentist appointment on Friday", "the budget review call": a name before a meeting word.
    m = re.search(
        rf"\b(?:my|the|our)\s+(?P<t>(?!(?:first|earliest|last|latest|next|upcoming)\b)[\w&'/ -]{{2,60}}?)\s+"
        rf"{_MEETING}\b",
        text,
        re.I,
    )
    if (
        m
        and not re.search(
            r"\b(?:with|on|at|in|for|of|first|earliest|last|latest|next|upcoming|future|remaining|past|other)\b",
            m.group("t"),
            re.I,
        )
        and not re.match(r"^\d", m.group("t"))
    ):
        return m.group("t")
    # "can my check-in w tom move to fri?": a meeting of one or two words named before the person it is with.
    m = re.search(
        r"\b(?:my|our)\s+(?P<t>(?!(?:first|earliest|last|latest|next|upcoming)\b)[\w&'/-]+(?:\s+[\w&'/-]+)?)"
        r"\s+(?:with|w/|w)\s+\w",
        text,
        re.I,
    )
    if m and not re.search(rf"\b(?:{_MEETING}|{_NOT_MEETINGS}|{_QUALIFIERS})\b", m.group("t"), re.I):
        return m.group("t")  # "my future meetings with him" names no one meeting: the person selects
    m = re.search(
        rf"\b(?:the|my|our)?\s*(?:first|earliest|last|latest|next|upcoming)\s+(?P<t>.+)\s+{_MEETING}\b", text, re.I
    )
    if m:
        title = m.group("t").strip()
        title = re.sub(r"^(?:the|my|our)\s+", "", title, flags=re.I)
        if (
            title
            and not re.fullmatch(rf"{_MEETING}|one|of my|of the", title, re.I)
            and not re.search(r"\b(with|on|at|in)\b", title, re.I)
        ):
            return title
    # Without a meeting word: "reschedule the next design review" → what follows first/next/last, minus the
    # other selectors (who, when).
    m = re.search(r"\b(?:first|earliest|last|latest|next|upcoming)\s+(?P<t>[^,;!?]+)$", text, re.I)
    if m:
        rest = re.split(r"\s+(?:with|on|at|for|tomorrow|today|this|next|by|from)\b", m.group("t"), maxsplit=1)[0]
        rest = re.sub(r"\s+(?:back|forward|out|up|earlier|later|ahead|over)$", "", rest.strip(), flags=re.I)
        rest = re.sub(rf"^{_MEETING}$", "", rest, flags=re.I).strip()
        if rest and rest.lower() != "one" and not day_span(rest):
            return rest
    return None


def _span_text(text: str, span: tuple[int, int] | None) -> str | None:
    return text[span[0] : span[1]].strip() if span else None


_CALL_INSTEAD = re.compile(r"\bcall\s+(?P<sel>.+?)\s+[\"'“‘](?P<title>[^\"'”’]+)[\"'”’]", re.I)


def _new_title(text: str) -> str | None:
    quoted = re.search(r"\bto\s+[\"“‘'](?P<title>[^\"”’']{2,120})[\"”’']", text)
    if quoted and re.search(r"\b(?:rename|retitle|title|name)\b", text[: quoted.start()], re.I):
        return quoted.group("title").strip()  # "rename X to 'Y'? thanks": the quotes end the new title
    m = re.search(
        r"\b(?:rename|retitle|change the (?:name|title) of|title|name)\b.*?\bto\s+(?P<q>[\"'“‘])?(?P<title>.+?)"
        r"(?(q)[\"'”’])\s*[.!?]*$",
        text,
        re.I,
    )
    if m:
        return m.group("title").strip()
    m = re.search(r"\bcall it\s+(?P<q>[\"'“‘])?(?P<title>.+?)(?(q)[\"'”’])\s*[.!?]*$", text, re.I)
    return m.group("title").strip() if m else None


_GENERIC_MEETING = re.compile(
    rf"^(?:(?:quick|short|new|\d+[\s-]*(?:min(?:ute)?s?|hours?|h)|half[\s-]hour|"
    rf"an?\s+hour(?:[\s-]long)?|[\w.]+[\s-]hour)\s+)*{_MEETING}$",
    re.I,
)
_NOUN_PHRASE = re.compile(
    r"\b(?:schedule|book|set up|arrange|create|add|put|plan|organi[sz]e)\s+(?:me\s+|us\s+)?(?:an?|the|one)\s+"
    r"(?P<np>.+?)(?=\s+(?:with|on|at|for|from|tomorrow|today|tonight|next|this|in|between|called|named)\b|$|[,.;!?])",
    re.I,
)


# "… to go over the SSO rollout", "… about the budget", "… re: hiring plan": what the meeting is for names it.
_TOPIC = re.compile(
    r"\b(?:about|regarding|re:?(?=\s)|to (?:go over|go through|discuss|talk about|talk through|chat about|review|plan|"
    r"walk through|sync on|catch up on|look at|work on|prep(?:are)? for)|on the topic of|for a chat about)\s+"
    r"(?P<topic>[^,;!?]+?)\s*(?=$|[,;!?.]|\s+(?:on|at|with|w/|tomorrow|today|tonight|next|this|for|from|starting|in|"
    r"before|after|by|and (?:invite|make|book|add|put)|pls|please)\b)",
    re.I,
)


def _topic_title(text: str) -> str | None:
    """A title from the meeting's purpose: "to go over the SSO rollout" → "SSO rollout"."""
    m = _TOPIC.search(text)
    if not m:
        return None
    topic = re.sub(r"^(?:the|our|my|a|an|some)\s+", "", m.group("topic").strip(), flags=re.I)
    if not topic or day_span(topic) or time_span(topic) or find_duration(topic) or _NOT_TITLES.match(topic):
        return None
    if len(topic.split()) > 8:
        return None
    return topic[:1].upper() + topic[1:]


def explicit_title(text: str) -> tuple[str, str] | None:
    """A title given outright ("call it X", "titled 'X'") and the phrase that gave it."""
    m = _TITLE.search(text)
    return (m.group("title").strip().strip("\"'“”‘’"), m.group(0)) if m else None


def people_named(text: str, lexicon: Lexicon, bot_id: str | None) -> list[str]:
    """People a message names (mentions, known names, emails, unknown capitalised names after "with")."""
    return _people(text, lexicon, bot_id)


_KIND_WITH = re.compile(
    r"\b(?P<kind>sync|catch-?up|check-?in|1:1|one-on-one|call|chat|coffee)\s+with\s+"
    r"(?P<who>[A-Z][\w'-]+(?:(?:,\s*|\s+and\s+)[A-Z][\w'-]+)*)",
    re.I,
)


_PURPOSE = re.compile(
    r"\bfor\s+(?:some\s+|a\s+|an\s+|the\s+|my\s+|our\s+)?(?P<p>[A-Za-z][\w&'/+.-]*(?:\s+[\w&'/+.-]+){0,5}?)\s*"
    r"(?=$|[,;!?.]|\s+(?:on|at|with|w/|tomorrow|today|tonight|next|this|from|starting|in|before|after|by|and|pls|"
    r"please|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)",
    re.I,
)
_NOT_PURPOSE = re.compile(
    r"^(?:me|us|him|her|them|everyone|everybody|the team|team|now|later|a (?:bit|while)|a few|half|an?|one|two|"
    r"three|four|the day|the week|the rest)\b",
    re.I,
)


def _purpose_title(text: str) -> str | None:
    """A title from what the time is for: "block 2 hours on Friday for vendor contract prep" → "Vendor contract
    prep". Not a length, a day, a time or a pronoun ("for an hour", "for Friday", "for me")."""
    for m in _PURPOSE.finditer(text):
        purpose, whole = m.group("p").strip(), m.group(0)[4:].strip()
        if (
            _NOT_PURPOSE.match(whole)
            or find_duration(whole)
            or day_span(purpose)
            or time_span(purpose)
            or _NOT_TITLES.match(purpose)
            or _GENERIC_MEETING.match(purpose)
        ):
            continue
        return purpose[:1].upper() + purpose[1:]
    return None


def _create_title(text: str) -> str | None:
    m = _TITLE.search(text)
    if m:
        return m.group("title").strip().strip("\"'“”‘’")
    quoted = _QUOTED.search(text)
    if quoted:
        return next(g for g in quoted.groups() if g)
    topic = _topic_title(text)
    if topic:
        return topic
    kind = _KIND_WITH.search(text)
    if kind:
        # "set up a 30 min sync with Omar": the kind of meeting and who it is with name it well enough; the
        # card's Edit button changes it.
        return f"{kind.group('kind')[:1].upper()}{kind.group('kind')[1:].lower()} with {kind.group('who')}"
    # "book a design sync with Hana": a descriptive name is the title; "a meeting"/"a 30 minute call" is not.
    m = _NOUN_PHRASE.search(text)
    if m:
        phrase = re.sub(
            r"^(?:\d+(?:\.\d+)?[\s-]*(?:min(?:ute)?s?|hours?|h)|half[\s-]an?[\s-]hour|an? hour)[\s-]+",
            "",
            m.group("np").strip(),
            flags=re.I,
        )
        if (
            phrase
            and not _GENERIC_MEETING.match(phrase)
            and not re.fullmatch(r"(?:time|slot|hour|half hour|\w+ minutes?|min|meeting slot)", phrase, re.I)
        ):
            return phrase[:1].upper() + phrase[1:]
    return _purpose_title(text)


_OWN_ERRAND = re.compile(
    rf"^\W*(?:i'?ll|i will|i'?m going to|i'?m gonna|gonna)\s+(?:just\s+)?(?:grab|get|take|snag|pick up)\b"
    rf"(?![^.?!]*\b{_MEETING}\b)",
    re.I,
)
_INSTEAD = re.compile(r"\b(?:instead|rather)\b", re.I)
# "why can the standup start at 2:30 instead?", "fyi the review can be on friday instead": a question about a change,
# or news of one, is not a request to make it.
_NOT_ASKED = re.compile(r"^\W*(?:why|when|how|what|who|fyi|heads\s+up|just\s+so\s+you\s+know|btw)\b", re.I)
_MODAL_LEAD = re.compile(r"^\W*(?:can|could)\s+(?=(?:the|my|our|[\w-]+'s)\s)", re.I)


def _as_move(text: str) -> str:
    """ "could my 1:1 happen right after the sync instead?" -> "move my 1:1 to right after the sync?": a meeting
    asked to happen at another time, said as the move it is. Only the first such phrase is rewritten."""
    m = _HAPPEN_INSTEAD.search(text)
    if m is None or _NOT_ASKED.match(text):
        return text
    head, tail = text[: m.start()], text[m.end() :]
    lead = _MODAL_LEAD.match(head)
    if not (lead or m.group("modal")):
        return text  # "will it be on thursday instead?", "is going to be …": asked about or told, not asked for
    if lead:
        return f"move {head[lead.end() :]} to {m.group('to')}{tail}"  # "can the budget check-in be on thu instead?"
    return f"{head} move to {m.group('to')}{tail}"  # "akira asked if our 1:1 can start at 9 instead"


_HAPPEN_INSTEAD = re.compile(
    r"(?<=\S)\s+(?P<modal>(?:can|could)\s+(?:it\s+|that\s+|we\s+)?)?(?:start|happen|be|go|take\s+place|begin|run)\s+"
    r"(?:(?:at|on|from)\s+)?(?P<to>(?:(?:right|just|straight|immediately|directly)\s+(?:after|before)\s+)?[^,?.!]+?)"
    r"\s+instead\b",
    re.I,
)
_NEW_THING = re.compile(r"\b(?:do|have|grab|get|set up|make it)\s+(?:a|an|some)\b", re.I)


def parse_calendar_request(
    text: str, lexicon: Lexicon, *, suggested: str | None, bot_id: str | None = None
) -> CalendarFrame:
    """The frame for one message; ``suggested`` is the classifier's calendar action when rules are silent."""
    asked = _question_beside_a_maybe(text, lexicon, bot_id)
    if asked is not None:
        return asked
    return _parse_request(text, lexicon, suggested=suggested, bot_id=bot_id)


# A booking the person only muses about: "trying to decide if I should book …", "before I go book …", "don't send
# him anything yet", "… or is something already there?". Strong enough on its own to rule out a proposal.
_MAYBE_STRONG = re.compile(
    r"\b(?:decid(?:e|ing)|debating|wondering|considering|thinking|unsure|not sure)\s+(?:about\s+)?(?:if|whether)\b|"
    r"\bshould (?:i|we)\s+(?:book|schedule|set up|put|grab|add|invite|block)\b|"
    r"\bbefore (?:i|we)\s+(?:go\s+(?:and\s+)?|actually\s+)?(?:book|schedule|set up|put|grab|send|invite|block)\b|"
    r"\bor\s+(?:is|are|has|have|do (?:i|we) have|have (?:i|we) got)\s+(?:there\s+)?(?:\w+\s+)?"
    r"(?:something|smth|sth|anything|stuff|meetings?|already)\b|"
    # "if so I need to book a desk": a plan that hangs on the answer is not asked for yet.
    r"\bif\s+(?:so|yes|it is|it'?s|they are|they'?re)\s*,?\s+(?:then\s+)?(?:i|we)\b",
    re.I,
)
# "don't book it yet": musing only when the booking verb is in that clause ("don't send the invite to omar yet, but
# book 30 min with priya" books).
_DONT_YET = re.compile(
    r"\b(?:don'?t|do not|dont)\s+(?:send|book|invite|schedule|put|ping|tell)\b[^.?!,;]*\byet\b", re.I
)
_DONT_YET_BOOKS = re.compile(r"\b(?:book|schedule|put|set up|block|pencil)\b", re.I)
# "what should I schedule around it?": musing only with a question or hedge beside it ("schedule a debrief with priya
# right after that" is a request).
_AROUND_IT = re.compile(
    r"\b(?:schedule|plan|fit|book|work|move|put)\b[^.?!]{0,40}?\b(?:a?round|after|before)\s+(?:it|that|them)\b", re.I
)
_HEDGE_NEAR = re.compile(
    r"\?|\b(?:should|whether|if|how|what|where|trying to|figure out|idea|ideas|thoughts|options?|could (?:i|we))\b",
    re.I,
)
# A hedge about one more guest beside a booking ("…, thinking about whether to invite omar too"): the booking stands,
# without that guest.
_HEDGED_GUEST = re.compile(
    r"(?:[,;]\s*|\s+[-–—]+\s*|\s+)(?:(?:but|and)\s+)?(?:i'?m\s+|still\s+)?"
    r"(?:thinking|wondering|deciding|debating|considering|not sure|unsure)\s+(?:about\s+)?(?:if|whether)\s+"
    r"(?:(?:i|we)\s+should\s+|to\s+)?(?:invite|add|include|loop in|bring in|bring|cc|ask)\b[^.?!;]*",
    re.I,
)


def _maybe_strong(text: str) -> bool:
    """Whether ``text`` only muses about a booking, strongly enough to rule out a proposal."""
    if _MAYBE_STRONG.search(text):
        return True
    dont = _DONT_YET.search(text)
    if dont and _DONT_YET_BOOKS.search(dont.group(0)):
        return True
    return bool(_AROUND_IT.search(text) and (_HEDGE_NEAR.search(text) or _MAYBE_WEAK.search(text)))


# A change the person leans towards but has not made ("tempted to bin my office hours", "half a mind to move it",
# "lemme see the whole day first"): it is never proposed, whether or not a question is asked beside it.
_UNDECIDED = re.compile(
    r"\b(?:tempted|inclined)\s+to\b|\bhalf a mind to\b|\bbefore (?:i|we)\s+(?:decide|commit|make up)\b|"
    r"\b(?:let me|lemme|let'?s|lets|i'?ll|i want to|i wanna|wanna)\s+(?:see|check|look at|have a look at|look over)\b"
    r"[^.?!]{0,60}?\bfirst\b",
    re.I,
)
# Softer musing ("might grab him", "maybe"): it only yields to a question asked in the same message.
_MAYBE_WEAK = re.compile(
    r"\b(?:might|maybe|perhaps|possibly|probably|thinking of|considering|toying with|on the fence)\b", re.I
)
# A person or moment a question points back at: "is he free then?" after "pulling omar in mon at 11".
_PRONOUN_WHO = re.compile(r"\b(?:he|she|they|him|her|them)\b", re.I)
_PRONOUN_WHEN = re.compile(r"\b(?:then|at that time|at that point|that time)\b", re.I)
_CLAUSES = re.compile(r"(?<=[?!.;])\s+|\s+[-–—]+\s+")
_QUESTION_OPENER = re.compile(
    r"^\W*(?:so\s+|and\s+|but\s+|also\s+)?(?:who|whom|what|when|where|which|how|is|are|am|was|were|does|did|do|"
    r"dont|don'?t|doesn'?t|isn'?t|aren'?t|any|anything|have|has|hasn'?t|haven'?t)\b",
    re.I,
)
# "can you book …?" is a request in question form, not a question about the calendar.
_POLITE_ASK = re.compile(r"^\W*(?:pls\s+|please\s+)?(?:can|could|would|will)\s+(?:you|u|we)\b", re.I)


def _question_beside_a_maybe(text: str, lexicon: Lexicon, bot_id: str | None) -> CalendarFrame | None:
    """A question about the calendar next to a booking the person is only thinking about ("who's in the retro
    friday? deciding whether to book a prep with Omar", "is Hana free at 3? might grab her") is the question: it is
    answered, and nothing is proposed. A maybe-booking at a named time with no other question checks that time."""
    guest = _HEDGED_GUEST.search(text)
    if guest and _CREATE.search(text[: guest.start()]):
        # "book a call with hana at 3, thinking about whether to invite omar too": the booking, without omar.
        rest = text[: guest.start()] + text[guest.end() :]
        return parse_calendar_request(rest, lexicon, suggested=None, bot_id=bot_id)
    dont = _DONT_YET.search(text)
    if dont and not _DONT_YET_BOOKS.search(dont.group(0)) and _CREATE.search(text[dont.end() :]):
        # "don't send the invite to omar yet, but book 30 min with priya": the booking, and omar is not invited.
        rest = re.sub(r"^[\s,;]*(?:but|and|just)?\s*", "", text[dont.end() :], flags=re.I)
        return parse_calendar_request(text[: dont.start()] + rest, lexicon, suggested=None, bot_id=bot_id)
    strong = _maybe_strong(text) or _UNDECIDED.search(text)
    if not strong and not _MAYBE_WEAK.search(text):
        return None
    clauses = [c.strip() for c in _CLAUSES.split(colloquial(text)) if c.strip()]
    questions = [
        c
        for c in clauses
        if (c.endswith("?") or _QUESTION_OPENER.match(c))
        and not _POLITE_ASK.match(c)
        and not _maybe_strong(c)
        and not _UNDECIDED.search(c)
        and not _MAYBE_WEAK.search(c)
    ]
    if questions:
        asked = _with_antecedents(" ".join(questions), [c for c in clauses if c not in questions], lexicon, bot_id)
        frame = _parse_request(asked, lexicon, suggested=None, bot_id=bot_id)
        if frame.action in {"read", "availability", "find_time"}:
            return frame
        if frame.action is None:
            return _parse_request(asked, lexicon, suggested="read", bot_id=bot_id)
    if not strong:
        return None
    frame = _parse_request(text, lexicon, suggested=None, bot_id=bot_id)
    if frame.action in {"cancel", "move", "rename"} and _UNDECIDED.search(text):
        # "tempted to scrap friday's retro, let me see the day first": show what is there; change nothing.
        shown = CalendarFrame(action="read", day=frame.day, with_people=frame.with_people)
        shown.title = None if frame.day else frame.title
        return shown
    if frame.action not in {None, "create"}:
        return None
    # "could I squeeze a call in wed at 5 or is something already there?": whether that time is free.
    when = frame.start or when_phrase(text) or ""
    checked = CalendarFrame(action="availability", with_people=frame.with_people or _people(text, lexicon, bot_id))
    checked.day = _span_text(when, day_span(when))
    if when_phrase_has_clock(when):
        checked.at = when
        checked.duration = frame.duration
    return checked


def _with_antecedents(question: str, others: list[str], lexicon: Lexicon, bot_id: str | None) -> str:
    """The question with "he"/"she"/"they" and "then" spelled out from the rest of the message ("pulling omar into a
    debrief mon at 11. is he free then?" → "is omar free mon at 11?"), when the rest names exactly that."""
    context = " ".join(others)
    if _PRONOUN_WHO.search(question) and not _people(question, lexicon, bot_id):
        named = _people(context, lexicon, bot_id)
        if len(named) == 1:
            question = _PRONOUN_WHO.sub(named[0], question, count=1)
    if _PRONOUN_WHEN.search(question) and not day_span(question) and not when_phrase_has_clock(question):
        when = when_phrase(context)
        if when:
            question = _PRONOUN_WHEN.sub(when, question, count=1)
    return question


def _parse_request(text: str, lexicon: Lexicon, *, suggested: str | None, bot_id: str | None) -> CalendarFrame:
    frame = CalendarFrame()
    # "design review -> 4:30pm": an arrow is "move to".
    arrow = bool(_ARROW.search(text))
    text = _ARROW.sub(" to ", text)
    # A greeting ("morning! what have I got today?") is not a part of the day.
    text = re.sub(r"^\s*(?:good\s+)?(?:morning|afternoon|evening)\s*[!,.]+\s*", "", text, flags=re.I)
    text = colloquial(text)
    unrestated, text = text, _restate(text)
    # "could my 1:1 happen right after the managers sync instead?", "can our 1:1 start at 9am his time instead":
    # an existing meeting at another time, asked for, is a move to that time.
    text = _as_move(text)
    reason = _REASON_THEN_ASK.match(text)
    antecedent = None
    if (
        reason
        and _POINTS_BACK.search(reason.group("ask"))
        and (
            _CANCEL.search(reason.group("ask"))
            or _MOVE.search(reason.group("ask"))
            or _RENAME.search(reason.group("ask"))
        )
    ):
        # The reason before "so" is context; the request after it points back at the meeting the reason names.
        antecedent = _antecedent(reason.group("ctx"))
        if antecedent:
            text = reason.group("ask")
    text = _without_absence_reason(text)
    people = _people(text, lexicon, bot_id)
    if _WHO_QUESTION.search(text):
        frame.action = "read"  # "who's invited to the town hall?" asks about a meeting; it invites nobody
    elif _DECLINE.search(text) and not _CANCEL_OWN.search(text):
        frame.action = "decline"  # answering an invitation is not cancelling the meeting for everyone
    elif (_RENAME.search(text) or _CALL_INSTEAD.search(text)) and not (
        _CREATE.search(text) and re.search(r"\bcall it\b", text, re.I)
    ):
        frame.action = "rename"
    elif _CANCEL.search(text):
        frame.action = "cancel"
    elif _AGENDA_ASK.search(unrestated) and (_CREATE.search(text) or _PLANS_TO.search(text)):
        # "trying to book a dentist appt friday, what do I have that day?": the ask is the question; the booking
        # is something the person does elsewhere. So is what they mean to fit around it ("how packed is my
        # wednesday? hoping to carve out a few hours for the spec").
        frame.action = "read"
        text = _agenda_clause(unrestated)
        people = _people(text, lexicon, bot_id)
    elif (
        _NEEDS_TIME.search(text)
        and people
        and _OPEN_ASK.search(text)
        and not when_phrase_has_clock(_WORKING_HOURS.sub(" ", text))
    ):
        # "need a full hour with tom and priya on the 26th. what've we got?": the time wanted is what is asked for.
        frame.action = "find_time"
        text = _WORKING_HOURS.sub(" ", text)
    elif _FIRST_FREE.search(text) and _CREATE.search(text):
        frame.action = "create"  # "find the first time we're both free and book X then"
    elif _GOT_TIME.search(text) or (_WHEN_QUESTION.search(text) and not when_phrase_has_clock(text)):
        # "a 90 min block with Hana on Friday, when works?": asking when is a search, not a booking.
        frame.action = "find_time"
    elif _SELF_FREE.search(text) and not people:
        frame.action = "read"  # "am I free Thursday morning?": what is booked then answers it
    elif (
        re.search(r"\b(?:is|are|am)\b[^?.!]*\b(?:free|busy|available|booked)\b", text, re.I)
        and people
        and not re.search(r"\b(?:find|when)\b", text, re.I)
    ):
        frame.action = "availability"
    elif _FIND_TIME.search(text) and not _CREATE.search(text.split("find", 1)[0]):
        frame.action = "find_time"
    elif (
        arrow
        or (_MOVE.search(text) and re.search(r"\bto\b", text))
        or ((find_shift(text) or day_shift(text)) and not _CREATE.search(text))
        or (_RESIZE.search(text) and find_duration(text) and not _CREATE.search(text))
    ):
        frame.action = "move"
    elif _CREATE.search(text):
        frame.action = "create"
    elif _CONDITION.search(text):
        # "have I met with Sam in the last two weeks?" without asking to book: look back.
        frame.action = "met"
    elif re.search(r"\b(busy|free|available)\b", text, re.I) and people:
        frame.action = "availability"
    elif _READ.search(text) or _AGENDA_ASK.search(text):
        frame.action = "read"
    elif suggested == "book" and _OWN_ERRAND.search(text) and not (people or find_duration(text)):
        # "I'll grab a desk near the window tomorrow": the speaker's own errand, no meeting to book.
        frame.action = None
    elif suggested == "cancel" and _INSTEAD.search(text):
        # "can we do a call with omar on friday instead?" asks for another meeting or time, never a cancellation:
        # a meeting named with "a" is a new one (when can it be?), otherwise the one named moves.
        frame.action = "find_time" if _NEW_THING.search(text) else "move"
    else:
        frame.action = {
            "book": "create",
            "move": "move",
            "cancel": "cancel",
            "find_time": "find_time",
            "read": "read",
        }.get(suggested or "")
    if frame.action == "create" and _INSTEAD.search(text) and not time_span(text):
        # "can we do a call with priya on friday instead?": a meeting offered in place of another, with no time
        # given, is a search for when it can be, never a booking at a time nobody said.
        frame.action = "find_time"
    if frame.action in {"cancel", "move", "rename"}:
        spared, text = _spared(text)
        if spared and frame.action == "cancel":
            frame.keep = spared
        stripped = _without_context(text, lexicon)
        if stripped != text:
            text = stripped
            people = _people(text, lexicon, bot_id)
    frame.with_people = people

    if frame.action == "create":
        _fill_create(text, frame, people)
        if frame.anchor:
            # "a sync with priya right after my check-in with lena": lena is in the other meeting, not this one.
            frame.with_people = _people(_anchor(text, CalendarFrame(), people), lexicon, bot_id)
        frame.with_people += [p for p in _unknown_lowercase_guests(text, lexicon) if p not in frame.with_people]
        frame.location = _room(text, lexicon)
        frame.zone = _zone_named(text, frame.with_people, lexicon) if frame.start else None
    elif frame.action in {"move", "rename", "cancel", "read"}:
        _fill_selector(text, frame)
        if frame.title is None and antecedent:
            frame.title = antecedent
        if frame.action == "move":
            _fill_move(text, frame)
            frame.zone = _zone_named(text, frame.with_people, lexicon) if frame.to else None
        elif frame.action == "rename":
            frame.new_title = _new_title(text)
            call = _CALL_INSTEAD.search(text)
            if frame.new_title is None and call:
                frame.new_title = call.group("title").strip()
                _fill_selector(call.group("sel"), frame)
        elif (
            frame.action == "cancel"
            and frame.which == "all"
            and not frame.day
            and (_FUTURE.search(text) or _ALL.search(text))
        ):
            frame.future_only = True
    elif frame.action == "find_time":
        _fill_find_time(text, frame)
    elif frame.action == "availability":
        frame.day = _span_text(text, day_span(text))
        if when_phrase_has_clock(text):
            frame.at = when_phrase(text)  # "is Omar free thursday at 3?": that moment, not the whole day
            frame.zone = _zone_named(text, frame.with_people, lexicon)
    elif frame.action == "met":
        _fill_create(text, frame)
    return frame


# A clock time read in someone else's zone: "4pm his time", "10am priya's time", "3pm london time", "9:30 (NYC)".
_ZONE_REF = re.compile(
    rf"\b\d{{1,2}}(?::\d{{2}})?\s*(?:[ap]\.?m\.?)?\s+(?P<abbr>{ZONE_ABBREVIATIONS})\b|"  # "3 CET", "after 5 CET"
    r"\b(?P<pron>his|her|their|my|our)\s+time\b|"
    r"\b(?P<name>[A-Za-z][\w-]+)(?:'s|’s)\s+time\b|"
    r"\b(?P<place>[A-Za-z]+(?:\s+[A-Za-z]+)?)\s+time\b|"
    r"\((?P<paren>[A-Za-z][A-Za-z /_]{1,30}?)(?:\s+time)?\)|"
    r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}|noon|midday)\s+(?!(?:his|her|their|my|our)\b|[\w-]+(?:'s|’s)\s+time\b)(?P<after>[A-Za-z]{2,}(?:\s+[A-Za-z]+)?)\b",
    re.I,
)


def _zone_named(text: str, people: list[str], lexicon: Lexicon) -> str | None:
    """The zone a message gives its time in, as a person or a place for the tool to resolve; None for the
    speaker's own ("my time") or when nothing says so. A place named outright wins over "his/her time"."""
    place: str | None = None
    person: str | None = None
    for m in _ZONE_REF.finditer(text):
        if m.group("pron"):
            if m.group("pron").lower() in {"his", "her", "their"} and len(people) == 1:
                person = people[0]  # the one guest "his time" can mean
            continue
        if m.group("name"):
            if lexicon.is_person(m.group("name")):
                person = m.group("name")
            continue
        words = (m.group("abbr") or m.group("place") or m.group("paren") or m.group("after") or "").split()
        # "4pm new york time", "9:30 (london)": the longest run of words that names a zone.
        for n in range(len(words), 0, -1):
            for i in range(len(words) - n + 1):
                if place is None and zone_for_place(" ".join(words[i : i + n])):
                    place = " ".join(words[i : i + n])
    return place or person


# "… keep next week's as is", "but leave friday's alone": what a cancellation spares, said beside it.
_KEEP_CLAUSE = re.compile(
    r"(?:^|[,;.!?]\s*|\s[-–—]+\s*|\s(?=(?:but|and)\s))\s*(?:(?:but|and|just|please|pls)\s+)*"
    r"(?:keep|leave|spare|don'?t\s+(?:cancel|touch)|do not\s+(?:cancel|touch))\s+"
    r"(?P<what>[^,;.!?]{2,60}?)\s*(?:as\s+(?:it\s+)?is|alone|untouched|in place|intact|where it is|as planned)?\s*"
    r"(?=[,;.!?]|$)",
    re.I,
)


def _spared(text: str) -> tuple[list[str], str]:
    """What a request keeps ("keep next week's as is") and the request without that clause, so the clause never
    becomes the selector's day or title."""
    kept: list[str] = []
    for m in _KEEP_CLAUSE.finditer(text):
        what = re.sub(r"^(?:the|my|our)\s+", "", m.group("what").strip(), flags=re.I)
        if not _NOT_TITLES.match(what):
            kept.append(what)
    return kept, (_KEEP_CLAUSE.sub(" ", text).strip() if kept else text)


# A clause about someone's situation beside the request: "akira's off sick till fri, can you scrap …". Its person
# and its day are why, not which meeting.
_SUBJECT = re.compile(
    r"^\W*(?P<who>[\w.'-]+?)(?:'s|’s|\s+(?:is|are|was|has|had|will be|won'?t be|'ll be|isn'?t|got))\b", re.I
)
_ABSENCE_DAY = re.compile(r"\b(?:till|until|til|back (?:on|from)|returns?(?: on)?|from|since)\s+\S", re.I)
_REQUEST_VERB = re.compile(rf"{_CANCEL.pattern}|{_MOVE.pattern}|{_RENAME.pattern}", re.I)


def _without_context(text: str, lexicon: Lexicon) -> str:
    """``text`` without clauses that only say why (a person's situation, with no request in them), when another
    clause holds the request."""
    parts = [p for p in re.split(r"(?<=[,;.!?])\s+", text) if p.strip()]
    if len(parts) < 2:
        return text

    def context(part: str) -> bool:
        if _REQUEST_VERB.search(part) or _CREATE.search(part):
            return False
        subject = _SUBJECT.match(part)
        named = bool(subject and lexicon.is_person(subject.group("who")))
        return named or bool(day_span(part) and _ABSENCE_DAY.search(part) and not lexicon.find_people(part))

    kept = [p for p in parts if not context(p)]
    if len(kept) == len(parts) or not any(_REQUEST_VERB.search(p) for p in kept):
        return text
    rest = " ".join(kept)
    if not (day_span(rest) or week_range_span(rest)):
        return text  # "travelling from the 7th until the 9th, scrap the standups then": the days are the selector
    if re.search(r"\b(?:our|his|her|their|him|them|we|us)\b", " ".join(kept), re.I):
        return text  # "omar's leaving, can you move our 1:1": the request points back at that person
    return " ".join(kept)


# Chat shorthand read as the words it stands for: "arvo" (afternoon), "sesh" (session), "cal" (calendar), "w" (with).
_COLLOQUIAL = (
    (re.compile(r"\barvo\b", re.I), "afternoon"),
    (re.compile(r"\bsesh\b", re.I), "session"),
    (re.compile(r"\bcal\b(?!['’-])", re.I), "calendar"),
    (re.compile(r"\b(?:wats|whats|wat's|wot's|wots)\b", re.I), "what's"),
    (re.compile(r"(?<![\w/])w(?=\s+[\w@<])", re.I), "with"),
)


def colloquial(text: str) -> str:
    """``text`` with chat shorthand spelled out ("my 1:1 w Omar monday arvo" → "my 1:1 with Omar monday afternoon")."""
    for pattern, word in _COLLOQUIAL:
        text = pattern.sub(word, text)
    return text


# Answering an invitation: "decline it", "can't make the design review", "RSVP no".
_DECLINE = re.compile(
    r"\b(?:decline|turn down|reject the invite|rsvp (?:no|not going)|"
    r"(?:can'?t|cannot|can not|won'?t|will not|not able to|unable to)\s+(?:be able to\s+)?(?:make|attend|join)\b)",
    re.I,
)
# An explicit "cancel it" still cancels, whatever else the message says.
_CANCEL_OWN = re.compile(r"\b(?:cancel|delete|call off|scrap)\b", re.I)
# A question asking when: "when works?", "any 1h window with Sam?", "what time suits Omar?".
_WHEN_QUESTION = re.compile(
    r"\bwhen (?:works|suits|is good|would (?:work|suit|be good)|could we|can we|are (?:we|you|they) (?:both )?free)\b|"
    r"\bwhat (?:times?|days?|slots?) (?:works?|suits?|would work|is free|are free)\b|"
    # "… a full hour with Priya next week, what are the options?": the choices of time.
    r"\bwhat(?:'re|\s+are)\s+(?:the|my|our)\s+options\b|\bany\s+options\b|"
    r"\bany\s+(?:(?:good|free|open|\S*\d\S*|half[\s-]hour|hour[\s-]long)\s+)*(?:windows?|slots?|gaps?|openings?)\b|"
    # "is there a half-hour gap tomorrow …?", "do we have an open slot on Friday?": asking whether time exists.
    r"\b(?:is there|are there|do (?:i|we) have|have (?:i|we) got)\s+(?:an?|any|some)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:windows?|slots?|gaps?|openings?|free time)\b",
    re.I,
)
# Wanting a length of time with people: "need a full hour w tom", "looking for 45 min with the two of them".
_NEEDS_TIME = re.compile(
    r"\b(?:need|want|wanna|looking for|after|hoping for|trying to find|trying to get)\s+(?:us\s+|me\s+)?"
    r"(?:an?\s+|one\s+|some\s+)?(?:(?:full|solid|good|whole|clear|spare|free)\s+)?"
    r"(?:\d+(?:\.\d+)?|half|an?|one|two|three)?[\s-]*(?:an?\s+)?(?:hours?|hrs?|h|min(?:ute)?s?)\b",
    re.I,
)
# An open question about the choices: "what've we got?", "what do we have?", "what's available?".
_OPEN_ASK = re.compile(
    r"\bwhat(?:'ve|\s+have|\s+do)\s+(?:we|i|you)\s+(?:got|have)\b|\bwhat(?:'s|\s+is)\s+(?:there|available|open|free)\b|"
    r"\bwhat\s+can\s+(?:we|you|i)\s+(?:do|find|get)\b|\bwhat\s+(?:works|would work)\b",
    re.I,
)
# Bounds that are everyone's working hours anyway: "inside everyone's 9-6", "within working hours".
_WORKING_HOURS = re.compile(
    r"\b(?:inside|within|in|during)\s+(?:(?:every(?:one|body)'?s|our|their|all our|both our|normal|usual|business|"
    r"office)\s+)*(?:\d{1,2}(?::\d{2})?\s*(?:am)?\s*(?:-|–|to)\s*\d{1,2}(?::\d{2})?\s*(?:pm)?|"
    r"(?:working|work|office|business)\s+hours|work\s*days?)\b",
    re.I,
)
# A question about what is on the asker's calendar: "what meetings do I have that day?", "what's on Friday?",
# "am I free then?", "anything booked for me tomorrow?" ("booked" here describes meetings; nobody asks to book).
_AGENDA_ASK = re.compile(
    r"\bwhat(?:'s| is)?\s+(?:(?:meetings?|calls?|events?|else)\s+)?(?:do|did)\s+(?:i|we)\s+have\b|"
    # "could you tell me which meetings I have on Thursday?": the question asked indirectly.
    r"\b(?:what|which)\s+(?:meetings?|calls?|events?)\s+(?:(?:do|did|will)\s+)?(?:i|we)\s+(?:have|'ve got|got)\b|"
    # "how packed is my wednesday looking?", "how busy's our Friday?": how full a day is, asked of one's own.
    r"\bhow\s+(?:packed|busy|full|hectic|crammed|slammed|stacked|jammed|booked(?:\s+up)?|free|clear|open)\s+"
    r"(?:is|are|'s|does|do)\s+(?:my|our)\b|"
    r"\b(?:what|which)\s+(?:(?:meetings?|calls?|events?|else)\s+)?(?:have|'ve)\s+(?:i|we)\s+got\b|"
    r"\bwhat(?:'s| is|\s+else\s+is|\s+else's)\s+(?:else\s+)?on\b|"
    r"(?<!when )\b(?:am i|are we)\s+(?:still\s+)?(?:free|busy|available)\b(?!\s+(?:to|for)\s)|"
    r"\bany(?:thing)?\s+(?:(?:meetings?|calls?|events?|else)\s+)?(?:already\s+)?"
    r"(?:booked|scheduled|planned|lined up)\b",
    re.I,
)
_CLAUSE_END = re.compile(r"[,;.!?]|\s[-–—]+\s")
# What the person means to do with the answer: "I'd like to plan …", "hoping to carve out …", "want to fit …".
_PLANS_TO = re.compile(
    r"\b(?:i'?d like to|i would like to|(?:i\s+)?(?:want|wanna|need|hope|hoping|trying|planning|plan|looking|aiming)"
    r"\s+to|so (?:that )?(?:i|we) can)\b",
    re.I,
)


def _agenda_clause(text: str) -> str:
    """The agenda question in a message that also mentions booking ("trying to book a dentist appt for friday
    afternoon, what meetings do i have that day?" → "what meetings do i have friday?"): the day named elsewhere
    is the day asked about, the whole day."""
    m = _AGENDA_ASK.search(text)
    assert m is not None
    start = max((b.end() for b in _CLAUSE_END.finditer(text, 0, m.start())), default=0)
    after = re.search(r"[?.!;]", text[m.end() :])
    end = m.end() + after.end() if after else len(text)
    clause = _ANAPHOR_DAY.sub("", text[start:end]).strip()
    if day_span(clause) or week_range_span(clause):
        return clause
    rest = f"{text[:start]} {text[end:]}"
    day = _span_text(rest, day_span(rest)) or (_span_text(rest, week_range_span(rest)) or "").removesuffix("'s")
    return f"{clause.rstrip('?.! ')} {day}?" if day else clause


# "…, diego and omar are both out", "… since priya's off sick", "… as tom is travelling": a request, then why.
_TRAILING_ABSENCE = re.compile(
    r"^(?P<ask>.+?)\s*(?:[,;:]+|\s[-–—]+|\s+(?:since|because|cause|cuz|coz|as))\s+"
    r"(?P<why>[\w'’ ,&+]+?(?:\s+(?:is|are|am|will\s+be)|'re|’re|'s|’s)\s+(?:both\s+|all\s+|going\s+to\s+be\s+)?"
    r"(?:out|off|away|sick|ill|ooo|on\s+(?:leave|holiday|vacation|pto|a\s+trip)|travell?ing|unavailable|"
    r"not\s+(?:around|in|here|available))\b[^?]*)$",
    re.I | re.S,
)


def _without_absence_reason(text: str) -> str:
    """ "scrap monday's standup, diego and omar are both out" -> "scrap monday's standup": who is away is the reason,
    never the meeting's guests or a count ("both" is not "two meetings"). When is kept ("…, omar's out all next week"
    is next week's meetings); a clause that asks for something else as well is left whole."""
    why = _TRAILING_ABSENCE.match(text)
    if not why or not (_CANCEL.search(why.group("ask")) or _MOVE.search(why.group("ask"))):
        return text
    reason = why.group("why")
    if _CANCEL.search(reason) or _MOVE.search(reason) or _CREATE.search(reason):
        return text  # "…, noah's off sick, and push q1 planning to friday": a second request, not only a reason
    when = day_span(reason) or week_range_span(reason)
    return f"{why.group('ask')} {_span_text(reason, when)}" if when else why.group("ask")


# "X pushed their QBR to january so cancel today's one": a reason, then a request pointing back at the meeting.
_REASON_THEN_ASK = re.compile(r"^(?P<ctx>.+?)[,;]?\s+(?:so|hence|therefore|which means)\s+(?P<ask>.+)$", re.I | re.S)
_POINTS_BACK = re.compile(
    rf"\b(?:(?:{_DAY_OWNER}|the|that|this)\s+one|it|that)\b(?!\s+(?:day|week|morning|afternoon))", re.I
)
_STOP_NAME = frozenset(
    "to for until till back out off forward by into from with on at in and but so because got get gets was were is "
    "are has had have just been being already".split()
)


def _antecedent(context: str) -> str | None:
    """The meeting a reason clause names, for a request that points back at it: "northwind pushed their QBR to
    january" → "QBR". The last "the/my/their …" phrase that is not a person or a group."""
    found: str | None = None
    for m in re.finditer(r"\b(?:the|my|our|their|his|her|its|your)\s+(?=(?P<rest>[^,;.!?]+))", context, re.I):
        words: list[str] = []
        for token in m.group("rest").split():
            low = token.lower()
            if low in _STOP_NAME or re.fullmatch(r"[a-z]+ed", low) or re.match(r"^\d", token) or len(words) == 4:
                break
            words.append(token.removesuffix("'s"))
        name = " ".join(words)
        if name and not _NOT_TITLES.match(name) and name.lower() not in _NOT_GUESTS and not day_span(name):
            found = name
    return found


# "am I free Wednesday afternoon?", "is anything booked tomorrow morning?": about the asker's own calendar.
_SELF_FREE = re.compile(
    r"^\W*(?:so\s+)?(?:am i|are we|do i have (?:any(?:thing)?|something)|is (?:there )?(?:anything|something)|"
    r"(?:have i|i've) got (?:any(?:thing)?|something))\b[^?.!]*\b(?:free|busy|available|booked|on)\b|"
    # "… or am I free?" asked after something else: still about what is booked, unless it asks when.
    r"(?<!when )\bam i (?:still )?(?:free|busy|available)\b",
    re.I,
)
# What is still ahead today: "the rest of today", "later today".
_REST_OF_TODAY = re.compile(
    r"\b(?:(?:the\s+)?(?:rest|remainder) of (?:the day|today)|later today|left (?:for )?today|still (?:on )?today)\b",
    re.I,
)


def when_phrase_has_clock(text: str) -> bool:
    """Whether a clock time is given ("at 3", "10:30am"), so the question is not when."""
    span = time_span(text)
    return bool(span and re.search(r"\d|\bnoon\b|\bmidday\b", text[span[0] : span[1]]))


_WHO_QUESTION = re.compile(
    r"^\W*(?:so\s+)?(?:who(?:\s+all)?(?:'s|\s+is|\s+are|\s+was|\s+will be)?|which people(?:\s+are)?)\s+"
    r"(?:invited|going|coming|attending|joining|in|on|at)\b",
    re.I,
)
# The start of a question about one meeting: who is in it, when it is.
_ASKED_ABOUT = re.compile(
    r"^\W*(?:so\s+)?(?:who(?:\s+all)?(?:'s|\s+is|\s+are|\s+was|\s+will be)?\s+(?:invited to|going to|coming to|"
    r"attending|joining|in|on|at)|when(?:'s|\s+is|\s+was|\s+does)|what\s+time(?:'s|\s+is|\s+does))\s+",
    re.I,
)
_ARROW = re.compile(r"\s*(?:->|→|=>|⇒)\s*")
_RESIZE = re.compile(
    r"\b(?:shorten|lengthen|extend|trim|cut)\b|\bmake\s+(?:it|that|them|the|my|our)\b.{0,60}?\b(?:longer|shorter|"
    r"\d+(?:\.\d+)?\s*(?:min(?:ute)?s?|hours?|hrs?|h)|half an hour|an hour)\b",
    re.I,
)
# "… and make it 45 minutes", "for an hour", "shorten it to 15 min": the new length of a meeting being moved.
_NEW_LENGTH = re.compile(
    r"\b(?:make\s+(?:it|that|them|the\s+\S+(?:\s+\S+){0,3}?)|(?:and\s+)?(?:have it\s+)?last|for|"
    r"(?:shorten|lengthen|extend|trim|cut)(?:\s+\S+){0,5}?\s+to|change (?:the )?(?:length|duration) to)\s+"
    r"(?=(?:\d|half|an?\s+hour|one|two|three|ninety|forty|thirty|fifteen|twenty))",
    re.I,
)
# Where the "to <time>" of a move ends: "to 4:30pm please, and make it 45 minutes".
_END_OF_TARGET = re.compile(r"\s*(?:[,;]|\s(?:and|please|pls|instead|if)\b|\s(?:for)\s+(?=\d|half|an?\s))", re.I)


_NEXT_TO = re.compile(r"(?:right|just|straight|immediately|directly)\s+(?:after|before)\s+\S", re.I)


def _fill_move(text: str, frame: CalendarFrame) -> None:
    """How the meeting changes: by an amount, to a day or time, and/or to a new length."""
    length = _NEW_LENGTH.search(text)
    if length:
        frame.new_duration = find_duration(text[length.end() : length.end() + 30])
    frame.shift = find_shift(text)
    if frame.shift is None:
        m = re.search(r"\bto\s+(?P<to>.+?)\s*[.!?]*$", text, re.I)
        if m:
            target = _END_OF_TARGET.split(m.group("to"), maxsplit=1)[0].strip()
            if re.fullmatch(r"\d{1,2}(?::\d{2})?", target):
                target = f"at {target}"  # "move it to 4": a bare hour after a move is a time
            if day_span(target) or time_span(target) or _NEXT_TO.match(target) or day_window_phrases(target):
                frame.to = target  # a day, a time, "right after the managers sync", or a limit ("after 3")
            elif frame.new_duration is None and find_duration(target):
                frame.new_duration = find_duration(target)  # "shorten my 1:1 to 15 minutes"
    if frame.shift is None:
        frame.shift_days = day_shift(text)
        if frame.shift_days is not None:
            frame.to = None
    frame.duration = None


# Parts of the day as a search window for free time (working hours end the afternoon).
_PERIOD_WINDOW = {"morning": ("09:00", "12:00"), "afternoon": ("12:00", "18:00"), "evening": ("17:00", "21:00")}


def _fill_find_time(text: str, frame: CalendarFrame) -> None:
    """How long, and where to look: a day, a week, or a part of a day ("tomorrow afternoon")."""
    frame.duration = find_duration(text)
    day = _span_text(text, day_span(text))
    week = week_range_span(text)
    frame.after = day or ((_span_text(text, week) or "").removesuffix("'s") or None)
    span = day_span(text)
    if day and span and not re.search(r"\b(?:from|after|starting|onwards?|or later|beyond)\b", text, re.I):
        frame.before = f"{day} at 23:59"  # "a gap tomorrow", "30 min on Thursday": that day only
    period = re.search(r"\b(morning|afternoon|evening)\b", text, re.I)
    if period and not week:
        start, end = _PERIOD_WINDOW[period.group(1).lower()]
        frame.after, frame.before = f"{day or 'today'} at {start}", f"{day or 'today'} at {end}"


# "hana wants to start our 1:1 an hour earlier": who asked for the change is context, not the meeting's name.
_ASKER_LEAD = re.compile(
    r"^\W*(?P<who>[\w.-]+)\s+(?:wants|would like|'d like|needs|asked(?:\s+me|\s+us)?|is asking(?:\s+me|\s+us)?|"
    r"has asked(?:\s+me|\s+us)?|asks(?:\s+me|\s+us)?|prefers|suggested|is hoping)\s+(?:if\s+we\s+can\s+)?(?:to\s+)?",
    re.I,
)


def _fill_selector(text: str, frame: CalendarFrame) -> None:
    asker = _ASKER_LEAD.match(text)
    if asker and asker.group("who").lower() in {p.lower() for p in frame.with_people}:
        # The meeting is "our 1:1" with the person who asked: they stay a selector, their words don't name it.
        _fill_selector(text[asker.end() :], frame)
        if asker.group("who") not in frame.with_people:
            frame.with_people.append(asker.group("who"))
        return
    # The part after "to"/"by" in a move or rename describes the change, not which meeting.
    head = re.split(r"\b(?:to|by)\b\s+(?=\S)", text, maxsplit=1)[0] if frame.action in {"move", "rename"} else text
    if frame.action == "rename":
        head = _TITLE_CHANGE.sub(lambda m: f"rename the {m.group('t')}", head)
    quantifier = _QUANTIFIER.search(head)
    if quantifier and frame.action in {"rename", "cancel"}:
        frame.every = True
        word = (quantifier.group("n") or quantifier.group("q")).lower()
        frame.expect_count = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5}.get(word)
    # Day and week phrases are selectors of their own: "next" in "next week" or "next Tuesday" is not "the next
    # meeting", and "week" is not part of a title.
    # "I'm off wed 25th through fri 27th, cancel my standups on those days": a range of days is every day in it.
    # "i'm out thu 26th + fri 27th, cancel …": a list of days is each of those days.
    days = (day_range_span(head) or day_list_span(head)) if frame.action in {"cancel", "read"} else None
    day = days or day_span(head)
    week = None if days else week_range_span(head)
    masked = head
    for span in sorted((sp for sp in (day, week) if sp), reverse=True):
        # "next week's sprint retro" points like "the sprint retro"; other day phrases just end a name.
        gap = " the " if head[span[0] : span[1]].endswith("'s") else " | "
        masked = masked[: span[0]] + gap + masked[span[1] :]
    frame.which = _which(masked)
    day_text = _span_text(head, day)
    week_text = (_span_text(head, week) or "").removesuffix("'s") or None
    if day_text and week_text and re.fullmatch(rf"(?:{_WEEKDAY_NAMES})(?:'s)?", day_text, re.I):
        day_text = day_text.removesuffix("'s") + " " + week_text  # "my Tuesday focus block next week"
    frame.day = day_text or week_text
    if week_text and not day_text and frame.action == "cancel":
        frame.future_only = True  # cancelling "this week's" meetings means the ones still to come
    title = _title_selector(masked if week or days else head)
    frame.title = title.split("|", 1)[0].strip() or None if title else None
    if frame.title is None and frame.action in {"move", "rename", "cancel"}:
        frame.title = _residual_title(masked)
    elif frame.title is None and frame.action == "read":
        asked = _ASKED_ABOUT.match(masked)
        if asked:
            # "who's in q1 planning thursday?", "when's omar's vendor review?": the name right after the question.
            rest = re.sub(
                r"^\s*(?:the|my|our)\s+|^\s*[\w-]+'s\s+(?=\S)", " ", masked[asked.end() :], count=1, flags=re.I
            )
            frame.title = _residual_title(rest, from_start=True)
        if frame.title is None:
            frame.title = _residual_title(masked, after_verb=False)  # "who's coming to the sprint retro?"
    if frame.action == "cancel" and frame.which == "all" and not _PLURAL_SET.search(head):
        frame.expect_one = True
    if frame.title is None and frame.action in {"move", "rename", "cancel", "read"}:
        # "cancel next week's 1:1 with Diego": the meeting type still narrows, so only the 1:1 goes, not every
        # meeting Diego is in.
        kind = _MEETING_KIND.search(head)
        if kind:
            frame.title = _MEETING_TYPES.get(kind.group(1).lower(), kind.group(1).lower())
    if frame.title is None and frame.action in {"move", "rename", "cancel"}:
        frame.title = _residual_title(masked, from_start=True)  # "roadmap review next week -> Tuesday 10am"
    frame.with_people = _people_in(head, frame.with_people)
    frame.only_with = _only_with(head, frame.with_people)
    frame.organised_by_me = bool(_RUN_BY_ME.search(head))
    _time_filters(head, frame)
    if _REST_OF_TODAY.search(head) and not frame.after:
        frame.day, frame.after = frame.day or "today", "now"  # what is still ahead today
    elif frame.action == "read" and frame.day and not frame.after and _STILL_AHEAD.search(head):
        frame.after = "now"  # "any calls left this week?": only what is still to come


_WEEKDAY_NAMES = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun"
# Words that introduce the meeting someone points at, and words that end its name.
_POINT_VERB = (
    r"cancel|delete|remove|call off|drop|clear out|clear|scrap|kill|axe|nix|bin|get rid of|move|reschedule|push|delay|"
    r"postpone|shift|slide|swap|switch|shove|nudge|punt|rebook|bring|pull|rename|retitle|re-title|"
    r"change the (?:name|title) of|"
    r"change|call"
)
_LEADING = frozenset(
    "the my our a an all every each of first earliest last latest final next upcoming future remaining these those "
    "please pls me both".split()
)
_ENDING = frozenset(
    "with w/ on at to for from by in and or but starting before after until till instead please pls tomorrow today "
    "that that's which who where where's when there there's i i'm im it's is are was can could would will should so "
    "then back forward look looks looking like shaping during over across through between within still "
    "happening scheduled booked going confirmed really actually "
    "earlier later sooner up out ahead again too also an a half | -> → =>".split()
)


def _residual_title(head: str, *, after_verb: bool = True, from_start: bool = False) -> str | None:
    """The meeting's name when nothing marks it: the words right after the verb or "my"/"the", up to the next
    selector ("retitle my vendor review on monday" → "vendor review", "shift Q1 planning on the 26th …").
    ``from_start``: a message that opens with the name ("design sync on Friday -> 3pm")."""
    if from_start:
        first = (head.split() or [""])[0].lower().strip(",.;!?")
        if first in _NOT_A_LEADING_TITLE or re.search(rf"\b(?:{_POINT_VERB})\b", head, re.I):
            return None
        m: re.Match[str] | None = re.match(r"\s*(?P<rest>.*)", head, re.S)
    else:
        m = (re.search(rf"\b(?:{_POINT_VERB})\b\s+(?P<rest>.*)", head, re.I) if after_verb else None) or re.search(
            r"\b(?:the|my|our)\s+(?P<rest>.*)", head, re.I
        )
    if not m:
        return None
    words: list[str] = []
    for token in m.group("rest").split():
        bare = token.strip(',.;!?"')
        low = bare.lower()
        if not words and (low in _LEADING or low in {"|", "'s", "’s"}):
            continue
        if not bare or low in _ENDING or (re.match(r"^\d", bare) and not re.match(r"^\d+:\d+s?$|^q\d", low)):
            break
        words.append(bare.removesuffix("'s"))
        if token[-1] in ",.;!?":
            break
    title = " ".join(words)
    if (
        not title
        or _NOT_TITLES.match(title)
        or _CALENDAR_WORDS.fullmatch(words[0])
        or re.fullmatch(r"(?:meetings?|events?|calls?|sessions?|appointments?)", words[0], re.I)
        or re.fullmatch(rf"(?:{_MEETING}|everything|anything|stuff)", title, re.I)
    ):
        return None
    return title if len(words) <= 6 else None


# Words a request opens with that are not a meeting's name ("can we …", "please …", "it …").
_NOT_A_LEADING_TITLE = frozenset(
    "can could would will should please pls i we let's lets so ok okay hey hi and also it that this they he she "
    "you u what when where which who how is are do does did any anything everything all".split()
)


# Names for the calendar itself or a stretch of time: "what's on my plate", "how does my week look".
_CALENDAR_WORDS = re.compile(
    r"(?:(?:own|whole|full|entire|work)\s+)?(?:calendar|diary|schedule|agenda|plate|day|week|weekend|morning|afternoon|"
    r"evening|time|availability|free time|slots?)",
    re.I,
)
_ONLY = re.compile(
    r"\b(?:only|just|solely)\s+(?:(?:me|myself|us)\s*(?:and|&|\+|,)\s*|with\s+|between\s+(?:me|us)\s+and\s+)?"
    r"(?P<rest>.{1,80})|\b(?:no ?one|nobody) else\b|\bjust the (?:two|three|four) of us\b",
    re.I,
)


# "the meetings I'm running", "ones I organise", "my own meetings", "the calls I host": the speaker's own, not invites.
_RUN_BY_ME = re.compile(
    r"\b(?:(?:i(?:'m| am)|am i)\s+(?:running|hosting|organi[sz]ing|chairing|leading)|"
    r"i\s+(?:run|host|organi[sz]e|own|chair|lead|set up|booked|scheduled|sent out)|"
    r"(?:that|which)\s+i(?:'ve| have)?\s+(?:set up|booked|scheduled|organi[sz]ed)|"
    r"my own\s+(?:meetings?|calls?|events?|ones?))\b",
    re.I,
)


def _only_with(head: str, people: list[str]) -> list[str] | None:
    """ "only me and Omar", "just with Lena", "nobody else": the named people are all the other attendees."""
    if not people:
        return None
    for m in _ONLY.finditer(head):
        rest = m.group("rest")
        if rest is None or any(rest.lower().lstrip().startswith(p.lower()) for p in people):
            return list(people)
    return None


_TIME_WORD = r"(?:noon|midday|\d{1,2}(?::\d{2})?\s*(?:am|pm)?)"


def _time_filters(head: str, frame: CalendarFrame) -> None:
    """ "before noon", "after 3pm", "in the morning", "my 3pm": limits within the chosen day."""
    if frame.day and week_range_span(frame.day) and not day_span(frame.day):
        return  # a week: times of day would need a day to belong to
    day = frame.day or "today"
    bound = re.search(rf"\b(before|until|till|after|from)\s+({_TIME_WORD})\b", head, re.I)
    if bound:
        if bound.group(1).lower() in {"before", "until", "till"}:
            frame.before = f"{day} at {bound.group(2)}"
        else:
            frame.after = f"{day} at {bound.group(2)}"
    period = re.search(r"\b(?:in the\s+)?(morning|afternoon|evening)\b", head, re.I)
    if period and not bound:
        start, end = {"morning": ("00:00", "12:00"), "afternoon": ("12:00", "17:00"), "evening": ("17:00", "23:59")}[
            period.group(1).lower()
        ]
        frame.after, frame.before = f"{day} at {start}", f"{day} at {end}"
    at = re.search(rf"\b(?:my|the|our)\s+({_TIME_WORD})(?=\s|$|[,.;!?])", head, re.I)
    if at and re.search(r"\d|noon|midday", at.group(1), re.I) and not bound:
        frame.after = f"{day} at {at.group(1)}"
        frame.before = f"{day} at {at.group(1)}"
        frame.exact_start = True


def _people_in(head: str, people: list[str]) -> list[str]:
    return [p for p in people if p.lower() in head.lower() or p.startswith("<@")]


# "an hour", "30 min", "two hours", "half an hour": how long before or after another meeting a new one goes.
_GAP = (
    r"(?:half\s+an\s+hour|(?:an?|\d+(?:\.\d+)?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty[- ]five)"
    r"\s*(?:hours?|hrs?|h|minutes?|mins?|m))"
)


# A new meeting placed against an existing one: "right after our pipeline review on Friday", "just before the
# town hall", "the day before the renewal call", "the morning after the offsite".
_ANCHOR = re.compile(
    r"\b(?:(?P<next>right|just|straight|immediately|directly)\s+(?P<side>after|before)|"
    rf"(?P<gap>{_GAP})\s+(?P<gapside>after|before)|"
    r"(?:the\s+)?(?P<part>day|morning|afternoon|evening)\s+(?P<dayside>before|after))\s+"
    # A gap ("an hour before q1 planning") or "right after" ("straight after hiring sync") marks what follows as a
    # meeting even without "the"/"my"; a meal, work or a pronoun is not one ("right after lunch" is a time).
    r"(?P<ev>(?(gap)(?:(?:the|our|my|their|his|her|[\w-]+'s)\s+)?|(?:(?:the|our|my|their|his|her|[\w-]+'s)\s+|"
    r"(?(side)(?!(?:lunch|breakfast|dinner|work|school|that|this|it|then|now|noon|midday|eod|end|\d+)\b)|(?!))))"
    r"[^,.;!?]{2,70}?)"
    r"(?=\s*(?:[,.;!?]|$)|\s+(?:can|could|would|will|pls|please|at|for|with|w/|w|and|to|so|i|we)\b)",
    re.I,
)


# An anchor naming no particular meeting ("right after the meeting", "before her call"): ask which one.
_GENERIC_MEETING = re.compile(r"^(?:meetings?|events?|calls?|one|thing)$", re.I)


# "… right after my check-in with lena (on thursday)": the person and day belong to that meeting, not the new one.
_ANCHOR_WITH = re.compile(r"\s+(?:with|w/|w)\s+(?P<who>[\w.-]+)(?P<day>\s+(?:on\s+)?[^,.;!?]{2,30})?", re.I)


def _anchor(text: str, frame: CalendarFrame, people: list[str] | None = None) -> str:
    """Fill the anchor of a new meeting placed against an existing one; ``text`` without the anchor phrase.
    ``people``: the names in the message; a possessive ("priya's focus time") or a "with <name>" right after the
    anchor that is one of them says whose meeting the anchor is."""
    m = _ANCHOR.search(_QUOTED.sub(lambda q: " " * len(q.group(0)), text))
    if not m:
        return text
    named = {p.lower() for p in people or []}
    whose = re.match(r"([\w-]+)(?:'s|’s)\s", m.group("ev").strip())
    pronoun = re.match(r"(?:his|her)\s", m.group("ev").strip(), re.I)
    phrase = re.sub(r"^(?:the|our|my|their|his|her|[\w-]+'s)\s+", "", m.group("ev").strip(), flags=re.I)
    # "q1 planning next week": a week narrows where the meeting is looked for, like a day.
    span = day_span(phrase) or next((w.span() for w in re.finditer(r"\b(?:this|next)\s+week\b", phrase, re.I)), None)
    day = _span_text(phrase, span)
    name = (phrase[: span[0]] + " " + phrase[span[1] :] if span else phrase).strip()
    name = re.sub(r"\s+(?:on|this|next)$", "", name, flags=re.I).strip()
    # "his standup" is the standup of the one person the message names; "the meeting" names no meeting at all.
    # Either left unresolved keeps the anchor without a title, so the request asks which meeting (never a default).
    unresolved = bool(_GENERIC_MEETING.match(name)) or bool(pronoun and len(named) != 1)
    if not unresolved and (not name or time_span(name) or _NOT_TITLES.match(name)):
        return text  # "the day before friday" is a day, not a meeting
    frame.anchor_title, frame.anchor_day = (None if unresolved else name), day
    end = m.end()
    if whose and whose.group(1).lower() in named:
        frame.anchor_with = whose.group(1)
    if pronoun and len(named) == 1:
        frame.anchor_with = next(p for p in people or [] if p.lower() in named)
    with_ = _ANCHOR_WITH.match(text, end)
    if with_ and with_.group("who").lower() in named:
        frame.anchor_with, end = with_.group("who"), with_.end("who")
        later = day_span(with_.group("day") or "")
        if later and not frame.anchor_day and not (with_.group("day") or "")[: later[0]].strip(" on"):
            frame.anchor_day, end = _span_text(with_.group("day"), later), with_.start("day") + later[1]
    if m.group("side") or m.group("gapside"):
        frame.anchor = f"right_{(m.group('side') or m.group('gapside')).lower()}"
        frame.anchor_offset = m.group("gap")
    else:
        frame.anchor = f"day_{m.group('dayside').lower()}"
        part = m.group("part").lower()
        if part != "day":
            frame.anchor_part = part  # "the morning after": a time that morning unless a clock time is given
    return text[: m.start()] + " " + text[end:]


def _fill_create(text: str, frame: CalendarFrame, people: list[str] | None = None) -> None:
    frame.title = _create_title(text)
    frame.duration = find_duration(text)
    rest = _anchor(_without_title(text, frame.title), frame, people)
    if frame.anchor_offset:
        frame.duration = find_duration(rest)  # "30 min … an hour before X": the hour is the gap, not the length
    if frame.anchor:
        # The anchor phrase names another meeting: the new one's title comes from the rest ("a retro").
        frame.title = _create_title(_anchor(text, CalendarFrame(), people)) or frame.title
        if frame.anchor.startswith("day_"):
            clock = time_span(rest)
            frame.start = _span_text(rest, clock) if clock else frame.anchor_part
        elif not frame.anchor_day and day_span(rest):
            # "on monday straight after hiring sync": the day said before the anchor is the anchor meeting's day.
            frame.anchor_day = _span_text(rest, day_span(rest))
        return
    condition = _CONDITION.search(text)
    if condition:
        n = (condition.group("n") or "one").lower()
        count = _NUMBERS[n] if n in _NUMBERS else int(n)
        unit = condition.group("unit").lower()
        frame.not_met_days = count * {"fortnight": 14, "month": 30}.get(unit, 7 if unit.startswith("week") else 1)
    free = _FIRST_FREE.search(text)
    if free:
        after = free.group("after") if free.lastindex else None
        # "the first time tomorrow that we're both free": the day named anywhere bounds the search.
        frame.first_free_after = (after or _span_text(text, day_span(text)) or "now").strip()
    else:
        rest = _without_title(text, frame.title)
        ranged = _time_range(rest)
        if ranged is not None:
            # "block 3-4pm", "10:30–11:15 tomorrow": the start and, unless a length was given, the length.
            span, start_text, minutes = ranged
            rest = rest[: span[0]] + start_text + rest[span[1] :]
            if frame.duration is None:
                frame.duration = timedelta(minutes=minutes)
        frame.start = _with_day_window(rest, when_phrase(rest))


def _with_day_window(text: str, when: str | None) -> str | None:
    """The start phrase, keeping limits on the day whole: "friday before noon" (not "friday noon", a meeting at
    noon), "tomorrow after 2" (not "tomorrow", the first free time at 09:00). A clock time outside the limits
    wins: "tomorrow at 3, or after 4 if not" starts at 3."""
    limits = day_window_phrases(text)
    if not limits:
        return when
    bounded = without_day_window(text)
    clock = time_span(bounded)
    if clock is not None and CLOCK_WORD.search(bounded[clock[0] : clock[1]]):
        return when
    day = day_span(bounded)
    if day is None and week_range_span(bounded):
        return when  # "after 2 next week" names no day: the limit can't be placed on one (never today by default)
    # the day, a part of the day the limits narrow ("friday afternoon, after 3"), then the limits
    parts: list[str] = []
    for span in (day, clock):
        if span is not None:
            parts.append(bounded[span[0] : span[1]])
    return " ".join(p.strip() for p in [*parts, *limits])


_TIME_RANGE = re.compile(
    r"(?:\b(?:from|between)\s+)?\b(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?\s*(?P<ap1>am|pm)?\s*(?:-|–|—|to|until|till|and)\s*"
    r"(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?\s*(?P<ap2>am|pm)?\b",
    re.I,
)


def _time_range(text: str) -> tuple[tuple[int, int], str, int] | None:
    """(span, start as "3:00pm"/"10:30", minutes) for a clock range such as "3-4pm" or "10:30-11:15"."""
    for m in _TIME_RANGE.finditer(text):
        ap1, ap2 = (m.group("ap1") or "").lower(), (m.group("ap2") or "").lower()
        if not ap2 and not (m.group("m1") and m.group("m2")):
            continue  # "2-3 people", "1-2 days": not clock times
        h1, m1 = int(m.group("h1")), int(m.group("m1") or 0)
        h2, m2 = int(m.group("h2")), int(m.group("m2") or 0)
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            continue
        end = (h2 % 12 + (12 if ap2 == "pm" else 0)) * 60 + m2 if ap2 else h2 * 60 + m2
        start_ap = ap1 or ap2
        start = (h1 % 12 + (12 if start_ap == "pm" else 0)) * 60 + m1 if start_ap else h1 * 60 + m1
        if start_ap and not ap1 and start >= end:
            start -= 12 * 60  # "11-1pm" starts at 11am
        if not 0 < end - start <= 12 * 60:
            continue
        return m.span(), f" at {start // 60:02d}:{start % 60:02d} ", end - start
    return None


def _without_title(text: str, title: str | None) -> str:
    return text.replace(title, " ") if title else text


# "any calls left this week", "what's remaining on Friday": only what is still ahead.
_STILL_AHEAD = re.compile(r"\b(?:left|remaining|still (?:to come|ahead|on)|to go)\b", re.I)

_CLOCK = r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}|noon|midday)"
_DAY_WORD = rf"(?:(?:on\s+)?(?:the\s+)?(?:{_WEEKDAY_NAMES})\b|tomorrow|tmrw)"
# A meeting named first, then pointed back at: "vendor sync - push it back an hour", "the board prep tomorrow,
# can you move it to 4pm".
_LEAD_NAME = re.compile(r"^\s*(?P<sel>[^,;:!?–—]{3,80}?)\s*(?:\s[-–—]+\s|[,;:]\s)\s*(?P<rest>.+)$", re.S)
_POINTED = re.compile(
    r"^(?P<pre>(?:(?:can|could|would|will)\s+(?:you|u|we)\s+|pls\s+|please\s+|just\s+|let'?s\s+)*)"
    r"(?P<verb>move|reschedule|push|bump|shove|nudge|punt|delay|postpone|shift|slide|swap|switch|bring|pull|cancel|"
    r"delete|scrap|drop|"
    r"kill|call off|rename|retitle)\s+(?:it|that|this one)\b(?P<tail>.*)$",
    re.I | re.S,
)
# "can we do 2pm instead?", "could it be thursday instead", "3:30 instead?": another time for the meeting named.
_INSTEAD_WHEN = re.compile(
    r"^(?:(?:can|could|would|shall)\s+(?:we|you|u|it|that)\s+)?(?:pls\s+|please\s+)?"
    r"(?:(?:do|have|make|be|go with|switch to|try)\s+(?:it\s+|that\s+)?)?(?:at\s+|on\s+)?"
    rf"(?P<new>(?:{_DAY_WORD}\s*)?(?:(?:at\s+)?{_CLOCK})?)\s+instead\b",
    re.I,
)
# "make it 3:30pm instead", "make that Thursday": a new time or day for a meeting is a move.
_MAKE_IT_WHEN = re.compile(rf"\bmake\s+(?:it|that)\s+(?:at\s+)?(?={_CLOCK}\b|{_DAY_WORD})", re.I)
# "my standup on Friday should start at 10 not 9:30", "the review needs to be at 2pm instead of 3".
_SHOULD_BE = re.compile(
    rf"^\s*(?P<sel>.+?)\s+(?:should|needs? to|has to|must|ought to|is meant to)\s+(?:start|begin|be|happen)\s+"
    rf"(?:at\s+)?(?P<new>{_CLOCK}|{_DAY_WORD})"
    rf"(?:\s*,?\s*(?:not|instead of|rather than)\s+(?:at\s+)?(?:{_CLOCK}|{_DAY_WORD}))?(?P<tail>.*)$",
    re.I | re.S,
)
# "that day", "the same week": a day already named.
_ANAPHOR_DAY = re.compile(
    r"\s*\b(?:(?:on|for|during)\s+)?(?:(?:that|the same)\s+(?:day|week)|(?:those|these|the same)\s+(?:days|dates))\b",
    re.I,
)


def _day_first(selector: str) -> str:
    """ "on Tuesday my focus time" → "my focus time on Tuesday": the meeting's name comes first."""
    span = day_span(selector)
    if span and selector[: span[0]].strip().lower() in {"", "on"} and selector[span[1] :].strip():
        return f"{selector[span[1] :].strip()} on {selector[span[0] : span[1]].strip()}"
    return selector


# "can we do the laptop handover on tues instead of wed?", "could we have our sync at 3 instead": an existing
# meeting (named with the/my/our) at another day or time is a move, from the day after "instead of" if given.
_DO_INSTEAD = re.compile(
    r"^\W*(?:(?:so|ok|okay|hey|hi)\s*,?\s*)?(?:can|could|shall|would|should)\s+(?:we|you|u|i)\s+"
    r"(?:please\s+|pls\s+|maybe\s+|just\s+)?(?:do|have|hold|run|make)\s+"
    r"(?P<sel>(?:the|my|our|this week'?s|next week'?s)\s+[^?!.;]+?)\s+"
    r"(?P<new>(?:on|at|for|to)\s+[^?!.;]+?)\s+instead(?:\s+of\s+(?P<old>[^?!.;,]+?))?\s*(?P<tail>[?!.;,].*)?$",
    re.I | re.S,
)


_WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _same_week_as(old: str, new: str) -> str:
    """ "wed" said against "tues the 24th" is the Wednesday of that week, "wed the 25th": a bare weekday next to a
    dated day means that week's, not the next one from today."""
    bare = re.fullmatch(rf"(?:the\s+)?({_WEEKDAY_NAMES})", old.strip(), re.I)
    dated = re.search(rf"\b({_WEEKDAY_NAMES})\b\W+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b", new, re.I)
    if not bare or not dated:
        return old
    shift = _WEEKDAY_INDEX[bare.group(1)[:3].lower()] - _WEEKDAY_INDEX[dated.group(1)[:3].lower()]
    day = int(dated.group(2)) + shift
    if not 1 <= day <= 28:
        return old  # across a month end the number alone can't say which day
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{bare.group(1)} the {day}{suffix}"


def _restate(text: str) -> str:
    """Shapes that name the meeting apart from the change, restated as "<verb> <meeting> <change>"."""
    if day_span(_ANAPHOR_DAY.sub("", text)) or week_range_span(_ANAPHOR_DAY.sub("", text)):
        text = _ANAPHOR_DAY.sub("", text)  # "I'm out Friday, cancel my office hours that day"
    instead = _DO_INSTEAD.match(text)
    if instead:
        new = re.sub(r"^(?:on|at|for|to)\s+", "", instead.group("new").strip(), flags=re.I)
        old = (instead.group("old") or "").strip()
        if (day_span(new) or time_span(new)) and (not old or day_span(old) or time_span(old)):
            sel = instead.group("sel").strip()
            old = _same_week_as(old, new)
            was = f" on {old}" if old and day_span(old) else f" at {old}" if old else ""
            return f"move {sel}{was} to {new}"
    if not _CREATE.search(text):
        text = _MAKE_IT_WHEN.sub("move it to ", text)
    should = _SHOULD_BE.search(text)
    if should and not _CREATE.search(should.group("sel")):
        return f"move {_day_first(should.group('sel').strip())} to {should.group('new')}{should.group('tail')}"
    lead = _LEAD_NAME.match(text)
    instead = _INSTEAD_WHEN.match(lead.group("rest").strip()) if lead else None
    if (
        lead
        and instead
        and instead.group("new").strip()
        and not (_CREATE.search(lead.group("sel")) or _CANCEL.search(lead.group("sel")))
    ):
        # "next monday's hiring sync - can we do 2pm instead?": a new time for the meeting just named is a move.
        return f"move {_day_first(lead.group('sel').strip())} to {instead.group('new')}"
    pointed = _POINTED.match(lead.group("rest").strip()) if lead else None
    if lead and pointed and not (_MOVE.search(lead.group("sel")) or _CANCEL.search(lead.group("sel"))):
        name = _day_first(lead.group("sel").strip())
        article = "" if re.match(r"(?:the|my|our|this|next|both|all)\b", name, re.I) else "the "
        return f"{pointed.group('pre')}{pointed.group('verb')} {article}{name}{pointed.group('tail')}"
    return text


_COUNT = r"(?:an?|one|two|three|four|\d+)"
_DAY_SHIFT = re.compile(
    rf"\b(?:by\s+)?(?P<n>{_COUNT})\s+(?P<unit>days?|weeks?)\s+(?P<dir>later|earlier|sooner|back|forward|ahead)\b|"
    rf"\b(?:push|move|bump|slide|shift|bring|pull|kick)\b[^,.;!?]{{0,60}}?\b(?P<dir2>back|forward|up|out)\s+"
    rf"(?:by\s+)?(?P<n2>{_COUNT})\s+(?P<unit2>days?|weeks?)\b|"
    rf"\b(?:delay|postpone|push|bump|slide|shift|move)\b[^,.;!?]{{0,60}}?\bby\s+(?P<n3>{_COUNT})\s+(?P<unit3>days?|weeks?)\b",
    re.I,
)


def day_shift(text: str) -> int | None:
    """Whole days a meeting moves by: "a day later" 1, "bring it forward a week" -7, "delay by two days" 2."""
    m = _DAY_SHIFT.search(text)
    if not m:
        return None
    n = (m.group("n") or m.group("n2") or m.group("n3")).lower()
    count = 1 if n in {"a", "an"} else _NUMBERS.get(n) or int(n)
    unit = (m.group("unit") or m.group("unit2") or m.group("unit3")).lower()
    direction = (m.group("dir") or m.group("dir2") or "").lower()
    days = count * (7 if unit.startswith("week") else 1)
    return -days if direction in {"earlier", "sooner", "forward", "ahead", "up"} else days


# Words after "with" that are not a person's name: groups, pronouns, things.
_NOT_GUESTS = _NOT_NAMES | frozenset(
    "team teams everyone everybody all people folks you u them guys group finance marketing sales engineering eng "
    "design ops it hr legal support product leadership management exec execs board client clients customer "
    "customers vendor vendors candidate candidates partner partners manager boss some any no one two three "
    "both whoever my your his their whole rest other others new external".split()
)


def _unknown_lowercase_guests(text: str, lexicon: Lexicon) -> list[str]:
    """A lower-case name after "with"/"w/" that nobody here answers to ("a call w/ raj from finance"), so the
    booking says it doesn't know them instead of booking a meeting with nobody."""
    found: list[str] = []
    for m in re.finditer(
        r"(?:\bwith|(?<!\w)w/)\s*(?P<name>[a-z][a-z'-]{1,20})\b"
        r"(?=\s+(?:from|in|of|at|on|re|about|for|to|and|tomorrow|today|tonight|next|this|\d)\b|\s*[,.;!?]|\s*$)",
        text,
    ):
        name = m.group("name").removesuffix("'s")
        if name in _NOT_GUESTS or lexicon.is_person(name) or lexicon.find_people(name):
            continue
        if day_span(name) or time_span(name) or re.fullmatch(rf"{_MEETING}", name):
            continue
        found.append(name)
    return found


_ROOM = re.compile(
    r"\b(?:in|at)\s+(?:the\s+)?(?P<a>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)\s+(?:meeting\s+)?room\b|"
    r"\b(?:in|at)\s+(?:the\s+)?(?:meeting\s+)?room\s+(?P<b>[A-Z0-9][\w-]*)|"
    r"\b(?:room|meeting room)\s+(?P<c>[A-Z0-9][\w-]*)|"
    r"^\W*(?:please\s+|pls\s+|can you\s+|could you\s+)?(?:reserve|book)\s+(?:the\s+)?(?P<d>[A-Z][\w-]+)(?:\s+room)?"
    rf"(?=\s*,|\s+(?:for|from|on|at|tomorrow|today|tmrw|next|this|\d|(?i:{_WEEKDAY_NAMES})\b))|"
    r"\b(?:the\s+)?(?P<f>[A-Z][\w-]+)\s+(?:meeting\s+)?room\b|"
    r"\b(?:in|at)\s+(?P<e>[A-Z][\w-]+)(?=\s*$|\s*[,.;!?]|\s+(?:for|from|on|at|with|tomorrow|today|next|this|\d))",
)
_NOT_ROOMS = re.compile(
    rf"^(?:{_WEEKDAY_NAMES}|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|"
    r"dec\w*|the|my|our|a|an|i|q\d)$",
    re.I,
)


def _known_room(text: str, lexicon: Lexicon) -> str | None:
    """A room the calendars use, named in any case as what is booked ("can u book kite for …", "grab the heron
    room") or where ("in kite"): people write room names in lower case as readily as anything else."""
    for room in sorted(lexicon.rooms, key=len, reverse=True):
        if lexicon.is_person(room):
            continue
        name = r"\s+".join(re.escape(w) for w in room.split())
        booked = rf"\b(?:book|reserve|grab|snag|nab)\s+(?:us\s+|me\s+)?(?:the\s+)?(?:room\s+)?{name}(?![\w-])"
        where = rf"\b(?:in|at)\s+(?:the\s+)?(?:room\s+)?{name}(?![\w-])"
        if re.search(f"{booked}|{where}", text, re.I):
            return room
    return None


def _room(text: str, lexicon: Lexicon) -> str | None:
    """The room a new meeting is in: "in the Kite room", "room 4B", "reserve Heron tomorrow 4pm", "in Falcon"."""
    known = _known_room(_QUOTED.sub(" ", text), lexicon)
    if known:
        return known
    for m in _ROOM.finditer(_QUOTED.sub(" ", text)):
        name = next(g for g in m.groups() if g)
        if _NOT_ROOMS.match(name) or lexicon.is_person(name) or lexicon.find_people(name):
            continue
        return name
    return None


__all__ = ["CalendarFrame", "find_week", "parse_calendar_request"]
