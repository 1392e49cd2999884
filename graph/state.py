"""The graph's state: one LangGraph thread per Slack thread."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

Route = Literal["tickets", "calendar", "docs", "chat", "out_of_scope"]
ROUTES: tuple[Route, ...] = ("tickets", "calendar", "docs", "chat", "out_of_scope")


class ConversationContext(TypedDict, total=False):
    """Where the conversation happens and who is speaking (Slack, the CLI or an eval)."""

    team_id: str
    """Slack workspace id."""
    channel_id: str
    """Channel or DM id the thread lives in."""
    thread_ts: str
    """The thread's root message ts; together with team and channel it names the conversation."""
    user_id: str
    """Who sent the latest message."""
    user_name: str
    """Their display name, for replies."""
    user_tz: str
    """Their IANA time zone, for reading and showing times."""
    channel_type: str
    """"im" for direct messages, "channel" otherwise; "cli" and "eval" for non-Slack drivers."""
    default_project: str
    """The ticket project to file in when the person does not name one (per-channel setting)."""


class DeskhandState(TypedDict, total=False):
    """Everything a conversation remembers between turns."""

    messages: Annotated[list[AnyMessage], add_messages]
    """The conversation as the model sees it: human turns, model turns, tool calls and results."""
    context: ConversationContext
    """Who is speaking, where; refreshed every turn."""
    route: Route | None
    """Where triage sent the latest message."""
    language: str
    """"en" or "other": the local model only reads English."""
    proposals: list[dict[str, Any]]
    """Proposed writes awaiting approval (``ProposedAction`` dumps). Empty when nothing is pending."""
    approval: dict[str, Any] | None
    """The approval request for ``proposals``: id, requester, created and expiry times."""
    decision: dict[str, Any] | None
    """The decision that resumed the approval step (who, approve/edit/reject, edited fields)."""
    results: list[dict[str, Any]]
    """Outcomes of executed actions in this turn (``ActionResult`` dumps)."""
    reply: str
    """The text to send back for this turn."""
    attachments: list[dict[str, Any]]
    """Structured results of this turn's read tools (events, free slots, tickets) for rich rendering."""


def thread_id_for(team_id: str, channel_id: str, thread_ts: str) -> str:
    """One LangGraph thread per Slack thread."""
    return f"{team_id}:{channel_id}:{thread_ts}"
