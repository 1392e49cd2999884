"""Reading one file into Markdown-ish text: Markdown and plain text, HTML, PDF. Bad input raises ``SkipFile``.

Every check that can refuse a file happens here, with a reason a person understands: too large, empty, binary,
not UTF-8, a PDF that does not parse or has no text layer. Ingest reports the reason and carries on.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from integrations.docs.base import SkipFile

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".rst"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


@dataclass
class Parsed:
    """A file's text and what it says about itself."""

    text: str
    title: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def _size_label(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_size(size: int, limit: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse empty and over-large files before reading them."""
    if size == 0:
        raise SkipFile("empty file")
    if size > limit:
        raise SkipFile(f"too large ({_size_label(size)}; the limit is {_size_label(limit)})")


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is fine); binary content and other encodings are refused rather than guessed."""
    if b"\x00" in data[:8192]:
        raise SkipFile("binary content, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile(f"not UTF-8 text (invalid byte at position {exc.start}); re-save it as UTF-8") from exc
    control = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\n\r\t\f")
    if control > 0.05 * min(len(text), 8192):
        raise SkipFile("binary content, not text")
    if not text.strip():
        raise SkipFile("empty file (only whitespace)")
    return text


def _parse_scalar(value: str) -> Any:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        return [v.strip().strip("'\"") for v in value[1:-1].split(",") if v.strip()]
    if value.lower() in ("true", "yes"):
        return True
    if value.lower() in ("false", "no"):
        return False
    return value.strip("'\"")


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """A leading ``---`` block of ``key: value`` lines (lists as ``[a, b]`` or ``- item`` lines), and the rest."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, Any] = {}
    last_key = ""
    for line in match.group(1).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = re.match(r"^\s*-\s+(.*)$", line)
        if item and last_key:
            current = meta.get(last_key)
            meta[last_key] = [*(current if isinstance(current, list) else []), item.group(1).strip().strip("'\"")]
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        last_key = key.strip().lower()
        meta[last_key] = _parse_scalar(value) if value.strip() else []
    return meta, text[match.end() :]


def parse_markdown(data: bytes) -> Parsed:
    """Markdown or plain text, with optional front matter (title, readers, access, link, updated)."""
    meta, body = front_matter(decode_text(data))
    title = str(meta.get("title") or "")
    if not title:
        heading = re.search(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", body, re.M)
        title = heading.group(1).strip() if heading else ""
    if not body.strip():
        raise SkipFile("no text after the front matter")
    return Parsed(text=body, title=title, meta=meta)


def parse_html(data: bytes) -> Parsed:
    """HTML to Markdown-ish text: headings become ``#`` lines, lists ``-`` items, tables ``|`` rows."""
    from bs4 import BeautifulSoup, Tag

    html = decode_text(data)
    soup = BeautifulSoup(html, "html.parser")
    meta: dict[str, Any] = {}
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or "").lower()
        if name.startswith("deskhand-"):
            value = str(tag.get("content") or "")
            key = name.removeprefix("deskhand-")
            meta[key] = [v.strip() for v in value.split(",") if v.strip()] if key == "readers" else value
    for junk in soup(["script", "style", "nav", "footer", "noscript", "template", "svg", "head"]):
        junk.decompose()
    title_tag = BeautifulSoup(html, "html.parser").title
    title = title_tag.get_text(" ", strip=True) if title_tag else ""
    lines: list[str] = []

    def text_of(node: Tag) -> str:
        return re.sub(r"\s+", " ", node.get_text(" ", strip=True)).strip()

    def walk(node: Any) -> None:
        if not isinstance(node, Tag):
            text = re.sub(r"\s+", " ", str(node)).strip()
            if text:
                lines.append(text)
            return
        name = node.name or ""
        if re.fullmatch(r"h[1-6]", name):
            lines.extend(["", "#" * int(name[1]) + " " + text_of(node), ""])
        elif name in ("ul", "ol"):
            lines.append("")
            for n, li in enumerate(node.find_all("li", recursive=False), start=1):
                marker = f"{n}." if name == "ol" else "-"
                lines.append(f"{marker} {text_of(li)}")
            lines.append("")
        elif name == "table":
            lines.append("")
            for i, tr in enumerate(node.find_all("tr")):
                cells = [text_of(c).replace("|", "/") for c in tr.find_all(["th", "td"])]
                lines.append("| " + " | ".join(cells) + " |")
                if i == 0:
                    lines.append("|" + "---|" * len(cells))
            lines.append("")
        elif name in ("p", "blockquote", "pre", "dd", "dt", "figcaption", "address"):
            lines.extend(["", text_of(node), ""])
        elif name == "br":
            lines.append("")
        else:
            for child in node.children:
                walk(child)

    walk(soup.body or soup)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not title:
        h1 = re.search(r"^# (.+)$", text, re.M)
        title = h1.group(1) if h1 else ""
    if not text:
        raise SkipFile("HTML page without text")
    return Parsed(text=text, title=title, meta=meta)


def parse_pdf(data: bytes) -> Parsed:
    """The text layer of a PDF, page by page; corrupt, encrypted and image-only PDFs are refused."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise SkipFile("not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise SkipFile("encrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title = str(info.title) if info and info.title else ""
    except SkipFile:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise SkipFile(f"corrupt PDF ({type(exc).__name__}: {str(exc)[:120]})") from exc
    text = "\n\n".join(p for p in (_pdf_paragraphs(page) for page in pages) if p.strip())
    if not text.strip():
        raise SkipFile("PDF has no text layer (scanned images need OCR)")
    return Parsed(text=text, title=title)


def _pdf_paragraphs(page: str) -> str:
    """Rebuild paragraphs and headings from a page's lines (a PDF's text layer has no blank lines).

    A short line in title case without closing punctuation reads as a heading; a line that ends a sentence
    well before the usual line length ends a paragraph; list markers start items.
    """
    lines = [line.strip() for line in page.splitlines()]
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return ""
    typical = lengths[len(lengths) * 3 // 4]
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if block:
            out.append(" ".join(block))
            block.clear()

    for line in lines:
        if not line:
            flush()
            continue
        words = line.split()
        if (
            len(line) < 0.6 * typical
            and len(words) <= 10
            and line[:1].isupper()
            and line[-1:] not in ".,;:!?"
            and not re.match(r"^([-•*]|\d{1,2}[.)])\s", line)
        ):
            flush()
            out.append("## " + line)
            continue
        if re.match(r"^([-•*]|\d{1,2}[.)])\s", line):
            flush()
        block.append(line)
        if line[-1:] in ".!?:" and len(line) < 0.85 * typical:
            flush()
    flush()
    return "\n\n".join(out)


def parse_bytes(data: bytes, suffix: str) -> Parsed:
    """Dispatch on the file's suffix (lower-case, with the dot)."""
    if suffix in PDF_SUFFIXES:
        return parse_pdf(data)
    if suffix in HTML_SUFFIXES:
        return parse_html(data)
    if suffix in TEXT_SUFFIXES:
        return parse_markdown(data)
    raise SkipFile(f"unsupported file type {suffix or '(none)'}")
