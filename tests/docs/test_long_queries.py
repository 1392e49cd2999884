"""Long queries (a whole customer situation): sub-query clarity weighting."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from integrations.docs.base import EVERYONE
from integrations.docs.index import SqliteDocsIndex
from integrations.docs.search import HybridSearcher, QueryPlan, idf

SITUATION = (
    "You are pretending to be somebody phoning a helpline today. "
    "My laptop cannot connect to the VPN because the WireGuard profile keeps dropping every hour. "
    "Also I want to know how many vacation days I get this year and how to request them. "
    "Please be polite and patient and speak slowly when you talk to the person answering."
)


def test_clarity_weights_follow_dense_top_similarity(index: SqliteDocsIndex) -> None:
    """Each sub-query's weight is its best dense similarity relative to the best sub-query's, mean-normalised."""
    searcher = HybridSearcher(index, dataclasses.replace(index.options, clarity_power=1.0, clarity_normalize=False))
    tops = [0.8, 0.4, 0.0]
    assert searcher._clarity(tops) == [1.0, 0.5, 0.0]
    searcher.options = dataclasses.replace(searcher.options, clarity_normalize=True)
    weights = searcher._clarity(tops)
    assert abs(sum(weights) / len(weights) - 1.0) < 1e-9 and weights[0] == 2 * weights[1]
    searcher.options = dataclasses.replace(searcher.options, clarity_power=0.0)
    assert searcher._clarity(tops) == [1.0, 1.0, 1.0]


def test_clear_key_terms_drop_filler_words(index: SqliteDocsIndex) -> None:
    """Key terms that only occur in unclear sentences fall behind those of clear ones."""
    searcher = HybridSearcher(index, dataclasses.replace(index.options, key_terms=2))
    plan = QueryPlan(text="", terms={"polit": 9.0, "vpn": 3.0, "vacat": 2.0})
    plan.sub_queries = [("polite", ["polit"]), ("vpn", ["vpn"]), ("vacation", ["vacat"])]
    assert searcher._clear_key_terms(plan, [0.1, 1.0, 0.9]) == ["vpn", "vacat"]


def test_long_situation_finds_each_need(index: SqliteDocsIndex) -> None:
    """A rambling situation with two needs and role-play filler, processed as a long query, ranks both first."""
    searcher = HybridSearcher(index, dataclasses.replace(index.options, long_query_terms=3, min_sub_query_terms=1))
    plan = searcher.plan(SITUATION)
    assert plan.long and len(plan.sub_queries) >= 3
    top = [h.doc_id for h in searcher.search(SITUATION, viewer=EVERYONE, k=3).hits]
    assert set(top[:2]) == {"vpn.md", "leave.md"}


def test_document_centroid_ranking(index: SqliteDocsIndex) -> None:
    """Documents rank by cosine to the mean of their chunk vectors; the cache follows index changes."""
    searcher = HybridSearcher(index, index.options)
    vector = index.embedder.embed(["WireGuard VPN profile drops every hour"])
    ranking = searcher._doc_dense_rank(vector, None)[0]
    scores = [score for _, score in ranking]
    assert scores == sorted(scores, reverse=True) and len({num for num, _ in ranking}) == len(ranking)
    names = {int(num): doc_id for num, doc_id in index._conn.execute("SELECT num, id FROM documents")}
    assert names[ranking[0][0]] == "vpn.md"


def test_cascade_keeps_passage_head(index: SqliteDocsIndex) -> None:
    """With document-level runs on, the first documents are still those passage evidence ranks first."""
    base = dataclasses.replace(index.options, long_query_terms=3, min_sub_query_terms=1)
    passage_only = HybridSearcher(index, dataclasses.replace(base, doc_dense_weight=0.0))
    cascade = HybridSearcher(index, dataclasses.replace(base, doc_dense_weight=5.0, doc_dense_head=2))
    first = [h.doc_id for h in passage_only.search(SITUATION, viewer=EVERYONE, k=5).hits]
    second = [h.doc_id for h in cascade.search(SITUATION, viewer=EVERYONE, k=5).hits]
    assert second[:2] == first[:2]


def test_idf_pooled_vector_leans_to_the_rarer_word(index: SqliteDocsIndex) -> None:
    """A long query's vector weights its words by IDF: the rarer word pulls harder than the commoner one."""
    searcher = HybridSearcher(index, dataclasses.replace(index.options, query_vector_idf=1.0))
    df, n = index.document_frequencies()
    assert idf(df["wireguard"], n) > idf(df["dai"], n)  # "days" is in several chunks, "wireguard" in one
    text = "days wireguard"
    pooled = searcher._idf_pooled([text], index.embedder.embed([text]))[0]
    rare, common = index.embedder.embed(["wireguard", "days"])
    assert abs(float(np.linalg.norm(pooled)) - 1.0) < 1e-5
    assert float(pooled @ rare) > float(pooled @ common)


def test_idf_pooled_vector_ignores_stopwords_and_unknown_words(index: SqliteDocsIndex) -> None:
    """Stopwords and words the index never uses (names, numbers) leave the vector unchanged; none at all keeps the
    plain vector."""
    searcher = HybridSearcher(index, index.options)
    texts = ["days wireguard", "the days of Kenji wireguard 206-555", "Kenji Tanaka"]
    plain = index.embedder.embed(texts)
    pooled = searcher._idf_pooled(texts, plain)
    assert np.allclose(pooled[0], pooled[1], atol=1e-6)
    assert np.array_equal(pooled[2], plain[2])


@pytest.mark.parametrize(("text", "long"), [("how many vacation days do I get", False), (SITUATION, True)])
def test_document_bm25_runs_for_long_queries_only(
    index: SqliteDocsIndex, monkeypatch: pytest.MonkeyPatch, text: str, long: bool
) -> None:
    """Whole-document BM25 of the key query joins long queries' fusion; short questions go without it."""
    searcher = HybridSearcher(
        index, dataclasses.replace(index.options, long_query_terms=3, min_sub_query_terms=1, doc_weight=1.0)
    )
    assert searcher.plan(text).long is long
    calls: list[str] = []
    real = index.bm25_documents

    def recording(match: str, **kwargs: object) -> list[tuple[int, float]]:
        calls.append(match)
        return real(match, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(index, "bm25_documents", recording)
    assert searcher.search(text, viewer=EVERYONE, k=3).hits
    assert bool(calls) is long
