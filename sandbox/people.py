"""What a person does in the workspace (type, click, submit, run a command, open App Home), and what Slack
then sends the app. The driver API and, later, the web UI and replay call these."""

from __future__ import annotations

from typing import Any

from sandbox.context import Sandbox
from sandbox.delivery import Outcome
from sandbox.errors import SlackError
from sandbox.payloads import (
    action_payload,
    app_home_opened_event,
    initial_state,
    input_state,
    reaction_event,
    user_ref,
)
from sandbox.responses import apply_response


class People:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sb = sandbox

    @property
    def _ident(self) -> Any:
        return self.sb.identity

    def _user(self, user: str | None) -> dict[str, Any]:
        if not user or user == self._ident.bot_user_id:
            raise SlackError("user_not_found")
        return self.sb.workspace.user_record(user)

    def _response_url(self, context: dict[str, Any]) -> str:
        token = self.sb.workspace.add_response_url(context)
        return f"{self.sb.base_url}/sandbox/response/{token}"

    def _outcome(self, outcome: Outcome) -> dict[str, Any]:
        out: dict[str, Any] = {"delivered": outcome.ok, "status": outcome.status}
        if not outcome.ok:
            out["reason"] = outcome.reason
        return out

    # ---- messages --------------------------------------------------------------------------

    def resolve_for(self, user: str, channel: str | None) -> str:
        """A channel id, a #name, or a user id meaning "my DM with them" (the bot's id opens the app's DM)."""
        ws = self.sb.workspace
        cid = ws.resolve_channel(channel, user)
        record = ws.conversation(cid)
        if record["kind"] != "channel" and not ws.is_member(cid, user):
            raise SlackError("channel_not_found")
        return cid

    def post_message(
        self,
        *,
        user: str,
        channel: str,
        text: str,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
    ) -> dict[str, Any]:
        ws = self.sb.workspace
        self._user(user)
        cid = self.resolve_for(user, channel)
        if not ws.is_member(cid, user):
            raise SlackError("not_in_channel")
        if not text.strip():
            raise SlackError("no_text")
        message = ws.post_message(
            channel=cid, author=user, text=text, thread_ts=thread_ts, reply_broadcast=reply_broadcast
        )
        self.sb.feed.publish("message", channel=cid, ts=message["ts"])
        deliveries = self.sb.delivery.message_posted(message, channel=cid)
        return {"channel": cid, "ts": message["ts"], "message": message, "deliveries": deliveries}

    def react(self, *, user: str, channel: str, ts: str, name: str, add: bool = True) -> dict[str, Any]:
        ws = self.sb.workspace
        self._user(user)
        cid = self.resolve_for(user, channel)
        row = ws.message_row(cid, ts)
        ws.react(channel=cid, ts=ts, user=user, name=name, add=add)
        self.sb.feed.publish("reaction", channel=cid, ts=ts)
        deliveries = []
        if ws.is_member(cid, self._ident.bot_user_id):
            event = reaction_event(
                added=add, user=user, reaction=name.strip(":"), channel=cid, ts=ts, item_user=row["author"]
            )
            delivery_id = self.sb.delivery.send_event(event)
            if delivery_id is not None:
                deliveries.append(delivery_id)
        return {"deliveries": deliveries}

    # ---- block actions ---------------------------------------------------------------------

    async def click(
        self,
        *,
        user: str,
        channel: str,
        ts: str,
        action_id: str,
        block_id: str | None = None,
        value: Any = None,
    ) -> dict[str, Any]:
        """A person uses an interactive element of a message (or of an ephemeral message they see)."""
        ws = self.sb.workspace
        person = self._user(user)
        cid = self.resolve_for(user, channel)
        ephemeral = False
        try:
            message = ws.message(cid, ts)
        except SlackError:
            found = ws.ephemeral(cid, ts)
            if found["user"] != user:
                raise
            message, ephemeral = found["data"], True
        element, found_block = find_element(message.get("blocks", []), action_id, block_id)
        record = ws.conversation(cid)
        response_url = self._response_url(
            {
                "kind": "message",
                "channel": cid,
                "ts": ts,
                "user": user,
                "ephemeral": ephemeral,
                "thread_ts": message.get("thread_ts"),
            }
        )
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": user_ref(self._ident, person),
            "api_app_id": self._ident.app_id,
            "token": self.sb.config.verification_token,
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": cid,
                "is_ephemeral": ephemeral,
                **({"thread_ts": message["thread_ts"]} if message.get("thread_ts") else {}),
            },
            "trigger_id": self.sb.views.issue_trigger(user),
            "team": {"id": self._ident.team_id, "domain": self._ident.domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": cid, "name": record.get("name", "directmessage")},
            "state": {"values": {}},
            "response_url": response_url,
            "actions": [action_payload(element, block_id=found_block, value=_default_value(element, value))],
        }
        if not ephemeral:
            payload["message"] = message
        outcome = await self.sb.delivery.send_once("interactive", payload, summary="block_actions")
        return self._outcome(outcome)

    async def click_in_view(
        self, *, user: str, view_id: str, action_id: str, block_id: str | None = None, value: Any = None
    ) -> dict[str, Any]:
        """A person uses a button or select inside a modal or their App Home."""
        person = self._user(user)
        views = self.sb.views
        if views.owner(view_id) != user:
            raise SlackError("not_found")
        view = views.get(view_id)
        element, found_block = find_element(view.get("blocks", []), action_id, block_id)
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": user_ref(self._ident, person),
            "api_app_id": self._ident.app_id,
            "token": self.sb.config.verification_token,
            "container": {"type": "view", "view_id": view_id},
            "trigger_id": views.issue_trigger(user),
            "team": {"id": self._ident.team_id, "domain": self._ident.domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "view": view,
            "actions": [action_payload(element, block_id=found_block, value=_default_value(element, value))],
        }
        outcome = await self.sb.delivery.send_once("interactive", payload, summary="block_actions")
        return self._outcome(outcome)

    # ---- modals ----------------------------------------------------------------------------

    async def submit_view(self, *, user: str, view_id: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """Submit the modal with input given as block_id -> action_id -> value, or action_id -> value."""
        person = self._user(user)
        views = self.sb.views
        if views.owner(view_id) != user:
            raise SlackError("not_found")
        view = views.get(view_id)
        state, missing = collect_state(view.get("blocks", []), values or {})
        if missing:
            # Slack's client refuses to submit with a required input empty; nothing reaches the app.
            return {"delivered": False, "reason": "required_input_missing", "missing": missing}
        view = views.set_state(view_id, state)
        payload = {
            "type": "view_submission",
            "team": {"id": self._ident.team_id, "domain": self._ident.domain},
            "user": user_ref(self._ident, person),
            "api_app_id": self._ident.app_id,
            "token": self.sb.config.verification_token,
            "trigger_id": views.issue_trigger(user),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        outcome = await self.sb.delivery.send_once("interactive", payload, summary="view_submission")
        result = self._outcome(outcome)
        if not outcome.ok:
            return result  # The modal stays open with Slack's "trouble connecting" notice.
        answer = outcome.json()
        action = answer.get("response_action") if isinstance(answer, dict) else None
        result["response_action"] = action
        if action == "errors":
            views.set_errors(view_id, dict(answer.get("errors") or {}))
            result["errors"] = answer.get("errors")
        elif action == "update":
            views.update(view_id=view_id, external_id=None, spec=answer.get("view"), hash_=None)
        elif action == "push":
            views.push(views.issue_trigger(user), answer.get("view"))
        elif action == "clear":
            views.close(view_id, whole_stack=True)
        else:
            views.close(view_id, whole_stack=False)
        self.sb.feed.publish("view", view_id=view_id)
        return result

    async def close_view(self, *, user: str, view_id: str) -> dict[str, Any]:
        """Cancel or the X; the app hears of it (view_closed) only when notify_on_close is set."""
        person = self._user(user)
        views = self.sb.views
        if views.owner(view_id) != user:
            raise SlackError("not_found")
        view = views.get(view_id)
        clear = bool(view.get("clear_on_close"))
        views.close(view_id, whole_stack=clear)
        self.sb.feed.publish("view", view_id=view_id)
        if not view.get("notify_on_close"):
            return {"delivered": None}
        payload = {
            "type": "view_closed",
            "team": {"id": self._ident.team_id, "domain": self._ident.domain},
            "user": user_ref(self._ident, person),
            "api_app_id": self._ident.app_id,
            "token": self.sb.config.verification_token,
            "view": view,
            "is_cleared": clear,
            "is_enterprise_install": False,
            "enterprise": None,
        }
        outcome = await self.sb.delivery.send_once("interactive", payload, summary="view_closed")
        return self._outcome(outcome)

    # ---- slash commands and App Home ---------------------------------------------------------

    async def slash_command(self, *, user: str, channel: str, command: str, text: str = "") -> dict[str, Any]:
        ws = self.sb.workspace
        person = self._user(user)
        cid = self.resolve_for(user, channel)
        record = ws.conversation(cid)
        command = command if command.startswith("/") else "/" + command
        fields = {
            "token": self.sb.config.verification_token,
            "team_id": self._ident.team_id,
            "team_domain": self._ident.domain,
            "channel_id": cid,
            "channel_name": record.get("name", "directmessage"),
            "user_id": user,
            "user_name": person.get("name", ""),
            "command": command,
            "text": text,
            "api_app_id": self._ident.app_id,
            "is_enterprise_install": "false",
            "response_url": self._response_url({"kind": "command", "channel": cid, "user": user}),
            "trigger_id": self.sb.views.issue_trigger(user),
        }
        outcome = await self.sb.delivery.send_once("slash_commands", fields, summary=command)
        result = self._outcome(outcome)
        if outcome.ok:
            # An immediate answer in the ack body is shown like a response_url message.
            answer = outcome.json()
            if not isinstance(answer, dict) and outcome.body.strip():
                answer = {"text": outcome.text()}
            if isinstance(answer, dict) and (answer.get("text") or answer.get("blocks")):
                shown = apply_response(self.sb, {"kind": "command", "channel": cid, "user": user}, answer)
                result["created"] = shown.get("created")
        return result

    def open_app_home(self, *, user: str, tab: str = "home") -> dict[str, Any]:
        self._user(user)
        if tab not in ("home", "messages"):
            raise SlackError("invalid_arguments")
        channel, _ = self.sb.workspace.open_dm(user, self._ident.bot_user_id)
        view = self.sb.views.home(user) if tab == "home" else None
        event = app_home_opened_event(user=user, channel=channel, tab=tab, view=view)
        delivery_id = self.sb.delivery.send_event(event)
        return {"channel": channel, "deliveries": [] if delivery_id is None else [delivery_id]}


def _default_value(element: dict[str, Any], value: Any) -> Any:
    if value is not None:
        return value
    if element.get("type") in ("static_select", "radio_buttons", "overflow") and element.get("options"):
        return element["options"][0].get("value")
    return element.get("value")


def find_element(blocks: list[dict[str, Any]], action_id: str, block_id: str | None) -> tuple[dict[str, Any], str]:
    """The interactive element with this action_id (in actions, section accessories or inputs)."""
    for index, block in enumerate(blocks):
        bid = block.get("block_id") or f"b{index}"
        if block_id is not None and bid != block_id:
            continue
        candidates = list(block.get("elements", [])) if block.get("type") == "actions" else []
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                candidates.append(block[key])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return element, bid
    raise SlackError("action_not_found", status=404)


def collect_state(blocks: list[dict[str, Any]], given: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """view.state.values for a submission, and the block_ids of required inputs left empty."""
    values: dict[str, Any] = {}
    missing: list[str] = []
    for index, block in enumerate(blocks):
        if block.get("type") != "input" or not isinstance(block.get("element"), dict):
            continue
        element = block["element"]
        bid = block.get("block_id") or f"b{index}"
        aid = element.get("action_id") or f"a{index}"
        if isinstance(given.get(bid), dict) and aid in given[bid]:
            value = given[bid][aid]
        elif aid in given:
            value = given[aid]
        else:
            value = initial_state(element)
        if value in (None, "", []) and not block.get("optional", False):
            missing.append(bid)
        values.setdefault(bid, {})[aid] = input_state(element, value)
    return values, missing
