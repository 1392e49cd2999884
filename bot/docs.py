"""Wiring for the docs capability: open the index the settings describe, index the demo handbook on first start,
build the Google Drive source. Used by the composition root and by ``deskhand docs``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bot.settings import Settings
from integrations.demo_company import DEFAULT_DEMO_DIR
from integrations.docs.base import IngestReport
from integrations.docs.embeddings import make_embedder
from integrations.docs.index import SqliteDocsIndex
from integrations.docs.ingest import ingest
from integrations.docs.sources import FolderSource

log = logging.getLogger(__name__)


def docs_db_path(settings: Settings) -> Path:
    """The docs index's own SQLite file in the data directory."""
    return settings.data_dir / "docs.db"


def demo_handbook(settings: Settings) -> Path:
    """The demo company's handbook folder."""
    return (settings.demo_dir or DEFAULT_DEMO_DIR) / "handbook"


def _embedder_kwargs(settings: Settings) -> dict[str, Any]:
    spec = settings.docs_embedder
    if spec.startswith("openai"):
        return {"api_key": settings.secret("openai_api_key"), "base_url": settings.openai_base_url}
    return {}


def open_docs_index(settings: Settings, *, in_memory: bool = False) -> SqliteDocsIndex:
    """The docs index (its own file next to the app database, or in memory)."""
    spec = str(settings.docs_embedder or "wordllama")
    embedder = make_embedder(spec, **_embedder_kwargs(settings))
    return SqliteDocsIndex(None if in_memory else docs_db_path(settings), embedder=embedder)


def folder_source(path: Path, settings: Settings) -> FolderSource:
    """A local folder as configured (link base, size limit)."""
    max_mb = settings.docs_max_file_mb
    return FolderSource(path, link_base=settings.docs_link_base, max_bytes=int(max_mb * 1024 * 1024))


def seed_demo_docs(index: SqliteDocsIndex, settings: Settings) -> IngestReport | None:
    """Index the demo handbook when the index is empty (first start of ``make run``); about a second."""
    folder = demo_handbook(settings)
    if not settings.demo_company or index.count_documents() or not folder.is_dir():
        return None
    report = ingest(index, folder_source(folder, settings))
    log.info("demo handbook indexed", extra={"summary": report.summary()})
    return report


def drive_source(settings: Settings, *, http: Any = None) -> Any:
    """Google Drive per settings (credentials file, optional impersonated user, query, workspace domain)."""
    from integrations.docs.drive import DriveSource, drive_credentials, drive_service

    credentials = None
    if http is None:
        key_file = settings.docs_drive_credentials
        if key_file is None:
            raise ValueError(
                "Google Drive needs DESKHAND_DOCS_DRIVE_CREDENTIALS (a service-account key or an authorized-user "
                "token file)"
            )
        credentials = drive_credentials(Path(key_file), subject=settings.docs_drive_subject)
    return DriveSource(
        drive_service(credentials=credentials, http=http),
        query=settings.docs_drive_query,
        workspace_domain=settings.docs_drive_domain,
    )


def open_core_docs(settings: Settings, *, in_memory: bool = False, seed: bool = True) -> SqliteDocsIndex:
    """The docs index for the composition root; the demo handbook is indexed on first start.

    In memory (tests, one-off runs) the handbook index is built once per process and shared.
    """
    from bot.errors import ConfigurationError
    from integrations.docs.base import DocsError

    try:
        if in_memory:
            from integrations.docs.memory import shared_index

            folder = demo_handbook(settings)
            if settings.demo_company and folder.is_dir() and settings.docs_embedder == "wordllama":
                return shared_index(folders=[folder])
            return open_docs_index(settings, in_memory=True)
        index = open_docs_index(settings)
        if seed:
            seed_demo_docs(index, settings)
        return index
    except DocsError as exc:
        raise ConfigurationError(f"docs index: {exc}") from exc


def record_vote(services: Any, client: Any, body: dict[str, Any], vote: str) -> None:
    """A 👍/👎 click: store the vote against the answer, then thank the clicker in place of the buttons."""
    from slack_sdk.errors import SlackApiError

    from bot.blocks.docs import after_vote_blocks

    action = body["actions"][0]
    answer_id = str(action.get("value") or "")
    user_id = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    docs = getattr(services.runtime.deps, "docs", None)
    stored = bool(docs is not None and answer_id and docs.feedback.vote(answer_id, user_id=user_id, vote=vote))
    message = body.get("message") or {}
    try:
        if stored and message.get("ts") and message.get("blocks"):
            client.chat_update(
                channel=channel,
                ts=message["ts"],
                text=message.get("text") or "Docs answer",
                blocks=after_vote_blocks(message["blocks"], vote),
            )
        elif not stored:
            client.chat_postEphemeral(
                channel=channel, user=user_id, text="Sorry, I couldn't find that answer any more to record your vote."
            )
    except SlackApiError as exc:
        log.warning("could not update the docs answer after a vote", extra={"error": exc.response.get("error")})
