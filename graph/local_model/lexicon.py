"""What the local model knows about the workspace this turn: people and projects, for spotting names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from integrations.directory.base import fold


@dataclass(frozen=True)
class KnownPerson:
    """A person's id and the surface forms colleagues use for them."""

    id: str
    name: str
    handle: str = ""
    email: str = ""

    def forms(self) -> list[str]:
        """Full name, first name, last name, handle, email local part: longest first."""
        parts = self.name.split()
        out = {self.name, *(parts[:1]), *(parts[-1:] if len(parts) > 1 else [])}
        if self.handle:
            out.add(self.handle)
        if self.email:
            out.add(self.email)
            out.add(self.email.split("@")[0])
        return sorted((f for f in out if f), key=len, reverse=True)


@dataclass(frozen=True)
class Lexicon:
    """People and projects, with a regex that finds any person's name in text."""

    people: tuple[KnownPerson, ...] = ()
    projects: tuple[tuple[str, str], ...] = ()
    rooms: tuple[str, ...] = ()
    """Meeting rooms the workspace's calendars use ("Kite", "research room"), as they are named briefly."""
    _pattern: re.Pattern[str] | None = field(default=None, compare=False)

    @classmethod
    def build(
        cls, people: list[dict[str, str]], projects: list[dict[str, str]], rooms: list[str] | None = None
    ) -> Lexicon:
        """From the context dicts the graph passes to the model."""
        known = tuple(
            KnownPerson(id=p["id"], name=p.get("name", ""), handle=p.get("handle", ""), email=p.get("email", ""))
            for p in people
            if p.get("id")
        )
        forms = sorted({f for p in known for f in p.forms()}, key=len, reverse=True)
        # Names match whole words, case-insensitively, allowing "Jin-soo"/"jinsoo" style variants via fold.
        pattern = (
            re.compile(r"(?<![\w@.])(" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])", re.I) if forms else None
        )
        proj = tuple((p["key"], p.get("name", p["key"])) for p in projects if p.get("key"))
        return cls(people=known, projects=proj, rooms=tuple(r for r in rooms or [] if r), _pattern=pattern)

    def find_people(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, surface) for each person name in ``text``, left to right."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end(), m.group(1)) for m in self._pattern.finditer(text)]

    def person_ids(self, surface: str) -> list[str]:
        """Ids of everyone a surface form could mean."""
        key = fold(surface)
        return [p.id for p in self.people if any(fold(f) == key for f in p.forms())]

    def is_person(self, surface: str) -> bool:
        """True when the words name someone in the workspace."""
        return bool(self.person_ids(surface))

    def find_project(self, text: str) -> str | None:
        """A project key named in ``text`` by key or by name ("the Design project", "in ENG")."""
        for key, _name in self.projects:
            if re.search(rf"\b{re.escape(key)}\b(?!-\d)", text):
                return key
        lowered = text.lower()
        for key, name in sorted(self.projects, key=lambda kp: -len(kp[1])):
            if re.search(rf"\b(?:in|to|on|for|under|into)\s+(?:the\s+)?{re.escape(name.lower())}\b", lowered):
                return key
            # "people-team tickets", "the design team's bugs": a team's name before the noun names its project.
            if re.search(
                rf"\b{re.escape(name.lower())}(?:[\s-]+(?:team|project|dept|department)(?:'s)?)?\s+"
                r"(?:tickets?|issues?|bugs?|tasks?|backlog|board|queue)\b",
                lowered,
            ):
                return key
            short = name.split()[0].lower() if name else ""
            if short and re.search(
                rf"\b(?:in|to|on|for|under|into)\s+(?:the\s+)?{re.escape(short)}"
                rf"[\s-]+(?:project|board|queue|team|backlog)\b",
                lowered,
            ):
                return key
        return None
