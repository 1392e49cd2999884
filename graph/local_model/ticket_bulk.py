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
from graph.local_model.tickets_nlu import (
    NO_DUE_DATE,
    find_assignee,
    find_labels,
    find_priority,
    find_status_target,
    ticket_description_words,
)
from graph.local_model.tickets_nlu import NOT_FINISHED as _NOT_FINISHED
from graph.parsing.datetimes import day_span, find_week

_TICKETS = r"(?:tickets|tasks|issues|bugs|items|work|ones|stuff|things)"
_QUANTIFIED = re.compile(
    rf"\b(?:all|their|his|her|them)\b[^.?!]*?\b{_TICKETS}\b|"
    rf"\b(?:every|each|any)\b[^.?!]*?\b(?:ticket|task|issue|bug)s?\b|"
    rf"\b\w+'s\s+(?:[\w-]+\s+){{0,3}}{_TICKETS}\b|"
    rf"\b{_TICKETS}\s+(?:that|which)\s+(?:are|they|he|she|\w+)\b|"
    r"\b(?:anything|everything|whatever)\b",
    re.I,
)
_SINGULAR_POSSESSIVE = re.compile(r"\b(\w+)'s\s+(?:[\w-]+\s+){0,3}(?:ticket|task|issue|bug)\b(?!s)", re.I)
# "bump my in-progress ticket to highest": one of the speaker's tickets, chosen by its status; when several are in
# that status the tool asks which. ("my vpn ticket" is left to the other readings: filed or assigned is unclear.)
_MY_STATUS_TICKET = re.compile(
    r"\bmy\s+(?:in[\s-]?progress|in[\s-]?review|backlog|to[\s-]?do|todo|blocked)\s+(?:ticket|task|issue|bug)\b(?!s)",
    re.I,
)
_CHANGE_VERB = re.compile(
    r"\b(move|set|mark|put|change|give|reassign|assign|hand|transfer|pass|push|bump|"
    r"make|shift|close|resolve|finish|wrap|slide|pull|bring|tag|label|untag|add|remove|reopen|drop|lower|raise)\b",
    re.I,
)
_STATUS = (
    r"in[\s-]?progress|in[\s-]?review|review|backlog|done|to[\s-]?do|todo|complete(?:d)?|closed|"
    r"finished|started"
)
# Candidate changes: every "to/into/as X" up to a clause break; the last one that reads as a change wins.
# "all my backlog tickets -> in progress": an arrow names the change like "to" does.
_ARROW = re.compile(r"\s*(?:->|→|=>)\s*")
_TARGET = re.compile(r"(?:\b(?:to|into|as)\s+|\s*(?:->|→|=>)\s*)(?=(?P<target>[^,.;!?]+))", re.I)  # overlapping
_TARGET_TAIL = re.compile(
    r"\s+(?:please|pls|plz|for me|if you can|thanks|thank you|thx|asap|right away|now|instead|as well)\s*$", re.I
)
_STATUS_TARGET = re.compile(rf"(?:the\s+)?(?:{_STATUS})(?:\s+(?:column|status|list|lane|stage))?", re.I)
_PRIORITY_TARGET = re.compile(r"(?:highest|high|medium|low|lowest|urgent|critical)(?:\s+priority)?", re.I)
_STATUS_VERB = re.compile(r"\b(?:move|mark|set|put|change|shift|switch)\b", re.I)
_DUE_VERB = re.compile(r"\b(push|move|shift|change|set|slide)\b.*\b(due|deadlines?)\b|\b(?:push|slide)\b", re.I)
_STATUS_FILTER = re.compile(rf"\b({_STATUS})\b", re.I)
_NOT_STARTED = re.compile(
    r"\b(?:not|n't|never)\s+(?:been\s+|yet\s+)?started\b|\bhaven'?t\s+started\b|"
    r"\bhasn'?t\s+started\b|\bunstarted\b",
    re.I,
)
_UNASSIGNED = re.compile(
    r"\bunassigned\b|\bwithout\s+(?:anyone|anybody|someone|somebody)\s+(?:assigned|on\s+(?:it|them))\b|"
    r"\b(?:nobody|no one|noone)(?:'s|\s+has)\s+(?:picked|taken|claimed|grabbed)\b|"
    r"\b(?:nobody|no one)\s+(?:owns|is on)\b|\bwithout an? (?:owner|assignee)\b|\bnot assigned\b",
    re.I,
)
_OVERDUE = re.compile(r"\b(overdue|past due|late)\b", re.I)
_PRIORITY = re.compile(r"\b(highest|high|medium|low|lowest|urgent|critical)[\s-]+priority\b", re.I)
_DUE_WINDOW = re.compile(r"\bdue\s+(this week|next week|today|tomorrow|before [^,.;!?]+|by [^,.;!?]+)", re.I)
_LABEL = re.compile(
    r"\b([A-Za-z]\w*)-(?:tagged|labell?ed)\b|\b(?:labell?ed|tagged)\s+(?:as\s+|with\s+)?[\"'“]?([\w-]+)|\bwith\s+(?:the\s+)?[\"'“]?([\w-]+)[\"'”]?\s+"
    r"(?:label|tag)\b",
    re.I,
)
_EXCEPT = re.compile(
    r"\b(?:except|apart from|other than|but not|excluding)\s+(?:for\s+)?(?:the\s+)?(?P<what>[\w\s-]+?)"
    r"(?:\s+(?:one|ticket|task|issue|bug)s?)?(?=\s+(?:to|into|as)\b|\s*[,.;!?]|\s*$)",
    re.I,
)
_MAKE_PRIORITY = re.compile(
    r"\b(?:make|mark|set)\b.*\b(highest|high|medium|low|lowest|urgent|critical)"
    r"(?:\s+priority)?\s*[.!?]*$",
    re.I,
)
# "tag all of Priya's OPS tickets with vpn", "label ... vpn", "add the vpn label to ...", "remove the vpn tag from ...".
_QUOTED_LABEL = r"[\"'“]?(?P<label>[\w-]+)[\"'”]?"
_LABEL_CHANGES = (
    (
        "add_labels",
        re.compile(
            rf"\b(?:tag|label)\s+(?P<sel>.+?)\s+(?:with|as)\s+(?:the\s+|an?\s+)?{_QUOTED_LABEL}"
            r"(?:\s+(?:label|tag))?\s*[.!?]*$",
            re.I,
        ),
    ),
    (
        "add_labels",
        re.compile(
            rf"\b(?:tag|label)\s+(?P<sel>.+?\b{_TICKETS})\s+{_QUOTED_LABEL}\s*[.!?]*$",
            re.I,
        ),
    ),
    (
        "add_labels",
        re.compile(
            rf"\badd\s+(?:the\s+|an?\s+)?{_QUOTED_LABEL}\s+(?:label|tag)\s+(?:to|on)\s+(?P<sel>.+)",
            re.I,
        ),
    ),
    (
        "remove_labels",
        re.compile(
            rf"\b(?:remove|drop|take)\s+(?:off\s+)?(?:the\s+)?{_QUOTED_LABEL}\s+(?:label|tag)\s+"
            r"(?:from|off|on)\s+(?P<sel>.+)",
            re.I,
        ),
    ),
    (
        "remove_labels",
        re.compile(rf"\buntag\s+(?P<sel>.+?)\s+(?:from\s+)?{_QUOTED_LABEL}\s*[.!?]*$", re.I),
    ),
)
_REOPEN = re.compile(r"\bre-?open\b", re.I)
_CLOSE_ALL = re.compile(r"^\W*(?:please\s+)?(?:close|resolve|finish|wrap up)(?:\s+(?:out|off|up))?\b", re.I)
# "set it to high priority and add the label q4": further changes after the first, each its own clause.
_ALSO = re.compile(
    r"\s*(?:,\s*|\s+)(?:and|plus)\s+(?:also\s+|then\s+)?(?=(?:add|tag|label|set|make|mark|move|give|assign|"
    r"reassign|remove|bump|push)\b)",
    re.I,
)
_GIVE_PRONOUN = re.compile(r"\b(?:give|hand|pass|assign)\s+(?:them|him|her)\b", re.I)
_DUE_SHIFT = re.compile(
    r"\b(?:push|move|shift|slide|slip|bump|pull|bring)\b[^.;!?]*?\b(?P<dir>back|out|later|forward|earlier|in|up)?\s*"
    # "to a week from today" counts from today, not from the due date: a date, no shift.
    r"(?:by\s+)?(?P<n>an?|one|two|three|four|five|six|\d+)\s+(?P<unit>days?|weeks?)\b(?!\s+from\b)"
    r"(?:\s+(?P<dir2>later|earlier|back|out|forward))?",
    re.I,
)
# "give it one more week", "it needs another two days", "allow an extra week": a later due date by that much.
_DUE_EXTEND = re.compile(
    r"\b(?:give|allow|grant|add|needs?|take|buy|get)\b[^.;!?]*?\b(?:(?P<n>an?|one|two|three|four|five|six|\d+)\s+"
    r"(?:more|extra|additional)|another(?:\s+(?P<n2>one|two|three|four|five|six|\d+))?)\s+(?P<unit>days?|weeks?|fortnight)\b",
    re.I,
)
_SENTENCES = re.compile(r"(?<=[.;!?])\s+")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@dataclass
class BulkFrame:
    """Which tickets, and what to change on all of them."""

    filters: dict[str, object] = field(default_factory=dict)
    changes: dict[str, object] = field(default_factory=dict)
    expect_one: bool = False

    def tool_args(self) -> dict[str, object]:
        """Arguments for ``update_tickets``."""
        args: dict[str, object] = dict(self.filters)
        args.update({k if k.endswith("_labels") else f"new_{k}": v for k, v in self.changes.items()})
        if self.expect_one:
            args["expect_one"] = True
        return args


