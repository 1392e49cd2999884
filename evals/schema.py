"""The eval case format (one JSON object per line in ``evals/datasets/*.jsonl``; see evals/README.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from evals.matchers import validate
from evals.trajectory import MatchMode

Route = Literal["tickets", "calendar", "docs", "chat", "out_of_scope"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApprovalSpec(_Strict):
    """How the auto-approver answers an approval card: approve (default), reject, edit, or hold (never click)."""

    decision: Literal["approve", "reject", "edit", "hold"] = "approve"
    fields: dict[str, str | None] = Field(default_factory=dict)
    """Edits applied to every proposed action that has an editable field of this name."""
    actions: dict[str, dict[str, str | None]] = Field(default_factory=dict)
    """Edits for one action by its id (a1, a2...)."""
    by: str | None = None
    """Who clicks (a person reference); the requester when unset."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"decision": value} if isinstance(value, str) else value


class Turn(_Strict):
    """One message to the bot."""

    text: str
    user: str | None = None
    """Who says it (defaults to the conversation's user)."""
    route: Route | None = None
    """The route expected for this turn; overrides the case-level route."""
    approval: ApprovalSpec | None = None
    """Decide a card produced by this turn right away (otherwise cards are decided after the last turn)."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


class Conversation(_Strict):
    """Who talks, where, and what they say."""

    user: str
    """A person reference: id, email, handle or name, resolved against the fixture's people."""
    channel: str = "dm"
    """A channel id or #name from the fixture, or "dm" for a direct message with the bot."""
    thread: list[Turn] = Field(default_factory=list)
    """Earlier exchanges in the same thread, replayed first and not graded."""
    turns: list[Turn] = Field(min_length=1)


class ExpectedCall(_Strict):
    """A tool call a case expects; ``args`` maps argument names to matchers."""

    name: str
    args: dict[str, Any] = Field(default_factory=dict)

    @field_validator("args")
    @classmethod
    def _valid_matchers(cls, value: dict[str, Any]) -> dict[str, Any]:
        validate(value)
        return value


class ToolsExpectation(_Strict):
    """The trajectory of tool calls over the graded turns."""

    mode: MatchMode = "superset"
    calls: list[ExpectedCall] = Field(default_factory=list)
    forbid: list[str] = Field(default_factory=list)
    """Tool names that must not be called at all."""
    exact_args: bool = False


class OutcomeExpectation(_Strict):
    """The state after the conversation: these actions applied to a fresh copy of the fixture."""

    actions: list[dict[str, Any]] = Field(default_factory=list)
    alternatives: list[list[dict[str, Any]]] = Field(default_factory=list)
    """Other acceptable outcomes (each a list of actions; ``[]`` = "nothing changes" is also fine)."""

    @field_validator("actions")
    @classmethod
    def _ops(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        _check_ops(value)
        return value

    @field_validator("alternatives")
    @classmethod
    def _alt_ops(cls, value: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        for option in value:
            _check_ops(option)
        return value


def _check_ops(actions: list[dict[str, Any]]) -> None:
    for action in actions:
        if "op" not in action:
            raise ValueError(f"an outcome action needs an 'op': {action}")
        validate({k: v for k, v in action.items() if k != "op"})


class ReplyExpectation(_Strict):
    """What the bot's words must and must not contain (case-insensitive)."""

    mention: list[Any] = Field(default_factory=list)
    """Strings or matchers that the bot's text (turn replies and decision replies) must contain."""
    cite: list[str] = Field(default_factory=list)
    """Sources (doc ids, ticket keys, links) that must appear in the bot's text."""
    not_claim: list[Any] = Field(default_factory=list)
    """Strings or matchers that must not appear in the bot's turn replies (before any human decision)."""

    @field_validator("mention", "not_claim")
    @classmethod
    def _valid(cls, value: list[Any]) -> list[Any]:
        validate(value)
        return value


class RetrievalExpectation(_Strict):
    """Which documents a docs search should return; graded relevance is allowed (id → gain)."""

    relevant: list[str] | dict[str, float]
    k: int = Field(default=5, ge=1)
    min_recall: float = Field(default=1.0, ge=0.0, le=1.0)


class Expectations(_Strict):
    """Everything a case can check. Unset expectations are not graded."""

    route: Route | None = None
    tools: ToolsExpectation | None = None
    outcome: OutcomeExpectation | None = None
    nothing_changes: bool | None = None
    reply: ReplyExpectation | None = None
    clarify: bool | None = None
    """True: the last turn should ask a clarifying question (and propose nothing); False: it should not."""
    proposes: bool | None = None
    """True: at least one approval card is created; False: none is."""
    retrieval: RetrievalExpectation | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Expectations:
        if self.nothing_changes and self.outcome and self.outcome.actions:
            raise ValueError("nothing_changes contradicts outcome actions")
        return self


class JudgeSpec(_Strict):
    """Optional LLM-as-judge guidance for answer quality."""

    reference: str | None = None
    rubric: str | None = None


class Case(_Strict):
    """One eval case."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    id: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    description: str = ""
    fixture: Any = "demo"
    """A named fixture ("demo", "empty"), an object extending one ({"base": "demo", ...}), or a Fixture."""
    conversation: Conversation
    approval: ApprovalSpec = Field(default_factory=ApprovalSpec)
    expect: Expectations = Field(default_factory=Expectations)
    judge: JudgeSpec | None = None
    notes: list[str] = Field(default_factory=list)
    """Free-form notes (e.g. what the bot said when a recording was made); never graded."""
    invalid: str | None = None
    """Set by loaders when the source data is malformed: the case is reported, not run."""
    source: str = ""

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return sorted({t.strip() for t in value if t.strip()})

    def has(self, tag: str) -> bool:
        """Whether the case carries ``tag``."""
        return tag in self.tags
