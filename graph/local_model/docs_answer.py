"""The local model's docs skill: ask ``search_docs``, then answer extractively with citations.

No LLM writes the answer: the best-supported sentences of the retrieved passages are quoted as they are, each
followed by its citation, with the sources as Slack links underneath. A sentence is chosen for how many of the
question's words it contains (prefix-matched, so "reimbursed" meets "reimbursement") and how close its
WordLlama embedding is to the question's, with a small preference for higher-ranked documents. When retrieval
was not confident, or no sentence is close enough, the answer says it could not find this in the docs rather
than guess. Passages are data: sentences that address an AI assistant ("ignore your instructions") are never
quoted, and nothing a document says can turn into a tool call here (this skill only ever calls search_docs).
"""

from __future__ import annotations

import math
import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from graph.docs_synonyms import expand_query, formal_alternatives
from graph.local_model.context import ModelContext
from graph.local_model.embeddings import embed
from graph.local_model.text import strip_bot_mention, unslack

NOT_FOUND = "I couldn't find this in the docs."
MAX_QUERY_CHARS = 20_000
DOCS_ANSWER_KEY = "deskhand_docs"
"""``additional_kwargs`` key of a docs answer: the sources it cites (the docs node adds the answer id)."""

_WORD = re.compile(r"[^\W_]+(?:['’][a-z]+)?", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])")
_STOP = frozenset(
    """a about above after again all also am an and any are as at be been before being below between both but by
    can could did do does doing down during each few for from further had has have having he her here hers him
    his how i if in into is it its itself just me more most my no nor not now of off on once only or other our
    out over own same she should so some such than that the their them then there these they this those through
    to too under until up very was we were what when where which while who whom why will with would you your
    yours get got may might must shall us please hi hello hey thanks thank know tell need want wondering anyone
    does do our company here kestrel deskhand docs doc document documents policy say says work working job
    many much long often early fast soon allowed able way thing things something anything someone happen happens
    now today help new didn don doesn isn wasn aren won can couldn shouldn wouldn ve ll re take make go going
    come put keep give gets getting""".split()
)
_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|rules?|prompts?|guidelines|polic(y|ies))\b|"
    r"\b(you are|act as|pretend to be)\b.{0,30}\b(assistant|ai|bot|model|deskhand|admin(istrator)?)\b|"
    r"\b(system prompt|jailbreak|developer mode)\b|"
    r"\b(assistant|ai|bot|deskhand|model)s?\b.{0,40}\b(must|should|shall|will)\b.{0,40}"
    r"\b(approve|create|close|delete|call|run|execute|open)\b",
    re.I,
)


def _clean(message: BaseMessage, ctx: ModelContext) -> str:
    raw = message.content if isinstance(message.content, str) else ""
    text = unicodedata.normalize("NFKC", unslack(strip_bot_mention(raw, ctx.bot_user_id)))
    return " ".join(text.split())[:MAX_QUERY_CHARS]


_FUNCTION_WORDS = frozenset(
    w for w in _STOP if w not in {"tell", "need", "take", "keep", "give", "early", "late", "often", "allowed", "new"}
)
"""For choosing a sentence inside a document already found, a few request verbs and degree words carry the
question ("tell" people, "take" leave, how "early"); finding the document ignores them as conversational filler."""


def _sentence_terms(question: str) -> list[str]:
    words = (m.lower().replace("’", "'").split("'")[0] for m in _WORD.findall(question))
    return list(dict.fromkeys(w for w in words if w not in _FUNCTION_WORDS and len(w) > 1))


def _content_words(text: str) -> list[str]:
    words = (m.lower().replace("’", "'").split("'")[0] for m in _WORD.findall(text))
    return [w for w in words if w not in _STOP and len(w) > 1]


def _previous_question(messages: list[BaseMessage], ctx: ModelContext) -> str:
    humans = [m for m in messages[:-1] if isinstance(m, HumanMessage)]
    return _clean(humans[-1], ctx) if humans else ""


