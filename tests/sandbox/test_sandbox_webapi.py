"""slack_sdk's WebClient against the sandbox: shapes, error codes, pagination, views and trigger ids."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox import SandboxClient
from sandbox.server import RunningSandbox
from tests.sandbox.helpers import BOT, BOT_TOKEN, DESIGN, DIEGO, GENERAL, HANA, MAYA, PRIYA, RANDOM


def error_of(call: Any, **kwargs: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        call(**kwargs)
    return str(info.value.response["error"])


def test_auth_test_identifies_the_bot(client: WebClient) -> None:
    """auth.test answers with the bot's user, bot and team ids."""
    data = client.auth_test().data
    assert isinstance(data, dict)
    assert data["ok"] is True
    assert (data["user_id"], data["bot_id"], data["team_id"]) == (BOT, "B0DESKHAND", "T0KESTREL")
    assert data["team"] == "Kestrel Analytics"


def test_tokens_are_checked(sandbox: RunningSandbox) -> None:
    """A wrong token is invalid_auth, no token is not_authed, and an app token cannot call chat methods."""
    assert error_of(WebClient(base_url=sandbox.api_url, token="xoxb-wrong").auth_test) == "invalid_auth"
    assert error_of(WebClient(base_url=sandbox.api_url).auth_test) == "not_authed"
    app_client = WebClient(base_url=sandbox.api_url, token="xapp-1-test-app-token")
    assert error_of(app_client.chat_postMessage, channel=GENERAL, text="x") == "not_allowed_token_type"
    bot_client = WebClient(base_url=sandbox.api_url, token=BOT_TOKEN)
    assert error_of(bot_client.apps_connections_open, app_token=BOT_TOKEN) == "not_allowed_token_type"


def test_token_in_form_field_is_accepted(sandbox: RunningSandbox) -> None:
    """The token may come as a `token` form field instead of the Authorization header."""
    response = httpx.post(f"{sandbox.api_url}auth.test", data={"token": BOT_TOKEN}, trust_env=False)
    assert response.json()["ok"] is True


def test_post_message_shapes_and_increasing_ts(client: WebClient) -> None:
    """chat.postMessage returns channel, ts and the bot message; ts values are unique and increasing."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}]
    metadata = {"event_type": "ticket_created", "event_payload": {"key": "OPS-1"}}
    first = client.chat_postMessage(channel=GENERAL, text="hello", blocks=blocks, metadata=metadata)
    second = client.chat_postMessage(channel=GENERAL, text="again")
    assert first["channel"] == GENERAL
    message = first["message"]
    assert message["bot_id"] == "B0DESKHAND"
    assert message["user"] == BOT
    assert message["blocks"] == blocks
    assert message["metadata"] == metadata
    assert float(second["ts"]) > float(first["ts"])
    assert len(first["ts"].split(".")[1]) == 6


def test_post_message_errors(client: WebClient) -> None:
    """Slack's errors: not_in_channel, channel_not_found, no_text, invalid_blocks, invalid_blocks_format."""
    assert error_of(client.chat_postMessage, channel=RANDOM, text="x") == "not_in_channel"
    assert error_of(client.chat_postMessage, channel="C0NOPE", text="x") == "channel_not_found"
    assert error_of(client.api_call, api_method="chat.postMessage", json={"channel": GENERAL}) == "no_text"
    no_type = [{"text": "no type"}]
    assert error_of(client.chat_postMessage, channel=GENERAL, text="x", blocks=no_type) == "invalid_blocks"
    assert error_of(client.chat_postMessage, channel=GENERAL, text="x", blocks="[not json") == "invalid_blocks_format"


def test_bot_can_always_post_to_dms(client: WebClient) -> None:
    """Posting to a user id opens the bot's DM with them, like Slack."""
    response = client.chat_postMessage(channel=PRIYA, text="hi there")
    assert response["channel"].startswith("D")
    opened = client.conversations_open(users=PRIYA)
    assert opened["channel"]["id"] == response["channel"]
    assert opened["already_open"] is True
    info = client.conversations_info(channel=response["channel"])["channel"]
    assert info["is_im"] is True
    assert info["user"] == PRIYA


