"""`python -m sandbox`: serve the local Slack workspace until Ctrl-C (the project CLI wraps the same call)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from sandbox.config import DEFAULT_COMPANY_FILE, SandboxConfig
from sandbox.server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=3100)
    parser.add_argument("--data-dir", type=Path, default=None, help="keep state here (default: in memory)")
    parser.add_argument("--company", type=Path, default=DEFAULT_COMPANY_FILE)
    parser.add_argument("--bot-url", default=None, help="the app's Events/interactivity request URL")
    parser.add_argument("--socket-mode", action="store_true")
    parser.add_argument("--rate-limit", action="store_true")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO)
    config = SandboxConfig(
        data_dir=args.data_dir,
        company_file=args.company,
        bot_request_url=args.bot_url,
        socket_mode=args.socket_mode,
        rate_limit=args.rate_limit,
        port=args.port,
    )
    print(f"sandbox: http://127.0.0.1:{args.port}  (Web API at /api/, driver at /sandbox/)")
    serve(config)


if __name__ == "__main__":
    main()
