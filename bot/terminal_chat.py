"""``deskhand chat``: the same graph and approval rules, in a terminal."""

from __future__ import annotations

import time
from typing import Any

import typer
from rich.console import Console
from rich.panel import Panel

from bot.composition import build_core
from bot.settings import Settings
from graph.actions.base import ProposedAction
from graph.runtime import DecisionOutcome, TurnOutcome
from graph.state import ConversationContext

console = Console()
CLI_TEAM = "cli"
CLI_CHANNEL = "terminal"


class TerminalChat:
    """One terminal conversation as one person."""

    def __init__(self, settings: Settings, *, as_user: str | None, thread: str | None = None) -> None:
        self.core = build_core(settings)
        people = self.core.directory.everyone()
        if as_user:
            matches = self.core.directory.lookup(as_user)
            if len(matches) != 1:
                # Name the choices, so a first run without knowing the demo's people is one retry away.
                choices = matches or people
                names = ", ".join(p.handle or p.name for p in choices)
                which = "matches several people" if matches else "matches nobody"
                raise typer.BadParameter(f"--as {as_user!r} {which}; try one of: {names}", param_hint="--as")
            self.user = matches[0]
        elif people:
            self.user = people[0]
        else:
            raise typer.BadParameter("no people in the directory; pass --as", param_hint="--as")
        self.thread = thread or f"{time.time():.6f}"

    def context(self) -> ConversationContext:
        """The context for this person and thread."""
        return ConversationContext(
            team_id=CLI_TEAM,
            channel_id=CLI_CHANNEL,
            thread_ts=self.thread,
            user_id=self.user.id,
            user_name=self.user.name,
            user_tz=self.user.tz,
            channel_type="cli",
            default_project=self.core.settings.default_project,
        )

    def send(self, text: str) -> dict[str, Any]:
        """One turn, as a JSON-ready dict."""
        outcome = self.core.runtime.handle_message(self.context(), text)
        return self._turn_dict(outcome)

    def decide(self, approval_id: str, outcome: str, edits: dict[str, str]) -> dict[str, Any]:
        """Decide an approval as this person."""
        record = self.core.approvals.get(approval_id)
        first = record.actions[0]["id"] if record and record.actions else "a1"
        result = self.core.runtime.decide(
            approval_id,
            user_id=self.user.id,
            outcome=outcome,  # type: ignore[arg-type]
            edits={first: dict(edits)} if edits else None,
        )
        return self._decision_dict(result)

    def _turn_dict(self, outcome: TurnOutcome) -> dict[str, Any]:
        approval = outcome.new_approval or outcome.pending_approval
        return {
            "thread": self.thread,
            "as": self.user.id,
            "reply": outcome.reply,
            "approval": None
            if approval is None
            else {
                "id": approval.id,
                "expires_at": approval.expires_at.isoformat(),
                "actions": [
                    {"id": a["id"], "kind": a["kind"], "summary": a["summary"], "params": a["params"]}
                    for a in approval.actions
                ],
            },
        }

    @staticmethod
    def _decision_dict(result: DecisionOutcome) -> dict[str, Any]:
        return {
            "kind": result.kind,
            "notice": result.notice,
            "reply": result.reply,
            "results": [r.model_dump() for r in result.results],
            "field_errors": result.field_errors,
        }

    def print_turn(self, turn: dict[str, Any]) -> None:
        """Show a turn like a chat bubble."""
        if turn["reply"]:
            console.print(Panel(turn["reply"], title="deskhand", title_align="left", border_style="cyan"))
        if turn["approval"]:
            lines = "\n".join(f"• {a['summary']}" for a in turn["approval"]["actions"])
            console.print(Panel(lines, title="approval needed", border_style="yellow"))

    def interactive(self) -> None:
        """A read-eval-print loop; approvals are decided inline."""
        console.print(f"[dim]Talking as {self.user.name} ({self.user.id}). Ctrl-D to quit.[/dim]")
        while True:
            try:
                text = console.input("[bold green]you>[/bold green] ")
            except (EOFError, KeyboardInterrupt):
                console.print()
                return
            turn = self.send(text)
            self.print_turn(turn)
            if turn["approval"]:
                self._ask_decision(turn["approval"]["id"])

    def _ask_decision(self, approval_id: str) -> None:
        choice = console.input("[yellow][a]pprove, [e]dit, [r]eject, or Enter to decide later: [/yellow]")
        choice = choice.strip().lower()[:1]
        if choice not in {"a", "e", "r"}:
            return
        edits: dict[str, dict[str, str | None]] = {}
        if choice == "e":
            record = self.core.approvals.get(approval_id)
            for raw in record.actions if record else []:
                action = ProposedAction.model_validate(raw)
                for field in action.fields:
                    new = console.input(f"  {field.label} [{field.display}]: ").strip()
                    if new:
                        edits.setdefault(action.id, {})[field.name] = new
        outcome = {"a": "approve", "e": "edit", "r": "reject"}[choice]
        result = self.core.runtime.decide(
            approval_id,
            user_id=self.user.id,
            outcome=outcome,  # type: ignore[arg-type]
            edits=edits or None,
        )
        if result.field_errors:
            for problem in result.field_errors.values():
                console.print(f"[red]{problem}[/red]")
        text = result.reply or result.notice
        if text:
            console.print(Panel(text, title="deskhand", title_align="left", border_style="cyan"))