def _answered_docs_before(messages: list[BaseMessage]) -> bool:
    for message in reversed(messages[:-1]):
        if isinstance(message, AIMessage) and message.tool_calls:
            return any(c["name"] == "search_docs" for c in message.tool_calls)
        if isinstance(message, AIMessage) and DOCS_ANSWER_KEY in message.additional_kwargs:
            return True
    return False


def plan_docs(messages: list[BaseMessage], ctx: ModelContext) -> AIMessage:
    """Search for the question; a two-word follow-up ("and for contractors?") carries the earlier question."""
    text = _clean(messages[-1], ctx)
    if not re.search(r"\w", text):
        return AIMessage(content="What would you like me to look up in the company docs?")
    query = text
    if len(_content_words(text)) <= 3 and _answered_docs_before(messages):
        previous = _previous_question(messages, ctx)
        if previous:
            query = f"{previous} {text}"
    call = {"name": "search_docs", "args": {"query": query}, "id": f"call_{uuid.uuid4().hex[:16]}", "type": "tool_call"}
    return AIMessage(content="", tool_calls=[call])


@dataclass
class _Unit:
    """A sentence, a whole list item or a table row of a passage."""

    text: str
    block: int
    """Which paragraph, list or table of the passage it belongs to."""
    kind: str
    """``sentence``, ``item`` or ``row``."""
    heading: str = ""
    """The sub-heading it sits under inside the passage (merged sections keep theirs as lines)."""
    score: float = 0.0


@dataclass
class _Passage:
    hit: int
    """Index of the document among the hits."""
    chunk: int
    title: str
    heading: str
    text: str
    units: list[_Unit]
    support: float = 0.0
    score: float = 0.0


def _units(text: str, section: str = "") -> list[_Unit]:
    """Sentences, list items (kept whole) and table rows (as "column: value" pairs) of a passage.

    ``section`` is the heading the passage itself sits under: its opening sentences belong to it ("The tunnel
    drops every hour on macOS" is what "Update the client to 2.4.1" answers), later ones to their sub-headings.
    """
    out: list[_Unit] = []
    heading = section
    for block_no, block in enumerate(re.split(r"\n\s*\n", text)):
        lines = [line for line in block.split("\n") if line.strip()]
        if lines and all(line.strip().startswith("|") for line in lines):
            rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
            rows = [r for r in rows if not all(set(c) <= set("-: ") for c in r)]
            header = rows[0] if rows else []
            for row in rows[1:]:
                pairs = [f"{h}: {v}" if h else v for h, v in zip(header, row, strict=False) if v]
                out.append(_Unit("; ".join(pairs) + ".", block_no, "row", heading))
            continue
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("#"):
                heading = stripped.lstrip("#").strip()
                continue
            item = re.match(r"^([-*+•]|\d{1,3}[.)])\s+", stripped)
            stripped = re.sub(r"^([-*+•]|\d{1,3}[.)])\s+", "", stripped)
            stripped = re.sub(r"\*\*([^*]+)\*\*", r"\1", stripped).replace("`", "")
            if item and len(stripped) <= 400:
                out.append(_Unit(stripped, block_no, "item", heading))
                continue
            sentences = [x.strip() for x in _SENTENCE_END.split(stripped) if len(x.strip()) > 2]
            out += [_Unit(x, block_no, "sentence", heading) for x in sentences]
    return [u for u in out if not _INJECTION.search(u.text) and len(u.text) <= 600]


def _link(url: str, label: str) -> str:
    label = label.replace("|", "/").replace(">", "›").replace("<", "‹")
    return f"<{url}|{label}>" if url else label


def _trailing_results(messages: list[BaseMessage]) -> tuple[list[dict[str, Any]], bool, bool]:
    """The search_docs artifacts since the last model turn: hits (merged, best first), confident, any search."""
    hits: list[dict[str, Any]] = []
    confident = False
    searched = False
    seen: set[str] = set()
    for message in reversed(messages):
        if not isinstance(message, ToolMessage):
            break
        if message.name != "search_docs":
            continue
        searched = True
        artifact = message.artifact if isinstance(message.artifact, dict) else {}
        confident = confident or bool(artifact.get("confident"))
        for hit in artifact.get("results") or []:
            if hit.get("doc_id") not in seen:
                seen.add(str(hit.get("doc_id")))
                hits.append(hit)
    return hits, confident, searched


