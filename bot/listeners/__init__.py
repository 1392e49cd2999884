"""Bolt listeners grouped by kind; ``register_all`` wires them onto an app."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, commands, events, views
from bot.services import BotServices


def register_all(app: App, services: BotServices) -> None:
    """Attach every listener."""
    events.register(app, services)
    actions.register(app, services)
    views.register(app, services)
    commands.register(app, services)
