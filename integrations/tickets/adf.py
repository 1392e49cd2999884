"""Atlassian Document Format (ADF) ↔ the plain, Markdown-ish text deskhand writes and shows.

Jira Cloud's REST v3 takes and returns rich text (descriptions, comments) as ADF JSON. deskhand's tickets carry
text, so descriptions are converted on the way in and out. The text side understands a small, predictable
subset: paragraphs (blank-line separated; single newlines are hard breaks), ``#`` headings, ``-``/``*`` and
``1.`` lists, ``>`` quotes, fenced code blocks, ``---`` rules, and inline ``**bold**``, ``*italic*``,
```code```, ``~~strike~~``, ``[text](url)`` and bare URLs. Text produced by ``adf_to_text`` converts back to
the same ADF, so an untouched description survives a read-edit-write cycle. Nodes with no text form (media,
unknown extensions) become a short placeholder or their inner text; nothing raises on unfamiliar ADF.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

ADFNode = dict[str, Any]

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^[-*•]\s+(.*)$")
_ORDERED = re.compile(r"^(\d{1,9})[.)]\s+(.*)$")
_QUOTE = re.compile(r"^>\s?(.*)$")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_FENCE = re.compile(r"^```\s*([\w+#.-]*)\s*$")
_INLINE = re.compile(
    r"(?P<code>`[^`\n]+`)"
    r"|(?P<link>\[(?P<ltext>[^\]\n]+)\]\((?P<lhref>[^)\s]+)\))"
    r"|(?P<strong>\*\*(?=\S)(?P<stext>.+?)(?<=\S)\*\*)"
    r"|(?P<strike>~~(?=\S)(?P<ktext>.+?)(?<=\S)~~)"
    r"|(?P<em>(?<![\w*])\*(?=[^\s*])(?P<etext>[^*\n]+?)(?<=[^\s*])\*(?![\w*]))"
    r"|(?P<url>https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"])"
)


# -- text → ADF ---------------------------------------------------------------------------------------------
def text_to_adf(text: str) -> ADFNode:
    """An ADF document for ``text`` (an empty document for empty text)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return {"type": "doc", "version": 1, "content": _blocks(lines)}


def _blocks(lines: list[str]) -> list[ADFNode]:
    blocks: list[ADFNode] = []
    paragraph: list[str] = []
    i = 0

    def flush() -> None:
        if paragraph:
            blocks.append(_paragraph(paragraph))
            paragraph.clear()

    while i < len(lines):
        line = lines[i].rstrip()
        stripped = line.strip()
        fence = _FENCE.match(stripped)
        if fence:
            flush()
            body: list[str] = []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i].rstrip())
                i += 1
            i += 1  # the closing fence (or the end of the text)
            node: ADFNode = {"type": "codeBlock", "content": [{"type": "text", "text": "\n".join(body)}]}
            if not body or not "\n".join(body):
                node["content"] = []
            if fence.group(1):
                node["attrs"] = {"language": fence.group(1)}
            blocks.append(node)
            continue
        if not stripped:
            flush()
            i += 1
            continue
        if _RULE.match(stripped) and not paragraph:
            blocks.append({"type": "rule"})
            i += 1
            continue
        heading = _HEADING.match(stripped)
        if heading:
            flush()
            blocks.append(
                {"type": "heading", "attrs": {"level": len(heading.group(1))}, "content": _inline(heading.group(2))}
            )
            i += 1
            continue
        if _BULLET.match(stripped) or _ORDERED.match(stripped):
            flush()
            items, i = _collect_list(lines, i)
            blocks.append(items)
            continue
        if _QUOTE.match(stripped):
            flush()
            quoted: list[str] = []
            while i < len(lines) and (m := _QUOTE.match(lines[i].strip())):
                quoted.append(m.group(1))
                i += 1
            blocks.append({"type": "blockquote", "content": _blocks(quoted) or [_paragraph([""])]})
            continue
        paragraph.append(stripped)
        i += 1
    flush()
    return blocks


