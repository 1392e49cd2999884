"""Hybrid retrieval: query processing, BM25 and dense retrieval per (sub-)query, rank fusion, chunk → document.

Short questions ("how long is parental leave?") run as one query. Long ones (a customer's whole situation, a
pasted email) mix several needs with narrative filler, and one bag of words lets the filler and the most
repeated need drown the rest. So a long query is processed before retrieval:

1. Term weighting: each content word is weighted by its IDF in the index (words every chunk contains say
   nothing) and its frequency in the query (what the person keeps coming back to matters); the best-weighted
   terms form a *key-term* query.
2. Sub-queries: the text is split into sentences; each sentence with enough informative words becomes its own
   query, so every need gets its own ranking instead of being averaged away.
3. Every (sub-)query runs BM25 (FTS5) and dense (WordLlama) retrieval; each chunk ranking is turned into a
   document ranking (a document ranks where its best chunk ranks), and the rankings are fused by weighted
   reciprocal rank (RRF), which needs no score calibration between retrievers.

All of this is generic (IDF comes from the index, sentences from punctuation); nothing depends on a corpus or a
question set, and every knob lives in ``RetrievalOptions``.
"""

from __future__ import annotations

import math
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from integrations.docs.analysis import STOPWORDS, WORD, shared_analyzer
from integrations.docs.base import ChunkHit, Reranker, SearchFilters, SearchHit, SearchResult, Viewer

if TYPE_CHECKING:
    from integrations.docs.index import Allowed, ChunkRow, SqliteDocsIndex

_SLACK_MARKUP = re.compile(r"<(?:[@#!][^>|]*\|?([^>]*))>|<(https?://[^>|]+)(?:\|([^>]*))?>")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d{1,3}[.)])\s)")


