"""Every setting deskhand reads, from the environment and ``.env`` (documented in ``.env.example``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _alias(name: str) -> AliasChoices:
    """Accept both DESKHAND_X and the conventional unprefixed name (SLACK_BOT_TOKEN, OPENAI_API_KEY)."""
    return AliasChoices(f"DESKHAND_{name}", name)


class Settings(BaseSettings):
    """deskhand's configuration. Defaults run fully offline: local model, local backends, local Slack."""

    model_config = SettingsConfigDict(env_prefix="DESKHAND_", env_file=".env", extra="ignore", populate_by_name=True)

    # -- storage -------------------------------------------------------------------------------------
    data_dir: Path = Field(default=Path(".deskhand"), description="Where databases and recordings live.")

    # -- Slack -----------------------------------------------------------------------------------------
    slack_mode: Literal["http", "socket"] = "http"
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias=_alias("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias=_alias("SLACK_SIGNING_SECRET"))
    slack_app_token: SecretStr | None = Field(default=None, validation_alias=_alias("SLACK_APP_TOKEN"))
    slack_api_url: str | None = Field(default=None, description="Web API base URL; None means real Slack.")
    host: str = "127.0.0.1"
    port: int = 3000
    public_url: str | None = Field(default=None, description="How people reach this server (ticket links).")

    # -- model -----------------------------------------------------------------------------------------
    model_provider: Literal["local", "openai"] = "local"
    openai_model: str = "gpt-4o-mini"
    openai_base_url: str | None = Field(default=None, validation_alias=_alias("OPENAI_BASE_URL"))
    openai_api_key: SecretStr | None = Field(default=None, validation_alias=_alias("OPENAI_API_KEY"))
    model_timeout_s: float = 30.0
    model_max_retries: int = 2
    model_temperature: float = 0.0

    # -- approvals ----------------------------------------------------------------------------------
    approval_ttl_hours: float = Field(default=24.0, gt=0)
    approvers: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Slack user ids who may approve anything."
    )

    # -- tickets ------------------------------------------------------------------------------------
    tickets_backend: Literal["local", "jira"] = "local"
    ticket_workflow: str | None = Field(
        default=None, description='Local workflow: JSON {"statuses": [...], "transitions": "any"|"stages"|{...}}.'
    )
    jira_base_url: str | None = None
    jira_email: str | None = None
    jira_api_token: SecretStr | None = None
    jira_projects: str | None = Field(default=None, description='Projects deskhand may use: "OPS=IT,ENG".')
    jira_issue_type: str = "Task"
    default_project: str = "OPS"
    channel_projects: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    ticket_url_template: str | None = None

    # -- calendar -----------------------------------------------------------------------------------
    calendar_backend: Literal["local", "google", "none"] = "local"
    google_client_id: str | None = None
    google_client_secret: SecretStr | None = None
    google_service_account_file: Path | None = Field(
        default=None, description="Service account key with domain-wide delegation (instead of per-user OAuth)."
    )
    working_hours: str = Field(default="9-18", description="Meeting hours in each person's zone, e.g. 9-18.")

    # -- docs ---------------------------------------------------------------------------------------
    docs_embedder: str = Field(default="wordllama", description="wordllama | openai:MODEL | st:/path/to/model")
    docs_link_base: str | None = Field(default=None, description="URL prefix for links to local documents.")
    docs_max_file_mb: float = Field(default=10.0, gt=0, description="Larger files are skipped at ingest.")
    docs_drive_credentials: Path | None = Field(default=None, description="Service-account key or OAuth token file.")
    docs_drive_subject: str | None = Field(default=None, description="User to impersonate (domain-wide delegation).")
    docs_drive_query: str = Field(default="trashed = false", description="Drive files.list query to index.")
    docs_drive_domain: str | None = Field(default=None, description="Drive files shared with this domain are public.")

    # -- digests and reminders ------------------------------------------------------------------------
    scheduler_enabled: bool = Field(
        default=True,
        description="Run scheduled digests and approval reminders in this process. Several processes may "
        "enable it: a lease in the app database lets one of them run the jobs at a time.",
    )
    scheduler_lease_seconds: float = Field(
        default=60.0, ge=3, le=3600, description="A scheduler that stops renewing its lease is replaced after this."
    )
    digest_grace_minutes: float = Field(
        default=60.0,
        ge=1,
        description="A digest whose time passed while deskhand was down is posted at start-up if at most this "
        "late; later ones are skipped (and logged).",
    )
    digest_empty: Literal["line", "skip"] = Field(
        default="line", description="A digest with nothing to report: one short line, or nothing at all."
    )
    digest_due_soon_days: int = Field(default=3, ge=1, le=30, description="'Due soon' means within this many days.")
    approval_reminder_minutes: float = Field(
        default=120.0,
        ge=0,
        description="Remind approvers this long before an approval expires (never before half its life has "
        "passed); 0 turns reminders off.",
    )

    # -- demo company -------------------------------------------------------------------------------
    demo_company: bool = Field(default=True, description="Load the demo company into empty local backends.")
    demo_dir: Path | None = None

    # -- runtime ------------------------------------------------------------------------------------
    worker_threads: int = Field(default=4, ge=1, le=64, description="Concurrent turns per worker.")
    worker_processes: int = Field(
        default=2, ge=0, le=32, description="Worker processes for turns; 0 runs turns on threads in-process."
    )
    ack_switch_interval_ms: float = Field(
        default=0.5, gt=0, le=10, description="GIL switch interval of the process that acks Slack."
    )
    # 10, not 19: 19 means SCHED_IDLE on Linux, whose workers get no CPU at all while anything else on the host
    # keeps it busy (turns acked but never answered). At 10 they still yield to the ack path (bench/ack_latency.py
    # at 20/s: p99 ratio 1.43 against bare Bolt, target 1.5) but always progress.
    worker_nice: int = Field(
        default=10,
        ge=0,
        le=19,
        description="Niceness of worker processes; 19 means SCHED_IDLE on Linux (only for hosts with nothing else "
        "running: idle-class workers wait while anything else uses the CPU).",
    )
    log_level: str = "INFO"
    sandbox_port: int = 3001

    @field_validator("approvers", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("channel_projects", mode="before")
    @classmethod
    def _split_pairs(cls, value: object) -> object:
        # "C0ENG=ENG,C0DESIGN=DES": which project a channel's new tickets go to.
        if isinstance(value, str):
            pairs = (part.split("=", 1) for part in value.split(",") if "=" in part)
            return {k.strip(): v.strip() for k, v in pairs}
        return value

    def working_hours_range(self) -> tuple[int, int]:
        """(start, end) hours from "9-18"."""
        start, _, end = self.working_hours.partition("-")
        return int(start), int(end)

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        start, sep, end = value.partition("-")
        if not sep or not (start.strip().isdigit() and end.strip().isdigit()) or not 0 <= int(start) < int(end) <= 24:
            raise ValueError("working_hours must look like 9-18")
        return value.replace(" ", "")

    @property
    def app_db_path(self) -> Path:
        """The SQLModel app database."""
        return self.data_dir / "deskhand.db"

    @property
    def inbox_db_path(self) -> Path:
        """Accepted Slack work not yet finished (written by the process that acks)."""
        return self.data_dir / "inbox.db"

    @property
    def checkpoint_db_path(self) -> Path:
        """LangGraph checkpoints."""
        return self.data_dir / "checkpoints.db"

    def base_url(self) -> str:
        """The URL people use to reach this server."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def secret(
        self,
        name: Literal[
            "slack_bot_token",
            "slack_signing_secret",
            "slack_app_token",
            "openai_api_key",
            "jira_api_token",
            "google_client_secret",
        ],
    ) -> str | None:
        """A secret's value, for handing to a client; never log it."""
        value: SecretStr | None = getattr(self, name)
        return value.get_secret_value() if value else None