def _collect_list(lines: list[str], start: int) -> tuple[ADFNode, int]:
    """A bullet or ordered list starting at ``lines[start]``; nested by two-space indentation."""
    first = lines[start]
    indent = len(first) - len(first.lstrip())
    ordered = _ORDERED.match(first.strip())
    node: ADFNode = {"type": "orderedList" if ordered else "bulletList", "content": []}
    if ordered and int(ordered.group(1)) != 1:
        node["attrs"] = {"order": int(ordered.group(1))}
    i = start
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            break
        depth = len(line) - len(line.lstrip())
        marker = _ORDERED.match(line.strip()) if ordered else _BULLET.match(line.strip())
        if depth == indent and marker:
            text = marker.group(2) if ordered else marker.group(1)
            node["content"].append({"type": "listItem", "content": [_paragraph([text])]})
            i += 1
        elif depth > indent and node["content"] and (_BULLET.match(line.strip()) or _ORDERED.match(line.strip())):
            nested, i = _collect_list(lines, i)
            node["content"][-1]["content"].append(nested)
        else:
            break
    return node, i


def _paragraph(lines: list[str]) -> ADFNode:
    content: list[ADFNode] = []
    for n, line in enumerate(lines):
        if n:
            content.append({"type": "hardBreak"})
        content.extend(_inline(line))
    return {"type": "paragraph", "content": content}


def _inline(text: str) -> list[ADFNode]:
    nodes: list[ADFNode] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            nodes.append(_text(text[pos : m.start()]))
        if m.group("code"):
            nodes.append(_text(m.group("code")[1:-1], {"type": "code"}))
        elif m.group("link"):
            nodes.extend(_marked(m.group("ltext"), {"type": "link", "attrs": {"href": m.group("lhref")}}))
        elif m.group("strong"):
            nodes.extend(_marked(m.group("stext"), {"type": "strong"}))
        elif m.group("strike"):
            nodes.extend(_marked(m.group("ktext"), {"type": "strike"}))
        elif m.group("em"):
            nodes.extend(_marked(m.group("etext"), {"type": "em"}))
        else:
            nodes.append(_text(m.group("url"), {"type": "link", "attrs": {"href": m.group("url")}}))
        pos = m.end()
    if pos < len(text):
        nodes.append(_text(text[pos:]))
    return [n for n in nodes if n.get("text")]


def _marked(text: str, mark: ADFNode) -> list[ADFNode]:
    inner = _inline(text)
    for node in inner:
        node.setdefault("marks", []).append(mark)
    return inner


def _text(text: str, mark: ADFNode | None = None) -> ADFNode:
    node: ADFNode = {"type": "text", "text": text}
    if mark is not None:
        node["marks"] = [mark]
    return node


# -- ADF → text ---------------------------------------------------------------------------------------------
def adf_to_text(doc: ADFNode | str | None) -> str:
    """Readable text for an ADF document (plain strings, from API v2 or older data, pass through)."""
    if doc is None:
        return ""
    if isinstance(doc, str):
        return doc
    return "\n\n".join(b for b in (_block(node, 0) for node in doc.get("content") or []) if b is not None).strip("\n")


