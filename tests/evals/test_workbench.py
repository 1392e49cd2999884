"""The WorkBench adapter: answer parsing (ast only), the fixture mapping, and cases."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from evals.state import ApplyContext, apply_actions, fixture_state
from evals.workbench import (
    ME_ID,
    AnswerParseError,
    WorkbenchCall,
    build_fixture,
    load_cases,
    parse_answer,
    person_name,
    project_key,
    to_actions,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "workbench"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def bench(tmp_path: Path) -> Path:
    """A two-person WorkBench-style folder with one event, two tasks and five queries."""
    (tmp_path / "email_addresses.csv").write_text("email_address\nkim.lee@corp.io\nsam.o-neil@corp.io\n")
    _write(
        tmp_path / "calendar_events.csv",
        ["event_id", "event_name", "participant_email", "event_start", "duration"],
        [["00000007", "sync up", "kim.lee@corp.io", "2023-12-01 10:00:00", "30"]],
    )
    _write(
        tmp_path / "project_tasks.csv",
        ["task_id", "task_name", "assigned_to_email", "list_name", "due_date", "board"],
        [
            ["00000012", "Fix login", "kim.lee@corp.io", "In Progress", "2023-12-04", "Back end"],
            ["00000013", "Ship icons", "sam.o-neil@corp.io", "Completed", "2023-11-20", "Design"],
        ],
    )
    header = ["query", "answer", "base_template", "chosen_template", "domains"]
    _write(
        tmp_path / "project_management_queries_and_answers.csv",
        header,
        [
            [
                "move kim's work to review",
                "['project_management.update_task.func("
                'task_id="00000012", field="list_name", new_value="In Review")\']',
                "t1",
                "t1",
                "[]",
            ],
            ["nothing to do", "[]", "t2", "t2", "[]"],
            ["broken row", "['project_management.update_task.func(task_id=\"00000012\"']", "t3", "t3", "[]"],
        ],
    )
    _write(
        tmp_path / "calendar_queries_and_answers.csv",
        header,
        [
            ["cancel the sync", "['calendar.delete_event.func(event_id=\"00000007\")']", "c1", "c1", "[]"],
            [
                "book with sam",
                '[\'calendar.create_event.func(event_name="chat", participant_email="sam.o-neil@corp.io", '
                'event_start="2023-12-01 13:00:00", duration="30")\']',
                "c2",
                "c2",
                "[]",
            ],
        ],
    )
    (tmp_path / "email_queries_and_answers.csv").write_text("query,answer\nx,[]\n")
    return tmp_path


def test_parse_answer_reads_calls() -> None:
    """Calls are parsed into function names (".func" dropped) and literal keyword arguments."""
    calls = parse_answer(
        '[\'calendar.update_event.func(event_id="00000109", field="event_start", new_value="2023-12-04 12:00:00")\']'
    )
    assert calls == [
        WorkbenchCall(
            "calendar.update_event",
            {"event_id": "00000109", "field": "event_start", "new_value": "2023-12-04 12:00:00"},
        )
    ]
    assert parse_answer("[]") == []


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "not python (",
        "{'a': 1}",
        "['calendar.delete_event.func(']",
        "['calendar.delete_event.func(\"00000007\")']",
        "['calendar.delete_event.func(event_id=make_id())']",
        "['calendar.delete_event.func(**kw)']",
        "[42]",
        "['not_a_call']",
    ],
)
def test_malformed_answers_raise_parse_errors(answer: str) -> None:
    """Anything that is not a list of keyword calls with literal values is reported, never crashed on."""
    with pytest.raises(AnswerParseError):
        parse_answer(answer)


def test_parsing_never_evaluates(tmp_path: Path) -> None:
    """Code smuggled into an answer is parsed, not run."""
    canary = tmp_path / "ran"
    for answer in (
        f'[\'__import__("pathlib").Path("{canary}").touch()\']',
        f"[__import__('pathlib').Path('{canary}').touch()]",
    ):
        with pytest.raises(AnswerParseError):
            parse_answer(answer)
    assert not canary.exists()


def test_fixture_mapping(bench: Path) -> None:
    """People from addresses plus "me"; tasks → tickets with mapped statuses, projects and aliases."""
    fixture = build_fixture(bench)
    assert fixture.people[0].id == ME_ID
    assert fixture.people[0].email == "me@corp.io"
    assert {p.name for p in fixture.people[1:]} == {"Kim Lee", "Sam O Neil"}
    assert [p.key for p in fixture.projects] == ["BACKEND", "DESIGN"]
    assert fixture.ticket_aliases == {"00000012": "BACKEND-12", "00000013": "DESIGN-13"}
    state = fixture_state(fixture)
    assert state.tickets["DESIGN-13"]["status"] == "Done"
    assert state.tickets["BACKEND-12"]["assignee"] == "kim.lee@corp.io"
    assert state.events["00000007"]["participants"] == ["kim.lee@corp.io"]
    assert state.events["00000007"]["start"] == "2023-12-01T10:00:00+00:00"
    assert fixture.now is not None and fixture.now.isoformat() == "2023-11-30T00:00:00+00:00"


def test_names_and_keys() -> None:
    """Display names from local parts; project keys deterministic and unique."""
    assert person_name("chenwei.zhang@x.com") == "Chenwei Zhang"
    assert project_key("Back end", set()) == "BACKEND"
    assert project_key("Back-end", {"BACKEND"}) == "BACKEND2"
    assert project_key("2024 plans", set()) == "B2024PLANS"


def test_calls_map_to_actions_that_apply(bench: Path) -> None:
    """Every supported call maps to an outcome action that applies to the fixture."""
    fixture = build_fixture(bench)
    calls = [
        WorkbenchCall("calendar.update_event", {"event_id": "00000007", "field": "event_name", "new_value": "Standup"}),
        WorkbenchCall("calendar.update_event", {"event_id": "00000007", "field": "duration", "new_value": "60"}),
        WorkbenchCall(
            "calendar.update_event",
            {"event_id": "00000007", "field": "participant_email", "new_value": "sam.o-neil@corp.io"},
        ),
        WorkbenchCall(
            "project_management.update_task",
            {"task_id": "00000012", "field": "assigned_to_email", "new_value": "sam.o-neil@corp.io"},
        ),
        WorkbenchCall(
            "project_management.update_task", {"task_id": "00000012", "field": "board", "new_value": "Design"}
        ),
        WorkbenchCall(
            "project_management.update_task", {"task_id": "00000013", "field": "list_name", "new_value": "Completed"}
        ),
        WorkbenchCall(
            "project_management.create_task",
            {"task_name": "New", "board": "Design", "list_name": "Backlog", "due_date": "2023-12-05"},
        ),
        WorkbenchCall("project_management.delete_task", {"task_id": "00000013"}),
        WorkbenchCall("calendar.search_events", {"query": "sync"}),
    ]
    actions = [a for call in calls for a in to_actions(call, fixture)]
    ctx = ApplyContext(fixture=fixture, requester="me@corp.io", default_project="BACKEND")
    state = apply_actions(fixture_state(fixture), actions, ctx)
    event = state.events["00000007"]
    assert (event["title"], event["duration"], event["participants"]) == ("Standup", 60, ["sam.o-neil@corp.io"])
    assert state.tickets["BACKEND-12"]["project"] == "DESIGN"
    assert "DESIGN-13" not in state.tickets
    assert state.new_tickets[0]["due"] == "2023-12-05"


def test_unsupported_calls_are_errors(bench: Path) -> None:
    """Unknown functions, fields, ids and boards are reported as malformed answers."""
    fixture = build_fixture(bench)
    for call in (
        WorkbenchCall("email.send_email", {"to": "x"}),
        WorkbenchCall("calendar.update_event", {"event_id": "00000007", "field": "colour", "new_value": "red"}),
        WorkbenchCall("project_management.update_task", {"task_id": "99", "field": "list_name", "new_value": "Done"}),
        WorkbenchCall("project_management.create_task", {"task_name": "x", "board": "Nowhere"}),
        WorkbenchCall("calendar.delete_event", {}),
    ):
        with pytest.raises(AnswerParseError):
            to_actions(call, fixture)


def test_cases_from_folder(bench: Path) -> None:
    """One case per query of supported domains; a malformed answer makes an invalid case."""
    cases = load_cases(bench)
    assert [c.id for c in cases] == [
        "workbench.calendar.001",
        "workbench.calendar.002",
        "workbench.project_management.001",
        "workbench.project_management.002",
        "workbench.project_management.003",
    ]
    broken = cases[-1]
    assert broken.invalid is not None and broken.invalid.startswith("malformed answer")
    first = cases[0]
    assert first.conversation.user == ME_ID
    assert first.expect.outcome is not None
    assert first.expect.outcome.actions == [{"op": "event.delete", "id": "00000007"}]
    assert "workbench:calendar" in first.tags
    assert cases[3].expect.outcome is not None and cases[3].expect.outcome.actions == []


def test_not_a_workbench_folder(tmp_path: Path) -> None:
    """A folder without the directory file is refused clearly."""
    with pytest.raises(FileNotFoundError):
        load_cases(tmp_path)


@pytest.mark.skipif(not SHARED.exists(), reason="shared WorkBench data not present")
def test_development_split_loads_cleanly() -> None:
    """Every query of the shared development split parses and maps."""
    cases = load_cases(SHARED)
    assert len(cases) == 100
    assert [c.id for c in cases if c.invalid] == []
