"""The workspace's state: team, users, conversations, messages with threads, reactions, ephemerals.

Everything is kept in a Store (SQLite file or memory). Methods return Slack-shaped dicts and raise
SlackError with Slack's error codes, so the Web API layer stays a thin translation.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.errors import SlackError
from sandbox.shapes import channel_object, rich_text_blocks, user_object
from sandbox.store import Store, dumps, loads


@dataclass(frozen=True)
class Identity:
    """Who the workspace and the installed app are."""

    team_id: str
    team_name: str
    domain: str
    bot_user_id: str
    bot_id: str
    app_id: str
    bot_name: str


def load_company(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def encode_cursor(key: str) -> str:
    return base64.b64encode(f"next:{key}".encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        raw = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise SlackError("invalid_cursor") from exc
    if not raw.startswith("next:"):
        raise SlackError("invalid_cursor")
    return raw[5:]


def paginate(
    items: list[dict[str, Any]],
    key: str,
    cursor: str | None,
    limit: int | None,
    *,
    default: int,
    maximum: int,
) -> tuple[list[dict[str, Any]], str]:
    """Slice `items` at the cursor; the next cursor names the first item of the next page."""
    size = default if not limit or limit <= 0 else min(limit, maximum)
    start = 0
    if cursor:
        wanted = decode_cursor(cursor)
        index = next((i for i, it in enumerate(items) if str(it[key]) == wanted), None)
        if index is None:
            raise SlackError("invalid_cursor")
        start = index
    page = items[start : start + size]
    rest = items[start + size :]
    return page, (encode_cursor(str(rest[0][key])) if rest else "")


class Workspace:
    """State of one local Slack workspace with one installed app (the bot)."""

    def __init__(self, company: dict[str, Any], db_path: Path | None = None) -> None:
        self.store = Store(db_path)
        team, bot = company["team"], company["bot"]
        self.identity = Identity(
            team_id=team["id"],
            team_name=team["name"],
            domain=team.get("domain", team["id"].lower()),
            bot_user_id=bot["user_id"],
            bot_id=bot["bot_id"],
            app_id=bot["app_id"],
            bot_name=bot.get("name", "bot"),
        )
        self.general_id: str | None = None
        if self.store.get_meta("seeded") is None:
            self._seed(company)
        self.general_id = self.store.get_meta("general_id")

    # ---- seeding ---------------------------------------------------------------------------

    def _seed(self, company: dict[str, Any]) -> None:
        ident = self.identity
        bot = company["bot"]
        bot_record = {
            "id": ident.bot_user_id,
            "name": bot.get("name", "bot"),
            "real_name": bot.get("display_name", bot.get("name", "bot")),
            "display_name": bot.get("display_name", bot.get("name", "bot")),
            "tz": "America/Los_Angeles",
            "is_bot": True,
            "bot_id": ident.bot_id,
            "app_id": ident.app_id,
        }
        humans = [u["id"] for u in company["users"]]
        bot_channels = set(company.get("bot_channels", []))
        with self.store.tx() as db:
            for record in [*company["users"], bot_record]:
                db.execute(
                    "INSERT OR REPLACE INTO users(id, email, data) VALUES (?, ?, ?)",
                    (record["id"], (record.get("email") or "").lower() or None, dumps(record)),
                )
            general = None
            for ch in company["channels"]:
                record = {"kind": "channel", "created": 1_700_000_000, "team_id": ident.team_id, **ch}
                record.pop("members", None)
                db.execute(
                    "INSERT OR REPLACE INTO conversations(id, kind, name, data) VALUES (?, 'channel', ?, ?)",
                    (ch["id"], ch["name"], dumps(record)),
                )
                members = humans if ch.get("members") == "all" else list(ch.get("members", []))
                if ch["id"] in bot_channels:
                    members = [*members, ident.bot_user_id]
                db.executemany(
                    "INSERT OR IGNORE INTO members(channel, user) VALUES (?, ?)",
                    [(ch["id"], m) for m in members],
                )
                if general is None and (ch.get("is_general") or ch["name"] == "general"):
                    general = ch["id"]
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('seeded', '1')")
            if general:
                db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('general_id', ?)", (general,))

    # ---- ids and clocks --------------------------------------------------------------------

    def next_ts(self) -> str:
        """A message ts: wall-clock based, unique and strictly increasing, even across restarts."""
        with self.store.lock:
            last = int(self.store.get_meta("last_ts_micros") or "0")
            now = int(time.time() * 1_000_000)
            value = max(now, last + 100)
            self.store.set_meta("last_ts_micros", str(value))
        return f"{value // 1_000_000}.{value % 1_000_000:06d}"

    # ---- users -----------------------------------------------------------------------------

    def user_record(self, user_id: str) -> dict[str, Any]:
        row = self.store.one("SELECT data FROM users WHERE id = ?", (user_id,))
        if row is None:
            raise SlackError("user_not_found")
        record: dict[str, Any] = loads(row["data"])
        return record

    def user_exists(self, user_id: str) -> bool:
        return self.store.one("SELECT 1 FROM users WHERE id = ?", (user_id,)) is not None

    def user_info(self, user_id: str) -> dict[str, Any]:
        return user_object(self.user_record(user_id), self.identity.team_id)

    def list_users(self) -> list[dict[str, Any]]:
        rows = self.store.query("SELECT data FROM users ORDER BY id")
        return [user_object(loads(r["data"]), self.identity.team_id) for r in rows]

    def lookup_by_email(self, email: str) -> dict[str, Any]:
        row = self.store.one("SELECT data FROM users WHERE email = ?", (email.strip().lower(),))
        if row is None:
            raise SlackError("users_not_found")
        return user_object(loads(row["data"]), self.identity.team_id)

    def human_user_ids(self) -> list[str]:
        rows = self.store.query("SELECT id FROM users WHERE id != ? ORDER BY id", (self.identity.bot_user_id,))
        return [r["id"] for r in rows]

    # ---- conversations ---------------------------------------------------------------------

    def conversation(self, channel_id: str) -> dict[str, Any]:
        row = self.store.one("SELECT data FROM conversations WHERE id = ?", (channel_id,))
        if row is None:
            raise SlackError("channel_not_found")
        record: dict[str, Any] = loads(row["data"])
        return record

    def members(self, channel_id: str) -> list[str]:
        return [
            r["user"]
            for r in self.store.query("SELECT user FROM members WHERE channel = ? ORDER BY user", (channel_id,))
        ]

    def is_member(self, channel_id: str, user_id: str) -> bool:
        row = self.store.one("SELECT 1 FROM members WHERE channel = ? AND user = ?", (channel_id, user_id))
        return row is not None

    def conversation_info(self, channel_id: str, viewer: str) -> dict[str, Any]:
        record = self.conversation(channel_id)
        members = self.members(channel_id)
        if self._hidden_from(record, members, viewer):
            raise SlackError("channel_not_found")
        return channel_object(record, members=members, viewer=viewer, general_id=self.general_id)

    @staticmethod
    def _hidden_from(record: dict[str, Any], members: list[str], viewer: str) -> bool:
        """Private channels, group DMs and DMs do not exist for someone outside them."""
        private = record["kind"] != "channel" or bool(record.get("is_private"))
        return private and viewer not in members

    def list_conversations(self, viewer: str, types: set[str], exclude_archived: bool) -> list[dict[str, Any]]:
        out = []
        for row in self.store.query("SELECT id, data FROM conversations ORDER BY kind, name, id"):
            record = loads(row["data"])
            members = self.members(row["id"])
            if self._hidden_from(record, members, viewer):
                continue
            kind = record["kind"]
            type_name = {
                "im": "im",
                "mpim": "mpim",
                "channel": "private_channel" if record.get("is_private") else "public_channel",
            }[kind]
            if type_name not in types or (exclude_archived and record.get("is_archived")):
                continue
            out.append(channel_object(record, members=members, viewer=viewer, general_id=self.general_id))
        return out

    def channel_type(self, channel_id: str) -> str:
        """The channel_type of message events: channel, group, im or mpim."""
        record = self.conversation(channel_id)
        if record["kind"] == "channel":
            return "group" if record.get("is_private") else "channel"
        return str(record["kind"])

    def dm_id(self, a: str, b: str) -> str:
        if self.identity.bot_user_id in (a, b):
            other = b if a == self.identity.bot_user_id else a
            return "D" + other[1:]
        pair = ",".join(sorted((a, b)))
        return "D" + hashlib.sha1(pair.encode(), usedforsecurity=False).hexdigest()[:9].upper()

    def open_dm(self, a: str, b: str) -> tuple[str, bool]:
        """The DM between a and b, created on first use; returns (id, already_open)."""
        for uid in (a, b):
            if not self.user_exists(uid):
                raise SlackError("user_not_found")
        channel_id = self.dm_id(a, b)
        with self.store.tx() as db:
            exists = db.execute("SELECT 1 FROM conversations WHERE id = ?", (channel_id,)).fetchone()
            if exists is None:
                record = {
                    "id": channel_id,
                    "kind": "im",
                    "created": int(time.time()),
                    "team_id": self.identity.team_id,
                }
                db.execute(
                    "INSERT INTO conversations(id, kind, name, data) VALUES (?, 'im', NULL, ?)",
                    (channel_id, dumps(record)),
                )
                db.executemany(
                    "INSERT OR IGNORE INTO members(channel, user) VALUES (?, ?)",
                    [(channel_id, a), (channel_id, b)],
                )
        return channel_id, exists is not None

    def open_mpim(self, users: list[str]) -> tuple[str, bool]:
        for uid in users:
            if not self.user_exists(uid):
                raise SlackError("user_not_found")
        everyone = sorted(set(users))
        channel_id = "G" + hashlib.sha1(",".join(everyone).encode(), usedforsecurity=False).hexdigest()[:9].upper()
        names = [self.user_record(u).get("name", u) for u in everyone if u != self.identity.bot_user_id]
        with self.store.tx() as db:
            exists = db.execute("SELECT 1 FROM conversations WHERE id = ?", (channel_id,)).fetchone()
            if exists is None:
                record = {
                    "id": channel_id,
                    "kind": "mpim",
                    "name": "mpdm-" + "--".join(names) + "-1",
                    "created": int(time.time()),
                    "team_id": self.identity.team_id,
                }
                db.execute(
                    "INSERT INTO conversations(id, kind, name, data) VALUES (?, 'mpim', ?, ?)",
                    (channel_id, record["name"], dumps(record)),
                )
                db.executemany(
                    "INSERT OR IGNORE INTO members(channel, user) VALUES (?, ?)",
                    [(channel_id, u) for u in everyone],
                )
        return channel_id, exists is not None

    def join(self, channel_id: str, user_id: str) -> bool:
        """Adds a member to a public channel; returns whether they were already in."""
        record = self.conversation(channel_id)
        if record["kind"] != "channel" or record.get("is_private"):
            raise SlackError("method_not_supported_for_channel_type")
        already = self.is_member(channel_id, user_id)
        with self.store.lock:
            self.store.conn.execute("INSERT OR IGNORE INTO members(channel, user) VALUES (?, ?)", (channel_id, user_id))
        return already

    def resolve_channel(self, ref: str | None, actor: str) -> str:
        """A channel argument as Slack reads it: an id, a user id (their DM with actor) or a #name."""
        if not ref:
            raise SlackError("channel_not_found")
        ref = ref.strip()
        if ref[:1] in ("U", "W") and self.user_exists(ref):
            return self.open_dm(actor, ref)[0]
        row = self.store.one("SELECT id FROM conversations WHERE id = ?", (ref,))
        if row is not None:
            return str(row["id"])
        name = ref.lstrip("#")
        row = self.store.one("SELECT id FROM conversations WHERE name = ? AND kind = 'channel'", (name,))
        if row is None:
            raise SlackError("channel_not_found")
        return str(row["id"])

    def require_readable(self, channel_id: str, actor: str) -> dict[str, Any]:
        """Bot tokens read only conversations they are in: not_in_channel for a public one they aren't."""
        record = self.conversation(channel_id)
        members = self.members(channel_id)
        if self._hidden_from(record, members, actor):
            raise SlackError("channel_not_found")
        if actor not in members:
            raise SlackError("not_in_channel")
        return record

    # ---- messages --------------------------------------------------------------------------

    def _author_fields(self, author: str) -> dict[str, Any]:
        ident = self.identity
        if author == ident.bot_user_id:
            return {
                "user": ident.bot_user_id,
                "bot_id": ident.bot_id,
                "app_id": ident.app_id,
                "team": ident.team_id,
                "bot_profile": {
                    "id": ident.bot_id,
                    "app_id": ident.app_id,
                    "name": ident.bot_name,
                    "icons": {},
                    "deleted": False,
                    "updated": 1_700_000_000,
                    "team_id": ident.team_id,
                },
            }
        return {"user": author, "team": ident.team_id}

    def post_message(
        self,
        *,
        channel: str,
        author: str,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
        extra: dict[str, Any] | None = None,
        stream_state: str | None = None,
    ) -> dict[str, Any]:
        """Stores a message (a thread reply when thread_ts is given) and returns it Slack-shaped."""
        self.conversation(channel)
        parent_ts: str | None = None
        if thread_ts:
            parent = self._row(channel, thread_ts)
            if parent is None:
                raise SlackError("thread_not_found")
            # A reply to a reply joins the same thread, as in Slack's clients.
            parent_ts = parent["thread_ts"] or parent["ts"]
            if parent_ts != thread_ts:
                parent = self._row(channel, parent_ts)
            parent_author = parent["author"] if parent is not None else author
        ts = self.next_ts()
        data: dict[str, Any] = {"type": "message", "text": text, **self._author_fields(author), "ts": ts}
        if author != self.identity.bot_user_id:
            data["client_msg_id"] = str(uuid.uuid4())
            if blocks is None:
                blocks = rich_text_blocks(text, secrets.token_hex(3))
        if blocks is not None:
            data["blocks"] = blocks
        if extra:
            data.update(extra)
        if parent_ts:
            data["thread_ts"] = parent_ts
            data["parent_user_id"] = parent_author
            if reply_broadcast:
                data["subtype"] = "thread_broadcast"
        in_channel = 1 if (parent_ts is None or reply_broadcast) else 0
        with self.store.lock:
            self.store.conn.execute(
                "INSERT INTO messages(channel, ts, thread_ts, in_channel, author, deleted, stream_state,"
                " data) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                (channel, ts, parent_ts, in_channel, author, stream_state, dumps(data)),
            )
        return self.message(channel, ts)

    def _row(self, channel: str, ts: str) -> Any:
        return self.store.one("SELECT * FROM messages WHERE channel = ? AND ts = ? AND deleted = 0", (channel, ts))

    def message_row(self, channel: str, ts: str) -> dict[str, Any]:
        row = self._row(channel, ts)
        if row is None:
            raise SlackError("message_not_found")
        return dict(row)

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        """The message as conversations.history shows it, with its thread summary."""
        return self._view(self.message_row(channel, ts))

    def _view(self, row: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = loads(row["data"])
        if row.get("deleted"):
            data = {
                "type": "message",
                "subtype": "tombstone",
                "text": "This message was deleted.",
                "user": "USLACKBOT",
                "hidden": True,
                "ts": row["ts"],
            }
        if row["thread_ts"] is None:
            replies = self.store.query(
                "SELECT ts, author FROM messages WHERE channel = ? AND thread_ts = ? AND deleted = 0 ORDER BY ts",
                (row["channel"], row["ts"]),
            )
            if replies:
                users = list(dict.fromkeys(r["author"] for r in replies))
                data.update(
                    {
                        "thread_ts": row["ts"],
                        "reply_count": len(replies),
                        "reply_users_count": len(users),
                        "latest_reply": replies[-1]["ts"],
                        "reply_users": users[:5],
                        "is_locked": False,
                        "subscribed": False,
                    }
                )
        return data

    def update_message(
        self, *, channel: str, ts: str, editor: str, changes: dict[str, Any], drop: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        row = self.message_row(channel, ts)
        if row["author"] != editor:
            raise SlackError("cant_update_message")
        data = loads(row["data"])
        for key in drop:
            data.pop(key, None)
        data.update(changes)
        data["edited"] = {"user": editor, "ts": self.next_ts()}
        with self.store.lock:
            self.store.conn.execute(
                "UPDATE messages SET data = ? WHERE channel = ? AND ts = ?", (dumps(data), channel, ts)
            )
        return self.message(channel, ts)

    def patch_message(self, channel: str, ts: str, changes: dict[str, Any]) -> None:
        """Changes stored fields without marking the message edited (streaming, reactions)."""
        row = self.message_row(channel, ts)
        data = loads(row["data"])
        data.update(changes)
        with self.store.lock:
            self.store.conn.execute(
                "UPDATE messages SET data = ? WHERE channel = ? AND ts = ?", (dumps(data), channel, ts)
            )

    def set_stream_state(self, channel: str, ts: str, state: str | None) -> None:
        with self.store.lock:
            self.store.conn.execute(
                "UPDATE messages SET stream_state = ? WHERE channel = ? AND ts = ?", (state, channel, ts)
            )

    def delete_message(self, *, channel: str, ts: str, actor: str, force: bool = False) -> dict[str, Any]:
        row = self.message_row(channel, ts)
        if row["author"] != actor and not force:
            raise SlackError("cant_delete_message")
        previous = self._view(row)
        with self.store.lock:
            self.store.conn.execute("UPDATE messages SET deleted = 1 WHERE channel = ? AND ts = ?", (channel, ts))
        return previous

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [dict(r) for r in self.store.query(sql, params)]

    def history_rows(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages (and broadcast replies), newest first; deleted parents of live threads
        remain as tombstones like in Slack."""
        rows = self._rows(
            "SELECT * FROM messages m WHERE channel = ? AND in_channel = 1 AND (deleted = 0 OR EXISTS("
            " SELECT 1 FROM messages r WHERE r.channel = m.channel AND r.thread_ts = m.ts AND r.deleted = 0))"
            " ORDER BY ts DESC",
            (channel,),
        )
        return rows

    def history(self, channel: str, *, oldest: str | None, latest: str | None, inclusive: bool) -> list[dict[str, Any]]:
        out = []
        for row in self.history_rows(channel):
            if not in_range(row["ts"], oldest, latest, inclusive):
                continue
            out.append(self._view(row))
        return out

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """Parent first, then replies oldest first (conversations.replies order)."""
        row = self.store.one("SELECT * FROM messages WHERE channel = ? AND ts = ?", (channel, ts))
        if row is None:
            raise SlackError("thread_not_found")
        parent_ts = row["thread_ts"] or row["ts"]
        parent = self.store.one("SELECT * FROM messages WHERE channel = ? AND ts = ?", (channel, parent_ts))
        replies = self._rows(
            "SELECT * FROM messages WHERE channel = ? AND thread_ts = ? AND deleted = 0 ORDER BY ts",
            (channel, parent_ts),
        )
        if parent is None or (parent["deleted"] and not replies):
            raise SlackError("thread_not_found")
        return [self._view(dict(parent)), *(self._view(r) for r in replies)]

    def bot_in_thread(self, channel: str, thread_ts: str) -> bool:
        row = self.store.one(
            "SELECT 1 FROM messages WHERE channel = ? AND (ts = ? OR thread_ts = ?) AND author = ? LIMIT 1",
            (channel, thread_ts, thread_ts, self.identity.bot_user_id),
        )
        return row is not None

    # ---- reactions -------------------------------------------------------------------------

    def react(self, *, channel: str, ts: str, user: str, name: str, add: bool) -> dict[str, Any]:
        name = name.strip().strip(":")
        if not name:
            raise SlackError("invalid_name")
        row = self.message_row(channel, ts)
        data = loads(row["data"])
        reactions: list[dict[str, Any]] = data.get("reactions", [])
        entry = next((r for r in reactions if r["name"] == name), None)
        if add:
            if entry is not None and user in entry["users"]:
                raise SlackError("already_reacted")
            if entry is None:
                entry = {"name": name, "users": [], "count": 0}
                reactions.append(entry)
            entry["users"].append(user)
        else:
            if entry is None or user not in entry["users"]:
                raise SlackError("no_reaction")
            entry["users"].remove(user)
            if not entry["users"]:
                reactions.remove(entry)
        if entry is not None:
            entry["count"] = len(entry["users"])
        if reactions:
            data["reactions"] = reactions
        else:
            data.pop("reactions", None)
        with self.store.lock:
            self.store.conn.execute(
                "UPDATE messages SET data = ? WHERE channel = ? AND ts = ?", (dumps(data), channel, ts)
            )
        return data

    # ---- ephemeral messages ----------------------------------------------------------------

    def post_ephemeral(
        self,
        *,
        channel: str,
        user: str,
        author: str,
        text: str,
        blocks: list[dict[str, Any]] | None,
        thread_ts: str | None,
    ) -> dict[str, Any]:
        ts = self.next_ts()
        data: dict[str, Any] = {"type": "message", "subtype": "ephemeral", "text": text, "ts": ts}
        data.update(self._author_fields(author))
        if blocks is not None:
            data["blocks"] = blocks
        if thread_ts:
            data["thread_ts"] = thread_ts
        with self.store.lock:
            self.store.conn.execute(
                "INSERT INTO ephemerals(channel, ts, user, thread_ts, deleted, data) VALUES (?, ?, ?, ?, 0, ?)",
                (channel, ts, user, thread_ts, dumps(data)),
            )
        return data

    def ephemeral(self, channel: str, ts: str) -> dict[str, Any]:
        row = self.store.one("SELECT * FROM ephemerals WHERE channel = ? AND ts = ? AND deleted = 0", (channel, ts))
        if row is None:
            raise SlackError("message_not_found")
        return {"user": row["user"], "data": loads(row["data"])}

    def replace_ephemeral(self, channel: str, ts: str, data: dict[str, Any] | None) -> None:
        """Replace (or with None, delete) an ephemeral message: what response_url can do to one."""
        with self.store.lock:
            if data is None:
                self.store.conn.execute("UPDATE ephemerals SET deleted = 1 WHERE channel = ? AND ts = ?", (channel, ts))
            else:
                self.store.conn.execute(
                    "UPDATE ephemerals SET data = ? WHERE channel = ? AND ts = ?", (dumps(data), channel, ts)
                )

    def ephemerals_for(self, channel: str, user: str) -> list[dict[str, Any]]:
        rows = self.store.query(
            "SELECT data FROM ephemerals WHERE channel = ? AND user = ? AND deleted = 0 ORDER BY ts",
            (channel, user),
        )
        return [loads(r["data"]) for r in rows]

    # ---- assistant threads -----------------------------------------------------------------

    def assistant_thread(self, channel: str, thread_ts: str) -> dict[str, Any]:
        row = self.store.one(
            "SELECT data FROM assistant_threads WHERE channel = ? AND thread_ts = ?", (channel, thread_ts)
        )
        state: dict[str, Any] = loads(row["data"]) if row is not None else {}
        return state

    def set_assistant_thread(self, channel: str, thread_ts: str, changes: dict[str, Any]) -> dict[str, Any]:
        state = {**self.assistant_thread(channel, thread_ts), **changes}
        with self.store.lock:
            self.store.conn.execute(
                "INSERT OR REPLACE INTO assistant_threads(channel, thread_ts, data) VALUES (?, ?, ?)",
                (channel, thread_ts, dumps(state)),
            )
        return state

    # ---- deliveries (what the app was sent, and whether it took it) ------------------------

    def add_delivery(
        self,
        *,
        delivery_id: str,
        kind: str,
        event_id: str | None,
        channel: str | None,
        ts: str | None,
        summary: str,
        body: dict[str, Any] | None = None,
    ) -> None:
        now = time.time()
        with self.store.lock:
            self.store.conn.execute(
                "INSERT INTO deliveries(id, kind, event_id, channel, ts, status, attempts, last_error,"
                " created, updated, summary, body) VALUES (?, ?, ?, ?, ?, 'pending', 0, NULL, ?, ?, ?, ?)",
                (
                    delivery_id,
                    kind,
                    event_id,
                    channel,
                    ts,
                    now,
                    now,
                    summary,
                    None if body is None else dumps(body),
                ),
            )

    def update_delivery(self, delivery_id: str, *, status: str, attempts: int, last_error: str | None) -> None:
        with self.store.lock:
            self.store.conn.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, updated = ? WHERE id = ?",
                (status, attempts, last_error, time.time(), delivery_id),
            )

    def deliveries(self, *, channel: str | None = None, ts: str | None = None) -> list[dict[str, Any]]:
        if channel is not None and ts is not None:
            rows = self.store.query(
                "SELECT * FROM deliveries WHERE channel = ? AND ts = ? ORDER BY created", (channel, ts)
            )
        else:
            rows = self.store.query("SELECT * FROM deliveries ORDER BY created")
        return [dict(r) for r in rows]

    def delivery_status(self, channel: str, ts: str) -> str:
        """One word for a message: none, pending, retrying, delivered or not_delivered."""
        statuses = {d["status"] for d in self.deliveries(channel=channel, ts=ts)}
        if not statuses:
            return "none"
        for word in ("retrying", "pending"):
            if word in statuses:
                return word
        return "not_delivered" if "failed" in statuses else "delivered"

    def delivery(self, delivery_id: str) -> dict[str, Any]:
        row = self.store.one("SELECT * FROM deliveries WHERE id = ?", (delivery_id,))
        if row is None:
            raise SlackError("delivery_not_found")
        return dict(row)

    def abandon_unfinished_deliveries(self) -> None:
        """Retries do not survive a restart: anything still in flight is reported as not delivered."""
        with self.store.lock:
            self.store.conn.execute(
                "UPDATE deliveries SET status = 'failed',"
                " last_error = COALESCE(last_error, 'sandbox_restarted')"
                " WHERE status IN ('pending', 'retrying')"
            )

    # ---- response_url contexts -------------------------------------------------------------

    def add_response_url(self, context: dict[str, Any]) -> str:
        token = secrets.token_urlsafe(18)
        with self.store.lock:
            self.store.conn.execute(
                "INSERT INTO response_urls(id, data, created, uses) VALUES (?, ?, ?, 0)",
                (token, dumps(context), time.time()),
            )
        return token

    def use_response_url(self, token: str, *, ttl: float, max_uses: int) -> dict[str, Any]:
        with self.store.tx() as db:
            row = db.execute("SELECT * FROM response_urls WHERE id = ?", (token,)).fetchone()
            if row is None:
                raise SlackError("invalid_response_url", status=404)
            if time.time() - row["created"] > ttl or row["uses"] >= max_uses:
                raise SlackError("expired_url", status=404)
            db.execute("UPDATE response_urls SET uses = uses + 1 WHERE id = ?", (token,))
        context: dict[str, Any] = loads(row["data"])
        return context

    def close(self) -> None:
        self.store.close()


def ts_key(ts: str) -> tuple[int, int]:
    """Orders ts strings exactly (floats lose the last microsecond digits at this magnitude)."""
    try:
        seconds, _, fraction = ts.strip().partition(".")
        return int(seconds or "0"), int((fraction + "000000")[:6])
    except ValueError as exc:
        raise SlackError("invalid_ts_latest" if "." in ts else "invalid_arguments") from exc


def in_range(ts: str, oldest: str | None, latest: str | None, inclusive: bool) -> bool:
    value = ts_key(ts)
    if oldest:
        low = ts_key(oldest)
        if value < low or (value == low and not inclusive):
            return False
    if latest:
        high = ts_key(latest)
        if value > high or (value == high and not inclusive):
            return False
    return True
