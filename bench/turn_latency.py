"""One full offline turn: signed app_mention in → reply (or approval card) posted in the thread.

deskhand runs on its offline defaults (local model, SQLite checkpoints, local tickets) with turns on worker
threads in this process, so the time from POST to the reply appearing in the sandbox is measured directly.
The baseline is a bare Bolt app that answers every mention with a fixed reply through the same sandbox.

    .venv/bin/python bench/turn_latency.py [--turns 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench._harness import percentile
from tests.support.slack_requests import event_body, mention_event, post_signed
from tests.support.stack import BOT_TOKEN, SECRET, running_stack

CHANNEL, USER, BOT = "C0ITHELP02", "U0TOMB0004", "U0DESKHAND"
MESSAGES = {
    "create": "<@U0DESKHAND> open a ticket: the {n}th floor printer is jammed",
    "search": "<@U0DESKHAND> what tickets are assigned to me?",
    "get": "<@U0DESKHAND> what's the status of ENG-2",
    "chat": "<@U0DESKHAND> hello",
}


def serve_echo(api_url: str) -> tuple[str, uvicorn.Server]:
    """The baseline: acks, then posts a fixed reply in the thread."""
    client = WebClient(token=BOT_TOKEN, base_url=api_url)
    app = App(signing_secret=SECRET, client=client, token_verification_enabled=False)

    @app.event("app_mention")
    def reply(event: dict[str, Any]) -> None:
        client.chat_postMessage(channel=event["channel"], thread_ts=event["ts"], text="ok")

    async def events(request: Request) -> Response:
        body = (await request.body()).decode()
        req = BoltRequest(body=body, query=dict(request.query_params), headers=dict(request.headers))
        return to_starlette_response(await run_in_threadpool(app.dispatch, req))

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(Starlette(routes=[Route("/slack/events", events, methods=["POST"])]), log_level="warning")
    )
    threading.Thread(target=lambda: server.run(sockets=[sock]), daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return f"http://127.0.0.1:{sock.getsockname()[1]}/slack/events", server


def one_turn(workspace: Any, client: httpx.Client, url: str, text: str) -> float:
    """ms from the signed POST to the first reply in the thread."""
    message = workspace.post_message(channel=CHANNEL, author=USER, text=text)
    body = event_body(mention_event(user=USER, channel=CHANNEL, ts=message["ts"], text=text))
    start = time.perf_counter()
    post_signed(url, body, SECRET, client=client)
    while len(workspace.thread(CHANNEL, message["ts"])) < 2:
        time.sleep(0.001)
        if time.perf_counter() - start > 30:
            raise SystemExit("no reply within 30 s")
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    per_run: list[dict[str, float]] = []
    with running_stack(Path(tempfile.mkdtemp(prefix="deskhand-turn-"))) as stack, httpx.Client(timeout=30) as c:
        echo_url, echo_server = serve_echo(stack.sandbox.api_url)
        workspace = stack.workspace
        for i in range(5):  # warm-up: model and classifier index load, first queries
            one_turn(workspace, c, stack.bot.events_url, MESSAGES["create"].format(n=i))
            one_turn(workspace, c, echo_url, "<@U0DESKHAND> hi")
        for run in range(args.runs):
            samples: dict[str, list[float]] = {k: [] for k in MESSAGES}
            baseline: list[float] = []
            for i in range(args.turns):
                kind = list(MESSAGES)[i % len(MESSAGES)]
                samples[kind].append(one_turn(workspace, c, stack.bot.events_url, MESSAGES[kind].format(n=i)))
                baseline.append(one_turn(workspace, c, echo_url, "<@U0DESKHAND> hi"))
            every = [v for values in samples.values() for v in values]
            result = {
                "p50": percentile(every, 50),
                "p95": percentile(every, 95),
                "baseline_p50": percentile(baseline, 50),
            }
            result.update({f"{k}_p50": percentile(v, 50) for k, v in samples.items()})
            result["ratio_p50"] = result["p50"] / result["baseline_p50"]
            per_run.append(result)
            print(f"run {run + 1}: " + ", ".join(f"{k} {v:.1f}" for k, v in result.items()), flush=True)
        echo_server.should_exit = True
    print(f"\nmedian of {args.runs} runs x {args.turns} turns (ms):")
    for key in per_run[0]:
        print(f"  {key:14s} {statistics.median(r[key] for r in per_run):8.2f}")
    print("  (target: full offline turn p50 < 150 ms)")


if __name__ == "__main__":
    main()
