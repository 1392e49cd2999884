"""The baseline server for bench/ack_latency.py: a Bolt app that only acks, on deskhand's HTTP stack."""

from __future__ import annotations

import argparse

import uvicorn
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    app = App(
        signing_secret=args.secret,
        client=WebClient(token=args.token, base_url=args.api_url),
        token_verification_enabled=False,
    )

    @app.event("app_mention")
    def _noop() -> None:
        return None

    async def events(request: Request) -> Response:
        body = (await request.body()).decode()
        bolt_request = BoltRequest(body=body, query=dict(request.query_params), headers=dict(request.headers))
        return to_starlette_response(await run_in_threadpool(app.dispatch, bolt_request))

    uvicorn.run(
        Starlette(routes=[Route("/slack/events", events, methods=["POST"])]),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