def _person_at(text: str, lexicon: Lexicon) -> list[tuple[int, str]]:
    return [(start, surface) for start, _end, surface in lexicon.find_people(text)]


_LIST_REFERENCE = re.compile(
    r"\bthe\s+(?:[\w-]+\s+){0,3}(?P<n>ones?)\b|\b(?:those|these|them all|all of them|both of them|both)\b|"
    r"^\W*(?:\w+\s+){0,2}(?:give|move|assign|hand|pass|mark|set|close|push)\s+them\b",
    re.I,
)


def parse_bulk(text: str, lexicon: Lexicon, *, listed: list[str] | None = None) -> BulkFrame | None:
    """A bulk frame when the message changes a set of tickets chosen by description; otherwise None.

    Several sentences ("Diego's on leave from tomorrow; pass his in-progress tickets to Omar, please.") are
    read one at a time; the others still resolve "his"/"her"/"their". ``listed``: the tickets deskhand just
    listed, which "the unassigned one" or "move those to review" picks from.
    """
    reference = _LIST_REFERENCE.search(text) if listed else None
    if reference and listed:
        frame = _parse_sentence(text, lexicon, context=text, referenced=True)
        if frame is not None:
            frame.filters["keys"] = list(listed)
            frame.expect_one = (reference.group("n") or "").lower() == "one"
            return frame
    sentences = [s for s in _SENTENCES.split(text.strip()) if s]
    if len(sentences) > 1:
        for sentence in sentences:
            frame = _parse_sentence(sentence, lexicon, context=text)
            if frame is not None:
                return frame
        # "any highest-priority ENG tickets without an owner? give them to Priya": the selector and the
        # change sit in different sentences, so read them as one.
        return _parse_sentence(" ".join(s.rstrip(".;!?") for s in sentences), lexicon, context=text)
    return _parse_sentence(text, lexicon, context=text)


