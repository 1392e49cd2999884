"""Finding and reading dataset files (JSONL, one case per line; blank lines and ``#`` lines are skipped)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import ValidationError

from evals.schema import Case

DATASETS_DIR = Path(__file__).resolve().parent / "datasets"


class DatasetError(ValueError):
    """A dataset file is malformed; the message names the file and line."""


def dataset_paths(names: Sequence[str] = ()) -> list[Path]:
    """Files for ``names``: "all" (or nothing) = every dataset here; NAME = datasets/NAME.jsonl; or a path."""
    if not names or "all" in names:
        return sorted(DATASETS_DIR.glob("*.jsonl"))
    paths: list[Path] = []
    for name in names:
        candidate = Path(name)
        if candidate.is_dir():
            paths += sorted(candidate.glob("*.jsonl"))
        elif candidate.is_file():
            paths.append(candidate)
        elif (DATASETS_DIR / f"{name}.jsonl").is_file():
            paths.append(DATASETS_DIR / f"{name}.jsonl")
        else:
            known = ", ".join(p.stem for p in sorted(DATASETS_DIR.glob("*.jsonl")))
            raise DatasetError(f"no dataset {name!r} (known: {known}; or give a path)")
    return paths


def load_file(path: Path) -> list[Case]:
    """Every case in one JSONL file."""
    cases: list[Case] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            raw = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path.name}:{number}: not JSON ({exc.msg})") from exc
        try:
            case = Case.model_validate(raw)
        except ValidationError as exc:
            raise DatasetError(f"{path.name}:{number}: {exc}") from exc
        cases.append(case.model_copy(update={"source": f"{path.name}:{number}"}))
    return cases


def load_cases(paths: Iterable[Path]) -> list[Case]:
    """Cases from several files; ids must be unique across them."""
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in paths:
        for case in load_file(path):
            if case.id in seen:
                raise DatasetError(f"duplicate case id {case.id!r} ({seen[case.id]} and {case.source})")
            seen[case.id] = case.source
            cases.append(case)
    return cases


def select(cases: Sequence[Case], tags: Sequence[str] = (), limit: int | None = None) -> list[Case]:
    """Cases carrying any of ``tags`` (all when none given), at most ``limit``."""
    chosen = [c for c in cases if not tags or any(c.has(t) for t in tags)]
    return chosen[:limit] if limit else chosen


def validate_case(case: Case) -> list[str]:
    """Dataset bugs in one case (unknown fixture, person, channel, ticket or event in expectations); [] if fine."""
    from evals.fixtures import FixtureError, resolve_fixture
    from evals.state import ApplyContext, ExpectationError, apply_actions, fixture_state

    problems: list[str] = []
    try:
        fixture = resolve_fixture(case.fixture)
        requester = fixture.find_person(case.conversation.user)
        for turn in [*case.conversation.thread, *case.conversation.turns]:
            if turn.user:
                fixture.find_person(turn.user)
            if turn.approval and turn.approval.by:
                fixture.find_person(turn.approval.by)
        if case.approval.by:
            fixture.find_person(case.approval.by)
    except FixtureError as exc:
        return [f"{case.id}: {exc}"]
    channel = case.conversation.channel
    if channel not in ("dm", "im", "") and fixture.channel(channel) is None and channel.startswith("#"):
        problems.append(f"{case.id}: no channel {channel!r}")
    channel_id = fixture.channel(channel).id if fixture.channel(channel) else channel  # type: ignore[union-attr]
    outcome = case.expect.outcome
    options = ([outcome.actions, *outcome.alternatives] if outcome else []) + (
        [[]] if case.expect.nothing_changes else []
    )
    ctx = ApplyContext(
        fixture=fixture,
        requester=fixture.person_key(requester.id) or requester.id,
        default_project=fixture.project_for(channel_id),
        user_tz=requester.tz,
    )
    base = fixture_state(fixture)
    for actions in options:
        try:
            apply_actions(base, actions, ctx)
        except (ExpectationError, FixtureError) as exc:
            problems.append(f"{case.id}: expected outcome: {exc}")
    return problems
