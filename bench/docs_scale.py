"""Docs index at scale: ingest speed, hybrid query latency at 1k / 10k / 100k chunks, resident memory.

    python bench/docs_scale.py [--sizes 1000,10000,100000] [--rounds 5] [--keep DIR]

A synthetic but realistic corpus is generated in a temporary directory: documents with a title, headings and
paragraphs made of sentences recombined from the demo handbook and, when it is there, the banking-kb documents
(``../shared/benchmarks/banking-kb``). About one document in ten is private to a few readers, so the
permission filter is exercised as it is in Slack. The corpus is ingested in steps into one index file through
the product's own path (``JsonlSource`` → chunking → default WordLlama embedder → SQLite), so ingest speed is
measured on the real pipeline, offline.

At each size a fresh process opens the index (as the bot does after a restart) and runs short employee questions
(the handbook eval set's wording) and long scenario-sized queries as a channel viewer (public documents only).
Latencies are per query; p50 and p95 are medians over ``--rounds`` rounds, after one warm-up round that loads
the vector matrix and the term statistics. The baseline, run in the same process on the same table, is a bare
FTS5 ``MATCH`` (OR of the question's words, ``ORDER BY bm25 LIMIT 10``): deskhand's query does that work and
more (dense scoring, title runs, fusion, chunk fetch, coverage), and the ratio says how much more.

Resident memory (RSS) is read from /proc in the serving process after the queries; targets from issue 6:
ingest ≥ 500 chunks/s, short-query p95 < 50 ms at 100k chunks, RSS < 1 GB at 100k chunks.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HANDBOOK = ROOT / "demo" / "handbook"
BANKING = ROOT.parent / "shared" / "benchmarks" / "banking-kb" / "documents.jsonl"
QUESTIONS = ROOT / "evals" / "datasets" / "docs-handbook.jsonl"
CHUNKS_PER_DOC = 4.0  # measured ratio for the generated documents is printed; sizes are reached by chunk count
_SENT = re.compile(r"(?<=[.!?])\s+")


def _sentences() -> tuple[list[str], list[str]]:
    """Sentences and heading-like lines from the handbook and (if present) the banking-kb documents."""
    texts: list[str] = []
    for path in sorted(HANDBOOK.rglob("*.md")):
        if not any(part.startswith("_") for part in path.parts):
            texts.append(path.read_text(encoding="utf-8"))
    if BANKING.is_file():
        for line in BANKING.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["content"])
    sentences: list[str] = []
    headings: list[str] = []
    for text in texts:
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("#"):
                headings.append(line.lstrip("#").strip())
            elif len(line) > 40 and not line.startswith("|"):
                sentences += [s.strip(" -*") for s in _SENT.split(line) if len(s) > 30]
    return sorted(set(sentences)), sorted(set(h for h in headings if 3 < len(h) < 80))


def generate(path: Path, n_docs: int, start: int, rng: random.Random, pool: tuple[list[str], list[str]]) -> None:
    """``n_docs`` JSONL records with 3-6 sections of 2-4 paragraphs of 2-5 sentences each."""
    sentences, headings = pool
    readers = [f"user{n}@example.com" for n in range(50)]
    with path.open("w", encoding="utf-8") as out:
        for n in range(start, start + n_docs):
            title = rng.choice(headings) + " " + rng.choice(("policy", "guide", "procedure", "FAQ", "overview"))
            parts = []
            for _ in range(rng.randint(3, 6)):
                parts.append("## " + rng.choice(headings))
                for _ in range(rng.randint(1, 3)):
                    parts.append(" ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5))))
            record: dict[str, Any] = {"id": f"doc-{n:06d}", "title": title, "content": "\n\n".join(parts)}
            if rng.random() < 0.1:
                record["readers"] = rng.sample(readers, 3)
            out.write(json.dumps(record) + "\n")


def _rss_mb() -> tuple[float, float]:
    """Current and peak resident set size of this process, MB (Linux /proc)."""
    status = Path("/proc/self/status").read_text()
    found = {k: float(v.split()[0]) / 1024 for k, v in re.findall(r"^(VmRSS|VmHWM):\s+(.+)$", status, re.M)}
    return found.get("VmRSS", 0.0), found.get("VmHWM", 0.0)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _queries(rng: random.Random, sentences: list[str]) -> tuple[list[str], list[str]]:
    short = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            short += json.loads(line)["conversation"]["turns"][:1]
    long = [" ".join(rng.sample(sentences, 25)) for _ in range(10)]
    return short, long


def serve(db: Path, rounds: int) -> dict[str, Any]:
    """In a fresh process: open the index, warm up, time the queries, read RSS."""
    from integrations.docs.analysis import WORD
    from integrations.docs.base import Viewer
    from integrations.docs.index import SqliteDocsIndex
    from integrations.docs.search import fts_phrase

    rng = random.Random(7)
    short, long = _queries(rng, _sentences()[0])
    opened = time.perf_counter()
    index = SqliteDocsIndex(db)
    viewer = Viewer(user_id="U1", private_context=False)  # a channel: public documents only
    index.search("warm up", viewer=viewer, k=5)
    warm_s = time.perf_counter() - opened

    def bare(q: str) -> None:
        match = " OR ".join(fts_phrase(w.lower()) for w in dict.fromkeys(WORD.findall(q)))
        index._conn.execute(
            "SELECT rowid FROM chunk_fts WHERE chunk_fts MATCH ? ORDER BY bm25(chunk_fts) LIMIT 10", (match,)
        ).fetchall()

    def timed(fn: Any, qs: list[str]) -> list[float]:
        out = []
        for q in qs:
            t = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - t) * 1000)
        return out

    def search(q: str) -> None:
        index.search(q, viewer=viewer, k=5)

    for q in short + long:  # warm-up round: caches, page cache
        search(q)
        bare(q)
    figures: dict[str, list[tuple[float, float]]] = {"short": [], "long": [], "fts": [], "fts_long": []}
    for _ in range(rounds):
        for name, fn, qs in (("short", search, short), ("long", search, long), ("fts", bare, short)):
            ms = timed(fn, qs)
            figures[name].append((_pct(ms, 0.5), _pct(ms, 0.95)))
        ms = timed(bare, long)
        figures["fts_long"].append((_pct(ms, 0.5), _pct(ms, 0.95)))
    rss, peak = _rss_mb()
    out: dict[str, Any] = {"chunks": index.count_chunks(), "open_and_warm_s": warm_s, "rss_mb": rss, "peak_mb": peak}
    for name, values in figures.items():
        out[name] = (statistics.median(v[0] for v in values), statistics.median(v[1] for v in values))
    out["queries"] = (len(short), len(long))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="Chunk counts to measure at (ascending).")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="Build the index here and keep it (default: a temporary dir).")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        sys.stdout.write(json.dumps(serve(args.serve, args.rounds)) + "\n")
        return

    from integrations.docs.index import SqliteDocsIndex
    from integrations.docs.ingest import ingest
    from integrations.docs.sources import JsonlSource

    sizes = [int(s) for s in args.sizes.split(",")]
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="deskhand-docs-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(42)
    pool = _sentences()
    print(f"corpus: {len(pool[0])} distinct sentences, {len(pool[1])} headings to recombine; working in {workdir}")
    db = workdir / "docs.db"
    index = SqliteDocsIndex(db)
    index.embedder.embed(["load the model before timing"])
    rows: list[dict[str, Any]] = []
    n_docs = 0
    for step, size in enumerate(sizes):
        ingest_s = 0.0
        added = 0
        part = 0
        while index.count_chunks() < size:
            # Documents per step from the measured chunks-per-document ratio, in parts so the last one lands close.
            have = index.count_chunks()
            ratio = have / n_docs if n_docs else CHUNKS_PER_DOC
            want = max(1, int((size - have) / ratio) + 1)
            path = workdir / f"part-{step}-{part}.jsonl"
            generate(path, want, n_docs, rng, pool)
            n_docs += want
            report = ingest(index, JsonlSource(path))
            ingest_s += report.seconds
            added += report.chunks
            part += 1
        served = subprocess.run(
            [sys.executable, __file__, "--serve", str(db), "--rounds", str(args.rounds)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(served.stdout.strip().splitlines()[-1])
        result["ingest_chunks_s"] = added / ingest_s if ingest_s else 0.0
        result["docs"] = n_docs
        result["db_mb"] = db.stat().st_size / 1e6
        rows.append(result)
        print(
            f"  {result['chunks']:>7} chunks: ingested {added} at {result['ingest_chunks_s']:.0f} chunks/s;"
            f" short p50/p95 {result['short'][0]:.1f}/{result['short'][1]:.1f} ms; RSS {result['rss_mb']:.0f} MB",
            flush=True,
        )

    short_n, long_n = rows[-1]["queries"]
    print(
        f"\n{short_n} short questions and {long_n} long (25-sentence) queries per round, {args.rounds} rounds,"
        " channel viewer; medians of per-round p50/p95\n"
    )
    header = (
        f"{'chunks':>8} {'docs':>7} {'ingest/s':>9} {'short p50':>10} {'short p95':>10} {'FTS p95':>8} {'×FTS':>6}"
        f" {'long p50':>9} {'long p95':>9} {'RSS MB':>7} {'peak MB':>8} {'open s':>7} {'db MB':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio = r["short"][1] / r["fts"][1] if r["fts"][1] else float("nan")
        print(
            f"{r['chunks']:>8} {r['docs']:>7} {r['ingest_chunks_s']:>9.0f} {r['short'][0]:>10.1f}"
            f" {r['short'][1]:>10.1f} {r['fts'][1]:>8.2f} {ratio:>6.1f} {r['long'][0]:>9.1f}"
            f" {r['long'][1]:>9.1f} {r['rss_mb']:>7.0f}"
            f" {r['peak_mb']:>8.0f} {r['open_and_warm_s']:>7.2f} {r['db_mb']:>6.0f}"
        )
    if len(rows) > 1:
        growth = ", ".join(
            f"{a['chunks']}→{b['chunks']}: p95 ×{b['short'][1] / a['short'][1]:.1f}"
            for a, b in itertools.pairwise(rows)
        )
        print(f"\ngrowth of short-query p95: {growth}")
    last = rows[-1]
    total_rate = statistics.median(r["ingest_chunks_s"] for r in rows)
    print(
        f"targets at {last['chunks']} chunks: ingest ≥ 500 chunks/s (median {total_rate:.0f}),"
        f" short p95 < 50 ms ({last['short'][1]:.1f}), RSS < 1024 MB ({last['rss_mb']:.0f})"
    )
    print(f"bare FTS5 long-query p95 for reference: {last['fts_long'][1]:.1f} ms")


if __name__ == "__main__":
    main()