def _question(messages: list[BaseMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, AIMessage) and message.tool_calls:
            for call in message.tool_calls:
                if call["name"] == "search_docs":
                    return str(call["args"].get("query") or "")
        if isinstance(message, HumanMessage):
            return message.content if isinstance(message.content, str) else ""
    return ""


SUPPORT_NEEDED = 0.34
SUPPORT_NEEDED_UNSURE = 0.5
"""Share of the question's content words (or close synonyms) one passage must hold for the answer to quote it,
when retrieval was confident / unsure. People describe their situation ("facing surgery and a long recovery...")
in words the handbook never uses, so at 0.5 the blind rounds 4 and 5 got "I couldn't find this" on the right page
for most of their misses. Over all five docs sets (154 questions) 0.5/0.6 → 0.34/0.5 took the pass rate from 61%
to 67.5% (blind round 5: 25% → 50%) and cost one of seven unanswerable questions ("couldn't find" 71% → 57%);
0.25 and lower cost far more unanswerable ones for no further gain."""
SOFT_MATCH = 0.42
"""Cosine similarity (WordLlama) at which two different words count as the same concept ("kid" ~ "child")."""
MAX_ANSWER_CHARS = 600
TOP_PAGE_PASSAGES = 8
PASSAGE_SUPPORT_WEIGHT = 0.1
"""A sentence's share of its passage's support (how much of the question the whole passage covers)."""
TITLE_WORD_WEIGHT = 0.3
"""Weight, among a page's sentences, of a question word its title already has (it cannot tell them apart)."""
_RANK_PRIOR = (0.2, 0.1, 0.05)
"""Preference for passages of the first, second and third document (retrieval's own ranking)."""
_NUMBER_WORD = (
    r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|sixteen|twenty|"
    r"thirty|a|an|half an?)"
)
_UNIT = r"(?:minutes?|hours?|days?|working days?|weeks?|months?|years?|calendar days?)"
_DURATION = re.compile(rf"\b{_NUMBER_WORD}[- ](?:\w+ )?{_UNIT}\b|\bimmediately\b", re.I)
_COUNT = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twice|once|dozen)\b", re.I)
_MONEY = re.compile(r"\d[\d,.]*\s*(EUR|USD|GBP|%)|[€$£]\s*\d|\b(free|paid|covered|budget|allowance)\b", re.I)
_DATE = re.compile(
    r"\b\d{1,2}:\d{2}\b|\b\d{1,2}(st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|"
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|june|july|"
    r"august|september|october|november|december|weekly|daily|monthly|quarterly|annually|yearly)\b|"
    r"\b(before|by|within|until|after|at least)\b[^.;]{0,30}\d",
    re.I,
)
_FREQUENCY = re.compile(r"\b(every|each|per|once|twice|weekly|daily|monthly|quarterly|annually|yearly|a year)\b", re.I)
_PERSON = re.compile(
    r"\b[A-Z][a-z]+ [A-Z][a-z]+\b|#[\w-]+|\b(manager|team|finance|people|it|security|owner|lead|buddy|hr|legal)\b"
)
_PERMISSION = re.compile(
    r"\b(can|can't|cannot|may|allowed|not|never|only|must|need|needs|requires?|approv\w*|fine|ok|okay|permitted)\b",
    re.I,
)
_PLACE = re.compile(r"\b(in|at|through|via|from)\s+(the\s+)?[A-Z#*]|https?://|#[\w-]+|\w+\.\w+\.\w+", re.I)
_NAMED = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][\w-]*[A-Z0-9][\w-]*\b|\b[A-Z][a-z]+-[A-Z]{2}\b|\d")
_TIME_OFF = r"(?:\w+ ){0,2}(?:time|leave|notice|holidays?|vacation|pto|days?|weeks?)\b(?! (?:pay|allowance|budget))"
"""After "how much": an amount of time ("how much annual leave", "how much paid time off"), not of money ("how
much holiday pay")."""
_ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"\bhow (long|early|fast|quickly|soon|late)\b", re.I), _DURATION),
    (re.compile(rf"\bhow much {_TIME_OFF}", re.I), _DURATION),
    (re.compile(r"\bhow many\b", re.I), _COUNT),
    (
        re.compile(
            rf"\bhow much\b(?! {_TIME_OFF})|"
            r"\b(limit|maximum|max|cap|budget|cost|price|allowance|money|compensation|reimburs\w*)\b",
            re.I,
        ),
        _MONEY,
    ),
    (re.compile(r"\b(by when|until when|what time|deadline|when)\b", re.I), _DATE),
    (re.compile(r"\bhow often\b", re.I), _FREQUENCY),
    (re.compile(r"^\s*who\b|\bwho (do|should|can|to)\b|\bwhom\b", re.I), _PERSON),
    (re.compile(r"^\s*(can|may|am i allowed|is it ok|is it okay|do i need|are we allowed)\b", re.I), _PERMISSION),
    (re.compile(r"^\s*where\b|\bwhere (do|can|should)\b", re.I), _PLACE),
    (
        re.compile(r"^\s*(which|what)\b\s+(\w+\s+)?(profile|version|tool|app|client|model|laptop|computer)", re.I),
        _NAMED,
    ),
]
"""Question forms and what their answers contain: a duration, a number, an amount, a date or time, a frequency, a
person or team, a permission or rule, a place or link, a named thing. A question can ask several ("who do I tell
and by when?")."""
_MEASURES = (_DURATION, _COUNT, _MONEY, _DATE, _FREQUENCY)
_CONTINUES = re.compile(r"^(if|unless|otherwise|except|after that|then|this|that|it|they|both|each|these)\b", re.I)
"""A sentence starting like this completes (a condition, an exception) or refers back to the one before it."""
_TYPE_BONUS = 0.25
_LOOSE_TYPE_BONUS = 0.05
"""A permission, person or place pattern matches many sentences that are not the answer: it only breaks ties."""
_TYPE_MISSING = 0.1