def _block(node: ADFNode, depth: int) -> str | None:
    kind = node.get("type")
    content = node.get("content") or []
    if kind == "paragraph":
        return _inline_text(content)
    if kind == "heading":
        level = int((node.get("attrs") or {}).get("level", 1))
        return "#" * max(1, min(level, 6)) + " " + _inline_text(content)
    if kind in ("bulletList", "orderedList"):
        return _list_text(node, depth)
    if kind == "codeBlock":
        language = (node.get("attrs") or {}).get("language") or ""
        return f"```{language}\n{_inline_text(content)}\n```"
    if kind == "blockquote":
        inner = "\n\n".join(b for b in (_block(c, depth) for c in content) if b is not None)
        return "\n".join(f"> {line}".rstrip() for line in inner.split("\n"))
    if kind == "rule":
        return "---"
    if kind == "table":
        rows = []
        for row in content:
            cells = [_cell_text(cell) for cell in row.get("content") or []]
            rows.append(" | ".join(cells))
        return "\n".join(rows)
    if kind in ("mediaSingle", "mediaGroup", "media"):
        return "[attachment]"
    if kind in ("panel", "expand", "nestedExpand", "layoutSection", "layoutColumn", "bodiedExtension"):
        title = (node.get("attrs") or {}).get("title")
        inner = "\n\n".join(b for b in (_block(c, depth) for c in content) if b is not None)
        return f"{title}\n\n{inner}" if title else inner
    if kind == "text" or kind in _INLINE_KINDS:
        return _inline_text([node])
    if content:
        return "\n\n".join(b for b in (_block(c, depth) for c in content) if b is not None)
    return None


def _list_text(node: ADFNode, depth: int) -> str:
    ordered = node.get("type") == "orderedList"
    number = int((node.get("attrs") or {}).get("order", 1))
    lines: list[str] = []
    for item in node.get("content") or []:
        marker = f"{number}." if ordered else "-"
        number += 1
        parts = item.get("content") or []
        first = True
        for child in parts:
            if child.get("type") in ("bulletList", "orderedList"):
                lines.append(_list_text(child, depth + 1))
                continue
            text = _block(child, depth + 1) or ""
            if first:
                lines.append("  " * depth + f"{marker} {text}")
                first = False
            else:
                lines.append("  " * (depth + 1) + text)
        if first:
            lines.append("  " * depth + marker)
    return "\n".join(lines)


def _cell_text(cell: ADFNode) -> str:
    return " ".join(b for b in (_block(c, 0) for c in cell.get("content") or []) if b)


_INLINE_KINDS = {"hardBreak", "mention", "emoji", "inlineCard", "date", "status"}


def _inline_text(nodes: list[ADFNode]) -> str:
    out: list[str] = []
    for node in nodes:
        kind = node.get("type")
        attrs = node.get("attrs") or {}
        if kind == "text":
            out.append(_apply_marks(str(node.get("text", "")), node.get("marks") or []))
        elif kind == "hardBreak":
            out.append("\n")
        elif kind == "mention":
            out.append(str(attrs.get("text") or "@someone"))
        elif kind == "emoji":
            out.append(str(attrs.get("text") or attrs.get("shortName") or ""))
        elif kind == "inlineCard":
            out.append(str(attrs.get("url") or ""))
        elif kind == "date":
            try:
                out.append(datetime.fromtimestamp(int(attrs["timestamp"]) / 1000, UTC).date().isoformat())
            except (KeyError, TypeError, ValueError):
                out.append("")
        elif kind == "status":
            out.append(str(attrs.get("text") or ""))
        else:
            out.append(_inline_text(node.get("content") or []))
    return "".join(out)


def _apply_marks(text: str, marks: list[ADFNode]) -> str:
    # Delimiters hug the text: "**bold **" would not read back as bold, so spaces stay outside.
    core = text.strip()
    if not marks or not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return lead + _wrap(core, marks) + trail


def _wrap(text: str, marks: list[ADFNode]) -> str:
    kinds = {m.get("type"): m for m in marks}
    if "code" in kinds:
        text = f"`{text}`"
    if "em" in kinds:
        text = f"*{text}*"
    if "strong" in kinds:
        text = f"**{text}**"
    if "strike" in kinds:
        text = f"~~{text}~~"
    link = kinds.get("link")
    if link is not None:
        href = str((link.get("attrs") or {}).get("href") or "")
        if href and href != text:
            text = f"[{text}]({href})"
    return text


__all__ = ["adf_to_text", "text_to_adf"]
