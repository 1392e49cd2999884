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
    r"(?P<clause>(?:(?:it'?s|that'?s|this is|this one'?s|that one'?s|it is|should be|would be|that should be)\s+)?"
    r"(?:(?:prob(?:ably|s)?|likely|def(?:initely)?|maybe|most likely|i think|i guess)\s+)?"
    r"(?P<who>@?[A-Za-z][\w-]*)['’]s)"
    r"\s*(?=[,;.!)]|$|\s+(?:pls|plz|please|thx|thanks|btw|tbh|i think|i guess|probably|prob|now|then|too)\b"
    r"|\s+[^\w\s])",
    re.I,
)


def owner_clause(text: str, lexicon: Lexicon) -> tuple[str, tuple[int, int]] | None:
    """(person, span of the clause) for a standalone "<name>'s" naming whom the ticket is for, else None."""
    for m in _OWNER_CLAUSE.finditer(text):
        who = m.group("who").lstrip("@")
        if lexicon.is_person(who):
            return who, m.span("clause")
    return None


def without_owner_clause(text: str, lexicon: Lexicon) -> str:
    """The text without a standalone "<name>'s" owner clause (with its lead-in such as "it's probably")."""
    found = owner_clause(text, lexicon)
    if not found:
        return text
    start, end = found[1]
    return text[:start].rstrip(" ,;") + text[end:]


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
    if len(task.split()) < 2 or re.fullmatch(r"\S+\s+(?:it|this|that|them|one|something|stuff)", task, re.I):
        return None  # "a ticket to track it": too little to be a title
    return task, bool(text[m.start("task") + len(task) :].strip(" .!"))


# "…, the tech swapped the duplex unit. close it out and leave a note saying that": "that" is what came before.
_POINTER_NOTE = re.compile(r"^\W*(?:that|this|so|it|as much|the above|what i said)\W*$", re.I)
_REQUEST_SENTENCE = re.compile(
    r"(?:^|(?<=[.!?])\s+|,\s+(?:so\s+|and\s+)?)(?:(?:pls|please|can you|could you|so|ok|and)\s+)*"
    r"(?:close|resolve|mark|leave|add|comment|note|put)\b.*$",
    re.I | re.S,
)


def note_from_context(text: str, note: str | None) -> str | None:
    """The note's words: when the note only points back ("saying that"), the message's statement before the
    request; otherwise the note as given."""
    if note is None or not _POINTER_NOTE.match(note):
        return note
    m = _REQUEST_SENTENCE.search(text)
    said = text[: m.start()].strip(" ,;.-—") if m else ""
    if len(said.split()) < 3:
        return note
    return said[:1].upper() + said[1:] + "."
