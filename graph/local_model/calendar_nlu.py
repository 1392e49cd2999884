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
from graph.parsing.datetimes import day_span, find_duration, find_shift, find_week, time_span, when_phrase

_MEETING = r"(?:meetings?|events?|calls?|sessions?|syncs?|1:1s?|one-on-ones?|appointments?|catch-ups?)"
_CANCEL = re.compile(r"\b(cancel|delete|remove|call off|drop|clear|scrap|get rid of)\b", re.I)
_RENAME = re.compile(r"\b(rename|retitle|re-title|change the (?:name|title) of|call it)\b", re.I)
_MOVE = re.compile(
    r"\b(move|reschedule|push|delay|postpone|shift|slide|bring\b.{0,40}?\bforward|"
    r"pull\b.{0,40}?\bforward)\b",
    re.I,
)
_CREATE = re.compile(
    r"\b(schedule|book|set up|arrange|create|add|put|plan|organi[sz]e|invite|block|pop|pencil)\b", re.I
)
_FIND_TIME = re.compile(
    r"\b(find (?:a |some |an? )?(?:time|slot|\d+|half|an hour|\w+ minutes)|free slots?|"
    r"when (?:are|is|am) .* (?:free|available)|good time|suggest (?:some )?times?)\b",
    re.I,
)
_GOT_TIME = re.compile(
    r"\b(?:got|have you got|do (?:i|we|you) have|can (?:i|we) (?:get|grab|find))\s+(?:an?\s+)?(?:\d+|half|an?|one|two)"
    r"[\s-]*(?:hours?|min(?:ute)?s?|\w+ minutes?)\b.*\bwith\b|\bwhen can (?:i|we) (?:meet|catch up|sync)\b|"
    r"\bwhen (?:could|can|would|might) .{0,80}?\b(?:get|find|have|grab)\b.{0,30}?(?:hours?|minutes?|mins?)\b|"
    r"\bwhen (?:are|is) .*\b(?:both|all)\s+free\b",
    re.I,
)
_READ = re.compile(
    r"\b(what(?:'s| is| do i have)?|show|list|when is|when's|do i have|agenda|schedule for|"
    r"anything on|what have i got|diary|when am i (?:next )?(?:seeing|meeting)|when do i (?:next )?(?:see|meet))\b",
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
    r"\b(?:called|named|titled|entitled|name it|call it)\s+(?P<q>[\"'“‘])?(?P<title>.+?)(?(q)[\"'”’])"
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
    start: str | None = None
    first_free_after: str | None = None
    duration: timedelta | None = None
    shift: timedelta | None = None
    to: str | None = None
    new_title: str | None = None
    not_met_days: int | None = None
    exact_start: bool = False

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
    title = re.sub(r"^(?:the|my|our|a)\s+", "", title.strip(), flags=re.I)
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
_DAY_OWNER = (
    r"(?:today|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"this week|next week)'s"
)
_END_OF_TITLE = (
    r"(?=\s+(?:to|by|for|with|at|on|from|forward|back|earlier|later|\d|half|an?\b|pls|please|instead|"
    r"and)\b|[,.;!?]|$)"
)


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
        rf"\b(?:move|bring|push|shift|pull|cancel|delete|rename|reschedule)\s+(?:the|my|our)\s+"
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
    m = re.search(
        r"\b(?:rename|retitle|change the (?:name|title) of)\b.*?\bto\s+(?P<q>[\"'“‘])?(?P<title>.+?)"
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


def _create_title(text: str) -> str | None:
    m = _TITLE.search(text)
    if m:
        return m.group("title").strip().strip("\"'“”‘’")
    quoted = _QUOTED.search(text)
    if quoted:
        return next(g for g in quoted.groups() if g)
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
    return None


def parse_calendar_request(
    text: str, lexicon: Lexicon, *, suggested: str | None, bot_id: str | None = None
) -> CalendarFrame:
    """The frame for one message; ``suggested`` is the classifier's calendar action when rules are silent."""
    frame = CalendarFrame()
    people = _people(text, lexicon, bot_id)
    if (_RENAME.search(text) or _CALL_INSTEAD.search(text)) and not (
        _CREATE.search(text) and re.search(r"\bcall it\b", text, re.I)
    ):
        frame.action = "rename"
    elif _CANCEL.search(text):
        frame.action = "cancel"
    elif _FIRST_FREE.search(text) and _CREATE.search(text):
        frame.action = "create"  # "find the first time we're both free and book X then"
    elif _GOT_TIME.search(text):
        frame.action = "find_time"
    elif (
        re.search(r"\b(?:is|are|am)\b[^?.!]*\b(?:free|busy|available|booked)\b", text, re.I)
        and people
        and not re.search(r"\b(?:find|when)\b", text, re.I)
    ):
        frame.action = "availability"
    elif _FIND_TIME.search(text) and not _CREATE.search(text.split("find", 1)[0]):
        frame.action = "find_time"
    elif (_MOVE.search(text) and re.search(r"\bto\b", text)) or (find_shift(text) and not _CREATE.search(text)):
        frame.action = "move"
    elif _CREATE.search(text):
        frame.action = "create"
    elif _CONDITION.search(text):
        # "have I met with Sam in the last two weeks?" without asking to book: look back.
        frame.action = "met"
    elif re.search(r"\b(busy|free|available)\b", text, re.I) and people:
        frame.action = "availability"
    elif _READ.search(text):
        frame.action = "read"
    else:
        frame.action = {
            "book": "create",
            "move": "move",
            "cancel": "cancel",
            "find_time": "find_time",
            "read": "read",
        }.get(suggested or "")
    frame.with_people = people

    if frame.action == "create":
        _fill_create(text, frame)
    elif frame.action in {"move", "rename", "cancel", "read"}:
        _fill_selector(text, frame)
        if frame.action == "move":
            frame.shift = find_shift(text)
            if frame.shift is None:
                m = re.search(r"\bto\s+(?P<to>.+?)\s*[.!?]*$", text, re.I)
                if m and (day_span(m.group("to")) or time_span(m.group("to"))):
                    frame.to = m.group("to")
            frame.duration = None
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
        frame.duration = find_duration(text)
        week = re.search(r"\b(this|next)\s+week\b", text, re.I)
        frame.after = week.group(0) if week else _span_text(text, day_span(text))
    elif frame.action == "availability":
        frame.day = _span_text(text, day_span(text))
    elif frame.action == "met":
        _fill_create(text, frame)
    return frame


def _fill_selector(text: str, frame: CalendarFrame) -> None:
    # The part after "to"/"by" in a move or rename describes the change, not which meeting.
    head = re.split(r"\b(?:to|by)\b\s+(?=\S)", text, maxsplit=1)[0] if frame.action in {"move", "rename"} else text
    frame.which = _which(head)
    frame.day = _span_text(head, day_span(head))
    if frame.action == "read" and not frame.day:
        week = re.search(r"\b(this|next|last)\s+week\b", head, re.I)
        if week:
            frame.after = week.group(0)
    frame.title = _title_selector(head)
    frame.with_people = _people_in(head, frame.with_people)
    _time_filters(head, frame)


_TIME_WORD = r"(?:noon|midday|\d{1,2}(?::\d{2})?\s*(?:am|pm)?)"


def _time_filters(head: str, frame: CalendarFrame) -> None:
    """ "before noon", "after 3pm", "in the morning", "my 3pm": limits within the chosen day."""
    if re.search(r"\b(?:rest|remainder) of (?:this|the) week\b|\bthis week'?s?\b", head, re.I) and not frame.day:
        frame.after = "this week"
        if re.search(r"\b(?:rest|remainder)\b", head, re.I):
            frame.future_only = True
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


def _fill_create(text: str, frame: CalendarFrame) -> None:
    frame.title = _create_title(text)
    frame.duration = find_duration(text)
    condition = _CONDITION.search(text)
    if condition:
        n = (condition.group("n") or "one").lower()
        count = _NUMBERS[n] if n in _NUMBERS else int(n)
        unit = condition.group("unit").lower()
        frame.not_met_days = count * {"fortnight": 14, "month": 30}.get(unit, 7 if unit.startswith("week") else 1)
    free = _FIRST_FREE.search(text)
    if free:
        frame.first_free_after = (free.group("after") or "now").strip() if free.lastindex else "now"
    else:
        phrase = when_phrase(_without_title(text, frame.title))
        frame.start = phrase


def _without_title(text: str, title: str | None) -> str:
    return text.replace(title, " ") if title else text


__all__ = ["CalendarFrame", "find_week", "parse_calendar_request"]