def _parse_sentence(text: str, lexicon: Lexicon, *, context: str, referenced: bool = False) -> BulkFrame | None:
    singular = _SINGULAR_POSSESSIVE.search(text) or _MY_STATUS_TICKET.search(text)
    if not (_QUANTIFIED.search(text) or singular or referenced) or not (
        _CHANGE_VERB.search(text) or _ARROW.search(text)
    ):
        return None
    frame = BulkFrame(expect_one=bool(singular) and not _QUANTIFIED.search(text))
    text, *more_changes = _ALSO.split(text)
    # "move all of Diego's tickets to done except the urgent ones": the exclusion is part of the selector, wherever
    # it sits, and must not be read as part of the change.
    excluded = _EXCEPT.search(text)
    if excluded:
        frame.filters["exclude_text"] = excluded.group("what").strip()
        text = text[: excluded.start()] + " " + text[excluded.end() :]
    target_person, selector_text = _label_or_reopen(text, frame) or _find_change(text, lexicon, frame)
    make = _MAKE_PRIORITY.search(text)
    if not frame.changes and not target_person and make:
        frame.changes["priority"] = make.group(1)
        selector_text = text[: make.start(1)]
    if not frame.changes and not target_person and not _DUE_SHIFT.search(text) and _DUE_EXTEND.search(text):
        frame.changes["due_shift_days"] = due_shift_days(text)
        extend = _DUE_EXTEND.search(text)
        selector_text = text[: extend.start("n") if extend and extend.group("n") else len(text)]
    if not frame.changes and not target_person:
        shift = _DUE_SHIFT.search(text)
        if shift:
            frame.changes["due_shift_days"] = _shift_days(shift)
            amount_at = shift.start("dir") if shift.group("dir") else shift.start("n")
            selector_text = text[:amount_at] + " " + text[shift.end() :]
    people = _person_at(context, lexicon)
    if target_person is None and _GIVE_PRONOUN.search(text) and people:
        # "Sam has some free time, so give them all of Lee's overdue tickets": "them" is the person named before.
        possessed = set(_possessive_people(text, lexicon))
        others = [p for _, p in people if p not in possessed]
        if others:
            target_person = others[0]
    if target_person:
        frame.changes["assignee"] = target_person
    for clause in more_changes:
        _add_change(clause, lexicon, frame)
    if not frame.changes:
        return None
    _read_selector(selector_text, lexicon, frame, target_person=target_person, people=people)
    if not frame.filters and not referenced:
        return None  # "move all tickets to done" with no selector is too broad to guess
    return frame


