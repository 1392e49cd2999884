"""Render purchasing.txt as a small text PDF (Helvetica, A4) without any PDF library.

Run: python demo/handbook/_source/make_pdf.py  (writes demo/handbook/finance/purchasing-and-software.pdf)
"""

from __future__ import annotations

import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "finance" / "purchasing-and-software.pdf"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _lines(source: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for raw in source.splitlines():
        if raw.startswith("# "):
            out += [(16, raw[2:]), (10, "")]
        elif raw.startswith("## "):
            out += [(10, ""), (12, raw[3:])]
        elif raw.strip():
            out += [(10, line) for line in textwrap.wrap(raw, 95)] + [(10, "")]
    return out


def render(source: str, title: str) -> bytes:
    """A minimal multi-page PDF 1.4 with one Helvetica font."""
    lines = _lines(source)
    pages: list[list[tuple[int, str]]] = [lines[i : i + 52] for i in range(0, len(lines), 52)]
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    catalog = add("")  # placeholder, filled below
    pages_obj = add("")
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    kids = []
    for page in pages:
        ops = ["BT", "50 790 Td"]
        for size, text in page:
            face = "/F2" if size > 10 else "/F1"
            ops.append(f"{face} {size} Tf 0 -{size + 4} Td ({_escape(text)}) Tj")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        content = add(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R "
                f"/Resources << /Font << /F1 {font} 0 R /F2 {bold} 0 R >> >> >>"
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode()
    objects[pages_obj - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    )
    info = add(f"<< /Title ({_escape(title)}) /Producer (deskhand demo) >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


if __name__ == "__main__":
    text = (HERE / "purchasing.txt").read_text(encoding="utf-8")
    OUT.write_bytes(render(text, "Purchasing, software and vendors"))
    print(f"wrote {OUT}")