def test_threads_replies_and_broadcast(client: WebClient, driver: SandboxClient) -> None:
    """Thread replies show in conversations.replies; the parent carries reply_count; broadcasts show in history."""
    parent = driver.post_message(MAYA, GENERAL, "laptop broken")
    client.chat_postMessage(channel=GENERAL, thread_ts=parent["ts"], text="on it")
    client.chat_postMessage(channel=GENERAL, thread_ts=parent["ts"], text="fixed", reply_broadcast=True)
    replies = client.conversations_replies(channel=GENERAL, ts=parent["ts"])["messages"]
    assert [m["text"] for m in replies] == ["laptop broken", "on it", "fixed"]
    assert all(m["thread_ts"] == parent["ts"] for m in replies)
    history = client.conversations_history(channel=GENERAL)["messages"]
    assert [m["text"] for m in history] == ["fixed", "laptop broken"]
    assert history[0]["subtype"] == "thread_broadcast"
    assert history[1]["reply_count"] == 2
    assert history[1]["reply_users"] == [BOT]
    assert error_of(client.conversations_replies, channel=GENERAL, ts="1.000001") == "thread_not_found"


def test_update_and_delete(client: WebClient, driver: SandboxClient) -> None:
    """chat.update edits the bot's own messages only; chat.delete removes them; missing ts is message_not_found."""
    posted = client.chat_postMessage(channel=GENERAL, text="draft")
    updated = client.chat_update(channel=GENERAL, ts=posted["ts"], text="final")
    assert updated["text"] == "final"
    assert updated["message"]["edited"]["user"] == BOT
    human = driver.post_message(DIEGO, GENERAL, "mine")
    assert error_of(client.chat_update, channel=GENERAL, ts=human["ts"], text="x") == "cant_update_message"
    assert error_of(client.chat_update, channel=GENERAL, ts="1.000001", text="x") == "message_not_found"
    assert error_of(client.chat_delete, channel=GENERAL, ts=human["ts"]) == "cant_delete_message"
    client.chat_delete(channel=GENERAL, ts=posted["ts"])
    texts = [m["text"] for m in client.conversations_history(channel=GENERAL)["messages"]]
    assert texts == ["mine"]


