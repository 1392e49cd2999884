"""The ``deskhand`` command line: serve, chat in the terminal, list tickets, run the local sandbox."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from bot.logging_setup import configure_logging
from bot.settings import Settings

app = typer.Typer(
    help="deskhand: a Slack agent for tickets, calendars and docs.", no_args_is_help=True, add_completion=False
)
tickets_app = typer.Typer(help="Look at the local ticket tracker.", no_args_is_help=True)
app.add_typer(tickets_app, name="tickets")


def _register_evals() -> None:
    # The eval harness is its own package (evals/ may not import bot/); the CLI only mounts its commands.
    from evals.cli import eval_app

    app.add_typer(eval_app, name="eval")


_register_evals()


def _register_docs() -> None:
    from bot.docs_cli import docs_app

    app.add_typer(docs_app, name="docs")


_register_docs()
console = Console()


@app.command()
def serve() -> None:
    """Run the Slack app (HTTP or Socket Mode, per settings)."""
    from bot.runner import serve_forever

    settings = Settings()
    configure_logging(settings.log_level)
    serve_forever(settings)


@app.command()
def run() -> None:
    """Start the local Slack sandbox with deskhand in it (offline defaults) and print the URL."""
    from bot.local_run import run_local

    settings = Settings()
    configure_logging(settings.log_level)
    run_local(settings)


sandbox_app = typer.Typer(help="The local Slack workspace.", invoke_without_command=True)
app.add_typer(sandbox_app, name="sandbox")


@sandbox_app.callback()
def sandbox_main(ctx: typer.Context) -> None:
    """Start the local Slack sandbox with deskhand in it (same as `deskhand run`)."""
    if ctx.invoked_subcommand is None:
        run()


@sandbox_app.command("replay")
def sandbox_replay(file: Annotated[Path, typer.Argument(help="A recorded session (JSONL).", exists=True)]) -> None:
    """Re-drive a recorded session against a fresh deskhand and report any differences."""
    from bot.local_run import replay_recording

    settings = Settings()
    configure_logging("WARNING")
    report = replay_recording(file, settings)
    console.print(report.render())
    if not report.ok:
        raise typer.Exit(code=1)


@app.command()
def chat(
    message: Annotated[str | None, typer.Argument(help="One message to send (omit for an interactive chat).")] = None,
    as_user: Annotated[str | None, typer.Option("--as", help="Who is talking: a user id, handle or name.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the turn as JSON (scripted use).")] = False,
    thread: Annotated[str | None, typer.Option(help="Continue this conversation id.")] = None,
) -> None:
    """Talk to the same graph in the terminal; approvals are asked for in the terminal."""
    from bot.terminal_chat import TerminalChat

    settings = Settings()
    configure_logging("WARNING")
    session = TerminalChat(settings, as_user=as_user, thread=thread)
    if message is not None:
        result = session.send(message)
        if json_output:
            sys.stdout.write(json.dumps(result, indent=2, default=str) + "\n")
        else:
            session.print_turn(result)
        return
    session.interactive()


@app.command()
def approve(
    approval_id: Annotated[str, typer.Argument(help="The approval id printed by `deskhand chat --json`.")],
    as_user: Annotated[str | None, typer.Option("--as", help="Who decides: a user id, handle or name.")] = None,
    reject: Annotated[bool, typer.Option("--reject", help="Reject instead of approving.")] = False,
    edit: Annotated[list[str] | None, typer.Option("--edit", help="field=value for the first action.")] = None,
) -> None:
    """Decide a pending approval from the terminal (scripted use); prints the outcome as JSON."""
    from bot.terminal_chat import TerminalChat

    settings = Settings()
    configure_logging("WARNING")
    session = TerminalChat(settings, as_user=as_user)
    outcome = "reject" if reject else ("edit" if edit else "approve")
    result = session.decide(approval_id, outcome, dict(e.split("=", 1) for e in edit or []))
    sys.stdout.write(json.dumps(result, indent=2, default=str) + "\n")
    if result["kind"] not in {"applied", "rejected"}:
        raise typer.Exit(code=1)


@tickets_app.command("list")
def tickets_list(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    project: Annotated[str | None, typer.Option(help="Only this project key.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 200,
) -> None:
    """List tickets in the local tracker."""
    from bot.composition import build_core
    from integrations.tickets.base import TicketQuery

    settings = Settings()
    configure_logging("WARNING")
    core = build_core(settings)
    found = core.tickets.search(TicketQuery(statuses=[status] if status else None, project=project, limit=limit))
    if json_output:
        sys.stdout.write(json.dumps([t.model_dump(mode="json") for t in found], indent=2) + "\n")
        return
    for t in found:
        who = core.directory.get(t.assignee_id) if t.assignee_id else None
        console.print(
            f"[bold]{t.key}[/bold] {t.title} · {t.status} · {t.priority} · {who.name if who else 'unassigned'}"
        )


def main() -> None:
    """Entry point for the ``deskhand`` script."""
    app()


__all__ = ["Any", "app", "main", "time"]
