"""What a digest subscription is.

A subscription sends a digest to a channel or to a person (as a direct message) every day, every weekday or
once a week, at a wall-clock time in a time zone. The types are SQLModel (pydantic) models without tables so
they travel between layers; ``integrations.digests.store`` declares the tables.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Literal, get_args

from pydantic import field_validator, model_validator
from sqlmodel import Field, SQLModel

from integrations.calendar.base import resolve_zone

Cadence = Literal["daily", "weekdays", "weekly"]
CADENCES: tuple[str, ...] = get_args(Cadence)
Section = Literal["meetings", "tickets", "approvals", "docs"]
SECTIONS: tuple[str, ...] = get_args(Section)
TargetKind = Literal["channel", "user"]
RunStatus = Literal["claimed", "posting", "posted", "empty", "failed"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_time_of_day(value: str) -> time:
    """``"09:00"`` (or ``"09:00:30"``) as a time; ValueError for anything else."""
    try:
        parsed = time.fromisoformat(value.strip())
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"{value!r} is not a time of day like 09:00") from exc
    if parsed.tzinfo is not None:
        raise ValueError("give the time without a zone; the zone is its own field")
    return parsed.replace(microsecond=0)


class SubscriptionBase(SQLModel):
    """What a person chooses when they subscribe."""

    target_kind: TargetKind
    target_id: str = Field(min_length=1)
    """A channel id, or the user id whose direct messages get the digest."""
    cadence: Cadence = "daily"
    weekday: int | None = Field(default=None, ge=0, le=6)
    """Monday = 0; only for weekly digests."""
    time_of_day: str = "09:00"
    """Wall-clock time in ``tz``, HH:MM (seconds allowed, for tests)."""
    tz: str = "UTC"
    sections: list[Section] = Field(default_factory=list)
    ticket_project: str | None = None
    """Only this project's tickets (None: every project)."""
    ticket_assignee: str | None = None
    """Only tickets assigned to this user id (None: anyone's)."""

    @field_validator("time_of_day")
    @classmethod
    def _time(cls, value: str) -> str:
        parsed = parse_time_of_day(value)
        return parsed.isoformat(timespec="seconds" if parsed.second else "minutes")

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        resolve_zone(value)
        return value.strip()

    @field_validator("sections")
    @classmethod
    def _sections(cls, value: list[str]) -> list[str]:
        # Kept in the canonical order, once each, whatever order the form sent them in.
        return [s for s in SECTIONS if s in value]

    @model_validator(mode="after")
    def _consistent(self) -> SubscriptionBase:
        if not self.sections:
            raise ValueError("choose at least one section")
        if self.cadence == "weekly" and self.weekday is None:
            self.weekday = 0
        if self.cadence != "weekly":
            self.weekday = None
        if "meetings" in self.sections and self.target_kind != "user":
            raise ValueError("today's meetings can only go to a person, not a channel")
        return self

    def at(self) -> time:
        """The wall-clock time as a ``time``."""
        return parse_time_of_day(self.time_of_day)

    def schedule_key(self) -> str:
        """Everything that decides when it runs; a change means the scheduled job must be replaced."""
        return f"{self.cadence}|{self.weekday}|{self.time_of_day}|{self.tz}"


class SubscriptionCreate(SubscriptionBase):
    """A new subscription as submitted."""

    team_id: str = ""
    created_by: str


class Subscription(SubscriptionBase):
    """A stored subscription."""

    id: str
    team_id: str = ""
    created_by: str
    paused: bool = False
    created_at: datetime
    updated_at: datetime


class DigestRun(SQLModel):
    """One (subscription, slot): claimed before posting, so a slot is posted at most once."""

    subscription_id: str
    slot_at: datetime
    status: RunStatus
    claimed_at: datetime
    finished_at: datetime | None = None
    message_ts: str | None = None
    error: str | None = None
