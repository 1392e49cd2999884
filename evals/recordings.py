"""Sandbox recordings → eval case skeletons (``deskhand eval import-recording FILE``).

A recording (see ``sandbox/recording.py``) is JSONL: one exchange a line with ``direction`` and ``kind``.
What becomes a case: every thread in which a person talked to the bot (an app_mention, a DM, or a reply in a
thread the bot is already in). Its messages become turns (Slack retries and duplicate message/app_mention
deliveries are dropped), clicks on approval cards become the auto-approver's decisions (an edit modal's
submitted fields become edits), and what the bot posted is kept as ``notes``. Expectations are left for a
person to fill in: the skeleton is tagged ``recorded`` and ``todo``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

APPROVAL_ACTIONS = {"approval_approve": "approve", "approval_reject": "reject", "approval_edit": "edit"}
EDIT_CALLBACK = "approval_edit_modal"
_POSTING_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.appendStream", "chat.stopStream"}


def read_recording(path: Path) -> list[dict[str, Any]]:
    """The entries of a recording, in sequence order; unreadable lines are skipped."""
    entries: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return sorted(entries, key=lambda e: e.get("seq", 0))


def _body(entry: dict[str, Any]) -> dict[str, Any]:
    request = entry.get("request") or {}
    body = request.get("body") if isinstance(request, dict) else None
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except json.JSONDecodeError:
            return {}
    return body if isinstance(body, dict) else {}


def _edit_values(view: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    """{action id: {field: value}} from an edit modal's state (block ids are "<action id>.<field>")."""
    edits: dict[str, dict[str, str | None]] = {}
    for block_id, inputs in ((view.get("state") or {}).get("values") or {}).items():
        action_id, _, field = str(block_id).partition(".")
        if not field or not isinstance(inputs, dict):
            continue
        for state in inputs.values():
            value: Any = None
            for key in ("value", "selected_date", "selected_user", "selected_time"):
                if state.get(key) is not None:
                    value = state[key]
            if isinstance(state.get("selected_option"), dict):
                value = state["selected_option"].get("value")
            edits.setdefault(action_id, {})[field] = value
    return edits


def cases_from_recording(path: Path, *, fixture: str = "demo", prefix: str = "recorded") -> list[dict[str, Any]]:
    """Case skeletons (JSON-ready dicts) for every conversation with the bot in the recording."""
    entries = read_recording(Path(path))
    threads: dict[tuple[str, str], dict[str, Any]] = {}
    seen_events: set[str] = set()
    seen_messages: set[tuple[str, str]] = set()
    last_edit_thread: dict[str, tuple[str, str]] = {}
    for entry in entries:
        kind, direction = entry.get("kind"), entry.get("direction")
        if direction == "sandbox->bot" and kind == "events_api":
            envelope = _body(entry)
            event = envelope.get("event") or {}
            event_id = str(envelope.get("event_id") or "")
            if entry.get("retry_num") or (event_id and event_id in seen_events):
                continue
            seen_events.add(event_id)
            if event.get("type") not in ("message", "app_mention") or event.get("bot_id") or event.get("subtype"):
                continue
            channel, ts = str(event.get("channel") or ""), str(event.get("ts") or "")
            if (channel, ts) in seen_messages:
                continue
            root = str(event.get("thread_ts") or ts)
            to_bot = (
                event.get("type") == "app_mention" or event.get("channel_type") == "im" or (channel, root) in threads
            )
            if not to_bot or not event.get("text"):
                continue
            seen_messages.add((channel, ts))
            thread = threads.setdefault((channel, root), {"channel": channel, "turns": [], "notes": []})
            thread["turns"].append({"text": str(event["text"]), "user": str(event.get("user") or "")})
        elif direction == "sandbox->bot" and kind == "interactive":
            payload = _body(entry)
            if payload.get("type") == "block_actions":
                actions = payload.get("actions") or []
                decision = APPROVAL_ACTIONS.get(actions[0].get("action_id", "")) if actions else None
                container = payload.get("container") or {}
                channel = str(container.get("channel_id") or "")
                root = str(container.get("thread_ts") or (payload.get("message") or {}).get("thread_ts") or "")
                clicked = threads.get((channel, root))
                if decision is None or clicked is None or not clicked["turns"]:
                    continue
                clicker = str((payload.get("user") or {}).get("id") or "")
                if decision == "edit":
                    last_edit_thread[clicker] = (channel, root)
                    continue  # the decision is the modal's submission
                spec: dict[str, Any] = {"decision": decision}
                if clicker and clicker != clicked["turns"][-1]["user"]:
                    spec["by"] = clicker
                clicked["turns"][-1]["approval"] = spec
            elif payload.get("type") == "view_submission":
                view = payload.get("view") or {}
                clicker = str((payload.get("user") or {}).get("id") or "")
                if view.get("callback_id") != EDIT_CALLBACK or clicker not in last_edit_thread:
                    continue
                edited = threads.get(last_edit_thread.pop(clicker))
                if edited is None or not edited["turns"]:
                    continue
                edit_spec: dict[str, Any] = {"decision": "edit", "actions": _edit_values(view)}
                if clicker != edited["turns"][-1]["user"]:
                    edit_spec["by"] = clicker
                edited["turns"][-1]["approval"] = edit_spec
        elif direction == "bot->sandbox" and kind == "web_api" and entry.get("method") in _POSTING_METHODS:
            args = (entry.get("request") or {}).get("args") or {}
            channel = str(args.get("channel") or "")
            root = str(args.get("thread_ts") or "")
            posted_in = threads.get((channel, root))
            if posted_in is not None and args.get("text"):
                posted_in["notes"].append(f"bot ({entry.get('method')}): {str(args['text'])[:500]}")
    return [_skeleton(i, thread, fixture, prefix, Path(path).stem) for i, thread in enumerate(threads.values(), 1)]


def _skeleton(n: int, thread: dict[str, Any], fixture: str, prefix: str, session: str) -> dict[str, Any]:
    turns = thread["turns"]
    user = turns[0]["user"]
    out_turns: list[Any] = []
    approval: dict[str, Any] | None = None
    for i, turn in enumerate(turns):
        item: dict[str, Any] = {"text": turn["text"]}
        if turn["user"] != user:
            item["user"] = turn["user"]
        if "approval" in turn:
            if i == len(turns) - 1:
                approval = turn["approval"]
            else:
                item["approval"] = turn["approval"]
        out_turns.append(item["text"] if list(item) == ["text"] else item)
    case: dict[str, Any] = {
        "id": f"{prefix}.{session}.{n:02d}",
        "tags": ["recorded", "todo"],
        "description": f"Recorded in sandbox session {session}. Fill in the expectations.",
        "fixture": fixture,
        "conversation": {"user": user, "channel": thread["channel"], "turns": out_turns},
        "expect": {},
        "notes": thread["notes"],
    }
    case["approval"] = approval or {"decision": "hold"}
    return case
