"""Retrieval quality on banking-kb (tau2-bench's knowledge base): deskhand's hybrid search vs the baselines.

    python bench/docs_banking_kb.py [--data ../shared/benchmarks/banking-kb] [--harness] [--ablations]

Direct mode ingests documents.jsonl into a fresh in-memory index (the product's JsonlSource, chunker and
embedder), runs every task's scenario as the query and prints recall@10 and MRR for:

* the README's baselines, run side by side in this process: BM25 over whole documents, WordLlama over whole
  documents, and their reciprocal-rank fusion, each with the raw scenario as the query;
* deskhand's default pipeline (``SqliteDocsIndex.search``);
* with ``--ablations``: the pipeline with one idea switched off at a time;
* the same numbers on odd and even tasks separately (a stability check: a change that only helps one half is
  noise, not a method).

``--questions`` also runs ``bench/data/banking-kb-questions.jsonl``: 60 short employee questions written
blind from the documents alone (never from the tasks), each with every document that answers it; it prints
recall@5 and MRR for the baselines and for deskhand, the short-question path next to the long-scenario one.

``--harness`` also runs every task through the eval harness: the real graph with the local model, a support
agent asking "Which of our docs apply to this customer case?" followed by the scenario, and retrieval graded
on the ``search_docs`` results (the harness's recall@k / MRR). Nothing here is tuned per task or keyed to
the data's wording or ids.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from integrations.docs.base import EVERYONE  # noqa: E402
from integrations.docs.index import SqliteDocsIndex  # noqa: E402
from integrations.docs.ingest import ingest  # noqa: E402
from integrations.docs.search import fts_phrase  # noqa: E402
from integrations.docs.sources import JsonlSource  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "benchmarks" / "banking-kb"
QUESTIONS = ROOT / "bench" / "data" / "banking-kb-questions.jsonl"
K = 10


def recall_at(ranked: Sequence[str], relevant: set[str], k: int = K) -> float:
    """Share of the relevant documents in the top k."""
    return len(relevant.intersection(ranked[:k])) / len(relevant) if relevant else 1.0


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    """1 / rank of the first relevant document (0 if none)."""
    return next((1.0 / n for n, d in enumerate(ranked, start=1) if d in relevant), 0.0)


def score(runs: list[list[str]], tasks: list[dict]) -> dict[str, float]:
    """recall@10 and MRR overall and on the odd / even halves."""
    pairs = [
        (recall_at(r, set(t["required_documents"])), reciprocal_rank(r, set(t["required_documents"])))
        for r, t in zip(runs, tasks, strict=True)
    ]

    def mean(items: Sequence[tuple[float, float]], i: int) -> float:
        return statistics.mean(p[i] for p in items) if items else 0.0

    return {
        "recall@10": mean(pairs, 0),
        "mrr": mean(pairs, 1),
        "recall@10 odd": mean(pairs[0::2], 0),
        "recall@10 even": mean(pairs[1::2], 0),
        "mrr odd": mean(pairs[0::2], 1),
        "mrr even": mean(pairs[1::2], 1),
    }


class WholeDocumentBaselines:
    """The README's baselines: whole documents, raw scenario as the query."""

    def __init__(self, index: SqliteDocsIndex) -> None:
        self.index = index
        rows = index._conn.execute("SELECT num, id, title, text FROM documents ORDER BY num").fetchall()
        self.ids = {int(num): doc_id for num, doc_id, _, _ in rows}
        self.order = [int(r[0]) for r in rows]
        self.matrix = index.embedder.embed([f"{title}\n{text}" for _, _, title, text in rows])

    def bm25(self, query: str, k: int = 100) -> list[str]:
        """FTS5 BM25 over whole documents, every word of the scenario OR-ed."""
        words = list(dict.fromkeys(w.lower() for w in __import__("re").findall(r"[^\W_]+", query)))
        match = " OR ".join(fts_phrase(w) for w in words)
        hits = self.index.bm25_documents(match, limit=k, viewer=EVERYONE, weights=(1.0, 1.0)) if match else []
        return [self.ids[num] for num, _ in hits]

    def dense(self, query: str, k: int = 100) -> list[str]:
        """WordLlama cosine between the scenario and each whole document."""
        sims = self.matrix @ self.index.embedder.embed([query])[0]
        return [self.ids[self.order[i]] for i in np.argsort(-sims)[:k]]

    def rrf(self, query: str, k: int = 100) -> list[str]:
        """Reciprocal-rank fusion (k=60) of the two."""
        scores: dict[str, float] = {}
        for ranking in (self.bm25(query, k), self.dense(query, k)):
            for rank, doc in enumerate(ranking, start=1):
                scores[doc] = scores.get(doc, 0.0) + 1.0 / (60 + rank)
        return sorted(scores, key=lambda d: -scores[d])[:k]


