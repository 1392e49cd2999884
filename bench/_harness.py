"""Shared bench plumbing: the sandbox, deskhand and a bare Bolt app as separate processes, and stats.

Each server runs in its own process, as deployed, so the load generator's own work does not distort them.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
# The sandbox's well-known local defaults (sandbox/config.py); nothing here is a real credential.
SECRET = "sandbox-signing-secret"
TOKEN = "xoxb-sandbox-bot-token"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values_ms: list[float]) -> dict[str, float]:
    """p50, p95, p99 and mean in milliseconds."""
    return {
        "p50": percentile(values_ms, 50),
        "p95": percentile(values_ms, 95),
        "p99": percentile(values_ms, 99),
        "mean": statistics.fmean(values_ms),
    }


def median(values: list[float]) -> float:
    """The median of several runs."""
    return statistics.median(values)


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 90) -> None:
    """Wait until ``url`` answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


@dataclass
class Servers:
    """URLs of the processes under test."""

    sandbox: str
    deskhand: str
    bare: str | None

    @property
    def api_url(self) -> str:
        return f"{self.sandbox}/api/"


@contextmanager
def servers(*, bare: bool = True, worker_processes: int = 2) -> Iterator[Servers]:
    """Start the sandbox, deskhand (`deskhand serve`, offline defaults) and optionally the bare Bolt app."""
    procs: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        sandbox_port, bot_port = free_port(), free_port()
        # The sandbox stands in for Slack's servers, which are not on our machine in production: run it at
        # low priority so that emulating them does not take CPU from the processes being measured.
        procs.append(
            subprocess.Popen(
                ["chrt", "--idle", "0", sys.executable, "-m", "sandbox", "--port", str(sandbox_port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        sandbox = f"http://127.0.0.1:{sandbox_port}"
        wait_http(f"{sandbox}/sandbox/health")
        data_dir = tempfile.mkdtemp(prefix="deskhand-bench-")
        bot_env = {
            **env,
            "DESKHAND_DATA_DIR": data_dir,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "DESKHAND_SLACK_API_URL": f"{sandbox}/api/",
            "DESKHAND_PORT": str(bot_port),
            "DESKHAND_LOG_LEVEL": "WARNING",
            "DESKHAND_WORKER_PROCESSES": str(worker_processes),
        }
        log = open(Path(data_dir) / "deskhand.log", "wb")  # noqa: SIM115 - lives as long as the process
        command = [sys.executable, "-m", "bot", "serve"]
        if os.environ.get("BENCH_SERVE_SCRIPT"):  # experiments only: a wrapper that patches the server
            command = [sys.executable, *os.environ["BENCH_SERVE_SCRIPT"].split()]
        procs.append(subprocess.Popen(command, env=bot_env, stdout=log, stderr=log))
        deskhand = f"http://127.0.0.1:{bot_port}"
        wait_http(f"{deskhand}/healthz")
        bare_url = None
        if bare:
            bare_port = free_port()
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        str(ROOT / "bench" / "_bare_bolt.py"),
                        "--port",
                        str(bare_port),
                        "--api-url",
                        f"{sandbox}/api/",
                        "--secret",
                        SECRET,
                        "--token",
                        TOKEN,
                    ],
                    env=env,
                )
            )
            bare_url = f"http://127.0.0.1:{bare_port}"
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    httpx.post(f"{bare_url}/slack/events", content="{}", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
        yield Servers(sandbox=sandbox, deskhand=deskhand, bare=bare_url)
    finally:
        # Stop deskhand before the sandbox it talks to, so draining workers do not hit a closed Web API.
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_idle(deskhand: str, timeout: float = 600) -> None:
    """Wait until deskhand's inbox has nothing queued or running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        depth = httpx.get(f"{deskhand}/healthz", timeout=5).json().get("inbox", {})
        if not depth.get("queued") and not depth.get("running"):
            return
        time.sleep(0.2)
    raise SystemExit("deskhand did not drain its inbox")


def post_as_user(
    client: httpx.Client, sandbox: str, *, user: str, channel: str, text: str, thread_ts: str | None = None
) -> dict[str, object]:
    """Create a person's message in the sandbox (the parent a reply will thread under)."""
    body: dict[str, object] = {"user": user, "channel": channel, "text": text}
    if thread_ts:
        body["thread_ts"] = thread_ts
    response = client.post(f"{sandbox}/sandbox/messages", json=body)
    response.raise_for_status()
    data = response.json()
    message: dict[str, object] = data.get("message", data)
    return message
