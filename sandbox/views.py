"""Modals (a stack per user), App Home tabs and the trigger ids that gate opening a modal."""

from __future__ import annotations

import secrets
import string
import threading
import time
from dataclasses import dataclass
from typing import Any

from sandbox.errors import SlackError
from sandbox.store import Store, dumps, loads
from sandbox.workspace import Identity

MAX_STACK = 3  # Slack lets an app push at most three modals deep.
_ALPHABET = string.ascii_uppercase + string.digits


def new_view_id() -> str:
    return "V" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def new_hash() -> str:
    return f"{int(time.time())}.{secrets.token_hex(4)}"


@dataclass
class Trigger:
    user: str
    issued: float
    used: bool = False


def check_view(view: Any) -> dict[str, Any]:
    """Slack's schema checks that an app most often trips over, reported as invalid_arguments."""
    if not isinstance(view, dict):
        raise SlackError(
            "invalid_arguments", messages=["[ERROR] failed to match all allowed schemas [json-pointer:/view]"]
        )
    problems = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        problems.append("[ERROR] must be one of modal, home [json-pointer:/view/type]")
    if kind == "modal" and not isinstance(view.get("title"), dict):
        problems.append("[ERROR] missing required field: title [json-pointer:/view]")
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        problems.append("[ERROR] missing required field: blocks [json-pointer:/view]")
    elif len(blocks) > 100:
        problems.append("[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]")
    elif any(not isinstance(b, dict) or not isinstance(b.get("type"), str) for b in blocks):
        problems.append("[ERROR] missing required field: type [json-pointer:/view/blocks]")
    if kind == "modal" and isinstance(blocks, list):
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and not isinstance(view.get("submit"), dict):
            problems.append("[ERROR] submit is required when an input block is present [json-pointer:/view]")
    if problems:
        raise SlackError("invalid_arguments", messages=problems)
    return view


