"""Split a document into chunks by its structure: headings, paragraphs, lists, tables, code.

A chunk never straddles two top-level sections unless both are small, keeps tables and code blocks whole (up to
a hard cap), prefers to break between paragraphs and list items over breaking inside them, and repeats a little
of the previous chunk when a long section has to be cut (overlap), so that a sentence needing its neighbour is
still found. Each chunk records the heading path it sits under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from integrations.docs.base import Chunk, SourceDocument

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+•]|\d{1,3}[.)])\s+")
_TABLE_ROW = re.compile(r"^\s*\|")
_FENCE = re.compile(r"^\s*(```|~~~)")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"'(\[A-Z0-9*_])")


@dataclass(frozen=True)
class ChunkingOptions:
    """Size limits in characters."""

    max_chars: int = 1200
    """A chunk's target maximum; tables and code may go up to ``hard_max_chars`` to stay whole."""
    overlap_chars: int = 150
    """How much of the previous chunk a continuation repeats."""
    min_chars: int = 300
    """Sections shorter than this are merged with a neighbour when both fit in one chunk."""
    hard_max_chars: int = 4000


@dataclass
class _Block:
    kind: str  # para | list | table | code | heading
    text: str
    items: list[str] = field(default_factory=list)


@dataclass
class _Section:
    path: list[str]
    blocks: list[_Block] = field(default_factory=list)
    heading_line: str = ""


def parse_blocks(text: str) -> list[tuple[int, str] | _Block]:
    """Headings as ``(level, title)`` and content blocks, in document order."""
    out: list[tuple[int, str] | _Block] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    para: list[str] = []
    items: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if para:
            out.append(_Block("para", " ".join(s.strip() for s in para)))
            para.clear()
        if items:
            out.append(_Block("list", "\n".join(items), items=list(items)))
            items.clear()
        if table:
            out.append(_Block("table", "\n".join(table)))
            table.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            flush()
            fence = _FENCE.match(line).group(1)  # type: ignore[union-attr]
            code = [line]
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(fence):
                code.append(lines[i])
                i += 1
            if i < len(lines):
                code.append(lines[i])
            out.append(_Block("code", "\n".join(code)))
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            out.append((len(heading.group(1)), heading.group(2).strip()))
            i += 1
            continue
        if para and len(para) == 1 and _SETEXT.match(line) and not items and not table and len(para[0].strip()) < 120:
            title = para.pop().strip()
            flush()
            out.append((1 if line.strip().startswith("=") else 2, title))
            i += 1
            continue
        if not line.strip():
            flush()
            i += 1
            continue
        if _TABLE_ROW.match(line):
            if para or items:
                flush()
            table.append(line.rstrip())
            i += 1
            continue
        if table:
            flush()
        item = _LIST_ITEM.match(line)
        if item:
            if para:
                flush()
            items.append(line.rstrip())
            i += 1
            continue
        if items and (line.startswith((" ", "\t"))):
            items[-1] += " " + line.strip()
            i += 1
            continue
        if items:
            flush()
        para.append(line)
        i += 1
    flush()
    return out


def _sections(text: str, title: str) -> list[_Section]:
    sections: list[_Section] = [_Section(path=[])]
    stack: list[tuple[int, str]] = []
    items = parse_blocks(text)
    headings = [i for i in items if isinstance(i, tuple)]
    # A document's only top-level heading, at its start, is its title: it adds nothing to a path.
    top = min((level for level, _ in headings), default=0)
    title_heading = headings[0] if headings and sum(1 for h in headings if h[0] == top) == 1 else None
    for item in items:
        if isinstance(item, tuple):
            level, name = item
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, name))
            path = [n for (lv, n) in stack if not (title_heading and (lv, n) == title_heading)]
            if path and path[0].strip().lower() == title.strip().lower():
                path = path[1:]
            sections.append(_Section(path=path, heading_line="#" * level + " " + name))
        else:
            sections[-1].blocks.append(item)
    return [s for s in sections if s.blocks]


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def _split_long(text: str, limit: int) -> list[str]:
    """Cut one over-long unit at sentence ends, else at spaces, into pieces of at most ``limit``."""
    pieces: list[str] = []
    current = ""
    for sentence in _sentences(text):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def _units(block: _Block, opts: ChunkingOptions) -> list[str]:
    """The pieces a block may be cut between."""
    if block.kind in ("table", "code"):
        if len(block.text) <= opts.hard_max_chars:
            return [block.text]
        rows = block.text.split("\n")
        # A huge table is cut between rows, each piece repeating the header so it still reads as a table.
        header = rows[:2] if block.kind == "table" and len(rows) > 2 and set(rows[1].strip()) <= set("|-: ") else []
        body = rows[len(header) :]
        pieces: list[str] = []
        current: list[str] = list(header)
        for row in body:
            if current and len("\n".join([*current, row])) > opts.max_chars and len(current) > len(header):
                pieces.append("\n".join(current))
                current = [*header]
            current.append(row[: opts.hard_max_chars])
        if len(current) > len(header):
            pieces.append("\n".join(current))
        return pieces
    if block.kind == "list":
        out: list[str] = []
        for item in block.items:
            out += _split_long(item, opts.max_chars) if len(item) > opts.max_chars else [item]
        return out
    return _split_long(block.text, opts.max_chars) if len(block.text) > opts.max_chars else [block.text]


