"""What a new ticket is about when the request names only the kind of ticket: "raise the replacement ticket for
me" after the person said their laptop was stolen is a "Replacement laptop" ticket, never "Replacement ticket for
me". Without such context deskhand asks what the ticket is about.
"""

from __future__ import annotations

import re

# The words of a request that say nothing about the problem: "the … ticket for me pls".
_REQUEST_WORDS = {
    "a",
    "an",
    "the",
    "this",
    "that",
    "it",
    "one",
    "new",
    "my",
    "our",
    "for",
    "me",
    "us",
    "myself",
    "pls",
    "please",
    "plz",
    "thanks",
    "now",
    "too",
    "then",
    "ticket",
    "tickets",
    "issue",
    "request",
    "task",
    "bug",
    "ok",
    "okay",
}
_NOUNS = {"ticket", "tickets", "issue", "request", "task", "bug"}
_WORD = re.compile(r"[A-Za-z][\w'-]*")


def kind_only(title: str) -> str | None:
    """For a title made only of the request's own words ("Replacement ticket for me"): the words that say what
    kind of ticket it is ("replacement"; "" when none). None for a title that describes something."""
    words = _WORD.findall(title)
    lowered = [w.lower() for w in words]
    if not any(w in _NOUNS for w in lowered):
        return None
    first_noun = next(i for i, w in enumerate(lowered) if w in _NOUNS)
    after = [w for w in lowered[first_noun + 1 :] if w not in _REQUEST_WORDS]
    kind = [w for w in words[:first_noun] if w.lower() not in _REQUEST_WORDS]
    if after or len(kind) > 1:
        return None
    return " ".join(kind)


# "my laptop got stolen", "our office printer", "the badge reader": the thing an earlier message was about.
_OWNED_THING = re.compile(
    r"\b(?:my|our)\s+(?:(?:new|old|work|company|office|spare)\s+)?(?P<thing>[a-z][a-z-]{2,})\b(?!\s*(?:'s|is\s+to))",
    re.I,
)
_NOT_THINGS = {"own", "bad", "team", "manager", "boss", "side", "end", "way", "time", "question", "turn"}


def earlier_subject(earlier_texts: list[str]) -> tuple[str, str] | None:
    """(thing, the message that says it) from the person's most recent earlier message naming something they
    own ("my laptop got stolen" → laptop)."""
    for text in reversed(earlier_texts):
        for m in _OWNED_THING.finditer(text):
            thing = m.group("thing").lower()
            if thing not in _NOT_THINGS and thing not in _REQUEST_WORDS:
                return thing, text.strip()
    return None


def title_from_context(kind: str, earlier_texts: list[str]) -> tuple[str, str] | None:
    """(title, description) for a ticket named only by its kind, from what the conversation was about."""
    found = earlier_subject(earlier_texts)
    if not found:
        return None
    thing, said = found
    title = f"{kind} {thing}" if kind and thing not in kind.lower().split() else (kind or thing)
    return title[:1].upper() + title[1:], said