def _label_or_reopen(text: str, frame: BulkFrame) -> tuple[str | None, str] | None:
    """Label changes and reopening, which name no target with "to"; returns (no new assignee, selector text)."""
    for change, pattern in _LABEL_CHANGES:
        m = pattern.search(text)
        if m:
            frame.changes[change] = [m.group("label").lower()]
            return None, m.group("sel")
    closing = _CLOSE_ALL.search(text)
    if closing and not _TARGET.search(text):
        frame.changes["status"] = "done"
        return None, text[closing.end() :]
    if _REOPEN.search(text):
        frame.changes["status"] = "reopen"
        if not _STATUS_FILTER.search(text):
            frame.filters["status"] = "done"  # only finished tickets can be reopened
        return None, text
    return None


def _add_change(clause: str, lexicon: Lexicon, frame: BulkFrame) -> None:
    """A further change in its own clause ("add the label q4", "make them urgent", "give them to Omar")."""
    labels, _span = find_labels(clause)
    if labels:
        earlier = frame.changes.get("add_labels")
        frame.changes["add_labels"] = [*(earlier if isinstance(earlier, list) else []), *labels]
        return
    m = re.search(r"\b(?:to|as)\s+(?P<target>[^,.;!?]+?)\s*[.!?]*$", clause, re.I)
    target = _TARGET_TAIL.sub("", m.group("target").strip()) if m else ""
    priority = _PRIORITY_TARGET.search(clause)
    if target and _STATUS_TARGET.fullmatch(target):
        frame.changes["status"] = target
    elif target and _person_at(target, lexicon):
        frame.changes["assignee"] = _person_at(target, lexicon)[0][1]
    elif priority:
        frame.changes["priority"] = priority.group(0).split()[0]


