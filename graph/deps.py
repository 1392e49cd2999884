"""What the graph needs from the outside world, wired by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from langchain_core.language_models import BaseChatModel

from integrations.audit.base import AuditLog
from integrations.calendar.base import CalendarBackend
from integrations.directory.base import Directory
from integrations.tickets.base import TicketBackend


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


@dataclass
class GraphDeps:
    """Backends, the model and policy knobs, passed to ``build_graph``."""

    model: BaseChatModel
    tickets: TicketBackend
    directory: Directory
    audit: AuditLog
    clock: Callable[[], datetime] = system_clock
    approval_ttl: timedelta = timedelta(hours=24)
    approver_ids: tuple[str, ...] = ()
    default_project: str = "OPS"
    max_tool_steps: int = 6
    history_limit: int = 30
    model_is_local: bool = True
    calendar: CalendarBackend | None = None
    """The calendar backend; None until the calendar capability is configured."""
    docs: Any = None
    """The docs search backend (``integrations.docs.base.DocsIndex``); None until configured."""
    working_hours: tuple[int, int] = (9, 18)
    """Meetings are proposed within these local hours (start inclusive, end exclusive) in each person's zone."""
    extra: dict[str, object] = field(default_factory=dict)
