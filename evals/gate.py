"""The CI gate: compare a run's metrics with the committed thresholds (evals/thresholds.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.json"


def load_thresholds(path: Path | None = None) -> dict[str, Any]:
    """The thresholds file: {"select": {...}, "min": {metric: value}, "max": {metric: value}, ...}."""
    return dict(json.loads((path or THRESHOLDS).read_text(encoding="utf-8")))


def check_thresholds(
    summary: dict[str, Any], thresholds: dict[str, Any], *, by_tag: dict[str, dict[str, Any]] | None = None
) -> list[str]:
    """Violations as readable lines; empty means the gate passes.

    ``min``/``max`` apply to the overall summary; ``tags`` holds the same per tag (``{"tickets": {"min": ...}}``).
    A metric that is missing (None) from the run violates a ``min`` (it could not be measured).
    """
    problems = check_rules(summary, thresholds, "overall")
    for tag, rules in (thresholds.get("tags") or {}).items():
        group = (by_tag or {}).get(tag)
        if group is None:
            problems.append(f"tag {tag}: no cases ran")
            continue
        problems += check_rules(group, rules, f"tag {tag}")
    return problems


def check_rules(summary: dict[str, Any], rules: dict[str, Any], where: str) -> list[str]:
    """Violations of one ``{"min": {...}, "max": {...}}`` block by one summary."""
    problems: list[str] = []
    for metric, floor in (rules.get("min") or {}).items():
        value = summary.get(metric)
        if value is None or value < floor:
            problems.append(f"{where}: {metric} {_fmt(value)} < minimum {_fmt(floor)}")
    for metric, ceiling in (rules.get("max") or {}).items():
        value = summary.get(metric)
        if value is not None and value > ceiling:
            problems.append(f"{where}: {metric} {_fmt(value)} > maximum {_fmt(ceiling)}")
    return problems


def _fmt(value: Any) -> str:
    return "missing" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))
