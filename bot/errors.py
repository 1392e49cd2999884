"""The bot layer's exceptions."""

from __future__ import annotations


class ConfigurationError(Exception):
    """A setting is missing or contradictory; the message says which and how to fix it."""
