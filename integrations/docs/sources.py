"""Where documents come from: a local folder, a JSONL file of records. (Google Drive is in ``drive.py``.)

A source works in two steps so that re-ingesting is cheap: ``entries()`` lists what exists with a fingerprint
(a content hash for files and records), and ``load()`` reads and parses only the entries whose fingerprint
changed. An entry that cannot be read becomes a ``SkipFile`` with the reason.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from integrations.docs.base import Access, SkipFile, SourceDocument
from integrations.docs.formats import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, check_size, parse_bytes

PARSER_VERSION = "1"
"""Part of every fingerprint: a parser or chunker change re-indexes everything once."""


@dataclass
class SourceEntry:
    """Something a source holds, before it is read."""

    id: str
    fingerprint: str
    """Changes when the content, title or permissions change."""
    label: str = ""
    """How the ingest report names it (a path, a Drive file name)."""
    handle: Any = None
    """Whatever ``load`` needs (a path, a record, a Drive file resource)."""
    data: bytes | None = field(default=None, repr=False)


class DocumentSource(Protocol):
    """A place documents come from."""

    kind: str
    """``local``, ``jsonl`` or ``drive``: stored on each document; the ``source`` search filter."""
    origin: str
    """Which folder, file or Drive query: deletions only ever touch documents of the same origin."""

    def entries(self) -> Iterator[SourceEntry | tuple[str, SkipFile]]:
        """Everything the source holds now (or ``(label, reason)`` for what cannot even be listed)."""
        ...

    def load(self, entry: SourceEntry) -> SourceDocument:
        """Read and parse one entry; raises ``SkipFile``."""
        ...


def _hash(*parts: bytes | str) -> str:
    digest = hashlib.sha256(PARSER_VERSION.encode())
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:32]


def _access_from(meta: dict[str, Any], default: Access) -> Access:
    readers = meta.get("readers")
    if isinstance(readers, str):
        readers = [r for r in readers.replace(";", ",").split(",") if r.strip()]
    visibility = str(meta.get("access") or "").lower()
    if readers or visibility in ("private", "restricted"):
        return Access.private(list(readers or []))
    if visibility == "public":
        return Access()
    return default


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _humanise(stem: str) -> str:
    words = stem.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else stem


class FolderSource:
    """Markdown, text, HTML and PDF files under a folder (hidden files and folders are ignored).

    Access comes from front matter (``access: private`` and ``readers: [...]``) or an HTML
    ``<meta name="deskhand-readers">``; everything else is public to the workspace. ``link_base`` turns a
    relative path into the link people open (an intranet URL); without it links are ``file://`` URIs.
    """

    kind = "local"

    def __init__(
        self,
        root: Path,
        *,
        link_base: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        access: Access | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.origin = str(self.root)
        self.link_base = link_base.rstrip("/") if link_base else None
        self.max_bytes = max_bytes
        self.default_access = access or Access()

    def _files(self) -> Iterator[Path]:
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
            for name in sorted(filenames):
                if not name.startswith((".", "~$")):
                    yield Path(dirpath) / name

    def entries(self) -> Iterator[SourceEntry | tuple[str, SkipFile]]:
        """Every file with its content hash; unsupported types, empty and huge files are reported here."""
        if not self.root.is_dir():
            yield (str(self.root), SkipFile("not a folder"))
            return
        for path in self._files():
            rel = path.relative_to(self.root).as_posix()
            suffix = path.suffix.lower()
            try:
                if suffix not in SUPPORTED_SUFFIXES:
                    raise SkipFile(f"unsupported file type {suffix or '(no extension)'}")
                check_size(path.stat().st_size, self.max_bytes)
                data = path.read_bytes()
            except SkipFile as exc:
                yield (rel, exc)
                continue
            except OSError as exc:
                yield (rel, SkipFile(f"cannot read ({exc.strerror or exc})"))
                continue
            yield SourceEntry(id=rel, fingerprint=_hash(data), label=rel, handle=path, data=data)

    def load(self, entry: SourceEntry) -> SourceDocument:
        """Parse one file."""
        path: Path = entry.handle
        data = entry.data if entry.data is not None else path.read_bytes()
        parsed = parse_bytes(data, path.suffix.lower())
        meta = parsed.meta
        rel = entry.id
        if meta.get("link"):
            link = str(meta["link"])
        elif self.link_base:
            link = f"{self.link_base}/{rel}"
        else:
            link = path.as_uri()
        updated = _parse_time(meta.get("updated")) or datetime.fromtimestamp(path.stat().st_mtime, UTC)
        return SourceDocument(
            id=str(meta.get("id") or rel),
            title=parsed.title or _humanise(path.stem),
            text=parsed.text,
            source=self.kind,
            path=rel,
            link=link,
            updated_at=updated,
            access=_access_from(meta, self.default_access),
            content_hash=entry.fingerprint,
        )


class JsonlSource:
    """One JSON object per line: ``{"id", "title", "content"}`` plus optional ``link``, ``path``,
    ``updated_at``, ``readers`` (a list makes the record private to them) and ``public``."""

    kind = "jsonl"

    def __init__(self, path: Path, *, link_base: str | None = None) -> None:
        self.path = Path(path).resolve()
        self.origin = str(self.path)
        self.link_base = link_base.rstrip("/") if link_base else None

    def entries(self) -> Iterator[SourceEntry | tuple[str, SkipFile]]:
        """Every valid record; malformed lines are reported with their line number."""
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            yield (str(self.path), SkipFile(f"cannot read ({exc.strerror or exc})"))
            return
        with handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                label = f"{self.path.name}:{number}"
                try:
                    record = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    yield (label, SkipFile(f"not a JSON object ({type(exc).__name__})"))
                    continue
                if not isinstance(record, dict) or not record.get("id") or not str(record.get("content") or "").strip():
                    yield (label, SkipFile("a record needs an id and non-empty content"))
                    continue
                yield SourceEntry(
                    id=str(record["id"]),
                    fingerprint=_hash(json.dumps(record, sort_keys=True)),
                    label=str(record["id"]),
                    handle=record,
                )

    def load(self, entry: SourceEntry) -> SourceDocument:
        """The record as a document."""
        record: dict[str, Any] = entry.handle
        readers = record.get("readers")
        access = Access.private(readers) if isinstance(readers, list) and readers else Access()
        if record.get("public") is False and not readers:
            access = Access(public=False)
        link = str(record.get("link") or (f"{self.link_base}/{entry.id}" if self.link_base else ""))
        return SourceDocument(
            id=entry.id,
            title=str(record.get("title") or entry.id),
            text=str(record["content"]),
            source=self.kind,
            path=str(record.get("path") or ""),
            link=link,
            updated_at=_parse_time(record.get("updated_at")),
            access=access,
            content_hash=entry.fingerprint,
        )


class InlineSource:
    """Documents already in memory (evals' fixtures, tests)."""

    kind = "inline"

    def __init__(self, docs: list[SourceDocument], *, origin: str = "inline") -> None:
        self.docs = docs
        self.origin = origin

    def entries(self) -> Iterator[SourceEntry | tuple[str, SkipFile]]:
        """Each document with a hash of its content."""
        for doc in self.docs:
            fingerprint = doc.content_hash or _hash(doc.title, doc.text, doc.access.model_dump_json(), doc.link)
            yield SourceEntry(id=doc.id, fingerprint=fingerprint, label=doc.id, handle=doc)

    def load(self, entry: SourceEntry) -> SourceDocument:
        """The document, stamped with its fingerprint."""
        doc: SourceDocument = entry.handle
        return doc.model_copy(update={"content_hash": entry.fingerprint, "source": doc.source or self.kind})