class Views:
    """State of every modal and home tab; triggers live in memory since they last seconds."""

    def __init__(self, store: Store, identity: Identity, *, trigger_ttl: float) -> None:
        self.store = store
        self.identity = identity
        self.trigger_ttl = trigger_ttl
        self._triggers: dict[str, Trigger] = {}
        self._lock = threading.Lock()

    # ---- triggers --------------------------------------------------------------------------

    def issue_trigger(self, user: str) -> str:
        now = time.time()
        trigger_id = f"{int(now * 1000)}.{abs(hash(self.identity.team_id)) % 10**10}.{secrets.token_hex(16)}"
        with self._lock:
            # Drop stale ones so a long session does not grow the table without bound.
            for key in [k for k, t in self._triggers.items() if now - t.issued > 600]:
                del self._triggers[key]
            self._triggers[trigger_id] = Trigger(user=user, issued=now)
        return trigger_id

    def consume_trigger(self, trigger_id: str | None) -> str:
        """The user a trigger was issued for; each trigger opens one view within its lifetime."""
        if not trigger_id:
            raise SlackError("invalid_arguments", messages=["[ERROR] missing required field: trigger_id"])
        with self._lock:
            trigger = self._triggers.get(trigger_id)
            if trigger is None:
                raise SlackError("invalid_trigger_id")
            if time.time() - trigger.issued > self.trigger_ttl:
                raise SlackError("expired_trigger_id")
            if trigger.used:
                raise SlackError("exchanged_trigger_id")
            trigger.used = True
            return trigger.user

    # ---- reading ---------------------------------------------------------------------------

    def _row(self, view_id: str) -> dict[str, Any] | None:
        row = self.store.one("SELECT * FROM views WHERE id = ?", (view_id,))
        return None if row is None else dict(row)

    def get(self, view_id: str) -> dict[str, Any]:
        row = self._row(view_id)
        if row is None:
            raise SlackError("not_found")
        view: dict[str, Any] = loads(row["data"])
        return view

    def owner(self, view_id: str) -> str:
        row = self._row(view_id)
        if row is None:
            raise SlackError("not_found")
        return str(row["user"])

    def errors(self, view_id: str) -> dict[str, str]:
        row = self._row(view_id)
        errors: dict[str, str] = loads(row["errors"]) if row is not None and row["errors"] else {}
        return errors

    def stack(self, user: str) -> list[dict[str, Any]]:
        rows = self.store.query(
            "SELECT data FROM views WHERE user = ? AND kind = 'modal' AND is_open = 1 ORDER BY position",
            (user,),
        )
        return [loads(r["data"]) for r in rows]

    def top_modal(self, user: str) -> dict[str, Any] | None:
        stack = self.stack(user)
        return stack[-1] if stack else None

    def home(self, user: str) -> dict[str, Any] | None:
        row = self.store.one("SELECT data FROM views WHERE user = ? AND kind = 'home'", (user,))
        return None if row is None else loads(row["data"])

    # ---- writing ---------------------------------------------------------------------------

    def _object(
        self, view_id: str, spec: dict[str, Any], *, root_id: str, previous: str | None, state: dict[str, Any]
    ) -> dict[str, Any]:
        """A view as Slack returns it: the app's spec plus ids, hash and state."""
        ident = self.identity
        out: dict[str, Any] = {
            "id": view_id,
            "team_id": ident.team_id,
            "type": spec["type"],
            "blocks": spec.get("blocks", []),
            "private_metadata": spec.get("private_metadata", ""),
            "callback_id": spec.get("callback_id", ""),
            "state": state,
            "hash": new_hash(),
            "title": spec.get("title"),
            "clear_on_close": bool(spec.get("clear_on_close", False)),
            "notify_on_close": bool(spec.get("notify_on_close", False)),
            "close": spec.get("close"),
            "submit": spec.get("submit"),
            "previous_view_id": previous,
            "root_view_id": root_id,
            "app_id": ident.app_id,
            "external_id": spec.get("external_id", ""),
            "app_installed_team_id": ident.team_id,
            "bot_id": ident.bot_id,
        }
        if spec["type"] == "home":
            for key in ("title", "close", "submit", "clear_on_close", "notify_on_close", "previous_view_id"):
                out.pop(key, None)
        return out

    def _check_external_id(self, spec: dict[str, Any], own_id: str | None) -> None:
        ext = spec.get("external_id")
        if ext:
            row = self.store.one("SELECT id FROM views WHERE external_id = ?", (ext,))
            if row is not None and row["id"] != own_id:
                raise SlackError("duplicate_external_id")

    def open(self, trigger_id: str | None, spec: Any) -> dict[str, Any]:
        spec = check_view(spec)
        if spec["type"] != "modal":
            raise SlackError("invalid_arguments", messages=["[ERROR] views.open takes a modal view"])
        user = self.consume_trigger(trigger_id)
        self._check_external_id(spec, None)
        view_id = new_view_id()
        view = self._object(view_id, spec, root_id=view_id, previous=None, state={"values": {}})
        with self.store.tx() as db:
            # A person sees one modal stack at a time; opening a new one replaces the old.
            db.execute("UPDATE views SET is_open = 0 WHERE user = ? AND kind = 'modal'", (user,))
            db.execute(
                "INSERT INTO views(id, user, kind, root_id, position, is_open, external_id, errors, data)"
                " VALUES (?, ?, 'modal', ?, 0, 1, ?, NULL, ?)",
                (view_id, user, view_id, spec.get("external_id") or None, dumps(view)),
            )
        return view

    def push(self, trigger_id: str | None, spec: Any) -> dict[str, Any]:
        spec = check_view(spec)
        user = self.consume_trigger(trigger_id)
        stack = self.stack(user)
        if not stack:
            raise SlackError("not_found")
        if len(stack) >= MAX_STACK:
            raise SlackError("push_limit_reached")
        self._check_external_id(spec, None)
        top = stack[-1]
        view_id = new_view_id()
        view = self._object(view_id, spec, root_id=top["root_view_id"], previous=top["id"], state={"values": {}})
        with self.store.lock:
            self.store.conn.execute(
                "INSERT INTO views(id, user, kind, root_id, position, is_open, external_id, errors, data)"
                " VALUES (?, ?, 'modal', ?, ?, 1, ?, NULL, ?)",
                (
                    view_id,
                    user,
                    top["root_view_id"],
                    len(stack),
                    spec.get("external_id") or None,
                    dumps(view),
                ),
            )
        return view

    def update(self, *, view_id: str | None, external_id: str | None, spec: Any, hash_: str | None) -> dict[str, Any]:
        spec = check_view(spec)
        if view_id:
            row = self._row(view_id)
        elif external_id:
            found = self.store.one("SELECT * FROM views WHERE external_id = ?", (external_id,))
            row = None if found is None else dict(found)
        else:
            raise SlackError("invalid_arguments", messages=["[ERROR] either view_id or external_id is required"])
        if row is None:
            raise SlackError("not_found")
        current = loads(row["data"])
        if hash_ and hash_ != current["hash"]:
            raise SlackError("hash_conflict")
        self._check_external_id(spec, row["id"])
        view = self._object(
            row["id"],
            spec,
            root_id=current["root_view_id"],
            previous=current.get("previous_view_id"),
            state=self._kept_state(current, spec),
        )
        with self.store.lock:
            self.store.conn.execute(
                "UPDATE views SET data = ?, external_id = ?, errors = NULL WHERE id = ?",
                (dumps(view), spec.get("external_id") or row["external_id"], row["id"]),
            )
        return view

    @staticmethod
    def _kept_state(current: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
        """Input kept across an update when block_id and action_id stay the same, as Slack does."""
        kept: dict[str, Any] = {}
        values = current.get("state", {}).get("values", {})
        for block in spec.get("blocks", []):
            block_id = block.get("block_id")
            action_id = (block.get("element") or {}).get("action_id")
            if block_id in values and action_id in values[block_id]:
                kept.setdefault(block_id, {})[action_id] = values[block_id][action_id]
        return {"values": kept}

    def publish(self, user: str, spec: Any, hash_: str | None) -> dict[str, Any]:
        spec = check_view(spec)
        if spec["type"] != "home":
            raise SlackError("invalid_arguments", messages=["[ERROR] views.publish takes a home view"])
        row = self.store.one("SELECT * FROM views WHERE user = ? AND kind = 'home'", (user,))
        if row is not None and hash_ and hash_ != loads(row["data"])["hash"]:
            raise SlackError("hash_conflict")
        view_id = row["id"] if row is not None else new_view_id()
        view = self._object(view_id, spec, root_id=view_id, previous=None, state={"values": {}})
        with self.store.lock:
            self.store.conn.execute(
                "INSERT OR REPLACE INTO views(id, user, kind, root_id, position, is_open, external_id,"
                " errors, data) VALUES (?, ?, 'home', ?, 0, 1, ?, NULL, ?)",
                (view_id, user, view_id, spec.get("external_id") or None, dumps(view)),
            )
        return view

    def set_state(self, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        view = self.get(view_id)
        view["state"] = {"values": values}
        with self.store.lock:
            self.store.conn.execute("UPDATE views SET data = ? WHERE id = ?", (dumps(view), view_id))
        return view

    def set_errors(self, view_id: str, errors: dict[str, str] | None) -> None:
        with self.store.lock:
            self.store.conn.execute(
                "UPDATE views SET errors = ? WHERE id = ?", (dumps(errors) if errors else None, view_id)
            )

    def close(self, view_id: str, *, whole_stack: bool) -> None:
        row = self._row(view_id)
        if row is None:
            raise SlackError("not_found")
        with self.store.lock:
            if whole_stack:
                self.store.conn.execute("UPDATE views SET is_open = 0 WHERE root_id = ?", (row["root_id"],))
            else:
                self.store.conn.execute("UPDATE views SET is_open = 0 WHERE id = ?", (view_id,))