def run(name: str, fn: Callable[[str], list[str]], tasks: list[dict]) -> tuple[str, dict[str, float], float]:
    started = time.perf_counter()
    ranked = [fn(t["scenario"]) for t in tasks]
    per_query_ms = (time.perf_counter() - started) * 1000 / max(1, len(tasks))
    return name, score(ranked, tasks), per_query_ms


def harness(data: Path, tasks: list[dict]) -> dict[str, float]:
    """Every task through the eval harness (real graph, local model); retrieval read from search_docs."""
    from evals.driver import RunOptions
    from evals.fixtures import FixtureDoc, resolve_fixture
    from evals.runner import run_cases
    from evals.schema import Case

    docs = [json.loads(line) for line in (data / "documents.jsonl").read_text(encoding="utf-8").splitlines() if line]
    fixture = resolve_fixture("demo").model_copy(
        update={
            "name": "banking-kb",
            "docs": [FixtureDoc(id=d["id"], title=d["title"], content=d["content"]) for d in docs],
        }
    )
    cases = [
        Case.model_validate(
            {
                "id": f"banking-kb.{t['id']}",
                "tags": ["docs", "banking-kb"],
                "fixture": fixture,
                "conversation": {
                    "user": "maya",
                    "turns": ["Which of our docs apply to this customer case?\n\n" + t["scenario"]],
                },
                "approval": "hold",
                "expect": {
                    "route": "docs",
                    "retrieval": {"relevant": t["required_documents"], "k": K, "min_recall": 0.0},
                },
            }
        )
        for t in tasks
    ]
    records = run_cases(cases, RunOptions())
    metrics = [r.get("metrics") or {} for r in records]
    routed = sum(1 for r in records for turn in r.get("turns", []) if turn.get("route") == "docs")
    return {
        "recall@10": statistics.mean(m.get("recall_at_k", 0.0) for m in metrics),
        "mrr": statistics.mean(m.get("mrr", 0.0) for m in metrics),
        "ndcg@10": statistics.mean(m.get("ndcg", 0.0) for m in metrics),
        "routed to docs": routed / len(records),
        "errors": sum(1 for r in records if r.get("status") == "error"),
    }


