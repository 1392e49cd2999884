"""`python -m sandbox`: serve the local Slack workspace until Ctrl-C (the project CLI wraps the same call).

`python -m sandbox replay FILE --bot-url URL`: re-drive a recorded session against a bot and report what it
did differently (exit code 1 when something differs, 2 when the recording cannot be replayed).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sandbox.config import DEFAULT_COMPANY_FILE, SandboxConfig


def _serve(argv: list[str]) -> int:
    from sandbox.server import serve

    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Serve the local Slack workspace.")
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
    print(f"sandbox: open http://127.0.0.1:{args.port}/  (Web API at /api/, driver at /sandbox/)")
    serve(config)
    return 0


def _replay(argv: list[str]) -> int:
    from sandbox.replay import ReplayError, replay

    defaults = SandboxConfig()
    parser = argparse.ArgumentParser(
        prog="python -m sandbox replay",
        description="Re-drive a recorded session against a bot and compare its Web API calls with the recording.",
    )
    parser.add_argument("file", type=Path, help="a recording (<data dir>/recordings/<session>.jsonl)")
    parser.add_argument(
        "--bot-url", required=True, help="the bot's request URL, e.g. http://127.0.0.1:3000/slack/events"
    )
    parser.add_argument("--signing-secret", default=defaults.signing_secret, help="the bot's signing secret")
    parser.add_argument("--bot-token", default=defaults.bot_token, help="the bot token the bot sends")
    parser.add_argument(
        "--port", type=int, default=3001, help="serve the replay's Web API here (the bot's Slack API URL points at it)"
    )
    parser.add_argument("--company", type=Path, default=DEFAULT_COMPANY_FILE)
    parser.add_argument("--quiet-ms", type=int, default=300, help="a step is over after this long without calls")
    parser.add_argument("--step-timeout", type=float, default=10.0, help="longest wait for a step's calls (s)")
    parser.add_argument("--include-reads", action="store_true", help="compare read calls too (users.info, ...)")
    parser.add_argument(
        "--ignore", action="append", default=[], metavar="REGEX", help="treat matches as equal (repeatable)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show every step's calls")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        report = replay(
            args.file,
            bot_url=args.bot_url,
            signing_secret=args.signing_secret,
            bot_token=args.bot_token,
            port=args.port,
            company_file=args.company,
            quiet_ms=args.quiet_ms,
            step_timeout=args.step_timeout,
            include_reads=args.include_reads,
            ignore=args.ignore,
        )
    except ReplayError as exc:
        print(f"replay: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"replay: cannot serve the Web API on port {args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    print(report.render(verbose=args.verbose))
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["replay"]:
        return _replay(args[1:])
    return _serve(args)


if __name__ == "__main__":
    raise SystemExit(main())
