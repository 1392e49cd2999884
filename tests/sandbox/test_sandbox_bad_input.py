"""Malformed bodies get Slack-shaped errors and the sandbox keeps serving."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.server import RunningSandbox
from tests.sandbox.helpers import BOT_TOKEN, GENERAL

AUTH = {"Authorization": f"Bearer {BOT_TOKEN}"}


def post(sb: RunningSandbox, path: str, content: bytes, content_type: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{sb.base_url}{path}",
        content=content,
        headers={"Content-Type": content_type, **headers},
        trust_env=False,
        timeout=5,
    )


def still_serving(sb: RunningSandbox) -> bool:
    response = httpx.post(f"{sb.api_url}auth.test", headers=AUTH, trust_env=False, timeout=5)
    return bool(response.json()["ok"])


@pytest.mark.parametrize(
    ("content", "content_type", "error"),
    [
        (b'{"channel": "C0GENERAL1", "text": ', "application/json", "invalid_json"),
        (b"[1, 2, 3]", "application/json", "json_not_object"),
        (b"\xff\xfe\x00garbage", "application/json", "invalid_charset"),
        (b"channel&&text", "application/x-www-form-urlencoded", "invalid_form_data"),
        (b"text=%FF%FE", "application/x-www-form-urlencoded", "invalid_charset"),
        (b"<xml/>", "application/xml", "invalid_post_type"),
        (b"--x\r\nno headers at all", "multipart/form-data; boundary=zzz", "invalid_form_data"),
    ],
)
def test_web_api_bad_bodies(sandbox: RunningSandbox, content: bytes, content_type: str, error: str) -> None:
    """Each kind of broken Web API body is answered {"ok": false, "error": ...} with HTTP 200, like Slack."""
    response = post(sandbox, "/api/chat.postMessage", content, content_type, **AUTH)
    assert response.status_code == 200
    assert response.json() == {"ok": False, "error": error}
    assert still_serving(sandbox)


def test_unknown_method_and_path(sandbox: RunningSandbox) -> None:
    """Unknown Web API methods are unknown_method; unknown paths answer JSON 404s."""
    response = httpx.post(f"{sandbox.api_url}chat.nope", headers=AUTH, trust_env=False)
    assert response.json() == {"ok": False, "error": "unknown_method"}
    assert httpx.get(f"{sandbox.base_url}/nowhere", trust_env=False).json() == {"ok": False, "error": "not_found"}


@pytest.mark.parametrize(
    "path",
    ["/sandbox/messages", "/sandbox/actions", "/sandbox/commands", "/sandbox/views/V123/submit", "/sandbox/app_home"],
)
def test_driver_bad_bodies(sandbox: RunningSandbox, path: str) -> None:
    """Driver endpoints answer broken JSON with 400 invalid_json and a missing field with invalid_arguments."""
    broken = post(sandbox, path, b"{not json", "application/json")
    assert broken.status_code == 400
    assert broken.json() == {"ok": False, "error": "invalid_json"}
    empty = post(sandbox, path, b"{}", "application/json")
    assert empty.status_code == 400
    assert empty.json()["error"] == "invalid_arguments"
    assert still_serving(sandbox)


def test_response_url_bad_bodies(sandbox: RunningSandbox) -> None:
    """response_url rejects broken JSON and unknown tokens with Slack-shaped errors."""
    broken = post(sandbox, "/sandbox/response/whatever", b"{oops", "application/json")
    assert broken.json() == {"ok": False, "error": "invalid_json"}
    unknown = post(sandbox, "/sandbox/response/whatever", b'{"text": "hi"}', "application/json")
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "invalid_response_url"
    assert still_serving(sandbox)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.binary(max_size=200),
    content_type=st.sampled_from(
        ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "text/plain", ""]
    ),
    path=st.sampled_from(
        [
            "/api/chat.postMessage",
            "/api/views.open",
            "/api/conversations.history",
            "/sandbox/messages",
            "/sandbox/actions",
        ]
    ),
)
def test_random_bodies_never_break_the_server(
    sandbox: RunningSandbox, body: bytes, content_type: str, path: str
) -> None:
    """Arbitrary bytes to any endpoint get a JSON answer that is not a server error."""
    headers: dict[str, Any] = dict(AUTH) if path.startswith("/api/") else {}
    response = post(sandbox, path, body, content_type, **headers)
    assert response.status_code < 500
    assert response.json()["ok"] is False or path == "/api/conversations.history"


def test_serving_after_fuzz_like_burst(sandbox: RunningSandbox) -> None:
    """After a burst of garbage the Web API still posts messages."""
    for junk in (b"\x00" * 50, b"{" * 100, b"a=" * 100, b"%" * 30):
        post(sandbox, "/api/chat.postMessage", junk, "application/x-www-form-urlencoded", **AUTH)
    ok = httpx.post(
        f"{sandbox.api_url}chat.postMessage",
        json={"channel": GENERAL, "text": "still here"},
        headers=AUTH,
        trust_env=False,
    ).json()
    assert ok["ok"] is True
