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

import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from graph.local_model.context import ModelContext
from graph.local_model.embeddings import embed
from graph.local_model.text import strip_bot_mention, unslack

NOT_FOUND = "I couldn't find this in the docs."
MAX_QUERY_CHARS = 20_000
DOCS_ANSWER_KEY = "deskhand_docs"
"""``additional_kwargs`` key of a docs answer: the sources it cites (the docs node adds the answer id)."""

_RANK_PRIOR = (0.12, 0.06, 0.03)
"""Preference for sentences from the first, second and third document."""
_WORD = re.compile(r"[^\W_]+(?:['’][a-z]+)?", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])")
_STOP = frozenset(
    """a about above after again all also am an and any are as at be been before being below between both but by
    can could did do does doing down during each few for from further had has have having he her here hers him
    his how i if in into is it its itself just me more most my no nor not now of off on once only or other our
    out over own same she should so some such than that the their them then there these they this those through
    to too under until up very was we were what when where which while who whom why will with would you your
    yours get got may might must shall us please hi hello hey thanks thank know tell need want wondering anyone
    does do our company here kestrel deskhand docs doc document documents policy say says""".split()
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


def _content_words(text: str) -> list[str]:
    return [w for w in (m.lower().replace("’", "'") for m in _WORD.findall(text)) if w not in _STOP and len(w) > 1]


def _key(word: str) -> str:
    """A crude stem: words share a key when they share their first five letters (or are equal when short)."""
    word = word.split("'")[0]
    return word[:5] if len(word) >= 5 else word


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
class _Candidate:
    text: str
    hit: int
    """Index of the hit (document) it comes from."""
    chunk: int
    position: int
    lexical: float = 0.0
    dense: float = 0.0
    score: float = 0.0


def _units(text: str) -> list[str]:
    """Sentences, list items and table rows of a passage (headings and table rulers dropped)."""
    out: list[str] = []
    header: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.split("\n")
        if all(line.strip().startswith("|") for line in lines if line.strip()):
            rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines if line.strip()]
            rows = [r for r in rows if not all(set(c) <= set("-: ") for c in r)]
            if rows:
                header = rows[0]
                for row in rows[1:]:
                    pairs = [f"{h}: {v}" if h else v for h, v in zip(header, row, strict=False) if v]
                    out.append("; ".join(pairs) + ".")
            continue
        for line in lines:
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            stripped = re.sub(r"^([-*+•]|\d{1,3}[.)])\s+", "", stripped)
            stripped = re.sub(r"\*\*([^*]+)\*\*", r"\1", stripped)
            out += [s.strip() for s in _SENTENCE_END.split(stripped) if len(s.strip()) > 2]
    return out


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


def answer_from_results(messages: list[BaseMessage], *, max_sentences: int = 3) -> AIMessage:
    """The extractive answer to the last docs search, with citations; or "couldn't find" when unsupported."""
    hits, confident, searched = _trailing_results(messages)
    errors = [
        m.content for m in messages[-3:] if isinstance(m, ToolMessage) and str(m.content).startswith("Error:")
    ]
    if not searched or (errors and not hits):
        detail = str(errors[0]).removeprefix("Error: ") if errors else ""
        return AIMessage(content=f"Sorry, I couldn't search the docs just now. {detail}".strip())
    question = _question(messages)
    if not hits or not confident:
        return _not_found(hits)
    candidates = _candidates(hits[:4])
    if not candidates:
        return _not_found(hits)
    _score(question, candidates)
    best = max(candidates, key=lambda c: c.score)
    if best.lexical == 0.0 and best.dense < 0.45:
        return _not_found(hits)
    chosen = [best]
    for c in sorted(candidates, key=lambda c: -c.score):
        if len(chosen) >= max_sentences:
            break
        if c is best or c.text in {x.text for x in chosen}:
            continue
        same_passage = c.hit == best.hit and c.chunk == best.chunk and abs(c.position - best.position) <= 2
        if (same_passage and c.score >= 0.6 * best.score) or (c.hit != best.hit and c.score >= 0.85 * best.score):
            chosen.append(c)
    return _compose(chosen, hits)


def _candidates(hits: list[dict[str, Any]]) -> list[_Candidate]:
    out: list[_Candidate] = []
    for h, hit in enumerate(hits):
        for c, chunk in enumerate((hit.get("chunks") or [])[:2]):
            for p, unit in enumerate(_units(str(chunk.get("text") or ""))):
                if _INJECTION.search(unit) or len(unit) > 600:
                    continue
                out.append(_Candidate(text=unit, hit=h, chunk=c, position=p))
    return out


def _score(question: str, candidates: list[_Candidate]) -> None:
    words = list(dict.fromkeys(_key(w) for w in _content_words(question)))
    vectors = embed([question] + [c.text for c in candidates])
    sims = vectors[1:] @ vectors[0]
    for cand, sim in zip(candidates, np.asarray(sims).tolist(), strict=True):
        present = {_key(w) for w in _content_words(cand.text)}
        cand.lexical = sum(1 for w in words if w in present) / len(words) if words else 0.0
        cand.dense = float(sim)
        rank_prior = _RANK_PRIOR[cand.hit] if cand.hit < len(_RANK_PRIOR) else 0.0
        cand.score = 0.55 * cand.lexical + 0.45 * cand.dense + rank_prior - 0.01 * cand.position


def _compose(chosen: list[_Candidate], hits: list[dict[str, Any]]) -> AIMessage:
    order: list[int] = []
    for c in chosen:
        if c.hit not in order:
            order.append(c.hit)
    number = {h: n for n, h in enumerate(order, start=1)}
    parts: list[str] = []
    for h in order:
        # Sentences of one passage read in the document's order.
        mine = sorted((c for c in chosen if c.hit == h), key=lambda c: (c.chunk, c.position))
        parts.append(" ".join(c.text for c in mine) + f" [{number[h]}]")
    sources = []
    cited = []
    for h in order:
        hit = hits[h]
        label = hit.get("title") or hit.get("doc_id")
        if hit.get("heading"):
            label = f"{label} › {hit['heading']}"
        sources.append(f"[{number[h]}] {_link(str(hit.get('link') or ''), str(label))}")
        cited.append({k: hit.get(k) for k in ("doc_id", "chunk_id", "title", "link", "score")})
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
