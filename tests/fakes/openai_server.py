"""A scripted OpenAI-compatible server on loopback: POST /v1/chat/completions, like vLLM or Ollama serve it.

Tests queue the assistant turns they want (text or tool calls); the real ``ChatOpenAI`` client sends real
requests and parses real responses, so the OpenAI code path runs end to end without a network.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

Responder = Callable[[dict[str, Any]], dict[str, Any]]


def text_turn(content: str) -> dict[str, Any]:
    """An assistant message with text."""
    return {"role": "assistant", "content": content}


def tool_turn(*calls: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """An assistant message calling tools."""
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": f"call_{uuid.uuid4().hex[:12]}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)},
            }
            for name, args in calls
        ],
    }


@dataclass
class ScriptedOpenAI:
    """Answers each request with the next scripted turn, or with ``responder`` when the script is empty."""

    script: deque[dict[str, Any]] = field(default_factory=deque)
    responder: Responder | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    api_key_seen: list[str] = field(default_factory=list)

    def app(self) -> Starlette:
        async def completions(request: Request) -> JSONResponse:
            try:
                body = await request.json()
            except json.JSONDecodeError:
                return JSONResponse({"error": {"message": "invalid json", "type": "invalid_request_error"}}, 400)
            self.requests.append(body)
            self.api_key_seen.append(request.headers.get("authorization", ""))
            if self.script:
                message = self.script.popleft()
            elif self.responder is not None:
                message = self.responder(body)
            else:
                return JSONResponse({"error": {"message": "script exhausted", "type": "server_error"}}, 500)
            finish = "tool_calls" if message.get("tool_calls") else "stop"
            return JSONResponse(
                {
                    "id": f"chatcmpl-{uuid.uuid4().hex[:10]}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "scripted"),
                    "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                    "usage": {"prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60},
                }
            )

        return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])


@dataclass
class RunningOpenAI:
    """The fake, served from a thread."""

    fake: ScriptedOpenAI
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


def serve_openai(fake: ScriptedOpenAI) -> RunningOpenAI:
    """Start the fake on a free loopback port; ``base_url`` ends in /v1 like OpenAI's."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(fake.app(), log_level="warning", access_log=False))
    thread = threading.Thread(target=lambda: server.run(sockets=[sock]), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    return RunningOpenAI(fake=fake, base_url=f"http://127.0.0.1:{port}/v1", server=server, thread=thread)
