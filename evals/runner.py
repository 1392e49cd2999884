"""Run cases (repeated, on worker processes), collect result records and write a run directory."""

from __future__ import annotations

import json
import logging
import multiprocessing
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.driver import RunOptions, run_case
from evals.metrics import summarize, summarize_by_tag
from evals.schema import Case
from evals.workbench import PUBLISHED_GPT4, PUBLISHED_GPT4_OVERALL, domain_of

RUNS_DIR = Path(__file__).resolve().parent / "runs"
QUIET_LOGGERS = ("graph", "integrations", "httpx", "httpx2", "openai", "langgraph", "wordllama")

Progress = Callable[[dict[str, Any]], None]


@dataclass
class EvalRun:
    """A finished run: its records and summaries."""

    meta: dict[str, Any]
    records: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)
    by_tag: dict[str, dict[str, Any]] = field(default_factory=dict)
    workbench: dict[str, Any] = field(default_factory=dict)
    directory: Path | None = None


def quiet_logs() -> None:
    """Keep the product's INFO logs out of the progress bar."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _worker_init() -> None:
    quiet_logs()


def _run_one(case: Case, options: RunOptions, trial: int) -> dict[str, Any]:
    return run_case(case, options, trial=trial)


def run_cases(
    cases: Sequence[Case],
    options: RunOptions,
    *,
    repeat: int = 1,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Every case ``repeat`` times; records come back in case order whatever the number of workers."""
    jobs = [(index, trial) for index in range(len(cases)) for trial in range(repeat)]
    results: dict[tuple[int, int], dict[str, Any]] = {}
    if workers <= 1:
        for index, trial in jobs:
            record = _run_one(cases[index], options, trial)
            results[(index, trial)] = record
            if progress:
                progress(record)
    else:
        # spawn: a clean interpreter per worker (no inherited threads or open SQLite handles from this one).
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init) as pool:
            futures = {pool.submit(_run_one, cases[i], options, t): (i, t) for i, t in jobs}
            for future in as_completed(futures):
                index, trial = futures[future]
                try:
                    record = future.result()
                except Exception as exc:  # a worker died or could not pickle: report the case, keep going
                    record = {
                        "case_id": cases[index].id,
                        "tags": cases[index].tags,
                        "trial": trial,
                        "status": "error",
                        "passed": False,
                        "error": f"worker failed: {type(exc).__name__}: {exc}",
                        "checks": [],
                        "metrics": {},
                        "turns": [],
                    }
                results[(index, trial)] = record
                if progress:
                    progress(record)
    return [results[job] for job in jobs]


def workbench_summary(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Outcome accuracy and side-effect rate per WorkBench domain, next to the published GPT-4 figures."""
    out: dict[str, Any] = {}
    for domain in sorted({d for r in records if (d := domain_of(r["case_id"]))}):
        group = [r for r in records if domain_of(r["case_id"]) == domain]
        summary = summarize(group)
        published = PUBLISHED_GPT4.get(domain)
        out[domain] = {
            "cases": summary["cases"],
            "invalid": summary["invalid"],
            "errors": summary["errors"],
            "outcome_accuracy": summary["outcome_accuracy"],
            "side_effect_rate": summary["side_effect_rate"],
            "gpt4_accuracy": published[0] / published[1] if published else None,
            "gpt4_counts": list(published) if published else None,
        }
    if out:
        every = [r for r in records if domain_of(r["case_id"])]
        summary = summarize(every)
        out["all"] = {
            "cases": summary["cases"],
            "invalid": summary["invalid"],
            "errors": summary["errors"],
            "outcome_accuracy": summary["outcome_accuracy"],
            "side_effect_rate": summary["side_effect_rate"],
            "gpt4_accuracy": PUBLISHED_GPT4_OVERALL["accuracy"],
            "gpt4_side_effect_rate": PUBLISHED_GPT4_OVERALL["side_effect_rate"],
            "note": "GPT-4 'all' is over all five WorkBench domains; deskhand's over the domains run here.",
        }
    return out


def finish(meta: dict[str, Any], records: list[dict[str, Any]]) -> EvalRun:
    """Summaries for a list of records."""
    repeat = int(meta.get("repeat") or 1)
    run = EvalRun(meta=meta, records=records)
    run.summary = summarize(records, max_k=repeat)
    run.by_tag = summarize_by_tag(records)
    run.workbench = workbench_summary(records)
    return run


def git_commit() -> str | None:
    """The checkout's commit (reports say what was measured)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH is what a developer runs
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def new_run_dir(base: Path | None = None) -> Path:
    """A fresh ``runs/<timestamp>`` directory."""
    root = base or RUNS_DIR
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = root / stamp
    n = 1
    while path.exists():
        n += 1
        path = root / f"{stamp}-{n}"
    path.mkdir(parents=True)
    return path


def write_run(run: EvalRun, directory: Path) -> None:
    """results.jsonl (one record per case and trial), summary.json, report.html."""
    from evals.report import render_html

    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "results.jsonl").open("w", encoding="utf-8") as fh:
        for record in run.records:
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    summary = {"meta": run.meta, "overall": run.summary, "by_tag": run.by_tag, "workbench": run.workbench}
    (directory / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    (directory / "report.html").write_text(render_html(run), encoding="utf-8")
    run.directory = directory


def load_run(reference: str | Path, base: Path | None = None) -> EvalRun:
    """A past run from a run directory, its results.jsonl, or a directory name under runs/ ("latest" works)."""
    root = base or RUNS_DIR
    path = Path(reference)
    if str(reference) == "latest":
        candidates = sorted(p for p in root.iterdir() if (p / "results.jsonl").exists()) if root.exists() else []
        if not candidates:
            raise FileNotFoundError(f"no runs in {root}")
        path = candidates[-1]
    elif not path.exists() and (root / str(reference)).exists():
        path = root / str(reference)
    if path.is_dir():
        path = path / "results.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"no eval run at {reference}")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    meta: dict[str, Any] = {}
    summary_file = path.parent / "summary.json"
    if summary_file.exists():
        meta = json.loads(summary_file.read_text(encoding="utf-8")).get("meta", {})
    run = finish(meta, records)
    run.directory = path.parent
    return run
