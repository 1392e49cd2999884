"""Ack latency of signed app_mention requests: deskhand vs a bare Bolt app that only acks, in the same run.

Each request is a distinct mention (a new conversation), so deskhand really runs a turn for every one of them
in its worker processes while later requests are being acked: the figure includes that load.

    .venv/bin/python bench/ack_latency.py [--requests 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import SECRET, median, post_as_user, servers, summary, wait_idle
from tests.support.slack_requests import event_body, mention_event, sign

CHANNEL, USER = "C0ITHELP02", "U0TOMB0004"
TEXTS = [
    "<@U0DESKHAND> what tickets are assigned to me?",
    "<@U0DESKHAND> open a ticket: printer jam on floor 3",
    "<@U0DESKHAND> hello",
    "<@U0DESKHAND> show ENG-2",
]


def prepare(client: httpx.Client, sandbox: str, count: int) -> list[str]:
    """Signed bodies for ``count`` mentions, each of a message that exists in the sandbox."""
    bodies = []
    for i in range(count):
        text = TEXTS[i % len(TEXTS)]
        message = post_as_user(client, sandbox, user=USER, channel=CHANNEL, text=text)
        bodies.append(event_body(mention_event(user=USER, channel=CHANNEL, ts=str(message["ts"]), text=text)))
    return bodies


def timed_posts(client: httpx.Client, url: str, bodies: list[str], rate: float = 0.0) -> list[float]:
    """POST each body, signed at send time, and time the response; ``rate`` > 0 paces requests per second."""
    latencies = []
    next_at = time.perf_counter()
    for body in bodies:
        if rate > 0:
            next_at += 1 / rate
            time.sleep(max(0.0, next_at - time.perf_counter()))
        headers = {"content-type": "application/json", **sign(SECRET, body)}
        start = time.perf_counter()
        response = client.post(url, content=body, headers=headers)
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"unexpected status {response.status_code}: {response.text}")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="requests per second (0 = back to back, each waiting for the previous ack)",
    )
    args = parser.parse_args()
    runs: list[dict[str, dict[str, float]]] = []
    with servers() as s, httpx.Client(timeout=30) as client:
        assert s.bare is not None
        bare, desk = f"{s.bare}/slack/events", f"{s.deskhand}/slack/events"
        timed_posts(client, bare, prepare(client, s.sandbox, 20))  # warm-up: imports, auth.test, model load
        timed_posts(client, desk, prepare(client, s.sandbox, 20))
        wait_idle(s.deskhand)
        for run in range(args.runs):
            order = [("bare", bare), ("deskhand", desk)]
            if run % 2:
                order.reverse()  # neither app always runs first
            result: dict[str, dict[str, float]] = {}
            for name, url in order:
                bodies = prepare(client, s.sandbox, args.requests)
                result[name] = summary(timed_posts(client, url, bodies, args.rate))
                if name == "deskhand":
                    wait_idle(s.deskhand)
            result["ratio"] = {
                "p50": result["deskhand"]["p50"] / result["bare"]["p50"],
                "p99": result["deskhand"]["p99"] / result["bare"]["p99"],
            }
            runs.append(result)
            print(
                f"run {run + 1}: " + json.dumps({k: {m: round(v, 2) for m, v in d.items()} for k, d in result.items()}),
                flush=True,
            )

    def med(app: str, metric: str) -> float:
        return median([r[app][metric] for r in runs])

    pace = f"{args.rate:g}/s" if args.rate else "back to back"
    print(f"\nmedian of {args.runs} runs x {args.requests} signed app_mention requests, {pace} (ms):")
    print(f"  deskhand  p50 {med('deskhand', 'p50'):.2f}  p99 {med('deskhand', 'p99'):.2f}")
    print(f"  bare Bolt p50 {med('bare', 'p50'):.2f}  p99 {med('bare', 'p99'):.2f}")
    print(
        f"  ratio     p50 {med('ratio', 'p50'):.2f}  p99 {med('ratio', 'p99'):.2f}"
        "   (targets: deskhand p99 < 50 ms, p99 ratio <= 1.5)"
    )


if __name__ == "__main__":
    main()