def answer_from_results(messages: list[BaseMessage]) -> AIMessage:
    """The extractive answer to the last docs search, with citations; or "couldn't find" when unsupported.

    Passage first: the passage that best supports the question (its words, or close synonyms, in the passage;
    retrieval's rank; embedding similarity) is chosen, then its best sentences are quoted in order. A list item
    or a short list is quoted whole. A second document is cited only when it supports the question as well.
    """
    hits, confident, searched = _trailing_results(messages)
    errors = [m.content for m in messages[-3:] if isinstance(m, ToolMessage) and str(m.content).startswith("Error:")]
    if not searched or (errors and not hits):
        detail = str(errors[0]).removeprefix("Error: ") if errors else ""
        return AIMessage(content=f"Sorry, I couldn't search the docs just now. {detail}".strip())
    question = _question(messages)
    terms = _question_terms(question)
    passages = _passages(hits[:4])
    if not hits or not passages or not terms:
        return _not_found(hits)
    needed = SUPPORT_NEEDED if confident else SUPPORT_NEEDED_UNSURE
    _score_passages(question, terms, passages)
    eligible = [p for p in passages if p.support >= needed]
    if not eligible:
        return _not_found(hits)
    # Retrieval ranks documents with evidence from the whole index; a lower-ranked page only answers when the top
    # one has nothing that supports the question (a passage sharing more words is not a better document).
    from_top = [p for p in eligible if p.hit == min(q.hit for q in eligible)]
    best = max(from_top, key=lambda p: p.score)
    # The best document is chosen by passage; within it every passage's sentences compete, so the sentence that
    # answers wins even when a neighbouring passage shares more of the question's words (support decides whether
    # the page answers at all, not which of its sections does).
    siblings = [p for p in passages if p.hit == best.hit]
    # "vacation" asks about what the handbook calls "annual leave": sentences may match either name.
    sentence_terms = _sentence_terms(expand_query(question))
    _score_units(question, sentence_terms, siblings)
    for passage in siblings:
        # Retrieval's order of a document's passages: a small preference for the one it ranked first.
        for unit in passage.units:
            unit.score += PASSAGE_SUPPORT_WEIGHT * passage.support - 0.03 * min(passage.chunk, 3)
    best = max(siblings, key=lambda p: max(u.score for u in p.units))
    chosen: list[tuple[_Passage, list[_Unit]]] = [(best, _pick_units(question, best))]
    for other in sorted(eligible, key=lambda p: -p.score):
        if other.hit != best.hit and other.support >= max(needed, best.support) and other.score >= 0.9 * best.score:
            _score_units(question, sentence_terms, [other])
            chosen.append((other, _pick_units(question, other, limit=1)))
            break
    return _compose(chosen, hits)


