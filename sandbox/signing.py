"""Slack's v0 request signatures, as an app verifies them."""

from __future__ import annotations

import hashlib
import hmac
import time


def signature(secret: str, timestamp: str, body: bytes | str) -> str:
    """The X-Slack-Signature value for a body sent at `timestamp`."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    base = b"v0:" + timestamp.encode("ascii") + b":" + raw
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes | str, *, now: float | None = None) -> dict[str, str]:
    """Headers carrying a fresh timestamp and its signature."""
    timestamp = str(int(now if now is not None else time.time()))
    return {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature(secret, timestamp, body),
    }


def verify(secret: str, timestamp: str, body: bytes | str, given: str, *, max_age: float = 300.0) -> bool:
    """True when `given` signs `body` and the timestamp is recent (replay protection)."""
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    if age > max_age:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given)
