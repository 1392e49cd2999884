"""A local Slack workspace: Web API, Events API and interactivity delivery, Socket Mode, recording, a web
page that looks and behaves like Slack, and replay of recorded sessions.

Talks HTTP (or WebSocket) to any Bolt app; imports nothing from bot/, graph/ or integrations/.
"""

from sandbox.client import DriverError, SandboxClient
from sandbox.config import SandboxConfig, interactive_config
from sandbox.replay import ReplayReport, replay
from sandbox.server import RunningSandbox, create_app, run_in_thread, serve

__all__ = [
    "DriverError",
    "ReplayReport",
    "RunningSandbox",
    "SandboxClient",
    "SandboxConfig",
    "create_app",
    "interactive_config",
    "replay",
    "run_in_thread",
    "serve",
]
