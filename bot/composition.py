"""The composition root: one ``Settings`` in, wired backends, graph, runtime and Bolt services out."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from bot.digests.kit import DigestKit, make_digest_kit
from bot.docs import open_core_docs
from bot.errors import ConfigurationError
from bot.services import BotServices
from bot.settings import Settings
from bot.worker import KeyedExecutor
from graph.builder import build_graph
from graph.checkpoint import open_checkpointer
from graph.deps import GraphDeps, system_clock
from graph.models import ModelSpec, make_chat_model
from graph.runtime import AgentRuntime
from integrations.approvals.store import SqlApprovalStore
from integrations.audit.store import SqlAuditLog
from integrations.bookkeeping import ConversationRegistry, Inbox, open_inbox_database
from integrations.calendar.base import CalendarBackend
from integrations.calendar.local import LocalCalendarBackend
from integrations.db import open_database
from integrations.demo_company import DEFAULT_DEMO_DIR, load_demo_company, seed_calendar, seed_tickets
from integrations.directory.base import Directory, StaticDirectory
from integrations.tickets.base import DEFAULT_WORKFLOW, TicketBackend
from integrations.tickets.local import LocalTicketBackend
from integrations.tickets.workflow import Workflow

log = logging.getLogger(__name__)


@dataclass
class Core:
    """Everything below the Slack edge, ready to use from Slack, the CLI or evals."""

    settings: Settings
    engine: Engine
    tickets: LocalTicketBackend
    """The local tracker (always present: demo data, ticket pages); the graph may use Jira instead."""
    directory: Directory
    deps: GraphDeps
    runtime: AgentRuntime
    approvals: SqlApprovalStore
    in_memory: bool = False
    calendar: CalendarBackend | None = None


def model_spec(settings: Settings) -> ModelSpec:
    """The model settings as the graph's factory wants them."""
    return ModelSpec(
        provider=settings.model_provider,
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=settings.secret("openai_api_key"),
        timeout_s=settings.model_timeout_s,
        max_retries=settings.model_max_retries,
        temperature=settings.model_temperature,
    )


def build_core(
    settings: Settings, *, directory: Directory | None = None, in_memory: bool = False, seed_demo: bool = True
) -> Core:
    """Open the data directory, seed the demo company into empty backends, build and compile the graph."""
    engine = open_database(None if in_memory else settings.app_db_path)
    url_template = settings.ticket_url_template or settings.base_url() + "/tickets/{key}"
    demo = load_demo_company(settings.demo_dir or DEFAULT_DEMO_DIR) if settings.demo_company else None
    if directory is None and demo is not None:
        directory = demo.directory()
    directory = directory or StaticDirectory([])
    local_tickets = LocalTicketBackend(
        engine, url_template=url_template, people=directory, workflow=_workflow(settings)
    )
    tickets: TicketBackend = _jira(settings, directory) if settings.tickets_backend == "jira" else local_tickets
    calendar = _calendar(settings, engine, directory)
    approver_ids = list(settings.approvers)
    if demo is not None:
        now = system_clock()
        seeded = seed_tickets(local_tickets, demo, now=now) if seed_demo else 0
        if seed_demo and isinstance(calendar, LocalCalendarBackend):
            seeded += seed_calendar(calendar, demo, now=now)
        if seeded:
            log.info("demo company loaded", extra={"records": seeded})
        approver_ids = approver_ids or demo.approvers
        if not settings.channel_projects:
            settings.channel_projects = dict(demo.channel_projects)
    deps = GraphDeps(
        model=make_chat_model(model_spec(settings)),
        tickets=tickets,
        calendar=calendar,
        working_hours=settings.working_hours_range(),
        directory=directory,
        audit=SqlAuditLog(engine),
        approval_ttl=timedelta(hours=settings.approval_ttl_hours),
        approver_ids=tuple(approver_ids),
        default_project=settings.default_project,
        model_is_local=settings.model_provider == "local",
        docs=open_core_docs(settings, in_memory=in_memory, seed=seed_demo),
    )
    checkpointer = open_checkpointer(None if in_memory else settings.checkpoint_db_path)
    graph = build_graph(deps).compile(checkpointer=checkpointer)
    approvals = SqlApprovalStore(engine)
    runtime = AgentRuntime(graph, approvals, deps)
    return Core(
        settings=settings,
        engine=engine,
        tickets=local_tickets,
        calendar=calendar,
        directory=deps.directory,
        deps=deps,
        runtime=runtime,
        approvals=approvals,
        in_memory=in_memory,
    )