def _find_change(text: str, lexicon: Lexicon, frame: BulkFrame) -> tuple[str | None, str]:
    """The change named by the last "to/into/as X" that reads as one; returns (new assignee, selector text)."""
    for m in reversed(list(_TARGET.finditer(text))):
        target = _TARGET_TAIL.sub("", m.group("target").strip())
        selector = text[: m.start()] + " " + text[m.end("target") :]
        target_people = _person_at(target, lexicon)
        if _STATUS_TARGET.fullmatch(target):
            frame.changes["status"] = target
            return None, selector
        if target_people and target_people[0][0] <= 2:
            return target_people[0][1], selector
        if re.fullmatch(r"me|myself", target, re.I):
            return "me", selector
        # A date is only ever a due date for a ticket: "every OPS ticket without one, set it to dec 1".
        if (_DUE_VERB.search(text) or _CHANGE_VERB.search(text)) and (
            day_span(target) or find_week(target, _dummy_today())
        ):
            frame.changes["due_date"] = target
            return None, selector
        if _PRIORITY_TARGET.fullmatch(target):
            frame.changes["priority"] = target.split()[0]
            return None, selector
        if re.fullmatch(r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?", target) and re.search(
            r"\b(?:give|hand|pass|assign|reassign|transfer)\b", text, re.I
        ):
            return target, selector  # someone deskhand doesn't know: resolving the name explains that
        if _STATUS_VERB.search(text) and len(target.split()) <= 3 and not re.search(r"\bdue\b", text, re.I):
            # "mark them as Blocked": a status the workflow may not have; resolving it lists the real ones.
            frame.changes["status"] = target
            return None, selector
    return None, text


def due_shift_days(text: str) -> int | None:
    """Days a "push it out a week" / "bring it forward two days" / "give it one more week" shifts a due date by;
    None if none is asked."""
    m = _DUE_SHIFT.search(text)
    if m:
        return _shift_days(m)
    extend = _DUE_EXTEND.search(text)
    if extend:
        raw = (extend.group("n") or extend.group("n2") or "one").lower()
        amount = _NUMBERS.get(raw) or int(raw)
        unit = extend.group("unit").lower()
        return amount * (14 if unit == "fortnight" else 7 if unit.startswith("week") else 1)
    return None


_TOMORROW_SHORT = r"tmrw|tmr|tmrow|tomorow|tommorow|tommorrow|2moro|2morrow|tomoz"


def search_due_filter(phrase: str | None) -> dict[str, str]:
    """Search arguments for a due phrase: "before the end of next week", "after Dec 5", "this week", "by Friday"."""
    if not phrase:
        return {}
    m = re.match(r"(before|by|after)\s+(.+)", phrase.strip(), re.I)
    if m:
        # "by Thursday" includes Thursday; "before Thursday" does not.
        return {{"after": "due_after", "by": "due_by"}.get(m.group(1).lower(), "due_before"): m.group(2)}
    if re.fullmatch(r"(?:today|tomorrow|this week|next week)", phrase.strip(), re.I):
        return {"due_in": phrase.strip().lower()}
    if re.fullmatch(_TOMORROW_SHORT, phrase.strip(), re.I):
        return {"due_in": "tomorrow"}  # "due tmrw" is tomorrow's work only, not everything due by then
    return {"due_by": phrase}  # "due by thurs" reaches here as "thurs": that day counts


def _shift_days(m: re.Match[str]) -> int:
    raw = m.group("n").lower()
    amount = _NUMBERS.get(raw) or int(raw)
    days = amount * (7 if m.group("unit").lower().startswith("week") else 1)
    direction = (m.group("dir") or m.group("dir2") or "back").lower()
    return -days if direction in {"forward", "earlier", "in", "up"} else days


