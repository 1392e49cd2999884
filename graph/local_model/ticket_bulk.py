"""Bulk ticket requests: "move all of Kofi's in-progress tickets to review", "Dmitri is sick, give his
in-progress tickets to Jin-soo", "push every Design ticket due this week to next Friday".

A bulk request has a selector (whose tickets, which status, project, overdue, due when, priority) and one change
(status, assignee, priority or due date). The change is the phrase after the final "to"/"into"/"as" (or the
person "them" in "give them all of X's tickets"); everything else describes which tickets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from graph.local_model.lexicon import Lexicon
from graph.parsing.datetimes import day_span, find_week

_TICKETS = r"(?:tickets|tasks|issues|bugs|items|work)"
_QUANTIFIED = re.compile(
    rf"\b(?:all|their|his|her|them)\b[^.?!]*?\b{_TICKETS}\b|"
    rf"\b(?:every|each|any)\b[^.?!]*?\b(?:ticket|task|issue|bug)s?\b|"
    rf"\b\w+'s\s+(?:[\w-]+\s+){{0,3}}{_TICKETS}\b|"
    rf"\b{_TICKETS}\s+(?:that|which)\s+(?:are|they|he|she|\w+)\b",
    re.I,
)
_SINGULAR_POSSESSIVE = re.compile(r"\b(\w+)'s\s+(?:[\w-]+\s+){0,3}(?:ticket|task|issue|bug)\b(?!s)", re.I)
_CHANGE_VERB = re.compile(
    r"\b(move|set|mark|put|change|give|reassign|assign|hand|transfer|pass|push|bump|"
    r"make|shift|close)\b",
    re.I,
)
_STATUS = (
    r"in[\s-]?progress|in[\s-]?review|review|backlog|done|to[\s-]?do|todo|complete(?:d)?|closed|"
    r"finished|started"
)
# The change is what follows the LAST "to"/"into"/"as" (the leading .* makes the match take the last one).
_TARGET = re.compile(
    r".*\b(?:to|into|as|over to)\s+(?P<target>[^,.;!?]+?)\s*(?:please|for me|if you can)?\s*[.!?]*\s*"
    r"(?:can you do (?:that|this|it)(?: for me)?(?: please)?\s*\??)?$",
    re.I,
)
_STATUS_FILTER = re.compile(rf"\b({_STATUS})\b", re.I)
_NOT_STARTED = re.compile(
    r"\b(?:not|n't|never)\s+(?:been\s+|yet\s+)?started\b|\bhaven'?t\s+started\b|"
    r"\bhasn'?t\s+started\b|\bunstarted\b",
    re.I,
)
_OVERDUE = re.compile(r"\b(overdue|past due|late)\b", re.I)
_PRIORITY = re.compile(r"\b(highest|high|medium|low|lowest|urgent|critical)[\s-]+priority\b", re.I)
_DUE_WINDOW = re.compile(r"\bdue\s+(this week|next week|today|tomorrow|before [^,.;!?]+|by [^,.;!?]+)", re.I)
_MAKE_PRIORITY = re.compile(
    r"\b(?:make|mark|set)\b.*\b(highest|high|medium|low|lowest|urgent|critical)"
    r"(?:\s+priority)?\s*[.!?]*$",
    re.I,
)
_GIVE_PRONOUN = re.compile(r"\b(?:give|hand|pass|assign)\s+(?:them|him|her)\b", re.I)


@dataclass
class BulkFrame:
    """Which tickets, and what to change on all of them."""

    filters: dict[str, object] = field(default_factory=dict)
    changes: dict[str, str] = field(default_factory=dict)
    expect_one: bool = False

    def tool_args(self) -> dict[str, object]:
        """Arguments for ``update_tickets``."""
        args: dict[str, object] = dict(self.filters)
        args.update({f"new_{k}": v for k, v in self.changes.items()})
        if self.expect_one:
            args["expect_one"] = True
        return args


def _person_at(text: str, lexicon: Lexicon) -> list[tuple[int, str]]:
    return [(start, surface) for start, _end, surface in lexicon.find_people(text)]


def parse_bulk(text: str, lexicon: Lexicon) -> BulkFrame | None:
    """A bulk frame when the message changes a set of tickets chosen by description; otherwise None."""
    singular = _SINGULAR_POSSESSIVE.search(text)
    if not (_QUANTIFIED.search(text) or singular) or not _CHANGE_VERB.search(text):
        return None
    frame = BulkFrame(expect_one=bool(singular) and not _QUANTIFIED.search(text))
    selector_text = text
    people = _person_at(text, lexicon)
    target_person: str | None = None

    m = _TARGET.search(text)
    if m:
        target = m.group("target").strip()
        target_people = _person_at(target, lexicon)
        if re.fullmatch(rf"(?:the\s+)?(?:{_STATUS})(?:\s+(?:column|status|list|lane))?", target, re.I):
            frame.changes["status"] = target
            selector_text = text[: m.start("target")]
        elif target_people and target_people[0][0] <= 2:
            target_person = target_people[0][1]
            selector_text = text[: m.start("target")]
        elif re.fullmatch(r"me|myself", target, re.I):
            target_person = "me"
            selector_text = text[: m.start("target")]
        elif re.search(r"\b(push|move|shift|change)\b.*\b(due|deadline)|\bpush\b", text, re.I) and (
            day_span(target) or find_week(target, _dummy_today())
        ):
            frame.changes["due_date"] = target
            selector_text = text[: m.start("target")]
        elif re.fullmatch(r"(?:highest|high|medium|low|lowest|urgent|critical)(?:\s+priority)?", target, re.I):
            frame.changes["priority"] = target.split()[0]
            selector_text = text[: m.start("target")]
    make = _MAKE_PRIORITY.search(text)
    if not frame.changes and make and not target_person:
        frame.changes["priority"] = make.group(1)
        selector_text = text[: make.start(1)]
    if target_person is None and _GIVE_PRONOUN.search(text) and people:
        # "Sam has some free time, so give them all of Lee's overdue tickets": "them" is the person named before.
        possessed = {p for p in _possessive_people(text, lexicon)}
        others = [p for _, p in people if p not in possessed]
        if others:
            target_person = others[0]
    if target_person:
        frame.changes["assignee"] = target_person
    if not frame.changes:
        return None

    owner = _selector_person(selector_text, lexicon, exclude=target_person)
    if owner is None and re.search(r"\b(their|his|her)\b", selector_text, re.I):
        owner = next((p for _, p in people if p != target_person), None)
    if owner:
        frame.filters["assignee"] = owner
    elif re.search(r"\b(my|mine)\b", selector_text, re.I):
        frame.filters["assignee"] = "me"
    if _NOT_STARTED.search(selector_text):
        frame.filters["status"] = "backlog"
    else:
        status = _STATUS_FILTER.search(selector_text)
        if status:
            frame.filters["status"] = status.group(1)
    if _OVERDUE.search(selector_text):
        frame.filters["overdue"] = True
    priority = _PRIORITY.search(selector_text)
    if priority:
        frame.filters["priority"] = priority.group(1)
    project = lexicon.find_project(selector_text) or _project_adjective(selector_text, lexicon)
    if project:
        frame.filters["project"] = project
    due = _DUE_WINDOW.search(selector_text)
    if due:
        _due_filter(due.group(1), frame)
    if not frame.filters:
        return None  # "move all tickets to done" with no selector is too broad to guess
    return frame


def _dummy_today() -> date:
    # Only whether a phrase is a week reference matters here, not which week.
    return date(2000, 1, 3)


def _possessive_people(text: str, lexicon: Lexicon) -> list[str]:
    out = []
    for m in re.finditer(r"\b([\w-]+)'s\b", text):
        if lexicon.is_person(m.group(1)):
            out.append(m.group(1))
    return out


def _selector_person(text: str, lexicon: Lexicon, *, exclude: str | None) -> str | None:
    for name in _possessive_people(text, lexicon):
        if name != exclude:
            return name
    m = re.search(r"\b(?:that|which)\s+([\w-]+)\s+(?:hasn'?t|has not|is|isn'?t|owns|has)\b", text, re.I)
    if m and lexicon.is_person(m.group(1)) and m.group(1) != exclude:
        return m.group(1)
    m = re.search(r"\b(?:assigned to|owned by|of)\s+([\w-]+)\b", text, re.I)
    if m and lexicon.is_person(m.group(1)) and m.group(1) != exclude:
        return m.group(1)
    for _start, _end, surface in lexicon.find_people(text):
        if surface != exclude:
            return surface
    return None


def _project_adjective(text: str, lexicon: Lexicon) -> str | None:
    """ "every Design ticket" names the project before the noun."""
    for key, name in lexicon.projects:
        if re.search(
            rf"\b(?:{re.escape(key)}|{re.escape(name)})\s+(?:[\w-]+\s+)?(?:tickets?|tasks?|issues?|bugs?)\b", text, re.I
        ):
            return key
    return None


def _due_filter(phrase: str, frame: BulkFrame) -> None:
    lowered = phrase.lower()
    if lowered in {"this week", "next week", "today", "tomorrow"}:
        frame.filters["due_in"] = lowered
    elif lowered.startswith(("before ", "by ")):
        frame.filters["due_before"] = phrase.split(" ", 1)[1]
    else:
        frame.filters["due_before"] = phrase
