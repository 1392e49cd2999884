"""Query expansion with everyday workplace vocabulary: people ask about "vacation", handbooks say "annual leave".

Neither BM25 nor the small offline embedding model bridges such pairs reliably, so a short thesaurus (the same
idea as a search engine's synonym filter) adds the usual handbook term for a colloquial one. Expansion goes one
way only, from the everyday word to the formal term, so a question already in handbook language is untouched.
Entries hold general workplace vocabulary, never a particular company's or dataset's wording.
"""

from __future__ import annotations

import re

# formal term: everyday ways of saying it
FORMAL_TERMS: dict[str, tuple[str, ...]] = {
    "annual leave": ("vacation", "vacations", "pto", "paid time off", "holiday allowance", "days off"),
    "sick leave": ("sick day", "sick days", "off sick", "calling in sick", "flu", "unwell", "fever", "covid"),
    "parental leave": ("maternity leave", "paternity leave", "baby leave", "baby", "newborn", "adopting", "adoption"),
    "carry over": ("roll over", "rollover", "carry forward"),
    "client": ("customer", "customers"),
    "supplier": ("vendor", "vendors"),
    "ai tool": ("chatgpt", "copilot", "llm", "chatbot"),
    "postmortem": ("write-up", "writeup", "post-mortem", "retro", "retrospective", "incident review"),
    "on-call": ("pager rotation", "pager duty", "pager rota", "on call rotation"),
    "learning budget": ("training budget", "conference ticket", "conference pass", "certification course"),
    "remote work": ("wfh", "work from home", "working from home"),
    "laptop": ("notebook", "macbook"),
    "wi-fi": ("wifi", "wireless"),
    "expenses": ("reimbursement", "reimbursed", "expense claim", "claim back"),
    "two-factor authentication": ("2fa", "mfa", "multi-factor", "authenticator app"),
    "offboarding": ("last day", "leaving the company", "resignation"),
    "per diem": ("daily allowance", "meal allowance"),
    "fines": ("parking ticket", "speeding ticket", "parking fine", "speeding fine", "penalty notice"),
    "rental cars": ("hire a car", "hire car", "car hire", "rent a car", "renting a car", "car rental", "rental car"),
    "per km": ("mileage", "mileage rate", "mileage allowance", "car allowance"),
    "pro rata": ("four days a week", "4 days a week", "three days a week", "3 days a week", "reduced hours"),
}

_WORD = re.compile(r"[^\W_]+")

_PATTERNS = [
    (formal, re.compile(r"\b(?:" + "|".join(re.escape(t) for t in sorted(words, key=len, reverse=True)) + r")\b", re.I))
    for formal, words in FORMAL_TERMS.items()
]


def formal_alternatives(query: str) -> dict[str, str]:
    """Each word of an everyday phrase in ``query`` → the formal term it stands for ("vacation" → "annual leave")."""
    out: dict[str, str] = {}
    for formal, pattern in _PATTERNS:
        for match in pattern.finditer(query):
            # Split as the answerer splits a question into words ("write-up" is "write" and "up"), so that a
            # hyphenated phrase's words find their formal term too.
            for word in _WORD.findall(match.group(0).lower()):
                out.setdefault(word, formal)
    return out


def expand_query(query: str) -> str:
    """``query`` followed by the handbook term for each everyday workplace word it uses (unchanged if none)."""
    lowered = query.lower()
    extra = [formal for formal, pattern in _PATTERNS if pattern.search(query) and formal not in lowered]
    return f"{query} ({', '.join(extra)})" if extra else query