def test_conversations_list_pagination(client: WebClient) -> None:
    """conversations.list pages with limit and next_cursor, covering every channel once; bad cursors fail."""
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        response = client.conversations_list(limit=2, cursor=cursor)
        seen += [c["id"] for c in response["channels"]]
        pages += 1
        cursor = response["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 6
    everything = client.conversations_list()["channels"]
    member = {c["id"]: c["is_member"] for c in everything}
    assert member[GENERAL] is True
    assert member[RANDOM] is False
    assert error_of(client.conversations_list, cursor="bm9wZQ==") == "invalid_cursor"


def test_history_pagination_and_not_in_channel(client: WebClient) -> None:
    """conversations.history is newest first, paginates with has_more, and refuses channels the bot is not in."""
    for i in range(5):
        client.chat_postMessage(channel=GENERAL, text=f"m{i}")
    first = client.conversations_history(channel=GENERAL, limit=3)
    assert [m["text"] for m in first["messages"]] == ["m4", "m3", "m2"]
    assert first["has_more"] is True
    rest = client.conversations_history(channel=GENERAL, limit=3, cursor=first["response_metadata"]["next_cursor"])
    assert [m["text"] for m in rest["messages"]] == ["m1", "m0"]
    assert rest["has_more"] is False
    assert error_of(client.conversations_history, channel=RANDOM) == "not_in_channel"
    assert error_of(client.conversations_history, channel="C0NOPE") == "channel_not_found"


def test_members_pagination(client: WebClient) -> None:
    """conversations.members lists the channel's members page by page."""
    page = client.conversations_members(channel=DESIGN, limit=3)
    rest = client.conversations_members(channel=DESIGN, cursor=page["response_metadata"]["next_cursor"])
    assert set(page["members"]) | set(rest["members"]) == {HANA, "U0TOMB0004", "U0GRACE009", "U0SAMW0006", BOT}


def test_users_info_list_and_lookup(client: WebClient) -> None:
    """Users carry tz, tz_offset and profile fields; lookups fail with user_not_found / users_not_found."""
    user = client.users_info(user=PRIYA)["user"]
    assert user["tz"] == "Asia/Kolkata"
    assert user["tz_offset"] == 19800
    assert user["profile"]["email"] == "priya.raman@kestrel.example"
    assert user["profile"]["real_name"] == "Priya Raman"
    assert user["profile"]["display_name"] == "priya"
    assert client.users_lookupByEmail(email="Maya.Okafor@kestrel.example")["user"]["id"] == MAYA
    assert error_of(client.users_lookupByEmail, email="nobody@kestrel.example") == "users_not_found"
    assert error_of(client.users_info, user="U0NOBODY") == "user_not_found"
    first = client.users_list(limit=5)
    second = client.users_list(limit=50, cursor=first["response_metadata"]["next_cursor"])
    ids = [u["id"] for u in first["members"] + second["members"]]
    assert len(ids) == len(set(ids)) == 13
    assert second["response_metadata"]["next_cursor"] == ""
    assert next(u for u in second["members"] + first["members"] if u["id"] == BOT)["is_bot"] is True


def test_reactions(client: WebClient, driver: SandboxClient) -> None:
    """reactions.add / remove with already_reacted and no_reaction."""
    posted = driver.post_message(MAYA, GENERAL, "ship it")
    client.reactions_add(channel=GENERAL, timestamp=posted["ts"], name="eyes")
    assert error_of(client.reactions_add, channel=GENERAL, timestamp=posted["ts"], name="eyes") == "already_reacted"
    message = client.conversations_history(channel=GENERAL)["messages"][0]
    assert message["reactions"] == [{"name": "eyes", "users": [BOT], "count": 1}]
    client.reactions_remove(channel=GENERAL, timestamp=posted["ts"], name="eyes")
    assert error_of(client.reactions_remove, channel=GENERAL, timestamp=posted["ts"], name="eyes") == "no_reaction"
    assert error_of(client.reactions_add, channel=GENERAL, timestamp="1.000001", name="x") == "message_not_found"


def test_ephemeral_messages_are_seen_by_one_user(client: WebClient, driver: SandboxClient) -> None:
    """chat.postEphemeral shows only to its user; users outside the channel are refused."""
    response = client.chat_postEphemeral(channel=GENERAL, user=MAYA, text="only you")
    assert response["message_ts"]
    for_maya = driver.messages(GENERAL, user=MAYA)
    assert [m["text"] for m in for_maya] == ["only you"]
    assert for_maya[0]["sandbox"]["ephemeral"] is True
    assert driver.messages(GENERAL, user=DIEGO) == []
    assert error_of(client.chat_postEphemeral, channel=DESIGN, user=MAYA, text="x") == "user_not_in_channel"


MODAL = {
    "type": "modal",
    "callback_id": "ticket",
    "title": {"type": "plain_text", "text": "New ticket"},
    "submit": {"type": "plain_text", "text": "File"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


def test_views_need_a_fresh_trigger(start_sandbox: Any) -> None:
    """views.open takes a trigger the sandbox issued: unknown, reused and expired triggers fail like Slack."""
    sb = start_sandbox(trigger_ttl=0.3)
    client = WebClient(base_url=sb.api_url, token=BOT_TOKEN)
    trigger = sb.sandbox.views.issue_trigger(MAYA)
    view = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert view["id"].startswith("V")
    assert view["callback_id"] == "ticket"
    assert view["state"] == {"values": {}}
    assert view["root_view_id"] == view["id"]
    assert view["hash"]
    with SandboxClient(sb.base_url) as driver:
        assert driver.modal(MAYA)["view"]["id"] == view["id"]
    assert error_of(client.views_open, trigger_id=trigger, view=MODAL) == "exchanged_trigger_id"
    assert error_of(client.views_open, trigger_id="123.456.abc", view=MODAL) == "invalid_trigger_id"
    stale = sb.sandbox.views.issue_trigger(MAYA)
    time.sleep(0.4)
    assert error_of(client.views_open, trigger_id=stale, view=MODAL) == "expired_trigger_id"
    bad = {"type": "modal", "blocks": []}
    assert error_of(client.views_open, trigger_id=sb.sandbox.views.issue_trigger(MAYA), view=bad) == "invalid_arguments"


def test_views_update_and_publish(sandbox: RunningSandbox, client: WebClient, driver: SandboxClient) -> None:
    """views.update checks hash and view id; views.publish stores the user's App Home."""
    view = client.views_open(trigger_id=sandbox.sandbox.views.issue_trigger(MAYA), view=MODAL)["view"]
    changed = {**MODAL, "title": {"type": "plain_text", "text": "Edit ticket"}}
    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=changed)["view"]
    assert updated["id"] == view["id"]
    assert updated["title"]["text"] == "Edit ticket"
    assert error_of(client.views_update, view_id=view["id"], hash="stale", view=changed) == "hash_conflict"
    assert error_of(client.views_update, view_id="VNOPE", view=changed) == "not_found"
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Welcome"}}]}
    client.views_publish(user_id=MAYA, view=home)
    assert driver.home(MAYA)["blocks"] == home["blocks"]  # type: ignore[index]
    assert error_of(client.views_publish, user_id="U0NOBODY", view=home) == "user_not_found"


def test_streaming_builds_one_message(client: WebClient, driver: SandboxClient) -> None:
    """chat_stream (startStream/appendStream/stopStream) grows one thread reply and then completes it."""
    parent = driver.post_message(MAYA, GENERAL, "summarise the VPN doc")
    streamer = client.chat_stream(
        channel=GENERAL, thread_ts=parent["ts"], recipient_team_id="T0KESTREL", recipient_user_id=MAYA, buffer_size=5
    )
    streamer.append(markdown_text="The VPN ")
    streamer.append(markdown_text="needs **MFA**.")
    during = driver.thread(GENERAL, parent["ts"])[1]
    assert during["sandbox"]["streaming"] == "in_progress"
    streamer.stop(markdown_text=" Done.")
    reply = driver.thread(GENERAL, parent["ts"])[1]
    assert reply["text"] == "The VPN needs **MFA**. Done."
    assert reply["sandbox"]["streaming"] == "completed"
    assert error_of(client.chat_appendStream, channel=GENERAL, ts=reply["ts"], markdown_text="x") == (
        "message_not_in_streaming_state"
    )


def test_assistant_thread_status_prompts_title(client: WebClient, driver: SandboxClient) -> None:
    """assistant.threads.* store status, suggested prompts and title for the thread."""
    dm = client.conversations_open(users=MAYA)["channel"]["id"]
    parent = driver.post_message(MAYA, dm, "help")
    client.assistant_threads_setStatus(channel_id=dm, thread_ts=parent["ts"], status="is thinking...")
    prompts = [{"title": "Book a room", "message": "Book a room tomorrow at 10"}]
    client.assistant_threads_setSuggestedPrompts(channel_id=dm, thread_ts=parent["ts"], prompts=prompts)
    client.assistant_threads_setTitle(channel_id=dm, thread_ts=parent["ts"], title="Help")
    state = driver.assistant_thread(dm, parent["ts"])
    assert state["status"] == "is thinking..."
    assert state["suggested_prompts"] == prompts
    assert state["title"] == "Help"
    with pytest.raises(SlackApiError):
        client.assistant_threads_setSuggestedPrompts(channel_id=dm, thread_ts=parent["ts"], prompts=[])


def test_form_and_json_bodies_are_both_read(sandbox: RunningSandbox) -> None:
    """The same method works with a form body (blocks as a JSON string) and with a JSON body."""
    headers = {"Authorization": f"Bearer {BOT_TOKEN}"}
    form = httpx.post(
        f"{sandbox.api_url}chat.postMessage",
        data={"channel": GENERAL, "text": "form", "blocks": '[{"type":"divider"}]'},
        headers=headers,
        trust_env=False,
    ).json()
    as_json = httpx.post(
        f"{sandbox.api_url}chat.postMessage",
        json={"channel": GENERAL, "text": "json", "blocks": [{"type": "divider"}]},
        headers=headers,
        trust_env=False,
    ).json()
    assert form["ok"]
    assert as_json["ok"]
    assert form["message"]["blocks"] == as_json["message"]["blocks"] == [{"type": "divider"}]


def test_rate_limit_answers_429_with_retry_after(start_sandbox: Any) -> None:
    """With rate limiting on, a method over its limit gets HTTP 429, Retry-After and error ratelimited."""
    sb = start_sandbox(rate_limit=True, rate_limits_per_minute={"users.info": 2})
    client = WebClient(base_url=sb.api_url, token=BOT_TOKEN)
    client.users_info(user=MAYA)
    client.users_info(user=MAYA)
    with pytest.raises(SlackApiError) as info:
        client.users_info(user=MAYA)
    assert info.value.response.status_code == 429
    assert info.value.response["error"] == "ratelimited"
    assert int(info.value.response.headers["Retry-After"]) >= 1
    assert client.auth_test()["ok"] is True  # other methods have their own budget
