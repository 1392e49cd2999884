"""What the browser tests share: where Chromium is, how to start it, test secrets, and the live stack type."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
# The flags Chromium needs on a headless CI box without a user namespace sandbox or network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
SECRET = "e2e-signing-secret"
BOT_TOKEN = "xoxb-e2e-bot-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveStack:
    """The sandbox (its web page at `url`) delivering signed requests to a running deskhand."""

    url: str
    sandbox: Any
    bot: Any