def _passages(hits: list[dict[str, Any]]) -> list[_Passage]:
    """The top document's passages (retrieval sends its best first, then the rest of the page) and the best
    passage of the next three."""
    out: list[_Passage] = []
    for h, hit in enumerate(hits):
        for c, chunk in enumerate((hit.get("chunks") or [])[: TOP_PAGE_PASSAGES if h == 0 else 1]):
            text = str(chunk.get("text") or "")
            path = str(chunk.get("heading") or "")
            units = _units(text, path.split(" > ")[-1] if path else "")
            if units:
                title = str(hit.get("title") or "")
                out.append(_Passage(h, c, title, path, text, units))
    return out


def _stem(word: str) -> str:
    """Strip common English endings, then keep five letters: "carried" ~ "carry", "booking" ~ "book", "used" ~
    "use" (a bare final "e" stays: dropping it would merge "care"/"car", "note"/"not", "plane"/"plan")."""
    w = word.lower().split("'")[0]
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            w = w[: -len(suffix)] + repl
            break
    else:
        if len(w) == 4 and w.endswith("ed") and not w.endswith("eed"):
            w = w[:-1]  # "used" → "use"
    return w[:5]


_word_vectors: dict[str, np.ndarray] = {}


def _vectors(words: list[str]) -> dict[str, np.ndarray]:
    missing = [w for w in dict.fromkeys(words) if w not in _word_vectors]
    if missing:
        for w, v in zip(missing, embed(missing), strict=True):
            _word_vectors[w] = v
        while len(_word_vectors) > 20_000:
            _word_vectors.pop(next(iter(_word_vectors)))
    return {w: _word_vectors[w] for w in words}


def _question_terms(question: str) -> list[str]:
    return list(dict.fromkeys(_content_words(question)))


def _word_stems(words: list[str]) -> set[str]:
    """Stems of the words, plus the stem under a negating "un-" ("unused" also counts as "use")."""
    stems = {_stem(w) for w in words}
    stems.update(_stem(w[2:]) for w in words if w.startswith("un") and len(w) >= 6)
    return stems


def _matches(terms: list[str], text: str, alternatives: dict[str, str] | None = None) -> dict[str, float]:
    """Per question word: 1 if the text has it (same stem) or the formal term it stands for ("vacation": "annual
    leave"), 0.7 if it has a close synonym, else 0."""
    words = list(dict.fromkeys(_content_words(text)))
    stems = _word_stems(words)
    out = {t: 1.0 for t in terms if _stem(t) in stems}
    for t, formal in (alternatives or {}).items():
        if t in terms and t not in out and all(_stem(w) in stems for w in _content_words(formal)):
            out[t] = 1.0
    unmatched = [t for t in terms if t not in out]
    if unmatched and words:
        vectors = _vectors(unmatched + words)
        matrix = np.stack([vectors[w] for w in words])
        for t in unmatched:
            out[t] = 0.7 if float(np.max(matrix @ vectors[t])) >= SOFT_MATCH else 0.0
    return {t: out.get(t, 0.0) for t in terms}