def _tail(text: str, limit: int) -> str:
    """The last sentences of ``text`` that fit in ``limit`` characters (overlap for the next chunk)."""
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for sentence in reversed(_sentences(text.replace("\n", " \n"))):
        if sum(len(s) + 1 for s in kept) + len(sentence) > limit:
            break
        kept.insert(0, sentence)
    return " ".join(kept).strip()


def _pack_section(section: _Section, opts: ChunkingOptions) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for block in section.blocks:
        for unit in _units(block, opts):
            # List items and table rows join with newlines; paragraphs with blank lines.
            sep = 2 if current else 0
            if current and size + sep + len(unit) > opts.max_chars:
                pieces.append("\n\n".join(current))
                overlap = _tail(current[-1], opts.overlap_chars) if opts.overlap_chars else ""
                current = [overlap] if overlap and len(overlap) + len(unit) + 2 <= opts.hard_max_chars else []
                size = len(overlap) if current else 0
                sep = 2 if current else 0
            current.append(unit)
            size += sep + len(unit)
    if current:
        pieces.append("\n\n".join(current))
    return [_tidy(p) for p in pieces if p.strip()]


def _tidy(text: str) -> str:
    # List items of one list sit on consecutive lines, not separated by blank lines.
    return re.sub(r"\n\n(?=\s*(?:[-*+•]|\d{1,3}[.)])\s)", "\n", text).strip()


def chunk_text(text: str, *, title: str = "", options: ChunkingOptions | None = None) -> list[tuple[list[str], str]]:
    """``(heading path, text)`` pieces of a document, in order."""
    opts = options or ChunkingOptions()
    raw: list[tuple[list[str], str, bool]] = []  # path, text, starts a section
    for section in _sections(text, title):
        for n, piece in enumerate(_pack_section(section, opts)):
            raw.append((section.path, piece, n == 0))
    merged: list[tuple[list[str], str]] = []
    for path, piece, starts in raw:
        if merged and starts:
            prev_path, prev_text = merged[-1]
            small = len(prev_text) < opts.min_chars or len(piece) < opts.min_chars
            label_len = len(path[-1]) + 8 if path else 0
            same_top = prev_path[:1] == path[:1]
            if small and same_top and len(prev_text) + len(piece) + label_len <= opts.max_chars:
                # Small sections under one top-level heading read better together; the later heading stays as
                # a line. Separate top-level sections stay apart: a chunk about one thing matches more precisely.
                label = f"{'#' * min(6, len(path) + 1)} {path[-1]}\n" if path and path != prev_path else ""
                merged[-1] = (prev_path, f"{prev_text}\n\n{label}{piece}")
                continue
        merged.append((path, piece))
    return merged


def chunk_document(doc: SourceDocument, options: ChunkingOptions | None = None) -> list[Chunk]:
    """The document's chunks, each carrying its id, title, heading path, link, updated time and access list."""
    pieces = chunk_text(doc.text, title=doc.title, options=options)
    return [
        Chunk(
            doc_id=doc.id,
            ordinal=n,
            title=doc.title,
            heading=path,
            text=text,
            link=doc.link,
            updated_at=doc.updated_at,
            access=doc.access,
        )
        for n, (path, text) in enumerate(pieces)
    ]
