"""Cleaning what people type before the parsers read it."""

from __future__ import annotations

import re
import unicodedata

MAX_PARSE_CHARS = 4000

_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")


def strip_bot_mention(text: str, bot_user_id: str | None) -> str:
    """Remove mentions of the bot itself so "@deskhand open a ticket" reads as "open a ticket"."""
    if not bot_user_id:
        return text
    return re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>[,:]?\s*", "", text)


def unslack(text: str) -> str:
    """Slack markup to plain words (links keep their label, channel refs their name); mentions are kept."""
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def normalise(text: str) -> str:
    """NFKC, smart quotes to plain, whitespace collapsed (newlines kept), truncated for parsing."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)[:MAX_PARSE_CHARS].strip()


def mentioned_user_ids(text: str) -> list[str]:
    """User ids mentioned as <@U…>, in order, without repeats."""
    seen: list[str] = []
    for uid in _MENTION.findall(text):
        if uid not in seen:
            seen.append(uid)
    return seen


_ENGLISH = frozenset(
    "the a an to for of in on is my me i it and can you what please with this that be do are at how when we our "
    "your from by open show all any who where why should ticket meeting not no".split()
)
# Function words of languages people at work often write in; positive evidence beats "few English words".
_OTHER = (
    frozenset(
        "der die das und ist nicht ein eine bitte für mit auf ich du sie wir kannst können "  # German
        "le la les et est pas une pour avec sur je vous nous il elle des du "  # French
        "el los las y es por para una que con su usted puedes "  # Spanish
        "o os um uma não você com em do da "  # Portuguese
        "il lo gli e di che per non sono puoi "  # Italian
        "de het een en niet voor met op ik jij kun".split()  # Dutch
    )
    - _ENGLISH
)


def looks_english(text: str) -> bool:
    """Whether the local parsers can read this: Latin script and more English than other function words.

    Only the start is inspected: a long paste (logs, stack traces) after an English request is still English.
    """
    sample = text[:600]
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return True
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    if latin / len(letters) < 0.6:
        return False
    # Ticket keys and other all-caps tokens ("DES-3", "OPS", "VPN") are names, not words of any language.
    plain = re.sub(r"\b[A-Z][A-Z0-9]+(?:-\d+)?\b", " ", sample)
    words = re.findall(r"[a-zA-ZÀ-ÿ']+", plain.lower())
    english = sum(1 for w in words if w in _ENGLISH)
    other = sum(1 for w in words if w in _OTHER)
    return other <= max(1, english)
