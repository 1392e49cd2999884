"""Tokens the way the index sees them: FTS5's own ``porter unicode61`` tokenizer, run on a scratch table.

Query processing needs each query word's stem (to look up its document frequency and to merge "cards" with
"card"). Running SQLite's tokenizer keeps that exactly consistent with what BM25 matches, with no stemmer of our
own to drift from it.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections import OrderedDict

TOKENIZER = "porter unicode61 remove_diacritics 2"
WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Function words carry no topic. A short, generic English list (not derived from any corpus): BM25's IDF already
# discounts frequent words; this only keeps them out of sub-query selection and coverage counts.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren as at be because been before being below
    between both but by can cannot could couldn did didn do does doesn doing don down during each few for from
    further had hadn has hasn have haven having he her here hers herself him himself his how i if in into is isn
    it its itself just let me more most mustn my myself no nor not now of off on once only or other ought our ours
    ourselves out over own same shan she should shouldn so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was wasn we were weren what when where
    which while who whom why will with won would wouldn you your yours yourself yourselves s t d ll m re ve y
    also get got may might must shall us via per etc e g ie eg hi hello hey please thanks thank ok okay""".split()
)


class Analyzer:
    """Word → stem through FTS5's tokenizer, cached; one scratch connection per thread."""

    def __init__(self, cache_size: int = 50_000) -> None:
        self._local = threading.local()
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(":memory:")
            conn.execute(f"CREATE VIRTUAL TABLE scratch USING fts5(t, tokenize='{TOKENIZER}')")
            conn.execute("CREATE VIRTUAL TABLE scratch_terms USING fts5vocab(scratch, 'instance')")
            self._local.conn = conn
        return conn

    def stems(self, words: list[str]) -> dict[str, str]:
        """Stem of each (lower-cased) word; words the tokenizer drops map to ''."""
        wanted = sorted({w.lower() for w in words})
        out: dict[str, str] = {}
        missing: list[str] = []
        with self._lock:
            for w in wanted:
                stem = self._cache.get(w)
                if stem is None:
                    missing.append(w)
                else:
                    out[w] = stem
        if missing:
            conn = self._conn()
            with conn:
                conn.execute("DELETE FROM scratch")
                conn.executemany("INSERT INTO scratch(rowid, t) VALUES (?, ?)", list(enumerate(missing, start=1)))
                found = {
                    int(doc): str(term)
                    for term, doc, offset in conn.execute("SELECT term, doc, offset FROM scratch_terms")
                    if offset == 0
                }
            with self._lock:
                for n, w in enumerate(missing, start=1):
                    stem = found.get(n, "")
                    out[w] = stem
                    self._cache[w] = stem
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out

    def terms(self, text: str) -> list[tuple[str, str]]:
        """``(word, stem)`` for each word of ``text`` in order (stems of stopwords included)."""
        words = [w.lower() for w in WORD.findall(text)]
        stems = self.stems(words)
        return [(w, stems.get(w, "")) for w in words if stems.get(w)]


_shared = Analyzer()


def shared_analyzer() -> Analyzer:
    """One analyzer per process."""
    return _shared