def _score_passages(question: str, terms: list[str], passages: list[_Passage]) -> None:
    """Support: the share of the question's words (or close synonyms) in the passage; a word found only in its
    title or heading counts half. Score: support, embedding similarity and retrieval's rank."""
    vectors = embed([question] + [f"{p.heading}\n{p.text}" for p in passages])
    sims = np.asarray(vectors[1:] @ vectors[0]).tolist()
    alternatives = formal_alternatives(question)
    asked = _asked_terms(question)
    for passage, sim in zip(passages, sims, strict=True):
        body = _matches(terms, passage.text, alternatives)
        label = _matches(terms, f"{passage.title} {passage.heading}", alternatives)
        found = {t: 1.0 if body[t] > 0 else (0.5 if label[t] > 0 else 0.0) for t in terms}
        passage.support = sum(found.values()) / len(terms)
        if asked and all(body.get(t) == 1.0 for t in asked):
            # The situation told before the question ("customer visit in a village, no trains go there. can I hire
            # a car?") is in words no handbook uses. The question sentence alone then counts, but only when the
            # passage has every one of its words (or their handbook terms): close synonyms of two generic words
            # ("can I bring it to the office?") would answer questions the handbook never covers.
            passage.support = max(passage.support, 1.0)
        prior = _RANK_PRIOR[passage.hit] if passage.hit < len(_RANK_PRIOR) else 0.0
        passage.score = 0.5 * passage.support + 0.3 * float(sim) + prior + (0.05 if passage.chunk == 0 else 0.0)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _asked_terms(question: str) -> list[str] | None:
    """The content words of the question sentence when a situation is told before it ("… no trains go there. can I
    hire a car at the airport?"); None for a message that is one sentence (or asks nothing)."""
    sentences = [s for s in _SENTENCE_END.split(question.strip()) if s.strip()]
    if len(sentences) < 2 or not sentences[-1].rstrip().endswith("?"):
        return None
    terms = _question_terms(sentences[-1])
    return terms if len(terms) >= 2 and len(terms) < len(_question_terms(question)) else None


def _wanted(question: str) -> list[re.Pattern[str]]:
    """What the answer must contain for this question form (empty: no particular type)."""
    return [answer for asks, answer in _ANSWER_TYPES if asks.search(question)]


def _score_units(question: str, terms: list[str], passages: list[_Passage]) -> None:
    """Score each sentence of one document's passages: the question's words in it (IDF-weighted over the
    document's sentences, its sub-heading counting half), its WordLlama similarity to the question, with and
    without the heading path it sits under, and whether it holds the kind of fact the question asks for (a
    duration, a date, a person...).

    Weights are shared by the whole document so that sentences of different passages compare fairly, and a word
    the document's title already has ("vpn" in "VPN setup") weighs little: every sentence of that page is about
    it, so it cannot tell them apart.
    """
    units = [u for p in passages for u in p.units]
    if not units:
        return
    alternatives = formal_alternatives(question)
    bodies = [_matches(terms, u.text, alternatives) for u in units]
    labels = [_matches(terms, u.heading, alternatives) if u.heading else dict.fromkeys(terms, 0.0) for u in units]
    titled = _matches(terms, passages[0].title, alternatives)
    n = len(units)
    weight = {
        t: math.log(1.0 + n / (1.0 + sum(1 for m in bodies if m[t] > 0))) * (TITLE_WORD_WEIGHT if titled[t] else 1.0)
        for t in terms
    }
    total = sum(weight.values()) or 1.0
    headed: list[str] = []
    for passage in passages:
        section = passage.heading.split(" > ")[-1] if passage.heading else passage.title
        for u in passage.units:
            headed.append(f"{section} {u.heading}: {u.text}" if u.heading != section else f"{section}: {u.text}")
    vectors = embed([question] + [u.text for u in units] + headed)
    sims = np.asarray(vectors[1 : n + 1] @ vectors[0]).tolist()
    head_sims = np.asarray(vectors[n + 1 :] @ vectors[0]).tolist()
    wanted = _wanted(question)
    for unit, body, label, sim, head_sim in zip(units, bodies, labels, sims, head_sims, strict=True):
        lexical = sum(weight[t] * max(body[t], 0.5 * label[t]) for t in terms) / total
        typed = 0.0
        if wanted:
            found = sum(1 for p in wanted if p.search(unit.text))
            # A "how long" answer without any duration is rarely the answer; a rule or a place can be worded in
            # too many ways for its absence to count against a sentence.
            strict = any(p in _MEASURES for p in wanted)
            bonus = _TYPE_BONUS if strict else _LOOSE_TYPE_BONUS
            typed = bonus * found / len(wanted) if found else (-_TYPE_MISSING if strict else 0.0)
        unit.score = 0.55 * lexical + 0.2 * float(sim) + 0.15 * float(head_sim) + typed