@dataclass(frozen=True)
class RetrievalOptions:
    """Every retrieval knob in one place (defaults chosen on principle, then checked on held-apart data)."""

    fusion: str = "rrf"
    """``rrf`` (reciprocal rank) or ``combsum`` (scores divided by each run's best, summed)."""
    rrf_k: float = 60.0
    """Reciprocal-rank constant: larger flattens the difference between rank 1 and rank 10."""
    bm25_weight: float = 1.0
    dense_weight: float = 1.0
    """Weights of the two retrievers in the fusion (per query)."""
    bm25_columns: tuple[float, float, float] = (2.0, 1.5, 1.0)
    """BM25 weights of the title, heading path and body columns."""
    candidates: int = 100
    """Chunks each retriever returns per (sub-)query before fusion."""
    long_query_terms: int = 12
    """A query with more distinct content terms than this is processed as a long query."""
    key_terms: int = 24
    """How many of the best-weighted terms form a long query's key-term query."""
    min_sub_query_terms: int = 3
    """A sentence needs this many informative terms to become a sub-query."""
    max_sub_queries: int = 24
    doc_weight: float = 1.0
    """Long queries: weight of whole-document BM25 for the key query (document-level evidence next to
    passage-level; 0 = off). On banking-kb: recall@10 0.334/0.382 → 0.341/0.383, MRR 0.726/0.746 → 0.729/0.746
    odd/even (0.5 changed nothing, 2.0 cost even MRR; the same run per sub-query cost even recall 0.382 → 0.359).
    Short queries go without it: on the handbook set it lowered MRR 0.867 → 0.859."""
    title_phrases_only: bool = True
    title_weight: float = 1.0
    """Weight of a run that matches the query's key terms and phrases against titles only (long queries)."""
    short_title_weight: float = 0.0
    """...and for short questions. Off: the key BM25 run already weighs the title column double, and a second,
    title-only run lets every page whose title shares one word with the question ("card", "account") crowd out
    the page that states the answer. On 60 short questions written blind over banking-kb
    (``bench/docs_banking_kb.py --questions``): recall@5 0.639 → 0.772, MRR 0.557 → 0.716; handbook questions
    (99 across the eval sets) unchanged at recall@5 0.985, MRR 0.888 → 0.895."""
    key_query_weight: float = 2.0
    """Weight of the key-term query's rankings relative to one sub-query's: the key query sees the whole case, a
    sub-query one sentence of it, so it counts double (on banking-kb it helped both halves of the tasks alike:
    recall@10 0.295/0.350 → 0.308/0.365, MRR 0.709/0.703 → 0.725/0.708 odd/even)."""
    sub_query_weight: float = 1.0
    min_idf: float = 1.0
    """Terms rarer than this (IDF below: in more than ~1/3 of chunks) are not used to build BM25 queries."""
    topic_boost: float = 1.0
    """Extra weight (×(1 + boost)) for query terms that also appear in some title or heading of the index."""
    phrases: bool = True
    """Match runs of query words that occur together in a title or heading as phrases."""
    extra_chunk_weight: float = 0.0
    """A document's further matching chunks add this share of their chunk-level RRF score (0 = best chunk only)."""
    qpp_power: float = 0.0
    """Sub-queries are weighted by (best BM25 score / ideal score) ** this (0 = equal weights)."""
    clarity_power: float = 1.0
    """Long queries: sub-queries are weighted by (their best dense similarity / the best sub-query's) ** this:
    a sentence that states a need has a passage saying nearly the same, filler (role-play instructions, names,
    greetings) matches nothing well (0 = equal weights). On banking-kb, with ``clarity_normalize`` and
    ``clarity_key``: recall@10 0.308/0.365 → 0.333/0.369, MRR 0.725/0.708 → 0.725/0.740 odd/even."""
    clarity_normalize: bool = True
    """Clarity weights are divided by their mean (sub-queries keep their total weight against the key query)."""
    clarity_key: bool = True
    """Long queries: the key-term query takes its terms' weights × the clarity of their clearest sentence."""
    query_vector_idf: float = 0.5
    """Long queries: each (sub-)query's vector is the mean of its words' vectors weighted by IDF ** this (0 = the
    embedder's plain vector of the text). A static embedder averages every token alike, so in a sentence of a
    long situation "you", "customer" and "agent" pull as hard as "overdraft"; weighting by IDF, as BM25 weights
    terms, points the vector at what is specific. Stopwords and words the index never uses (names, e-mail
    addresses, numbers) are left out: they can match no passage (keeping them at the highest IDF cost MRR
    0.758 → 0.733). Clarity is still read from the plain vectors (from the pooled ones, measured before
    ``doc_weight``: recall@10 0.359 → 0.353).
    On banking-kb with ``doc_weight`` 1.0: MRR 0.729/0.746 → 0.754/0.763 odd/even, recall@10 0.341/0.383 →
    0.337/0.384 (against the defaults before both: recall@10 0.334/0.382 → 0.337/0.384, MRR 0.726/0.746 →
    0.754/0.763). Exponent 0.25 / 0.75 / 1.0: MRR 0.743/0.748, 0.756/0.757, 0.760/0.759 (up on both halves at
    every value), recall@10 0.340/0.381, 0.340/0.379, 0.325/0.370 (1.0 weights so hard that recall falls).
    Measured before ``doc_weight``: equal weights over the same words (IDF ** 0) gave MRR 0.731/0.748 against
    0.726/0.746, so the weighting is what helps; pooled runs added next to the plain ones (exponent 1) instead of
    replacing them cost recall@10 (0.303/0.373)."""
    doc_dense_weight: float = 0.5
    """Long queries: weight of dense retrieval against document centroids (mean of a document's chunk vectors),
    whole-document evidence next to the passage-level runs (0 = off)."""
    doc_dense_sub: bool = True
    """...run for every sub-query too, not just the whole query."""
    doc_dense_head: int = 2
    """...but the first this many documents come from passage evidence alone (a cascade: document-level runs find
    more of the needed documents, passage-level ones rank the best first). On banking-kb with 0.5 / sub-queries /
    head 2: recall@10 0.333/0.369 → 0.334/0.382, MRR 0.725/0.740 → 0.726/0.746 odd/even; without the head,
    MRR fell on both halves (0.716/0.720)."""
    diversity: float = 0.0
    """λ of the xQuAD re-ranking of long queries' results (0 = plain fused order)."""
    diversity_k: float = 5.0
    """How fast an aspect's coverage decays with rank (coverage = (k+1)/(k+rank))."""
    chunk_count_norm: float = 0.0
    """Long queries: a document's fused score is divided by its chunk count ** this."""
    prf_docs: int = 0
    """Long queries: pseudo-relevance feedback from this many top documents (0 = off)."""
    prf_terms: int = 20
    prf_weight: float = 1.0
    sub_query_unit: str = "sentence"
    """Long queries split into sentences or paragraphs."""
    burstiness: float = 0.0
    """Exponent of the residual-IDF factor in term weights (0 = plain IDF)."""
    max_repeat: int = 1
    """Largest integer weight of a term in the key query (1 = unweighted)."""
    max_postings: int = 8_000
    """A BM25 run keeps its rarest terms whose chunk frequencies sum to at most this (0 = no limit): bounds query
    time on large indexes (see ``HybridSearcher._within_budget``). FTS5 scores every matching row at ~0.8 µs each,
    so 8,000 postings keep the BM25 run near 7 ms; at 100k chunks 20,000 made it the larger half of a short query
    (p95 51 → 32 ms in one process). Indexes of a few thousand chunks (banking-kb: 2,826) rarely reach it and
    rank the same (checked: recall@10 / MRR unchanged)."""
    max_query_chars: int = 20_000
    chunks_per_hit: int = 3
    """Best chunks kept per document hit."""
    top_hit_chunks: int = 8
    """...except the first document, which keeps up to this many (its best chunks, then the rest in document
    order): the answer is read from the top page, and a handbook page's answering sentence often sits in a section
    that shares no word with the question ("when are reviews?" is answered by the page's opening lines)."""
    min_coverage: float = 0.34
    """Share of the query's (IDF-weighted) informative terms the best hits must contain to count as an answer."""
    min_dense: float = 0.45
    """...or the dense similarity the best chunk must reach when coverage alone is too low."""


