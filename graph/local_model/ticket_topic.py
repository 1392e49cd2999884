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
# What a workplace replaces or repairs: equipment, access and accounts. "my kid broke his arm" or "my dog died" state
# a problem too, but no ticket is about the kid or the dog.
_EQUIPMENT = frozenset(
    "laptop notebook macbook computer pc desktop monitor screen display keyboard mouse trackpad phone mobile headset "
    "headphones earphones earbuds microphone mic webcam camera charger cable adapter dongle dock docking hub tablet "
    "ipad badge card fob key keycard pass desk chair lamp printer scanner projector tv speaker router modem wifi vpn "
    "account login password email mailbox license licence token yubikey battery drive disk ssd stand".split()
)


# What went wrong with the thing: only a message stating a problem gives a replacement or repair its subject
# ("can you check my calendar" or "what's the status of my monitor request?" state none).
_PROBLEM = re.compile(
    r"\b(?:(?:got|was|been|is|are|has been)\s+)?(?:stolen|nicked|broken|broke|busted|lost|cracked|smashed|shattered|"
    r"damaged|faulty|dead|died|dying|fried|bricked|spilled|spilt|fell|dropped|missing|crackles?|crackling|"
    r"flicker(?:s|ing)?|(?:stopped|stops|quit|not|isn'?t|aren'?t|wasn'?t)\s+working|"
    r"(?:doesn'?t|won'?t|can'?t|cannot|does not|will not)\s+(?:work|turn on|boot|charge|start|power on|connect|open)|"
    r"keeps?\s+(?:crashing|dying|dropping|freezing|disconnecting|overheating)|overheat(?:s|ing)?|"
    r"(?:is|are)\s+(?:gone|toast|kaput))\b",
    re.I,
)
# The kinds of ticket a broken or lost thing gives its subject to.
_FITTING_KINDS = {"replacement", "replace", "repair", "repairs", "fix", "new"}


def _is_equipment(thing: str) -> bool:
    return thing in _EQUIPMENT or thing.removesuffix("s") in _EQUIPMENT


def earlier_subject(earlier_texts: list[str]) -> tuple[str, str] | None:
    """(thing, the message that says it) from the person's most recent earlier message stating a problem with
    something they own ("my laptop got stolen" → laptop)."""
    for text in reversed(earlier_texts):
        if not _PROBLEM.search(text):
            continue
        for m in _OWNED_THING.finditer(text):
            thing = m.group("thing").lower()
            if _is_equipment(thing) and thing not in _NOT_THINGS and thing not in _REQUEST_WORDS:
                return thing, text.strip()
    return None


def title_from_context(kind: str, earlier_texts: list[str]) -> tuple[str, str] | None:
    """(title, description) for a ticket named only by its kind, from what the conversation was about: only a
    replacement, repair or new thing, and only when the person said what went wrong with it."""
    if kind.lower() not in _FITTING_KINDS:
        return None  # "raise the access ticket" after a stolen laptop: the laptop is not what access is about
    found = earlier_subject(earlier_texts)
    if not found:
        return None
    thing, said = found
    title = f"{kind} {thing}" if kind and thing not in kind.lower().split() else (kind or thing)
    return title[:1].upper() + title[1:], said


# "how do I order a new monitor?": what the person asked how to get is what a "file it then" ticket is for.
_HOW_TO_GET = re.compile(
    r"\bhow\s+(?:do|can|should|would)\s+(?:i|we)\s+(?:go about\s+)?(?:order(?:ing)?|request(?:ing)?|get(?:ting)?|"
    r"buy(?:ing)?|requisition|replace)\s+(?:a\s+|an\s+|the\s+|some\s+|another\s+)?"
    r"(?P<thing>(?:new|replacement|second|spare|bigger|extra|standing|ergonomic)?\s*[a-z][\w-]*(?:\s+[a-z][\w-]*)?)"
    r"\s*(?:\?|$|[.!,]|\s+(?:for|from|through|via|at|in|on)\b)",
    re.I,
)


def title_from_conversation(earlier_texts: list[str]) -> tuple[str, str] | None:
    """(title, description) for "ok just file it now then" with nothing after it: the person's last message,
    when it asked how to get something ("how do I order a new monitor?" → "New monitor") or stated a problem
    with something they own ("my badge stopped working" → "Badge stopped working"); else None (deskhand asks)."""
    if not earlier_texts:
        return None
    said = earlier_texts[-1].strip()
    m = _HOW_TO_GET.search(said)
    if m:
        thing = " ".join(m.group("thing").split())
        return thing[:1].upper() + thing[1:], said
    owned = [m.group("thing").lower() for m in _OWNED_THING.finditer(said)]
    if _PROBLEM.search(said) and any(_is_equipment(thing) for thing in owned):
        clause = re.split(r"(?<=[.!?])\s+|[,;]\s+|\s+-\s+", said, maxsplit=1)[0]
        clause = re.sub(r"^\W*(?:(?:hey|hi|so|ugh|ok|well|welp|argh)\W+)*(?:my|our)\s+", "", clause, flags=re.I)
        clause = clause.strip(" .!?")
        if 2 <= len(clause.split()) <= 10:
            return clause[:1].upper() + clause[1:], said
    return None


def statement_part(text: str) -> str:
    """The sentences of a message that are no request about a ticket: "my laptop got stolen on the tram. raise the
    replacement ticket for me" → "my laptop got stolen on the tram"."""
    sentences = re.split(
        r"(?<=[.!?])\s+|[,;]\s+(?=(?:so\s+|and\s+)?(?:can|could|pls|please|raise|file|open|log))", text
    )
    kept = [s for s in sentences if not _WORD_NOUN.search(s)]
    return " ".join(kept)


_WORD_NOUN = re.compile(r"\b(?:ticket|tickets|issue|request|task|bug)\b", re.I)
