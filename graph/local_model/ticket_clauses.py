"""Short clauses of a ticket request that carry a field, not the problem: "…, omar's, high prio" and the task in
"need a ticket to rotate the keys, they leaked".

Kept apart from ``tickets_nlu`` so that module does not keep growing; it calls these while reading a frame.
"""

from __future__ import annotations

import re

from graph.local_model.lexicon import Lexicon

# "…, omar's, high prio", "🙃 priya's", "oh and it's probably tom's, due the 25th": a name in the possessive as a
# clause of its own names who the ticket belongs to. "omar's laptop is dead" is a possessive of something else
# (a word follows), and "is it omar's?" asks (no clause starts before the name).
_OWNER_CLAUSE = re.compile(
    r"(?:^|[,;:.!(]\s*|[^\w\s,;:.!?'\"()]\s+|\b(?:and|oh|so)\s+)"
    r"(?P<clause>(?P<hedge0>(?:prob(?:ably|s)?|likely|maybe|i think|i guess)\s+(?=it'?s|that'?s|it is))?"
    r"(?P<lead>(?:it'?s|that'?s|this is|this one'?s|that one'?s|it is|should be|would be|that should be)\s+)?"
    r"(?P<hedge>(?:prob(?:ably|s)?|likely|def(?:initely)?|maybe|most likely|i think|i guess)\s+)?"
    r"(?P<who>@?[A-Za-z][\w-]*)['’]s)"
    r"\s*(?=[,;.!)]|$|\s+(?:pls|plz|please|thx|thanks|btw|tbh|i think|i guess|probably|prob|now|then|too)\b"
    r"|\s+[^\w\s])",
    re.I,
)


# What may stand before the clause in a follow-up that revises a pending create ("oh and it's probably tom's").
_FOLLOW_UP_LEAD = re.compile(
    r"^\W*(?:(?:oh|and|also|btw|ok|okay|actually|so|fyi|wait|sorry|oops|ah|right|yeah|yes|yep|hmm|um)\b\W*)*$", re.I
)
# Talk about whose the THING is ("not mine", "not sure whose it is", "belongs to"): the owner of an object is no
# assignee of the ticket about it.
_OWNERSHIP_TALK = re.compile(
    r"\b(?:not\s+(?:mine|ours|my\s+\w+)|whose|belongs?\s+to|belonging\s+to|owned\s+by|no idea who|left (?:it|them) "
    r"(?:here|there)|someone'?s|somebody'?s)\b",
    re.I,
)
# A clause that sets a field of the ticket: the "<name>'s" beside it is one more field (the assignee).
_FIELD_SEGMENT = re.compile(
    r"^\W*(?:(?:and|also|pls|please|make it|it'?s|set)\s+)?(?:due\b|deadline\b|by\s+(?:mon|tue|wed|thu|fri|sat|sun|"
    r"tomorrow|tmrw|eod|eow|end\b|next\b|the\s+\d|\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|p[0-4]\b|"
    r"(?:highest|high|medium|normal|low|lowest|urgent|critical|top|blocker)(?:[\s-]+(?:prio(?:rity)?|pri)\b|\W*$)|"
    r"prio(?:rity)?\b|labels?\b|tags?\b|label(?:l)?ed\b|tagged\b|asap\b)",
    re.I,
)
_SEGMENT_BREAK = re.compile(r"[,;:.!?()]|[^\w\s'’@#&/+-]")


def _beside_a_field(text: str, start: int, end: int) -> bool:
    """True when the clause at text[start:end] has a field clause (priority, due date, label) right before or after."""
    before = _SEGMENT_BREAK.split(text[:start].rstrip(" ,;:.!"))[-1]
    after = _SEGMENT_BREAK.split(text[end:].lstrip(" ,;:.!"))[0]
    return bool(_FIELD_SEGMENT.match(after) or (before.strip() and _FIELD_SEGMENT.match(before)))


def owner_clause(text: str, lexicon: Lexicon) -> tuple[str, tuple[int, int]] | None:
    """(person, span of the clause) for a standalone "<name>'s" naming whom the ticket is for, else None.

    A follow-up made of the clause (and fields) names the assignee. In a message that also states the problem,
    the clause is a field only without ownership talk ("it's noah's", "not mine", "maybe priya's" say whose the
    thing is), and, when it does not merely end the message, beside another field ("omar's, high prio")."""
    for m in _OWNER_CLAUSE.finditer(text):
        who = m.group("who").lstrip("@")
        if not lexicon.is_person(who):
            continue
        start, end = m.span("clause")
        if _FOLLOW_UP_LEAD.match(text[:start]):
            return who, (start, end)  # "oh and it's probably tom's, due the 25th": revises a pending create
        if m.group("lead") or m.group("hedge") or m.group("hedge0") or _OWNERSHIP_TALK.search(text[:start]):
            return None  # "…, it's noah's", "prob diego's", "not mine, it's lena's": whose the thing is
        if _beside_a_field(text, start, end) or not text[end:].strip(" .!"):
            return who, (start, end)
    return None


def names_an_owner(text: str, lexicon: Lexicon) -> bool:
    """True when a standalone "<name>'s" clause is in the text, assigning or not ("prob diego's")."""
    return any(lexicon.is_person(m.group("who").lstrip("@")) for m in _OWNER_CLAUSE.finditer(text))


