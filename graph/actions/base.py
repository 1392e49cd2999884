"""The shape of a proposed action and of the handler that knows how to run one kind of action."""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from graph.deps import GraphDeps

FieldKind = Literal["text", "multiline", "select", "user", "date"]
ResultStatus = Literal["done", "conflict", "failed"]


class EditableField(BaseModel):
    """One field of an action as a person sees and edits it on the approval card."""

    name: str
    label: str
    kind: FieldKind = "text"
    value: str | None = None
    display: str = ""
    options: list[str] = Field(default_factory=list)
    required: bool = False


class ProposedAction(BaseModel):
    """A write the model proposed; it runs only after a person approves it."""

    id: str
    kind: str
    tool: str
    tool_args: dict[str, Any] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict)
    summary: str
    display: str = ""
    """Slack-formatted summary (e.g. times as date tokens each viewer sees in their own zone); summary if empty."""
    target: str | None = None
    before: dict[str, Any] = Field(default_factory=dict)
    fields: list[EditableField] = Field(default_factory=list)


class ActionResult(BaseModel):
    """What happened when an approved action ran."""

    action_id: str
    kind: str
    status: ResultStatus
    message: str
    target: str | None = None
    link: str | None = None

    @property
    def ok(self) -> bool:
        """True when the action was applied."""
        return self.status == "done"


class ActionHandler(Protocol):
    """Everything needed to run one kind of action."""

    kind: str

    def revise(self, action: ProposedAction, edits: dict[str, str | None], deps: GraphDeps) -> ProposedAction:
        """The action with a person's edits applied and re-validated; raises ActionInvalidError."""
        ...

    def recheck(self, action: ProposedAction, deps: GraphDeps) -> str | None:
        """None when the action can still run as approved; otherwise why not (a conflict)."""
        ...

    def apply(self, action: ProposedAction, deps: GraphDeps, *, idempotency_key: str, actor_id: str) -> ActionResult:
        """Perform the write once; a repeated idempotency key must not write again."""
        ...
