"""Turning recorded Web API calls into comparable text: volatile values (timestamps, ids, dates) become
stable labels, so two runs of the same bot read the same even though every ts and id differs."""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

# Methods that only read; by default replay compares what the bot changed, since caching makes reads vary.
READ_METHODS = frozenset(
    {
        "api.test",
        "auth.test",
        "apps.connections.open",
        "bots.info",
        "chat.getPermalink",
        "conversations.history",
        "conversations.info",
        "conversations.list",
        "conversations.members",
        "conversations.replies",
        "team.info",
        "users.info",
        "users.list",
        "users.lookupByEmail",
        "users.profile.get",
    }
)
# Arguments that differ on every run and say nothing about what the bot decided to do.
DROPPED_KEYS = frozenset({"token", "hash", "trigger_id", "interactivity_pointer", "authorization"})
# Arguments slack_sdk may send as JSON strings (form bodies) or as objects (JSON bodies).
JSON_ARGS = frozenset({"blocks", "attachments", "view", "metadata", "chunks", "prompts", "loading_messages"})
VIEW_ID_KEYS = frozenset({"view_id", "root_view_id", "previous_view_id"})
# What a driver action's answer says about how the app took it (acked, errors, response_action).
OUTCOME_KEYS = ("ok", "error", "delivered", "status", "reason", "response_action", "errors", "missing")

_DATE_TOKEN = re.compile(r"<!date\^\d+\^([^^|>]*)(\^[^|>]*)?(\|[^>]*)?>")
_ISO_DATETIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}|\s?UTC)?")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_TRIGGER = re.compile(r"\b\d{13}\.\d+\.[0-9a-f]{32}\b")
_RESPONSE_URL = re.compile(r"/sandbox/response/[A-Za-z0-9_-]+")
_PERMALINK_TS = re.compile(r"\bp(\d{10})(\d{6})\b")
_TS = re.compile(r"(?<![\d.])\d{10}\.\d{6}(?![\d.])")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_HEX_ID = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{16,}\b")
_EVENT_ID = re.compile(r"\bEv[A-Z0-9]{10}\b")


class Normaliser:
    """One per run: labels are handed out in order of first appearance, so the same value keeps the same
    label throughout a run and the n-th new ts of one run lines up with the n-th of the other."""

    def __init__(
        self, ignore: Sequence[re.Pattern[str]] = (), ts_name: Callable[[str], str | None] | None = None
    ) -> None:
        self._ignore = list(ignore)
        self._labels: dict[tuple[str, str], str] = {}
        self._counts: Counter[str] = Counter()
        self._ts_name = ts_name
        """Names a message ts by what it is ("bot#2@C…"); such names survive a step that went wrong."""

    def _ts(self, value: str) -> str:
        name = self._ts_name(value) if self._ts_name is not None else None
        return f"<ts {name}>" if name else self.label("ts", value)

    def label(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self._labels:
            self._counts[kind] += 1
            self._labels[key] = f"<{kind}{self._counts[kind]}>"
        return self._labels[key]

    def text(self, value: str, key: str | None = None) -> str:
        for pattern in self._ignore:
            value = pattern.sub("<ignored>", value)
        if key in VIEW_ID_KEYS and value:
            return self.label("view", value)
        value = _DATE_TOKEN.sub(lambda m: f"<!date^<time>^{m.group(1)}{m.group(2) or ''}|<fallback>>", value)
        value = _ISO_DATETIME.sub("<datetime>", value)
        value = _ISO_DATE.sub("<date>", value)
        value = _TRIGGER.sub("<trigger>", value)
        value = _RESPONSE_URL.sub("/sandbox/response/<token>", value)
        value = _PERMALINK_TS.sub(lambda m: "p" + self._ts(f"{m.group(1)}.{m.group(2)}"), value)
        value = _TS.sub(lambda m: self._ts(m.group(0)), value)
        value = _UUID.sub(lambda m: self.label("id", m.group(0).replace("-", "")), value)
        value = _HEX_ID.sub(lambda m: self.label("id", m.group(0)), value)
        return _EVENT_ID.sub(lambda m: self.label("event", m.group(0)), value)

    def value(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: self.value(v, k) for k, v in sorted(value.items()) if k not in DROPPED_KEYS}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, str):
            return self.text(value, key)
        return value


def decode_args(args: dict[str, Any]) -> dict[str, Any]:
    """Web API arguments with JSON-string fields decoded, so form and JSON bodies compare equal."""
    out: dict[str, Any] = {}
    for key, value in args.items():
        if key in JSON_ARGS and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        out[key] = value
    return out


def _indented(value: Any) -> list[str]:
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return ["    " + line for line in text.splitlines()]


def is_compared(entry: dict[str, Any], *, include_reads: bool) -> bool:
    """Whether a recorded entry is something the bot did that replay compares."""
    if entry.get("direction") != "bot->sandbox":
        return False
    if entry.get("kind") == "response_url":
        return True
    if entry.get("kind") != "web_api":
        return False
    return include_reads or entry.get("method") not in READ_METHODS


def call_lines(entry: dict[str, Any], norm: Normaliser) -> list[str]:
    """One call as a header line ("chat.postMessage → ok") and its arguments as indented JSON."""
    body = (entry.get("response") or {}).get("body") or {}
    result = "ok" if body.get("ok") else f"error: {body.get('error')}"
    if entry.get("kind") == "response_url":
        context = entry.get("context") or {}
        head = f"response_url ({context.get('kind', '?')}) → {result}"
        args = (entry.get("request") or {}).get("body") or {}
    else:
        head = f"{entry.get('method')} → {result}"
        args = decode_args((entry.get("request") or {}).get("args") or {})
    return [head, *_indented(norm.value(args))]


def outcome_lines(body: dict[str, Any], norm: Normaliser) -> list[str]:
    """The salient part of a driver action's answer (did the app ack, what did it ask for)."""
    kept = {k: body[k] for k in OUTCOME_KEYS if k in body and body[k] is not None}
    return ["outcome: " + json.dumps(norm.value(kept), sort_keys=True, ensure_ascii=False)]


def compile_patterns(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]
