"""``deskhand eval``: run datasets and WorkBench, print a summary, write results and a report, gate CI.

Register in ``bot/cli.py`` with ``app.add_typer(eval_app, name="eval")`` (``eval_command`` is its callback, so
``deskhand eval [OPTIONS]`` runs evals and ``deskhand eval import-recording FILE`` converts a recording).
Until then: ``python -m evals [OPTIONS]``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from evals.compare import Comparison, compare_runs
from evals.datasets import DatasetError, dataset_paths, load_cases, select
from evals.gate import THRESHOLDS, check_rules, check_thresholds, load_thresholds
from evals.metrics import METRICS, format_value
from evals.schema import Case

if TYPE_CHECKING:
    from evals.runner import EvalRun

# The runner, the graph and LangChain load inside the command, so `deskhand --help` stays fast.

# Not a terminal (CI logs): wide enough for the summary table.
console = Console() if sys.stdout.isatty() else Console(width=int(os.environ.get("COLUMNS", "170")))
eval_app = typer.Typer(
    help="Run deskhand's evals (datasets, WorkBench), write results and an HTML report, gate CI.",
    add_completion=False,
)

_TABLE_METRICS = (
    "cases",
    "pass_rate",
    "route_accuracy",
    "tool_precision",
    "tool_recall",
    "argument_accuracy",
    "outcome_accuracy",
    "side_effect_rate",
    "clarification_rate",
    "latency_p50_ms",
    "latency_p95_ms",
    "tokens_per_case",
)


def _summary_table(run: EvalRun, *, max_tags: int = 40) -> Table:
    kinds = {k: (label, kind) for k, label, kind in METRICS}
    table = Table(title="deskhand eval", show_lines=False)
    table.add_column("tag")
    for key in _TABLE_METRICS:
        table.add_column(kinds[key][0], justify="right")
    # Per-template WorkBench tags are many; the HTML report lists them.
    tags = [(t, v) for t, v in run.by_tag.items() if not t.startswith("wb-template:")]
    rows = [("(all)", run.summary), *tags[:max_tags]]
    for name, summary in rows:
        table.add_row(name, *(format_value(summary.get(k), kinds[k][1]) for k in _TABLE_METRICS))
    return table


def _workbench_table(run: EvalRun) -> Table:
    table = Table(title="WorkBench (outcome graded, as the paper)")
    for column in ("domain", "cases", "invalid", "outcome acc.", "side-effect", "GPT-4 acc. (published)"):
        table.add_column(column, justify="right" if column != "domain" else "left")
    for domain, w in run.workbench.items():
        table.add_row(
            domain,
            str(w["cases"]),
            str(w["invalid"]),
            format_value(w["outcome_accuracy"], "pct"),
            format_value(w["side_effect_rate"], "pct"),
            format_value(w.get("gpt4_accuracy"), "pct"),
        )
    return table


def print_comparison(result: Comparison, label: str) -> None:
    """Regressions and fixes, case by case."""
    console.print(
        f"\n[bold]Compared with {label}[/bold]: {len(result.regressions)} regressions, "
        f"{len(result.fixes)} fixes, {result.unchanged} unchanged, "
        f"{len(result.added)} new, {len(result.removed)} gone"
    )
    for change in result.regressions:
        console.print(
            f"  [red]REGRESSION[/red] {change.case_id}: {change.before:.0%} → {change.after:.0%}  {change.detail}"
        )
    for change in result.fixes:
        console.print(f"  [green]FIXED[/green]      {change.case_id}: {change.before:.0%} → {change.after:.0%}")
    kinds = {k: kind for k, _, kind in METRICS}
    for key, (before, after) in result.metric_deltas.items():
        if key in ("cases", "trials"):
            continue
        console.print(f"  {key}: {format_value(before, kinds[key])} → {format_value(after, kinds[key])}")


def _load_selection(
    datasets: list[str],
    tags: list[str],
    workbench: Path | None,
    limit: int | None,
    *,
    with_datasets: bool,
    workbench_tags: bool = True,
) -> tuple[list[Case], list[str]]:
    """The cases to run. ``workbench_tags=False`` keeps every WorkBench case whatever ``tags`` say (CI)."""
    cases: list[Case] = []
    names: list[str] = []
    if with_datasets:
        paths = dataset_paths(datasets)
        cases += select(load_cases(paths), tags)
        names += [p.stem for p in paths]
    if workbench is not None:
        from evals.workbench import load_cases as load_workbench

        bench = load_workbench(workbench)
        cases += select(bench, tags) if workbench_tags else bench
        names.append(f"workbench:{workbench}")
    return select(cases, (), limit), names


@eval_app.callback(invoke_without_command=True)
def eval_command(
    ctx: typer.Context,
    model: Annotated[str, typer.Option(help="local, or openai:NAME (OPENAI_API_KEY / OPENAI_BASE_URL).")] = "local",
    dataset: Annotated[
        list[str] | None, typer.Option("--dataset", "-d", help="Dataset name in evals/datasets, a file or a folder.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Only cases with this tag (repeatable).")] = None,
    repeat: Annotated[int, typer.Option(min=1, help="Trials per case (pass^k over K trials).")] = 1,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (default 1; 2 with --ci).")] = None,
    workbench: Annotated[
        Path | None, typer.Option(help="A WorkBench-style folder (calendar/project-management CSVs).")
    ] = None,
    compare: Annotated[str | None, typer.Option(help="A past run (folder, results.jsonl, name, 'latest').")] = None,
    ci: Annotated[bool, typer.Option("--ci", help="The fast offline subset, gated by evals/thresholds.json.")] = False,
    out: Annotated[Path | None, typer.Option(help="Where to write the run (default evals/runs/<time>).")] = None,
    judge: Annotated[
        str | None, typer.Option(help="LLM-as-judge model (openai:NAME); default: --model when it is not local.")
    ] = None,
    no_judge: Annotated[bool, typer.Option("--no-judge", help="Never run the judge.")] = False,
    prices: Annotated[Path | None, typer.Option(help="Price table JSON (USD per 1M tokens).")] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible server URL.")] = None,
    limit: Annotated[int | None, typer.Option(help="Run at most this many cases.")] = None,
    thresholds: Annotated[Path | None, typer.Option(help="Thresholds file for --ci.")] = None,
) -> None:
    """Run evals: a progress bar, a summary table, results.jsonl and report.html in the run folder."""
    if ctx.invoked_subcommand is not None:
        return
    from evals.driver import RunOptions
    from evals.runner import finish, git_commit, load_run, new_run_dir, quiet_logs, run_cases, write_run
    from evals.usage import load_prices
    from evals.world import ModelChoice

    quiet_logs()
    gate: dict[str, Any] | None = None
    if ci:
        gate = load_thresholds(thresholds or THRESHOLDS)
        select_rules = gate.get("select") or {}
        dataset = dataset or list(select_rules.get("datasets") or [])
        tag = tag or list(select_rules.get("tags") or ["ci"])
        if workbench is None and select_rules.get("workbench"):
            workbench = Path(os.path.expandvars(str(select_rules["workbench"])))
            if not workbench.is_absolute():
                workbench = Path(__file__).resolve().parent.parent / workbench
            if not workbench.exists():
                console.print(f"[yellow]WorkBench folder {workbench} not found; its gate rules are skipped[/yellow]")
                workbench = None
        model = "local"
        if workers is None:
            workers = min(2, os.cpu_count() or 1)
    workers = workers or 1
    try:
        choice = ModelChoice.parse(model, base_url=base_url)
        judge_choice = None
        if not no_judge:
            if judge:
                judge_choice = ModelChoice.parse(judge, base_url=base_url)
            elif choice.provider != "local":
                judge_choice = choice
        cases, names = _load_selection(
            list(dataset or []),
            list(tag or []),
            workbench,
            limit,
            with_datasets=bool(dataset) or workbench is None or ci,
            workbench_tags=not ci,
        )
    except (ValueError, DatasetError, FileNotFoundError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    if not cases:
        console.print("[red]No cases selected.[/red]")
        raise typer.Exit(2)
    if judge_choice is not None and judge_choice.provider == "local":
        console.print("[yellow]The judge needs an LLM; skipping it (no model configured).[/yellow]")
        judge_choice = None
    options = RunOptions(model=choice, judge=judge_choice, prices=load_prices(prices))
    meta: dict[str, Any] = {
        "model": choice.label,
        "judge": judge_choice.label if judge_choice else None,
        "datasets": names,
        "tags": list(tag or []),
        "repeat": repeat,
        "workers": workers,
        "commit": git_commit(),
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "ci": ci,
        "workbench": str(workbench) if workbench else None,
        "cases": len(cases),
    }
    started = time.perf_counter()
    total = len(cases) * repeat
    with Progress(
        TextColumn("[bold]eval[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("eval", total=total, stats="")
        counts = {"pass": 0, "fail": 0, "error": 0, "invalid": 0}

        def tick(record: dict[str, Any]) -> None:
            counts[record["status"]] = counts.get(record["status"], 0) + 1
            stats = f"[green]{counts['pass']} pass[/green] [red]{counts['fail']} fail[/red]"
            if counts["error"]:
                stats += f" [yellow]{counts['error']} error[/yellow]"
            progress.update(task, advance=1, stats=stats)

        records = run_cases(cases, options, repeat=repeat, workers=workers, progress=tick)
    meta["duration_s"] = round(time.perf_counter() - started, 1)
    run = finish(meta, records)
    directory = out or new_run_dir()
    write_run(run, directory)
    console.print(_summary_table(run))
    if run.workbench:
        console.print(_workbench_table(run))
    if len(run.summary.get("pass_hat_k") or {}) > 1:
        shown = "  ".join(f"pass^{k} {format_value(v, 'pct')}" for k, v in run.summary["pass_hat_k"].items())
        console.print(f"pass^k over {repeat} trials: {shown}")
    console.print(
        f"{meta['duration_s']} s · results: {directory / 'results.jsonl'} · report: {directory / 'report.html'}"
    )
    if compare:
        try:
            before = load_run(compare)
        except FileNotFoundError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
        print_comparison(compare_runs(before.records, run.records, before.summary, run.summary), str(compare))
    if gate is not None:
        problems = check_thresholds(run.summary, gate, by_tag=run.by_tag)
        problems += _workbench_gate(run, gate)
        if problems:
            console.print("[red bold]CI gate failed:[/red bold]")
            for line in problems:
                console.print(f"  [red]✗[/red] {line}")
            raise typer.Exit(1)
        console.print("[green bold]CI gate passed.[/green bold]")


def _workbench_gate(run: EvalRun, gate: dict[str, Any]) -> list[str]:
    rules = gate.get("workbench_rules") or {}
    problems: list[str] = []
    for domain, limits in rules.items():
        summary = run.workbench.get(domain)
        if summary is None:
            continue
        problems += check_rules(summary, limits, f"workbench {domain}")
    return problems


@eval_app.command("import-recording")
def import_recording(
    file: Annotated[Path, typer.Argument(help="A sandbox recording (JSONL).", exists=True, dir_okay=False)],
    out: Annotated[Path | None, typer.Option(help="Append the case skeletons to this JSONL file.")] = None,
    fixture: Annotated[str, typer.Option(help="The fixture the session ran against.")] = "demo",
    prefix: Annotated[str, typer.Option(help="Case id prefix.")] = "recorded",
) -> None:
    """Turn a sandbox recording into eval case skeletons (one per thread); print them or append to --out."""
    from evals.recordings import cases_from_recording

    skeletons = cases_from_recording(file, fixture=fixture, prefix=prefix)
    if not skeletons:
        console.print("[yellow]No conversations with the bot found in that recording.[/yellow]")
        raise typer.Exit(1)
    lines = [json.dumps(s, ensure_ascii=False) for s in skeletons]
    if out is None:
        sys.stdout.write("\n".join(lines) + "\n")
        return
    with out.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    console.print(f"Appended {len(lines)} case skeleton(s) to {out}; fill in their expectations.")


def main() -> None:
    """``python -m evals``."""
    eval_app(prog_name="deskhand eval")
