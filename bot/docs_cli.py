"""``deskhand docs``: ingest a folder, a JSONL file or Google Drive; search as someone; list; export feedback."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.logging_setup import configure_logging
from bot.settings import Settings

docs_app = typer.Typer(help="Company docs: ingest, search, feedback.", no_args_is_help=True)
console = Console(stderr=True)


def _index(settings: Settings) -> Any:
    from bot.docs import open_docs_index

    return open_docs_index(settings)


@docs_app.command("ingest")
def ingest_command(
    path: Annotated[Path | None, typer.Argument(help="A folder (Markdown, text, HTML, PDF) or a .jsonl file.")] = None,
    drive: Annotated[bool, typer.Option("--drive", help="Sync Google Drive (DESKHAND_DOCS_DRIVE_* settings).")] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-index everything (after changing embedder).")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Index documents; only new and changed ones are (re)indexed and deleted ones are removed."""
    from bot.docs import drive_source, folder_source
    from integrations.docs.ingest import ingest
    from integrations.docs.sources import JsonlSource

    settings = Settings()
    configure_logging("WARNING")
    if drive == (path is not None):
        console.print("[red]Give a PATH or --drive (one of them).[/red]")
        raise typer.Exit(code=2)
    if drive:
        try:
            source = drive_source(settings)
        except ValueError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(code=2) from exc
    else:
        assert path is not None
        if not path.exists():
            console.print(f"[red]{path} does not exist.[/red]")
            raise typer.Exit(code=2)
        source = JsonlSource(path) if path.is_file() and path.suffix == ".jsonl" else folder_source(path, settings)
    index = _index(settings)
    if rebuild:
        index.clear()
    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=json_output,
    ) as progress:
        task = progress.add_task("listing…", total=None)

        def advance(done: int, total: int, label: str) -> None:
            progress.update(task, completed=done, total=total, description=label[-60:])

        from integrations.errors import IntegrationError

        try:
            report = ingest(index, source, progress=advance, rebuild=rebuild)
        except IntegrationError as exc:
            console.print(f"[red]Ingest stopped before changing anything: {exc}[/red]")
            raise typer.Exit(code=1) from exc
    if json_output:
        out = {
            "summary": report.summary(),
            "seconds": round(report.seconds, 3),
            "chunks": report.chunks,
            "lines": [{"doc_id": line.doc_id, "status": line.status, "detail": line.detail} for line in report.lines],
        }
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
        return
    table = Table(title="docs ingest", show_lines=False)
    for column in ("document", "status", "detail"):
        table.add_column(column)
    colours = {"added": "green", "updated": "cyan", "deleted": "yellow", "skipped": "red", "error": "red"}
    for line in report.lines:
        if line.status != "unchanged":
            colour = colours.get(line.status, "white")
            table.add_row(line.doc_id, f"[{colour}]{line.status}[/{colour}]", line.detail)
    if table.row_count:
        Console().print(table)
    Console().print(report.summary())


def _viewer(settings: Settings, as_user: str | None, channel: bool) -> Any:
    from integrations.docs.base import EVERYONE, Viewer

    if as_user is None:
        return EVERYONE
    from integrations.demo_company import DEFAULT_DEMO_DIR, load_demo_company

    people = load_demo_company(settings.demo_dir or DEFAULT_DEMO_DIR).directory() if settings.demo_company else None
    found = people.lookup(as_user) if people else []
    if found:
        return Viewer(user_id=found[0].id, email=found[0].email, private_context=not channel)
    email = as_user if "@" in as_user else ""
    return Viewer(user_id="" if email else as_user, email=email, private_context=not channel)