def _read_selector(
    text: str, lexicon: Lexicon, frame: BulkFrame, *, target_person: str | None, people: list[tuple[int, str]]
) -> None:
    """Fill ``frame.filters`` from the words that describe which tickets."""
    excluded = _EXCEPT.search(text)
    if excluded:
        frame.filters["exclude_text"] = excluded.group("what").strip()
        text = text[: excluded.start()] + " " + text[excluded.end() :]
    owner = _selector_person(text, lexicon, exclude=target_person)
    if owner is None and re.search(r"\b(their|his|her)\b", text, re.I):
        owner = next((p for _, p in people if p != target_person), None)
    unknown = _unknown_possessive(text, lexicon)
    if owner:
        frame.filters["assignee"] = owner
    elif unknown:
        frame.filters["assignee"] = unknown  # resolving the name tells the person nobody is called that
    elif _UNASSIGNED.search(text):
        frame.filters["assignee"] = "nobody"
    elif re.search(r"\b(my|mine)\b", text, re.I):
        frame.filters["assignee"] = "me"
    if _NOT_STARTED.search(text):
        frame.filters["status"] = "backlog"
    elif _NOT_FINISHED.search(text):
        pass  # "overdue and not done yet": open tickets, which a bulk change selects by default
    else:
        status = _STATUS_FILTER.search(text)
        if status:
            frame.filters["status"] = status.group(1)
    if _OVERDUE.search(text):
        frame.filters["overdue"] = True
    if NO_DUE_DATE.search(text):
        frame.filters["no_due_date"] = True
    priority = _PRIORITY.search(text)
    if priority:
        frame.filters["priority"] = priority.group(1)
    project = lexicon.find_project(text) or _project_adjective(text, lexicon)
    if project:
        frame.filters["project"] = project
    label = _LABEL.search(text)
    if label:
        frame.filters["label"] = label.group(1) or label.group(2) or label.group(3)
    due = _DUE_WINDOW.search(text)
    if due:
        _due_filter(due.group(1), frame)
    topic = _topic(text, lexicon)
    if topic and "label" not in frame.filters:
        frame.filters["topic"] = topic


# "all my backlog frontend tickets": the words before the noun that are no other filter name a label or subject.
# Only the words between a determiner and the noun count ("all my backlog frontend tickets"), so that the rest of the
# sentence ("could you pass his tickets") is never read as a topic.
_MODIFIERS = re.compile(
    rf"\b(?:all|every|each|any|my|his|her|their|our|your|the|these|those|[\w-]+'s)\s+"
    rf"(?P<mods>(?:[\w'-]+\s+){{1,4}}){_TICKETS}\b",
    re.I,
)
_PRIORITY_PHRASE = re.compile(r"\b(?:highest|high|medium|low|lowest|urgent|critical)[\s-]+(?:priority|prio)\b", re.I)
_NOT_TOPIC = {
    "all",
    "every",
    "each",
    "any",
    "the",
    "of",
    "my",
    "mine",
    "his",
    "her",
    "their",
    "our",
    "your",
    "its",
    "other",
    "remaining",
    "open",
    "current",
    "these",
    "those",
    "both",
    "them",
    "and",
    "or",
    "in",
    "on",
    "for",
    "with",
    "that",
    "which",
    "are",
    "is",
    "still",
    "priority",
    "prio",
    "overdue",
    "late",
    "unassigned",
    "undated",
    "unstarted",
    "finished",
    "unfinished",
    "one",
    "ticket",
    "tickets",
    "a",
    "an",
    "some",
    "more",
    "few",
    "to",
    "move",
    "set",
    "mark",
    "put",
    "give",
    "close",
}


def _topic(text: str, lexicon: Lexicon) -> str | None:
    """Words just before "tickets" that are no person, project, status, priority or quantifier: a topic."""
    m = _MODIFIERS.search(text)
    if not m:
        return None
    mods = _PRIORITY_PHRASE.sub(" ", _STATUS_FILTER.sub(" ", m.group("mods")))
    mods = re.sub(r"\b[\w-]+'s\b", " ", mods)  # possessives name people
    for start, end, _surface in reversed(lexicon.find_people(mods)):
        mods = mods[:start] + " " + mods[end:]
    projects = {k.lower() for k, _ in lexicon.projects} | {w.lower() for _, n in lexicon.projects for w in n.split()}
    words = [
        w
        for w in re.findall(r"[A-Za-z][\w-]*", mods)
        if w.lower() not in _NOT_TOPIC
        and w.lower() not in projects
        and not _PRIORITY_TARGET.fullmatch(w)
        and not _CHANGE_VERB.fullmatch(w)
        and len(w) >= 3
    ]
    return " ".join(words) or None


