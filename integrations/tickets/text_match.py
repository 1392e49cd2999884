"""Free-text matching for the local tracker: every significant word counts, most matches first.

People search with a few words ("SSO setup for the expense tool") that rarely all appear verbatim; requiring
every word misses the ticket, matching any word returns noise. A ticket qualifies when most significant words
match (all of a one- or two-word query; by stem, and across "set up"/"setup" spacing), ranked by how many do.
"""

from __future__ import annotations

import math
import re

_STOP = frozenset(
    "a an the and or of for to in on at by with about from is are was be it this that these those my our your "
    "their any all some ticket tickets issue issues bug bugs task tasks there we do does have has".split()
)


def significant_words(text: str) -> list[str]:
    """Lower-case words worth matching (no stop words, at least three characters)."""
    return [w for w in re.findall(r"[\w-]+", text.lower()) if len(w) >= 3 and w not in _STOP]


_SUFFIX = re.compile(r"(?<=\w{4})(?:ing|ed|es|s)$")


def _stem(word: str) -> str:
    # Inflections first ("overlapping" → "overlap", "limiting" → "limit"), then a short tail so that
    # "flake"/"flaky" and "postgres"/"PostgreSQL" still meet.
    word = _SUFFIX.sub("", word)
    word = re.sub(r"([b-df-hj-np-tv-z])\1$", r"\1", word) if len(word) > 4 else word
    return word[: max(4, len(word) - 2)] if len(word) > 4 else word


def match_score(words: list[str], title: str, description: str) -> float:
    """0 when too few words match; otherwise title hits count double."""
    if not words:
        return 1.0
    title_l, description_l = title.lower(), description.lower()
    title_hay = title_l + " " + title_l.replace(" ", "")
    body_hay = description_l + " " + description_l.replace(" ", "")
    hits = 0
    score = 0.0
    for word in words:
        stem = _stem(word)
        if stem in title_hay:
            hits += 1
            score += 2
        elif stem in body_hay:
            hits += 1
            score += 1
    return score if hits >= required_hits(len(words)) else 0.0


def required_hits(count: int) -> int:
    """Short queries need every word; longer ones most of them (3 of 4, 3 of 5, 4 of 6)."""
    return count if count <= 2 else math.ceil(count * 0.6)


def like_patterns(words: list[str]) -> list[str]:
    """SQL LIKE patterns that pre-select candidates (any stem anywhere)."""
    return [f"%{_stem(w)}%" for w in words]