def without_owner_clause(text: str, lexicon: Lexicon) -> str:
    """The text without a standalone "<name>'s" owner clause (with its lead-in such as "it's probably")."""
    found = owner_clause(text, lexicon)
    if not found:
        return text
    start, end = found[1]
    return text[:start].rstrip(" ,;") + text[end:]


def without_assigning_clause(original: str, reduced: str, lexicon: Lexicon) -> str:
    """``reduced`` (``original`` with its field phrases taken out) without the owner clause, when that clause
    names the assignee in ``original``; ownership talk that assigns nobody stays in the title."""
    found = owner_clause(original, lexicon)
    if not found:
        return reduced
    for m in _OWNER_CLAUSE.finditer(reduced):
        if m.group("who").lstrip("@").lower() == found[0].lower():
            start, end = m.span("clause")
            return reduced[:start].rstrip(" ,;") + reduced[end:]
    return reduced


# "need a ticket to rotate the staging db credentials, they ended up in a screenshot": the task is the verb
# phrase after "ticket to", up to where the explanation or the next field starts.
_TICKET_TO_TASK = re.compile(
    r"^\W*(?:(?:hey|hi|ok|okay|so|pls|please|also|and)[\s,]+)*"
    r"(?:(?:we|i)\s+)?(?:need|want|(?:can|could) (?:you|u|we) (?:open|file|raise|make|log|create)|"
    r"(?:open|file|raise|make|log|create)|(?:let'?s|lets) (?:open|file|raise|make|log|create)|gotta have)\s+"
    r"(?:me\s+|us\s+)?(?:an?\s+|one\s+|another\s+)?(?:new\s+|quick\s+)?(?:ticket|task|issue)\s+"
    r"(?:for\s+(?:me|us|someone|somebody)\s+)?to\s+(?P<task>[a-z][^,;:.!?\n()]*)",
    re.I,
)
_TASK_END = re.compile(r"\s+(?:[^\w\s'’/#&+-]+|-{1,2}|[–—])(?:\s|$)|\s+(?:because|since|cos|coz|bc|as)\s+", re.I)


def ticket_to_task(text: str) -> tuple[str, bool] | None:
    """(task, more follows) for "need a ticket to <do something>, <why>": the verb phrase only, without the reason
    or the fields after it; None when the text is not put that way or the task is only "do it"."""
    m = _TICKET_TO_TASK.match(text)
    if not m:
        return None
    task = m.group("task")
    end = _TASK_END.search(task)
    task = (task[: end.start()] if end else task).strip()
    after = text[m.start("task") + len(task) :]
    if _NO_SUBJECT.search(task):
        # "a ticket to look into it, the vpn keeps dropping": the task names nothing; the reason says what
        reason = _REASON.match(after)
        words = reason.group("why").strip() if reason else ""
        return (words, True) if len(words.split()) >= 2 else None
    if len(task.split()) < 2:
        return None  # "a ticket to track": too little to be a title
    return task, bool(after.strip(" .!"))


# A task that ends in a pronoun has no subject of its own: "look into it", "sort this out", "chase them".
_NO_SUBJECT = re.compile(r"\b(?:it|this|that|them|one|something|stuff)(?:\s+(?:out|up|down|over|through))?$", re.I)
# The reason after such a task: "…, the vpn keeps dropping", "… because the vpn keeps dropping".
_REASON = re.compile(
    r"^\s*(?:[,;:(—–-]+|\s(?:because|since|cos|coz|bc|as)\b)\s*(?:(?:because|since|cos|coz|bc|as)\s+)?"
    r"(?P<why>[a-z][^,;:.!?\n()]*)",
    re.I,
)


# "…, the tech swapped the duplex unit. close it out and leave a note saying that": "that" is what came before.
_POINTER_NOTE = re.compile(r"^\W*(?:that|this|so|it|as much|the above|what i said)\W*$", re.I)
_REQUEST_SENTENCE = re.compile(
    r"(?:^|(?<=[.!?])\s+|,\s+(?:so\s+|and\s+)?)(?:(?:pls|please|can you|could you|so|ok|and)\s+)*"
    r"(?:close|resolve|mark|leave|add|comment|note|put)\b.*$",
    re.I | re.S,
)


# "saying that. also the TV in room B is fine too": the pointer ends the note; what follows is another remark.
_POINTER_HEAD = re.compile(
    r"^\W*(?:that|this|so|it|as much|the above|what i said)\s*(?:[.!;]|,\s*(?:also|and|btw|oh|plus|but)\b|"
    r"\s+(?:also|and also|btw|plus|oh)\b)",
    re.I,
)


def note_from_context(text: str, note: str | None) -> str | None:
    """The note's words: when the note only points back ("saying that", "saying that. also …"), the message's
    statement before the request, never the words after the pointer; otherwise the note as given."""
    if note is None or not (_POINTER_NOTE.match(note) or _POINTER_HEAD.match(note)):
        return note
    m = _REQUEST_SENTENCE.search(text)
    said = text[: m.start()].strip(" ,;.-—") if m else ""
    if len(said.split()) < 3:
        return note
    return said[:1].upper() + said[1:] + "."
