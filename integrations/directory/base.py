"""People and how to find them by the ways colleagues refer to each other."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Protocol

from pydantic import BaseModel

_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
_EMAIL_LINK = re.compile(r"^<mailto:([^|>]+)(?:\|[^>]*)?>$")


class Person(BaseModel):
    """Someone in the workspace."""

    id: str
    name: str
    handle: str = ""
    email: str = ""
    tz: str = "UTC"
    title: str = ""
    is_bot: bool = False

    @property
    def first_name(self) -> str:
        """The first word of the person's name."""
        return self.name.split()[0] if self.name.split() else self.name


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used to compare names ("Jin-soo" ~ "jinsoo")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9@.]", "", stripped.casefold())


class Directory(Protocol):
    """Lookup of people by id, mention, email or name."""

    def get(self, person_id: str) -> Person | None:
        """The person with this id."""
        ...

    def everyone(self) -> list[Person]:
        """Everyone in the directory, bots excluded."""
        ...

    def lookup(self, reference: str) -> list[Person]:
        """People a reference could mean: a mention, an email, a full, first or user name. Best first."""
        ...


class StaticDirectory:
    """A directory held in memory, built from the demo company file or from Slack's users.list."""

    def __init__(self, people: Iterable[Person]) -> None:
        self._people = [p for p in people]
        self._by_id = {p.id: p for p in self._people}

    def get(self, person_id: str) -> Person | None:
        """The person with this id."""
        return self._by_id.get(person_id)

    def everyone(self) -> list[Person]:
        """Everyone but bots, in name order."""
        return sorted((p for p in self._people if not p.is_bot), key=lambda p: p.name)

    def lookup(self, reference: str) -> list[Person]:
        """Exact id, mention or email first; then full name, user name, first name, last name, prefix."""
        ref = reference.strip().lstrip("@")
        if not ref:
            return []
        mention = _MENTION.match(reference.strip())
        if mention:
            person = self._by_id.get(mention.group(1))
            return [person] if person else []
        email_link = _EMAIL_LINK.match(reference.strip())
        if email_link:
            ref = email_link.group(1)
        if ref in self._by_id:
            return [self._by_id[ref]]
        key = fold(ref)
        if not key:
            return []
        candidates = [p for p in self._people if not p.is_bot]
        # A handle and a first name are equally strong ways to say "Sam": two people answering to it are
        # ambiguous, whichever of the two forms each matches.
        tiers = [
            lambda p: fold(p.email) == key or fold(p.email.split("@")[0]) == key,
            lambda p: fold(p.name) == key,
            lambda p: fold(p.handle) == key or fold(p.first_name) == key,
            lambda p: bool(p.name.split()) and fold(p.name.split()[-1]) == key,
            lambda p: len(key) >= 3 and fold(p.name).startswith(key),
        ]
        for matches in tiers:
            found = [p for p in candidates if matches(p)]
            if found:
                return sorted(found, key=lambda p: p.name)
        return []