_ASKS_STEPS = re.compile(
    r"\bwhat (?:else|now|next)\b|\bwhat (?:do|should|must) (?:i|we) do\b|\bwhat (?:are|is) the (?:steps?|process)\b|"
    r"\bwhat do i need to do\b|\bhow do i (?:handle|deal with) (?:it|this|that)\b",
    re.I,
)


def _pick_units(question: str, passage: _Passage, *, limit: int = 2) -> list[_Unit]:
    """The passage's best sentence, completed: a short list whole for a procedure question, the sentence it
    introduces (ends with ':') or the condition that follows it ("If ...", "Unless ..."), in document order."""
    units = passage.units
    best = max(units, key=lambda u: u.score)
    i = units.index(best)
    if best.kind == "item":
        siblings = [u for u in units if u.block == best.block and u.kind == "item"]
        short = len(siblings) <= 6 and sum(len(u.text) for u in siblings) <= MAX_ANSWER_CHARS
        if short:
            return siblings
    paragraph = [u for u in units if u.block == best.block]
    if _ASKS_STEPS.search(question) and len(paragraph) <= 3 and sum(len(u.text) for u in paragraph) <= MAX_ANSWER_CHARS:
        # "police report's done, what else do I need to do?": the steps are the whole short paragraph, and the
        # sentence that matches the question best is often the step the person has already taken.
        return paragraph
    picked = [best]
    nxt = units[i + 1] if i + 1 < len(units) else None
    prev = units[i - 1] if i > 0 else None
    if nxt is not None and nxt.block == best.block and (best.text.endswith(":") or _CONTINUES.match(nxt.text)):
        picked.append(nxt)
    elif prev is not None and prev.block == best.block and (_CONTINUES.match(best.text) or prev.text.endswith(":")):
        picked.insert(0, prev)
    for unit in sorted(units, key=lambda u: -u.score):
        if len(picked) >= limit or sum(len(u.text) for u in picked) >= 350:
            break
        if unit not in picked and unit.score >= 0.75 * best.score:
            picked.append(unit)
    return sorted(picked, key=lambda u: units.index(u))


def _compose(chosen: list[tuple[_Passage, list[_Unit]]], hits: list[dict[str, Any]]) -> AIMessage:
    parts: list[str] = []
    sources: list[str] = []
    cited: list[dict[str, Any]] = []
    for n, (passage, units) in enumerate(chosen, start=1):
        if any(u.kind == "item" for u in units) and len(units) > 1:
            body = "\n".join(f"• {u.text}" for u in units)
            parts.append(f"{body} [{n}]")
        else:
            parts.append(" ".join(u.text for u in units) + f" [{n}]")
        hit = hits[passage.hit]
        label = str(hit.get("title") or hit.get("doc_id"))
        if passage.heading:
            label = f"{label} › {passage.heading}"
        sources.append(f"[{n}] {_link(str(hit.get('link') or ''), label)}")
        source = {k: hit.get(k) for k in ("doc_id", "chunk_id", "title", "link", "score")}
        chunks = hit.get("chunks") or []
        if passage.chunk < len(chunks):
            source["chunk_id"] = chunks[passage.chunk].get("chunk_id") or source["chunk_id"]  # the passage quoted
        cited.append(source)
    text = "\n".join(parts) + "\n\nSources: " + "  ".join(sources)
    return AIMessage(content=text, additional_kwargs={DOCS_ANSWER_KEY: {"sources": cited, "found": True}})


def _not_found(hits: list[dict[str, Any]]) -> AIMessage:
    text = NOT_FOUND
    if hits:
        top = hits[0]
        text += (
            f" The closest document I have is {_link(str(top.get('link') or ''), str(top.get('title') or ''))}, "
            "but it doesn't seem to answer your question."
        )
    return AIMessage(content=text, additional_kwargs={DOCS_ANSWER_KEY: {"sources": [], "found": False}})