def short_questions(index: SqliteDocsIndex, baselines: WholeDocumentBaselines, path: Path) -> None:
    """recall@5 and MRR on short employee questions (the product's common case) for each method."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    methods: list[tuple[str, Callable[[str], list[str]]]] = [
        ("BM25, whole documents (baseline)", baselines.bm25),
        ("WordLlama, whole documents (baseline)", baselines.dense),
        ("deskhand hybrid (default)", lambda q: [h.doc_id for h in index.search(q, viewer=EVERYONE, k=K).hits]),
    ]
    print(f"\n{len(rows)} short questions ({path.name}): recall@5, recall@10, MRR, ms/query")
    for name, fn in methods:
        started = time.perf_counter()
        ranked = [fn(r["question"]) for r in rows]
        ms = (time.perf_counter() - started) * 1000 / max(1, len(rows))
        rel = [set(r["relevant"]) for r in rows]
        r5 = statistics.mean(recall_at(x, s, 5) for x, s in zip(ranked, rel, strict=True))
        r10 = statistics.mean(recall_at(x, s, 10) for x, s in zip(ranked, rel, strict=True))
        mrr = statistics.mean(reciprocal_rank(x, s) for x, s in zip(ranked, rel, strict=True))
        print(f"{name:48} {r5:9.3f} {r10:9.3f} {mrr:6.3f} {ms:9.1f}")


ABLATIONS: list[tuple[str, dict[str, object]]] = [
    ("no long-query processing (one bag of words)", {"long_query_terms": 10**9}),
    ("no sub-queries (key terms only)", {"min_sub_query_terms": 10**9}),
    ("no sub-query weighting (QPP off)", {"qpp_power": 0.0}),
    ("no title/heading phrases", {"phrases": False, "title_weight": 0.0}),
    ("no sentence clarity weighting", {"clarity_power": 0.0}),
    ("no document-centroid dense runs", {"doc_dense_weight": 0.0}),
    ("no dense retriever", {"dense_weight": 0.0, "doc_dense_weight": 0.0}),
    ("no BM25 retriever", {"bm25_weight": 0.0, "title_weight": 0.0}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--harness", action="store_true", help="Also run the tasks through the eval harness.")
    parser.add_argument("--ablations", action="store_true", help="Switch off one idea at a time.")
    parser.add_argument("--questions", type=Path, nargs="?", const=QUESTIONS, default=None, help="Short questions.")
    args = parser.parse_args()
    tasks = [json.loads(line) for line in (args.data / "tasks.jsonl").read_text(encoding="utf-8").splitlines() if line]

    started = time.perf_counter()
    index = SqliteDocsIndex(None)
    report = ingest(index, JsonlSource(args.data / "documents.jsonl"))
    print(f"ingest: {report.summary()} ({time.perf_counter() - started:.1f} s with model load)")
    baselines = WholeDocumentBaselines(index)
    results = [
        run("BM25, whole documents (baseline)", baselines.bm25, tasks),
        run("WordLlama, whole documents (baseline)", baselines.dense, tasks),
        run("RRF of the two (baseline)", baselines.rrf, tasks),
        run(
            "deskhand hybrid (default)", lambda q: [h.doc_id for h in index.search(q, viewer=EVERYONE, k=K).hits], tasks
        ),
    ]
    if args.ablations:
        default = index.options
        for name, change in ABLATIONS:
            options = dataclasses.replace(default, **change)  # type: ignore[arg-type]
            index.searcher.options = options
            results.append(
                run(f"  − {name}", lambda q: [h.doc_id for h in index.search(q, viewer=EVERYONE, k=K).hits], tasks)
            )
        index.searcher.options = default
    print(f"\n{len(tasks)} tasks, {len(index.known_documents())} documents, {index.count_chunks()} chunks\n")
    header = f"{'method':48} {'recall@10':>9} {'MRR':>6} {'R@10 odd/even':>15} {'MRR odd/even':>13} {'ms/query':>9}"
    print(header)
    print("-" * len(header))
    for name, m, ms in results:
        print(
            f"{name:48} {m['recall@10']:9.3f} {m['mrr']:6.3f} {m['recall@10 odd']:7.3f}/{m['recall@10 even']:.3f}"
            f" {m['mrr odd']:6.3f}/{m['mrr even']:.3f} {ms:9.1f}"
        )
    base = results[0][1]
    best = results[3][1]
    print(
        f"\ndeskhand vs BM25 baseline: recall@10 ×{best['recall@10'] / base['recall@10']:.2f}, "
        f"MRR ×{best['mrr'] / base['mrr']:.2f} (targets: recall@10 ≥ 0.40, MRR ≥ 0.75)"
    )
    if args.questions:
        short_questions(index, baselines, args.questions)
    if args.harness:
        started = time.perf_counter()
        h = harness(args.data, tasks)
        print(
            f"\neval harness (graph + local model, retrieval from search_docs): recall@10 {h['recall@10']:.3f}, "
            f"MRR {h['mrr']:.3f}, nDCG@10 {h['ndcg@10']:.3f}, routed to docs {h['routed to docs']:.0%}, "
            f"errors {h['errors']} ({time.perf_counter() - started:.0f} s)"
        )
    _ = math  # keep the import for readers extending the metrics


if __name__ == "__main__":
    main()
