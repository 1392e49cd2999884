"""Logging: one line per event with its structured fields; message bodies only at DEBUG."""

from __future__ import annotations

import logging
import secrets

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None)))


class KeyValueFormatter(logging.Formatter):
    """``time level logger message key=value ...`` so that fields passed in ``extra`` are visible."""

    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        extras = {
            k: v
            for k, v in vars(record).items()
            if k not in _STANDARD and not k.startswith("_") and k not in {"message", "asctime"}
        }
        if extras:
            base += " " + " ".join(f"{k}={v!r}" for k, v in sorted(extras.items()))
        return base


def configure_logging(level: str = "INFO") -> None:
    """Install the formatter on the root logger (idempotent)."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    if not any(isinstance(h.formatter, KeyValueFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.handlers = [handler]
    # Third-party clients log request bodies at DEBUG; keep them quiet unless asked.
    for noisy in ("slack_bolt", "slack_sdk", "httpx", "urllib3", "langgraph"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def new_reference() -> str:
    """A short id a person can quote; it appears in the server log next to the details."""
    return "ref-" + secrets.token_hex(4)