@dataclass
class QueryPlan:
    """What retrieval runs for one query."""

    text: str
    terms: dict[str, float] = field(default_factory=dict)
    """stem → weight (IDF × query frequency) over informative terms."""
    words: dict[str, str] = field(default_factory=dict)
    """stem → a surface word for it (FTS5 stems the word again when matching)."""
    sub_queries: list[tuple[str, list[str]]] = field(default_factory=list)
    """(sentence, its informative stems) for long queries."""
    key_terms: list[str] = field(default_factory=list)
    repeats: dict[str, int] = field(default_factory=dict)
    """How many times a term is repeated in the key BM25 query (FTS5 sums repeated terms: integer weights)."""
    phrases: dict[str, float] = field(default_factory=dict)
    """FTS5 phrase expressions ("silver rewards card") found in titles/headings → weight."""
    long: bool = False


@dataclass
class Run:
    """One retriever's ranking for one (sub-)query."""

    weight: float
    kind: str
    aspect: int
    ranking: list[tuple[int, float]]


@dataclass
class Fused:
    """Fusion state: scores per document and chunk, evidence per document, per-run document ranks."""

    doc_of: dict[int, int]
    """chunk id → document number for every ranked chunk."""
    rows: dict[int, ChunkRow] = field(default_factory=dict)
    """Chunks read back with their text, only those shown or used for feedback."""
    doc_scores: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    chunk_scores: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    signals: dict[int, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    doc_ranks: list[tuple[int, float, dict[int, int]]] = field(default_factory=list)


def clean_query(text: str, limit: int) -> str:
    """Slack markup to plain words, whitespace collapsed, bounded length."""
    text = _SLACK_MARKUP.sub(lambda m: m.group(1) or m.group(3) or m.group(2) or " ", text)
    text = text.replace("\u2019", "'")
    return re.sub(r"[ \t]+", " ", text).strip()[:limit]


def idf(df: int, n: int) -> float:
    """BM25's IDF (Robertson-Spärck Jones, floored at 0)."""
    return max(0.0, math.log((n - df + 0.5) / (df + 0.5) + 1.0))


def residual_idf(df: int, cf: int, n: int) -> float:
    """Church & Gale's residual IDF: observed IDF minus the IDF a Poisson spread of the same occurrences predicts.

    Topical words are bursty (several times in few passages) and score high; words scattered once here and
    once there, however rare ("immediately", "situation"), score near zero. Floored at 0, in bits.
    """
    if n <= 0 or df <= 0:
        return 0.0
    expected = 1.0 - math.exp(-cf / n)
    return max(0.0, -math.log2(df / n) + math.log2(max(expected, 1e-12)))


def fts_phrase(word: str) -> str:
    """A word as a quoted FTS5 string (no operators can leak in)."""
    return '"' + word.replace('"', '""') + '"'


class HybridSearcher:
    """Runs a ``QueryPlan`` against an index and fuses the rankings."""

    def __init__(self, index: SqliteDocsIndex, options: RetrievalOptions, reranker: Reranker | None = None) -> None:
        self.index = index
        self.options = options
        self.reranker = reranker
        self._centroids: tuple[object, np.ndarray, np.ndarray] | None = None

    # -- query processing ----------------------------------------------------------------------------
    def plan(self, query: str) -> QueryPlan:
        """Weight the query's terms and split a long query into sub-queries."""
        opts = self.options
        text = clean_query(query, opts.max_query_chars)
        plan = QueryPlan(text=text)
        df, n = self.index.document_frequencies()
        if n == 0:
            return plan
        analyzer = shared_analyzer()
        topics, grams = self.index.topic_vocabulary() if (opts.topic_boost or opts.phrases) else ({}, set())
        tokens = analyzer.terms(text)
        tf: dict[str, int] = defaultdict(int)
        for word, stem in tokens:
            if word in STOPWORDS or stem not in df:
                continue
            tf[stem] += 1
            plan.words.setdefault(stem, word)
        cf = self.index.collection_frequencies() if opts.burstiness else {}
        for stem, count in tf.items():
            weight = idf(df[stem], n)
            if opts.burstiness:
                weight *= (0.1 + residual_idf(df[stem], cf.get(stem, df[stem]), n)) ** opts.burstiness
            if weight >= opts.min_idf or len(tf) <= 3:
                # Repetition counts, sub-linearly: the fifth mention says less than the second.
                boost = 1.0 + (opts.topic_boost if stem in topics else 0.0)
                plan.terms[stem] = weight * (1.0 + math.log(count)) * boost
                plan.repeats[stem] = max(1, min(opts.max_repeat, round((1.0 + math.log(count)) * boost)))
        plan.long = len(plan.terms) > opts.long_query_terms
        if opts.phrases:
            plan.phrases = self._phrases(tokens, grams, plan)
        ranked = sorted(plan.terms, key=lambda s: -plan.terms[s])
        plan.key_terms = ranked[: opts.key_terms] if plan.long else ranked
        if plan.long:
            seen: set[tuple[str, ...]] = set()
            units = _PARAGRAPH.split(text) if opts.sub_query_unit == "paragraph" else _SENTENCE.split(text)
            for sentence in units:
                stems = [s for w, s in analyzer.terms(sentence) if s in plan.terms and w not in STOPWORDS]
                unique = tuple(dict.fromkeys(stems))
                if len(unique) < opts.min_sub_query_terms or unique in seen:
                    continue
                seen.add(unique)
                plan.sub_queries.append((sentence.strip(), list(unique)))
            if len(plan.sub_queries) > opts.max_sub_queries:
                # Keep the sentences carrying the most term weight.
                plan.sub_queries.sort(key=lambda sq: -sum(plan.terms[s] for s in sq[1]))
                plan.sub_queries = plan.sub_queries[: opts.max_sub_queries]
        return plan

    @staticmethod
    def _phrases(tokens: list[tuple[str, str]], grams: set[tuple[str, ...]], plan: QueryPlan) -> dict[str, float]:
        """Longest runs of 2-4 query words that a title or heading also contains, with at least two content words."""
        found: dict[str, float] = {}
        i = 0
        while i < len(tokens):
            for n in (4, 3, 2):
                run = tokens[i : i + n]
                if len(run) < n:
                    continue
                content = [s for w, s in run if w not in STOPWORDS and s in plan.terms]
                if len(content) >= 2 and tuple(s for _, s in run) in grams:
                    expr = '"' + " ".join(w for w, _ in run) + '"'
                    found[expr] = found.get(expr, 0.0) + sum(plan.terms[s] for s in content)
                    i += n - 1
                    break
            i += 1
        return found

    def _match(
        self, plan: QueryPlan, stems: Sequence[str], phrases: Sequence[str] = (), *, weighted: bool = False
    ) -> str:
        parts = list(phrases)
        stems = self._within_budget([s for s in stems if s in plan.words])
        for s in stems:
            if s in plan.words:
                parts += [fts_phrase(plan.words[s])] * (plan.repeats.get(s, 1) if weighted else 1)
        return " OR ".join(parts)

    def _within_budget(self, stems: list[str]) -> list[str]:
        """The stems whose postings fit ``max_postings``, rarest first; the most common ones are dropped.

        FTS5 computes bm25() for every row an OR query matches, so a query's cost grows with the chunk frequencies
        of its words, and the commonest words add the least to the ranking (the idea behind Lucene's common-terms
        cutoff). Small indexes never reach the budget; the rarest word is always kept.
        """
        budget = self.options.max_postings
        if not budget or len(stems) <= 1:
            return stems
        df, _n = self.index.document_frequencies()
        if sum(df.get(s, 0) for s in stems) <= budget:
            return stems
        kept: set[str] = set()
        used = 0
        for s in sorted(stems, key=lambda s: df.get(s, 0)):
            if kept and used + df.get(s, 0) > budget:
                break
            kept.add(s)
            used += df.get(s, 0)
        return [s for s in stems if s in kept]

    # -- retrieval -------------------------------------------------------------------------------------
    def _dense_rank(self, vectors: np.ndarray, mask: np.ndarray | None, limit: int) -> list[list[tuple[int, float]]]:
        dense = self.index.dense()
        if dense.by_dim.shape[1] == 0:
            return [[] for _ in range(len(vectors))]
        scores = vectors @ dense.by_dim  # (q, n)
        if mask is not None:
            scores[:, ~mask] = -np.inf
        out: list[list[tuple[int, float]]] = []
        take = min(limit, scores.shape[1])
        for row in scores:
            top = np.argpartition(-row, take - 1)[:take]
            top = top[np.argsort(-row[top])]
            out.append([(int(dense.rowids[i]), float(row[i])) for i in top if np.isfinite(row[i])])
        return out

    def _top_similarities(self, vectors: np.ndarray, among: Sequence[list[tuple[int, float]]]) -> list[float]:
        """Each vector's best cosine over the chunks some ranking in ``among`` returned (chunk id, score).

        Clarity needs only the best similarity of each sentence's plain vector; scoring the few thousand chunks
        the pooled runs already found instead of the whole index keeps a long query to one pass over the matrix.
        """
        dense = self.index.dense()
        ids = np.unique(np.fromiter((cid for ranking in among for cid, _ in ranking), dtype=np.int64))
        if not len(ids) or not len(vectors):
            return [0.0] * len(vectors)
        columns = np.searchsorted(dense.rowids, ids)
        return [float(t) for t in (vectors @ dense.by_dim[:, columns]).max(axis=1)]

    def _idf_pooled(self, texts: Sequence[str], plain: np.ndarray) -> np.ndarray:
        """Unit vectors: Σ IDF(word) ** power × vector(word) over each text's content words the index knows.

        IDF-weighted averaging of word vectors (the usual remedy for a plain mean's equal say for every word). A
        text without such a word keeps its plain vector.
        """
        power = self.options.query_vector_idf
        df, n = self.index.document_frequencies()
        analyzer = shared_analyzer()
        weights: list[dict[str, float]] = []
        for text in texts:
            w: dict[str, float] = defaultdict(float)
            for word, stem in analyzer.terms(text):
                if word not in STOPWORDS and stem in df:
                    w[word] += idf(df[stem], n) ** power
            weights.append(w)
        words = sorted({word for w in weights for word in w})
        if not words:
            return plain
        word_vectors = self.index.embedder.embed(words)
        row = {word: i for i, word in enumerate(words)}
        out = plain.copy()
        for i, w in enumerate(weights):
            if not w:
                continue
            pooled = np.asarray([weight for weight in w.values()], dtype=np.float32) @ word_vectors[[row[x] for x in w]]
            norm = float(np.linalg.norm(pooled))
            if norm > 0:
                out[i] = pooled / norm
        return out

    def _doc_dense_rank(self, vectors: np.ndarray, allowed: Allowed | None) -> list[list[tuple[int, float]]]:
        """Document numbers ranked by cosine between each query vector and the document's chunk centroid."""
        dense = self.index.dense()
        if self._centroids is None or self._centroids[0] is not dense:
            nums = np.unique(dense.doc_nums)
            sums = np.zeros((len(nums), dense.by_dim.shape[0]), dtype=np.float32)
            np.add.at(sums, np.searchsorted(nums, dense.doc_nums), dense.by_dim.T)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            self._centroids = (dense, nums, sums / np.maximum(norms, 1e-9))
        _, nums, matrix = self._centroids
        scores = vectors @ matrix.T
        if allowed is not None:
            scores[:, ~np.isin(nums, np.fromiter(allowed.doc_nums, dtype=np.int64))] = -np.inf
        take = min(self.options.candidates, len(nums))
        out: list[list[tuple[int, float]]] = []
        for row in scores:
            if take <= 0:
                out.append([])
                continue
            top = np.argpartition(-row, take - 1)[:take]
            top = top[np.argsort(-row[top])]
            out.append([(int(nums[i]), float(row[i])) for i in top if np.isfinite(row[i])])
        return out

    def search(self, query: str, *, viewer: Viewer, k: int = 10, filters: SearchFilters | None = None) -> SearchResult:
        """The ``k`` best documents for ``query`` that ``viewer`` may read."""
        started = time.perf_counter()
        opts = self.options
        plan = self.plan(query)
        result = SearchResult(query=plan.text)
        if not plan.text or not re.search(r"\w", plan.text):
            return result
        allowed = self.index.allowed(viewer, filters)
        dense = self.index.dense()
        mask = allowed.chunk_mask if allowed is not None else None
        if mask is not None and not mask.any():
            return result

        # One run per retriever and (sub-)query: (weight, kind, aspect, ranked chunks). Runs of one (sub-)query
        # form an aspect of the question, for diversification.
        runs: list[Run] = []
        key_weight = opts.key_query_weight if plan.long else 1.0
        # Dense first: every (sub-)query's embedding ranking, and from it how clearly each sentence states a need.
        texts = [(key_weight, 0, plan.text)]
        texts += [(opts.sub_query_weight, n, sentence) for n, (sentence, _) in enumerate(plan.sub_queries, start=1)]
        vectors = self.index.embedder.embed([t for _, _, t in texts])
        if plan.long and opts.query_vector_idf:
            # Clarity from the text as written; retrieval from the IDF-weighted vectors.
            pooled = self._idf_pooled([t for _, _, t in texts], vectors)
            dense_runs = self._dense_rank(pooled, mask, opts.candidates)
            clarity = self._clarity(self._top_similarities(vectors[1:], dense_runs))
            vectors = pooled
        else:
            dense_runs = self._dense_rank(vectors, mask, opts.candidates)
            clarity = self._clarity([ranking[0][1] if ranking else 0.0 for ranking in dense_runs[1:]])
        phrases = list(plan.phrases)
        key = plan.key_terms if plan.long else list(plan.terms)
        if plan.long and opts.clarity_key and opts.clarity_power:
            key = self._clear_key_terms(plan, clarity)
        if key or phrases:
            key_ranking = self._bm25(plan, key, viewer, filters, phrases, weighted=True)
            runs.append(Run(key_weight * opts.bm25_weight, "bm25", 0, key_ranking))
            if opts.doc_weight and plan.long:
                doc_match = self._match(plan, key, phrases, weighted=True)
                doc_ranking = self.index.bm25_documents(
                    doc_match, limit=opts.candidates, viewer=viewer, filters=filters
                )
                runs.append(Run(key_weight * opts.doc_weight, "doc", 0, doc_ranking))
            title_weight = opts.title_weight if plan.long else opts.short_title_weight
            if title_weight:
                # Titles name things: match the phrases the query shares with titles (entity linking), or
                # the key terms when no phrase was found.
                title_terms = [] if (phrases and opts.title_phrases_only) else key
                titles = self._bm25(plan, title_terms, viewer, filters, phrases, column="title")
                runs.append(Run(key_weight * title_weight, "title", 0, titles))
        df, n_chunks = self.index.document_frequencies()
        for n, (sentence, stems) in enumerate(plan.sub_queries, start=1):
            in_sentence = _phrases_in(plan, sentence)
            ranking = self._bm25(plan, stems, viewer, filters, in_sentence)
            weight = opts.sub_query_weight * clarity[n - 1]
            if opts.qpp_power and ranking:
                # Query-performance prediction: a sentence whose words all meet in one passage is a clear need;
                # one whose best passage matches a word or two is filler. Its runs are weighted by that.
                ideal = sum(idf(df.get(s, 0), n_chunks) for s in stems) * 2.2 or 1.0
                weight *= min(1.0, ranking[0][1] / ideal) ** opts.qpp_power
            runs.append(Run(weight * opts.bm25_weight, "bm25", n, ranking))
            texts[n] = (weight, n, sentence)
        for (weight, aspect, _), ranking in zip(texts, dense_runs, strict=True):
            runs.append(Run(weight * opts.dense_weight, "dense", aspect, ranking))
        if plan.long and opts.doc_dense_weight:
            # Whole-document evidence from vectors: a document's centroid against each (sub-)query.
            rows = texts if opts.doc_dense_sub else texts[:1]
            for (weight, aspect, _), ranking in zip(
                rows, self._doc_dense_rank(vectors[: len(rows)], allowed), strict=True
            ):
                runs.append(Run(weight * opts.doc_dense_weight, "doc", aspect, ranking))

        fused = self._fuse(runs)
        if opts.prf_docs and plan.long and fused.doc_scores:
            expansion = self._feedback_terms(plan, fused)
            if expansion:
                plan.words.update({s: w for s, w in expansion})
                ranking = self._bm25(plan, [s for s, _ in expansion], viewer, filters)
                runs.append(Run(opts.prf_weight, "bm25", 0, ranking))
                fused = self._fuse(runs)
        if opts.chunk_count_norm and plan.long:
            # Many-chunk documents get more chances to appear in some run of a long query; pivot that away as
            # BM25 pivots document length.
            counts = np.bincount(dense.doc_nums) if len(dense.doc_nums) else np.zeros(1, dtype=np.int64)
            for num in fused.doc_scores:
                c = int(counts[num]) if num < len(counts) else 1
                fused.doc_scores[num] /= max(1, c) ** opts.chunk_count_norm
        doc_scores = fused.doc_scores
        if not doc_scores:
            result.took_ms = (time.perf_counter() - started) * 1000
            return result
        ranked_docs = sorted(doc_scores, key=lambda d: -doc_scores[d])
        if plan.long and opts.diversity > 0:
            ranked_docs = self._diversify(ranked_docs, fused, max(k, 10))
        if plan.long and opts.doc_dense_weight and opts.doc_dense_head:
            # Cascade: the head comes from passage evidence alone (precise), the rest from passage + document.
            precise = self._fuse([r for r in runs if r.kind != "doc"])
            head = sorted(precise.doc_scores, key=lambda d: -precise.doc_scores[d])[: opts.doc_dense_head]
            ranked_docs = head + [d for d in ranked_docs if d not in set(head)]
        result.hits = self._hits(ranked_docs[: max(k, 1)], fused, plan)
        if self.reranker is not None:
            result.hits = self.reranker.rerank(plan.text, result.hits)
        result.confident = self._confident(result.hits, plan)
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    def _clarity(self, tops: Sequence[float]) -> list[float]:
        """Sub-query weights from how closely some passage matches each sentence (``tops``: dense top similarity).

        A sentence stating a need ("no foreign transaction fees") has a passage that says nearly the same; filler
        (greetings, role-play instructions, names) matches nothing well. Weight = (top / best top) ** power.
        """
        power = self.options.clarity_power
        best = max(tops, default=0.0)
        if not power or best <= 0:
            return [1.0] * len(tops)
        weights = [max(0.0, t / best) ** power for t in tops]
        if self.options.clarity_normalize:
            mean = sum(weights) / len(weights)
            weights = [w / mean for w in weights] if mean > 0 else weights
        return weights

    def _clear_key_terms(self, plan: QueryPlan, clarity: list[float]) -> list[str]:
        """Key terms re-weighted by the clarity of the sentences they come from (filler's words drop out)."""
        best: dict[str, float] = {}
        for (_sentence, stems), c in zip(plan.sub_queries, clarity, strict=True):
            for s in stems:
                best[s] = max(best.get(s, 0.0), c)
        peak = max(clarity, default=1.0) or 1.0
        weight = {s: w * (best.get(s, 0.0) / peak) for s, w in plan.terms.items()}
        return sorted(weight, key=lambda s: -weight[s])[: self.options.key_terms]

    def _bm25(
        self,
        plan: QueryPlan,
        stems: Sequence[str],
        viewer: Viewer,
        filters: SearchFilters | None,
        phrases: Sequence[str] = (),
        column: str | None = None,
        weighted: bool = False,
    ) -> list[tuple[int, float]]:
        match = self._match(plan, stems, phrases, weighted=weighted)
        if not match:
            return []
        if column:
            match = f"{{{column}}} : ({match})"
        return self.index.bm25(
            match, limit=self.options.candidates, viewer=viewer, filters=filters, weights=self.options.bm25_columns
        )

    def _fuse(self, runs: list[Run]) -> Fused:
        """Weighted RRF over document rankings (a document ranks where its best chunk does)."""
        k = self.options.rrf_k
        all_chunks = {cid for run in runs if run.kind != "doc" for cid, _ in run.ranking}
        fused = Fused(doc_of=self.index.doc_nums_of(list(all_chunks)))
        for run in runs:
            ranks: dict[int, int] = {}
            if run.kind == "doc":
                for rank, (num, _score) in enumerate(run.ranking, start=1):
                    ranks[num] = rank
                    fused.doc_scores[num] += run.weight / (k + rank)
                    sig = fused.signals[num]
                    sig["bm25_rank"] = min(sig.get("bm25_rank", 1e9), float(rank))
                fused.doc_ranks.append((run.aspect, run.weight, ranks))
                continue
            for rank, (cid, score) in enumerate(run.ranking, start=1):
                num = fused.doc_of.get(cid, -1)
                if num < 0:
                    continue
                fused.chunk_scores[cid] += run.weight / (k + rank)
                if num in ranks:
                    if self.options.extra_chunk_weight:
                        fused.doc_scores[num] += self.options.extra_chunk_weight * run.weight / (k + rank)
                    continue
                ranks[num] = len(ranks) + 1
                if self.options.fusion == "combsum":
                    top = run.ranking[0][1] or 1.0
                    fused.doc_scores[num] += run.weight * max(0.0, score / top) / (k + 1)
                else:
                    fused.doc_scores[num] += run.weight / (k + ranks[num])
                sig = fused.signals[num]
                if run.kind == "dense":
                    sig["dense"] = max(sig.get("dense", -1.0), score)
                else:
                    sig["bm25_rank"] = min(sig.get("bm25_rank", 1e9), float(ranks[num]))
            fused.doc_ranks.append((run.aspect, run.weight, ranks))
        return fused

    def _feedback_terms(self, plan: QueryPlan, fused: Fused) -> list[tuple[str, str]]:
        """Pseudo-relevance feedback (RM3-like): informative terms of the best chunks of the top documents."""
        opts = self.options
        df, n = self.index.document_frequencies()
        top_docs = sorted(fused.doc_scores, key=lambda d: -fused.doc_scores[d])[: opts.prf_docs]
        best: dict[int, int] = {}
        for cid, _score in sorted(fused.chunk_scores.items(), key=lambda x: -x[1]):
            num = fused.doc_of.get(cid, -1)
            if num in top_docs and num not in best:
                best[num] = cid
        fused.rows.update(self.index.chunk_rows(list(best.values())))
        weights: dict[str, float] = defaultdict(float)
        words: dict[str, str] = {}
        analyzer = shared_analyzer()
        for num in top_docs:
            row = fused.rows.get(best.get(num, -1))
            if row is None:
                continue
            terms = [(w, s) for w, s in analyzer.terms(f"{row.title} {row.heading} {row.text}") if w not in STOPWORDS]
            if not terms:
                continue
            doc_weight = fused.doc_scores[num]
            for w, s in terms:
                if s in df and idf(df[s], n) >= opts.min_idf:
                    weights[s] += doc_weight / len(terms) * idf(df[s], n)
                    words.setdefault(s, w)
        ranked = sorted(weights, key=lambda s: -weights[s])[: opts.prf_terms]
        return [(s, words[s]) for s in ranked]

    def _diversify(self, ranked: list[int], fused: Fused, depth: int) -> list[int]:
        """xQuAD-style re-ranking of the top: prefer documents that serve aspects not yet served.

        Each sub-query is an aspect; a document's coverage of an aspect decays with its rank there. The first
        slots go by fused score, later ones increasingly to documents for needs the list does not answer yet.
        """
        opts = self.options
        pool = ranked[: depth * 4]
        if len(pool) <= 1:
            return ranked
        top = fused.doc_scores[pool[0]] or 1.0
        kd = opts.diversity_k
        cover: dict[int, dict[int, float]] = defaultdict(dict)  # aspect -> doc -> coverage
        weight: dict[int, float] = defaultdict(float)
        for aspect, w, ranks in fused.doc_ranks:
            weight[aspect] += w
            for doc, rank in ranks.items():
                value = (kd + 1) / (kd + rank)
                if value > cover[aspect].get(doc, 0.0):
                    cover[aspect][doc] = value
        total = sum(weight.values()) or 1.0
        uncovered = {a: 1.0 for a in weight}
        chosen: list[int] = []
        remaining = list(pool)
        lam = opts.diversity
        while remaining and len(chosen) < depth:

            def gain(doc: int) -> float:
                novelty = sum(weight[a] / total * cover[a].get(doc, 0.0) * uncovered[a] for a in weight)
                return (1 - lam) * fused.doc_scores[doc] / top + lam * novelty

            best = max(remaining, key=gain)
            chosen.append(best)
            remaining.remove(best)
            for a in weight:
                uncovered[a] *= 1.0 - cover[a].get(best, 0.0)
        return chosen + [d for d in ranked if d not in set(chosen)]

    def _hits(self, docs: list[int], fused: Fused, plan: QueryPlan) -> list[SearchHit]:
        doc_scores, chunk_scores, signals = fused.doc_scores, fused.chunk_scores, fused.signals
        wanted = set(docs)
        chosen: dict[int, list[int]] = defaultdict(list)
        top = docs[0] if docs else -1
        for cid in sorted(chunk_scores, key=lambda c: -chunk_scores[c]):
            num = fused.doc_of.get(cid, -1)
            limit = self.options.top_hit_chunks if num == top else self.options.chunks_per_hit
            if num in wanted and len(chosen[num]) < limit:
                chosen[num].append(cid)
        # Confidence (coverage) is judged on the chunks retrieval ranked, not on the page's unranked rest.
        ranked = {num: ids[: self.options.chunks_per_hit] for num, ids in chosen.items()}
        if docs and len(chosen[docs[0]]) < self.options.top_hit_chunks:
            # The top page's remaining chunks, in reading order, after those retrieval ranked.
            rest = self.index.doc_chunk_ids([docs[0]], limit=self.options.top_hit_chunks * 2).get(docs[0], [])
            have = set(chosen[docs[0]])
            chosen[docs[0]] += [c for c in rest if c not in have][: self.options.top_hit_chunks - len(have)]
        # Only the chunks shown are read back with their text.
        rows = self.index.chunk_rows([cid for ids in chosen.values() for cid in ids])
        by_doc: dict[int, list[ChunkRow]] = defaultdict(list)
        for num, ids in chosen.items():
            by_doc[num] = [rows[cid] for cid in ids if cid in rows]
        missing = [num for num in docs if not by_doc.get(num)]
        if missing:
            # Found by whole-document retrieval only: show its opening chunks.
            opening_ids = self.index.doc_chunk_ids(missing)
            per_doc = self.options.chunks_per_hit
            extra = self.index.chunk_rows([c for num in missing for c in opening_ids.get(num, [])[:per_doc]])
            for row in sorted(extra.values(), key=lambda r: r.ordinal):
                by_doc[row.doc_num].append(row)
        hits: list[SearchHit] = []
        for num in docs:
            chunks = by_doc.get(num) or []
            if not chunks:
                continue
            first = chunks[0]
            sig = dict(signals.get(num, {}))
            scored = set(ranked.get(num, [])) or {c.rowid for c in chunks}
            sig["coverage"] = self._coverage(plan, [c for c in chunks if c.rowid in scored] or chunks)
            hits.append(
                SearchHit(
                    doc_id=first.doc_id,
                    title=first.title,
                    link=first.link,
                    score=round(doc_scores[num], 6),
                    source=first.source,
                    path=first.path,
                    updated_at=first.updated_at,
                    signals=sig,
                    chunks=[
                        ChunkHit(
                            chunk_id=r.chunk_id,
                            doc_id=r.doc_id,
                            title=r.title,
                            heading=r.heading,
                            text=r.text,
                            link=r.link,
                            updated_at=r.updated_at,
                            score=round(chunk_scores.get(r.rowid, 0.0), 6),
                        )
                        for r in chunks
                    ],
                )
            )
        return hits

    @staticmethod
    def _coverage(plan: QueryPlan, chunks: Sequence[ChunkRow]) -> float:
        """IDF-weighted share of the query's informative terms found in these chunks (title and headings too)."""
        if not plan.terms:
            return 0.0
        text = " ".join(f"{c.title} {c.heading} {c.text}" for c in chunks)
        # Stem each distinct word once: a passage repeats its words, and this runs for every hit of every query.
        present = set(shared_analyzer().stems(list({w.lower() for w in WORD.findall(text)})).values())
        total = sum(plan.terms.values())
        return sum(w for s, w in plan.terms.items() if s in present) / total if total else 0.0

    def _confident(self, hits: list[SearchHit], plan: QueryPlan) -> bool:
        if not hits:
            return False
        top = hits[0].signals
        if plan.long:
            return True
        return top.get("coverage", 0.0) >= self.options.min_coverage or top.get("dense", 0.0) >= self.options.min_dense


def _phrases_in(plan: QueryPlan, sentence: str) -> list[str]:
    lowered = " ".join(words_of(sentence))
    return [p for p in plan.phrases if p.strip('"') in lowered]


def words_of(text: str) -> list[str]:
    """Lower-cased words (for callers that need the analyzer's notion of a word)."""
    return [w.lower() for w in WORD.findall(text)]