def _workflow(settings: Settings) -> Workflow:
    if not settings.ticket_workflow:
        return Workflow(DEFAULT_WORKFLOW)
    try:
        return Workflow.from_config(json.loads(settings.ticket_workflow))
    except (ValueError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"DESKHAND_TICKET_WORKFLOW is not valid: {exc}") from exc


def _jira(settings: Settings, directory: Directory) -> TicketBackend:
    from integrations.tickets.jira import JiraCloudBackend, parse_project_mapping

    token = settings.secret("jira_api_token")
    if not (settings.jira_base_url and settings.jira_email and token):
        raise ConfigurationError("Jira needs DESKHAND_JIRA_BASE_URL, DESKHAND_JIRA_EMAIL and DESKHAND_JIRA_API_TOKEN.")
    return JiraCloudBackend(
        settings.jira_base_url,
        settings.jira_email,
        token,
        project_keys=parse_project_mapping(settings.jira_projects),
        people=directory,
        issue_type=settings.jira_issue_type,
    )


def _calendar(settings: Settings, engine: Engine, directory: Directory) -> CalendarBackend | None:
    if settings.calendar_backend == "none":
        return None
    if settings.calendar_backend == "local":
        return LocalCalendarBackend(
            engine, clock=system_clock, url_template=settings.base_url() + "/calendar/events/{id}"
        )
    from integrations.calendar.google import GoogleCalendarBackend
    from integrations.calendar.google_auth import service_account_credentials, user_oauth_credentials
    from integrations.calendar.tokens import GoogleTokenStore

    if settings.google_service_account_file:
        credentials = service_account_credentials(settings.google_service_account_file)
    elif settings.google_client_id and settings.secret("google_client_secret"):
        credentials = user_oauth_credentials(
            GoogleTokenStore(engine),
            client_id=settings.google_client_id,
            client_secret=settings.secret("google_client_secret") or "",
        )
    else:
        raise ConfigurationError(
            "Google Calendar needs DESKHAND_GOOGLE_SERVICE_ACCOUNT_FILE, or "
            "DESKHAND_GOOGLE_CLIENT_ID and DESKHAND_GOOGLE_CLIENT_SECRET for per-user OAuth."
        )
    return GoogleCalendarBackend(directory, credentials_for=credentials)


def digest_kit(core: Core) -> DigestKit:
    """Digest subscriptions and the backends digests read, from the same wiring as the graph."""
    settings = core.settings
    return make_digest_kit(
        engine=core.engine,
        directory=core.directory,
        tickets=core.deps.tickets,
        calendar=core.deps.calendar,
        approvals=core.approvals,
        docs=core.deps.docs,
        empty=settings.digest_empty,
        due_soon_days=settings.digest_due_soon_days,
    )


def build_services(core: Core) -> BotServices:
    """The Slack edge's collaborators."""
    return BotServices(
        settings=core.settings,
        runtime=core.runtime,
        approvals=core.approvals,
        inbox=Inbox(open_inbox_database(None if core.in_memory else core.settings.inbox_db_path)),
        conversations=ConversationRegistry(core.engine),
        directory=core.directory,
        worker=KeyedExecutor(core.settings.worker_threads),
        digests=digest_kit(core),
    )