def _unknown_possessive(text: str, lexicon: Lexicon) -> str | None:
    """ "Kofi's tickets" where nobody is called Kofi: the name, so the reply can say so."""
    for m in re.finditer(rf"\b([A-Z][a-z]+)'s\s+(?:[\w-]+\s+){{0,3}}{_TICKETS}\b", text):
        if not lexicon.is_person(m.group(1)) and not lexicon.find_project(m.group(1)):
            return m.group(1)
    return None


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
    elif lowered.startswith("by "):
        frame.filters["due_by"] = phrase.split(" ", 1)[1]  # "by Friday" includes Friday
    elif lowered.startswith("before "):
        frame.filters["due_before"] = phrase.split(" ", 1)[1]
    else:
        frame.filters["due_before"] = phrase


# Two tickets, each named by its own words, given one change: "the onboarding checklist and the billing export
# one can both slip two days", "push both the sso rollout and the badge audit back a week", "mark the X and the Y
# ones done". "both"/"each" (or "one"/"ticket" closing each name) tells a pair from a title containing "and".
_PAIR = r"(?P<a>[\w'-]+(?:\s+[\w'-]+){0,6}?)\s+(?:and|&)\s+(?:the\s+)?(?P<b>[\w'-]+(?:\s+[\w'-]+){0,6}?)"
_PAIR_SUBJECT = re.compile(
    rf"^\W*(?:(?:ok|okay|so|fyi|heads up|right)[\s,:]+)?(?:both\s+)?the\s+{_PAIR}\s+"
    r"(?P<rest>(?:can|could|should|will|must|need to|needs to|have to|are|'re|both|each)\b[^.;!?]*)",
    re.I,
)
_PAIR_OBJECT = re.compile(
    r"\b(?:push|move|shift|slide|slip|bump|pull|bring|mark|set|put|give|hand|assign|reassign|make|raise|drop|"
    rf"lower)\s+(?:both\s+)?the\s+{_PAIR}\s+(?P<rest>(?:back|out|forward|to|as|over|up|down|in|by|two|three|four|"
    r"five|six|\d+|done|high|highest|low|lowest|urgent)\b[^.;!?]*)",
    re.I,
)
_NAMED_ONE = re.compile(r"\s+(?:one|ticket|bug|issue|task)$", re.I)


def parse_described_pair(text: str, lexicon: Lexicon) -> BulkFrame | None:
    """A frame changing two tickets each named by description, or None. Each name must match exactly one open
    ticket when the tool runs, so a loose name is asked about rather than guessed."""
    for pattern in (_PAIR_SUBJECT, _PAIR_OBJECT):
        m = pattern.search(text)
        if not m:
            continue
        a, b = m.group("a"), m.group("b")
        named = bool(_NAMED_ONE.search(a) and _NAMED_ONE.search(b)) or bool(re.search(r"\b(?:both|each)\b", text, re.I))
        names = [ticket_description_words(_NAMED_ONE.sub("", part), lexicon) for part in (a, b)]
        if not named or not all(names):
            continue
        # The change read as if said of one ticket: "mark it done", "give it to Tom", "bump it to highest".
        lead = re.sub(r"(?:both\s+)?the\s*$", "", text[: m.start("a")], flags=re.I)
        rest = re.sub(r"\b(?:both|each)\s+", "", f"{lead} it {m.group('rest')}", flags=re.I)
        frame = BulkFrame(filters={"each_of": names})
        shift = due_shift_days(text)
        if shift is not None:
            frame.changes["due_shift_days"] = shift
        status = find_status_target(rest)
        if status:
            frame.changes["status"] = status
        priority = find_priority(rest)
        if priority:
            frame.changes["priority"] = priority
        assignee, unassign = find_assignee(rest, lexicon)
        if assignee or unassign:
            frame.changes["assignee"] = "nobody" if unassign else assignee
        if frame.changes:
            return frame
    return None
