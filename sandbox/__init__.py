"""A local Slack workspace: Web API, Events API and interactivity delivery, Socket Mode, recording.

Talks HTTP (or WebSocket) to any Bolt app; imports nothing from bot/, graph/ or integrations/.
"""

from sandbox.client import DriverError, SandboxClient
from sandbox.config import SandboxConfig
from sandbox.server import RunningSandbox, create_app, run_in_thread, serve

__all__ = [
    "DriverError",
    "RunningSandbox",
    "SandboxClient",
    "SandboxConfig",
    "create_app",
    "run_in_thread",
    "serve",
]
