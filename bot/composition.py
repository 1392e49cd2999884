"""The composition root: one ``Settings`` in, wired backends, graph, runtime and Bolt services out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

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
from integrations.db import open_database
from integrations.demo_company import DEFAULT_DEMO_DIR, load_demo_company, seed_tickets
from integrations.directory.base import Directory, StaticDirectory
from integrations.tickets.local import LocalTicketBackend

log = logging.getLogger(__name__)


@dataclass
class Core:
    """Everything below the Slack edge, ready to use from Slack, the CLI or evals."""

    settings: Settings
    engine: Engine
    tickets: LocalTicketBackend
    directory: Directory
    deps: GraphDeps
    runtime: AgentRuntime
    approvals: SqlApprovalStore
    in_memory: bool = False


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
    tickets = LocalTicketBackend(engine, url_template=url_template)
    approver_ids = list(settings.approvers)
    if settings.demo_company:
        demo = load_demo_company(settings.demo_dir or DEFAULT_DEMO_DIR)
        seeded = seed_tickets(tickets, demo, now=system_clock()) if seed_demo else 0
        if seeded:
            log.info("demo company loaded", extra={"tickets": seeded})
        directory = directory or demo.directory()
        approver_ids = approver_ids or demo.approvers
        if not settings.channel_projects:
            settings.channel_projects = dict(demo.channel_projects)
    deps = GraphDeps(
        model=make_chat_model(model_spec(settings)),
        tickets=tickets,
        directory=directory or StaticDirectory([]),
        audit=SqlAuditLog(engine),
        approval_ttl=timedelta(hours=settings.approval_ttl_hours),
        approver_ids=tuple(approver_ids),
        default_project=settings.default_project,
        model_is_local=settings.model_provider == "local",
    )
    checkpointer = open_checkpointer(None if in_memory else settings.checkpoint_db_path)
    graph = build_graph(deps).compile(checkpointer=checkpointer)
    approvals = SqlApprovalStore(engine)
    runtime = AgentRuntime(graph, approvals, deps)
    return Core(
        settings=settings,
        engine=engine,
        tickets=tickets,
        directory=deps.directory,
        deps=deps,
        runtime=runtime,
        approvals=approvals,
        in_memory=in_memory,
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
    )
