"""Remarks about a ticket that ask for nothing: an opinion ("X probably deserves a higher prio tbh") or the
speaker's own plan ("i'll raise it w sam in our 1:1").

Proposing a write for these is the worst kind of mistake (the ticket changes, or a new one is filed, when nobody
asked), so a message made only of them is at most a lookup of the ticket it talks about.
"""

from __future__ import annotations

import re

_HEDGE = r"(?:probably|prob|probs|maybe|arguably|perhaps|possibly|likely|kinda|kind of|sort of|honestly|really)"
_COMPARATIVE = r"(?:higher|lower|more|less|bigger|smaller|better|a bump in|a bump|some more)"
_WEIGHT = r"(?:prio(?:rity)?|pri|attention|urgency|love|focus|eyes|visibility|importance)"

# "probably deserves a higher prio", "could use more attention", "should prob be higher priority": how the speaker
# judges the ticket, in comparative terms. "ENG-9 should be highest" names a level and stays a request.
_OPINION = re.compile(
    rf"\b(?:(?:{_HEDGE}\s+)?(?:deserves?|warrants?|merits?|could (?:really )?use|needs?)\s+(?:a\s+|an\s+|the\s+)?"
    rf"{_COMPARATIVE}\s+{_WEIGHT}"
    rf"|(?:should|ought to|might|could)\s+{_HEDGE}\s+(?:be|get|have)\s+(?:a\s+)?{_COMPARATIVE}\s+{_WEIGHT}"
    rf"|{_HEDGE}\s+(?:should|ought to)\s+(?:be|get|have)\s+(?:a\s+)?{_COMPARATIVE}\s+{_WEIGHT})\b",
    re.I,
)
# "i'll raise it w sam in our 1:1", "gonna bring it up with the team", "will mention it to priya": the speaker will
# take it up with someone; nothing for deskhand to do. ("i'll take it" is a request to be assigned, not this.)
_OWN_PLAN = re.compile(
    r"\b(?:i'?ll|i will|i'?m (?:gonna|going to)|i was (?:gonna|going to)|gonna|going to|will|let me|i can)\s+"
    r"(?:just\s+|probably\s+|prob\s+|maybe\s+|try (?:to|and)\s+)?"
    r"(?:raise|bring up|bring|mention|flag|discuss|talk about|chat about|ask about|run|check|float|talk|chat|sync)"
    r"(?:\s+(?:it|this|that|them|up|[a-z][a-z0-9]+-\d+))*\s+(?:w/?|with|to|by|past|about it with|in|at|during)\s+\S",
    re.I,
)
# Something deskhand is asked to do: a polite ask, or a clause that starts with an instruction.
_REQUEST = re.compile(
    r"\b(?:can|could|would|will)\s+(?:you|u|someone|somebody|deskhand)\b|\b(?:pls|plz|please|kindly)\b"
    r"|(?:^|[,;:.!?—–-]\s*|\b(?:so|and|then|just|but|first|now)\s+)"
    # "…, in the meantime bump ENG-4 to highest", "meanwhile, set it to high": the request after the plan
    r"(?:(?:in the meantime|meanwhile|for now|till then|until then|right now|first|but|also)\s*,?\s+)*"
    r"(?:bump|raise|set|make|move|change|mark|assign|give|put|close|"
    r"file|open|log|create|add|update|push|drop|lower|reassign|comment|note|leave|flag|tag|label|up)\b"
    r"(?!\s+(?:it\s+|this\s+|that\s+)?(?:w/?|with)\s)"
    r"|\b(?:go ahead|do it|let'?s)\b",
    re.I,
)


def is_musing(text: str) -> bool:
    """True when the message only judges a ticket or says what the speaker will do about it, asking nothing."""
    if not (_OPINION.search(text) or _OWN_PLAN.search(text)):
        return False
    return not _REQUEST.search(text)


# "new ticket: the dishwasher leaks, i'll mention it to omar too": the plan clause is no part of the title.
_PLAN_CLAUSE = re.compile(
    r"\s*(?:[,;.!—–-]+|\s(?:and|but|so)\b)\s*(?:(?:and|but|so|btw)\s+)?" + _OWN_PLAN.pattern + r"[^,;.!?]*", re.I
)


def without_own_plan_clause(text: str) -> str:
    """``text`` without a clause stating what the speaker will do about it with someone ("i'll mention it to
    omar too")."""
    return _PLAN_CLAUSE.sub("", text)


# Where a message's clauses part: sentences, and ", in the meantime / for now / but …".
_CLAUSES = re.compile(
    r"(?<=[.;!?])\s+|,\s*(?=(?:in the meantime|meanwhile|for now|but|also|and)\b)|\s+(?=but\s)|"
    # "i'll talk to priya about ENG-9 later, close ENG-11 now": an instruction after a comma starts its own clause
    r",\s*(?=(?:pls\s+|please\s+)?(?:bump|raise|set|make|move|change|mark|assign|give|close|reassign|lower|push)\b)",
    re.I,
)


def without_side_remarks(text: str) -> str:
    """ "ENG-4 probably deserves a higher prio tbh, i'll raise it w sam. meanwhile bump ENG-9 to highest" -> "meanwhile
    bump ENG-9 to highest": beside a request, an opinion or the speaker's own plan about another ticket is no part of
    it (its ticket would get the change too). A message with no request, or nothing else, is left whole."""
    clauses = [c for c in _CLAUSES.split(text) if c and c.strip()]
    if len(clauses) < 2:
        return text
    remarks = [c for c in clauses if (_OPINION.search(c) or _OWN_PLAN.search(c)) and not _REQUEST.search(c)]
    kept = [c for c in clauses if c not in remarks]
    if not remarks or not any(_REQUEST.search(c) for c in kept):
        return text
    return _CONNECTIVE.sub("", " ".join(c.strip().lstrip(",").strip() for c in kept))


_CONNECTIVE = re.compile(r"^(?:(?:in the meantime|meanwhile|for now|but|also|and|then)\b[\s,]*)+", re.I)