@docs_app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many documents.")] = 10,
    as_user: Annotated[str | None, typer.Option("--as", help="Search as this person (id, name, email).")] = None,
    channel: Annotated[bool, typer.Option("--channel", help="As if asked in a channel: public docs only.")] = False,
    source: Annotated[str | None, typer.Option(help="Only this source (local, jsonl, drive).")] = None,
    path: Annotated[str | None, typer.Option("--path", help="Only under this path prefix.")] = None,
    after: Annotated[str | None, typer.Option(help="Only documents updated after this date (ISO).")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Ranked documents with ids and scores (without --as: everything, as an operator)."""
    from integrations.docs.base import SearchFilters

    settings = Settings()
    configure_logging("WARNING")
    index = _index(settings)
    filters = None
    if source or path or after:
        try:
            updated_after = datetime.fromisoformat(after) if after else None
        except ValueError as exc:
            console.print(f"[red]--after needs an ISO date such as 2026-01-31, not {after!r}.[/red]")
            raise typer.Exit(code=2) from exc
        filters = SearchFilters(source=source, path_prefix=path, updated_after=updated_after)
    result = index.search(query, viewer=_viewer(settings, as_user, channel), k=k, filters=filters)
    if json_output:
        out = {
            "query": result.query,
            "confident": result.confident,
            "took_ms": round(result.took_ms, 2),
            "results": [
                {
                    "rank": n,
                    "doc_id": hit.doc_id,
                    "chunk_id": hit.chunk_id,
                    "title": hit.title,
                    "heading": hit.chunks[0].heading if hit.chunks else "",
                    "score": hit.score,
                    "source": hit.source,
                    "path": hit.path,
                    "link": hit.link,
                    "updated_at": hit.updated_at.isoformat() if hit.updated_at else None,
                    "snippet": hit.chunks[0].text[:300] if hit.chunks else "",
                }
                for n, hit in enumerate(result.hits, start=1)
            ],
        }
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        return
    out_console = Console()
    if not result.hits:
        out_console.print("No documents match.")
        return
    for n, hit in enumerate(result.hits, start=1):
        heading = f" › {hit.chunks[0].heading}" if hit.chunks and hit.chunks[0].heading else ""
        out_console.print(f"[bold]{n}. {hit.title}{heading}[/bold]  [dim]{hit.doc_id} · {hit.score:.4f}[/dim]")
        if hit.chunks:
            out_console.print("   " + hit.chunks[0].text[:200].replace("\n", " "))
    out_console.print(f"[dim]{'confident' if result.confident else 'low confidence'} · {result.took_ms:.1f} ms[/dim]")


@docs_app.command("list")
def list_command(json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Every indexed document."""
    settings = Settings()
    configure_logging("WARNING")
    docs = _index(settings).documents()
    if json_output:
        sys.stdout.write(json.dumps(docs, indent=2) + "\n")
        return
    table = Table(title=f"{len(docs)} documents")
    for column in ("id", "title", "source", "chunks", "access", "updated"):
        table.add_column(column)
    for d in docs:
        access = "public" if d["public"] else "restricted"
        table.add_row(d["id"], d["title"], d["source"], str(d["chunks"]), access, str(d["updated_at"] or ""))
    Console().print(table)


@docs_app.command("feedback")
def feedback_command(
    export: Annotated[Path | None, typer.Option(help="Write eval-case skeletons (JSONL) here.")] = None,
    only: Annotated[str | None, typer.Option(help="Only answers with an 'up' or a 'down' vote.")] = None,
) -> None:
    """Answers people voted on; --export turns them into eval cases for evals/datasets."""
    from integrations.docs.feedback import export_cases

    settings = Settings()
    configure_logging("WARNING")
    if only not in (None, "up", "down"):
        console.print("[red]--only must be 'up' or 'down'.[/red]")
        raise typer.Exit(code=2)
    records = _index(settings).feedback.records(only=only)
    if export is not None:
        cases = export_cases(records)
        export.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
        Console().print(f"Wrote {len(cases)} cases to {export}")
        return
    table = Table(title=f"{len(records)} answers with feedback")
    for column in ("when", "question", "👍", "👎", "documents"):
        table.add_column(column)
    for r in records:
        docs = ", ".join(dict.fromkeys(str(c.get("doc_id")) for c in r.chunks))[:60]
        table.add_row(r.created_at, r.query[:60], str(r.up), str(r.down), docs)
    Console().print(table)
