"""DESIGN.md's import rules, checked on the source: imports flow bot → graph → integrations, and no further."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("bot", "graph", "integrations", "sandbox", "evals")

# The two command-line entry points reach beyond bot's room on purpose: `deskhand eval` hands over to the eval
# CLI, and `make run` starts the local Slack sandbox beside the app. No other bot module may.
ENTRY_POINTS = {("bot/cli.py", "evals"), ("bot/local_run.py", "sandbox")}


def imports_of(path: Path) -> Iterator[tuple[str, int]]:
    """Every absolute module a file imports (at any depth, function-local ones included), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno


def cross_room_imports(room: str) -> list[tuple[str, str, int]]:
    """(file, imported module, line) for each import of another room's module from ``room``."""
    found = []
    for path in sorted((ROOT / room).rglob("*.py")):
        for module, line in imports_of(path):
            top = module.split(".")[0]
            if top in ROOMS and top != room:
                found.append((path.relative_to(ROOT).as_posix(), module, line))
    return found


def test_graph_reaches_integrations_only_through_their_base_modules() -> None:
    """graph imports integrations only via a capability's base.py (Protocols, data types) or the shared errors."""
    bad = []
    for file, module, line in cross_room_imports("graph"):
        parts = module.split(".")
        allowed = parts[0] == "integrations" and (
            module == "integrations.errors" or (len(parts) == 3 and parts[2] == "base")
        )
        if not allowed:
            bad.append(f"{file}:{line} imports {module}")
    assert bad == []


def test_integrations_import_nothing_above_them() -> None:
    """integrations never import bot, graph, sandbox or evals."""
    assert [f"{f}:{n} imports {m}" for f, m, n in cross_room_imports("integrations")] == []


def test_sandbox_knows_nothing_of_the_app() -> None:
    """The sandbox talks HTTP to any Bolt app, so it imports none of bot, graph, integrations or evals."""
    assert [f"{f}:{n} imports {m}" for f, m, n in cross_room_imports("sandbox")] == []


def test_nothing_but_tests_and_benchmarks_imports_bot() -> None:
    """No room imports bot: it is the top of the stack."""
    bad = [
        f"{f}:{n} imports {m}"
        for room in ROOMS
        if room != "bot"
        for f, m, n in cross_room_imports(room)
        if m.split(".")[0] == "bot"
    ]
    assert bad == []


def test_bot_reaches_only_graph_and_integrations_outside_its_entry_points() -> None:
    """bot imports graph and integrations; only the CLI entry points may start the eval CLI or the sandbox."""
    bad = [
        f"{f}:{n} imports {m}"
        for f, m, n in cross_room_imports("bot")
        if m.split(".")[0] not in ("graph", "integrations") and (f, m.split(".")[0]) not in ENTRY_POINTS
    ]
    assert bad == []
