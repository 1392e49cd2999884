"""The outcome differ: expected actions applied to the fixture's state, compared with what happened."""

from __future__ import annotations

import pytest

from evals.fixtures import Fixture, FixtureEvent
from evals.graders import grade_outcome
from evals.matchers import MatchContext
from evals.state import (
    ApplyContext,
    CanonState,
    ExpectationError,
    apply_actions,
    changes_between,
    diff_states,
    fixture_state,
)

T_FIELDS = [
    "title",
    "description",
    "project",
    "status",
    "priority",
    "assignee",
    "reporter",
    "due",
    "labels",
    "comments",
]
E_FIELDS = ["title", "start", "duration", "participants", "organizer"]


def _apply(fixture: Fixture, actions: list[dict[str, object]], requester: str = "ada@example.com") -> CanonState:
    ctx = ApplyContext(fixture=fixture, requester=requester, default_project="OPS", user_tz="Europe/London")
    return apply_actions(fixture_state(fixture), actions, ctx)


def _diff(expected: CanonState, actual: CanonState) -> list[str]:
    return diff_states(expected, actual, ticket_fields=T_FIELDS, event_fields=E_FIELDS, ctx=MatchContext())


def test_fixture_state_projects_people_as_emails(small_fixture: Fixture) -> None:
    """People appear by email, statuses canonical, dates ISO."""
    state = fixture_state(small_fixture)
    assert state.tickets["OPS-1"]["assignee"] == "ada@example.com"
    assert state.tickets["OPS-1"]["reporter"] == "grace@example.com"
    assert state.tickets["OPS-2"]["assignee"] is None


def test_identical_states_have_no_diff(small_fixture: Fixture) -> None:
    """No actions expected and nothing done: no differences."""
    state = fixture_state(small_fixture)
    assert _diff(_apply(small_fixture, []), state) == []


def test_update_that_did_not_happen_is_reported(small_fixture: Fixture) -> None:
    """An expected status change that is missing shows as a field difference."""
    expected = _apply(small_fixture, [{"op": "ticket.update", "key": "ops-1", "status": "in progress"}])
    problems = _diff(expected, fixture_state(small_fixture))
    assert problems == ["ticket OPS-1: status expected 'In Progress', got 'Backlog'"]


def test_wrong_assignee_is_reported(small_fixture: Fixture) -> None:
    """Assigning the wrong person is a difference even though something changed."""
    expected = _apply(small_fixture, [{"op": "ticket.update", "key": "OPS-2", "assignee": "grace"}])
    actual = fixture_state(small_fixture)
    actual.tickets["OPS-2"]["assignee"] = "alan@example.com"
    assert _diff(expected, actual) == ["ticket OPS-2: assignee expected 'grace@example.com', got 'alan@example.com'"]


def test_extra_change_is_a_difference(small_fixture: Fixture) -> None:
    """Changing something nobody asked for fails the outcome (it is a side effect)."""
    expected = _apply(small_fixture, [{"op": "ticket.update", "key": "OPS-1", "status": "Done"}])
    actual = fixture_state(small_fixture)
    actual.tickets["OPS-1"]["status"] = "Done"
    actual.tickets["OPS-2"]["priority"] = "lowest"
    problems = _diff(expected, actual)
    assert len(problems) == 1
    assert "OPS-2: priority" in problems[0]


def test_new_ticket_defaults_and_matchers(small_fixture: Fixture) -> None:
    """A created ticket matches on its title matcher; unlisted fields take defaults, description is free."""
    expected = _apply(small_fixture, [{"op": "ticket.create", "title": {"$contains": "coffee"}, "priority": "high"}])
    actual = fixture_state(small_fixture)
    made = {
        "title": "Coffee machine leaks",
        "description": "anything at all",
        "project": "OPS",
        "status": "Backlog",
        "priority": "high",
        "assignee": None,
        "reporter": "ada@example.com",
        "due": None,
        "labels": [],
        "comments": [],
    }
    actual.new_tickets.append(made)
    assert _diff(expected, actual) == []
    wrong = dict(made, priority="medium")
    actual.new_tickets[0] = wrong
    assert _diff(expected, actual) == ["new ticket #1 (contains 'coffee'): priority expected 'high', got 'medium'"]


def test_created_by_someone_else_is_a_difference(small_fixture: Fixture) -> None:
    """The reporter of a created ticket must be the requester."""
    expected = _apply(small_fixture, [{"op": "ticket.create", "title": "X"}])
    actual = fixture_state(small_fixture)
    actual.new_tickets.append(dict(expected.new_tickets[0], description="", reporter="grace@example.com"))
    assert any("reporter" in p for p in _diff(expected, actual))


def test_missing_and_unexpected_new_tickets(small_fixture: Fixture) -> None:
    """A ticket that should exist and one that should not are both reported."""
    expected = _apply(small_fixture, [{"op": "ticket.create", "title": "Wanted"}])
    assert _diff(expected, fixture_state(small_fixture)) == ["new ticket #1 ('Wanted'): expected but not created"]
    actual = fixture_state(small_fixture)
    actual.new_tickets.append(dict(expected.new_tickets[0], description=""))
    actual.new_tickets.append(dict(expected.new_tickets[0], title="Unwanted", description=""))
    problems = _diff(expected, actual)
    assert len(problems) == 1
    assert problems[0].startswith("unexpected new ticket")


def test_new_items_match_in_any_order(small_fixture: Fixture) -> None:
    """Created tickets have no known ids: they are matched as a set."""
    expected = _apply(
        small_fixture,
        [{"op": "ticket.create", "title": {"$contains": "a"}}, {"op": "ticket.create", "title": "b only"}],
    )
    actual = fixture_state(small_fixture)
    first, second = (dict(t, description="") for t in expected.new_tickets)
    actual.new_tickets = [dict(second), dict(first, title="alpha")]
    assert _diff(expected, actual) == []


def test_comment_and_delete(small_fixture: Fixture) -> None:
    """Comments append with the requester as author; a deleted ticket disappears."""
    expected = _apply(
        small_fixture,
        [
            {"op": "ticket.comment", "key": "OPS-1", "body": {"$contains": "fixed"}},
            {"op": "ticket.delete", "key": "OPS-2"},
        ],
    )
    actual = fixture_state(small_fixture)
    actual.tickets["OPS-1"]["comments"] = [{"author": "ada@example.com", "body": "Fixed it today"}]
    del actual.tickets["OPS-2"]
    assert _diff(expected, actual) == []
    actual.tickets["OPS-1"]["comments"][0]["author"] = "grace@example.com"
    assert _diff(expected, actual)
    untouched = fixture_state(small_fixture)
    assert "ticket OPS-2: expected to be deleted, but it still exists" in _diff(expected, untouched)


def test_events_times_in_requester_zone(small_fixture: Fixture) -> None:
    """Naive expected times are in the requester's zone; participants resolve to emails."""
    small_fixture.events = [
        FixtureEvent(
            id="e1", title="Sync", start="2026-11-18T09:00:00", duration=30, organizer="U1", participants=["U2"]
        )
    ]
    base = fixture_state(small_fixture)
    assert base.events["e1"]["participants"] == ["grace@example.com"]
    expected = _apply(small_fixture, [{"op": "event.update", "id": "e1", "start": "2026-11-18T10:30:00"}])
    assert expected.events["e1"]["start"] == "2026-11-18T10:30:00+00:00"
    created = _apply(
        small_fixture,
        [
            {
                "op": "event.create",
                "title": "Chat",
                "start": "2026-11-19T14:00",
                "duration": 45,
                "participants": ["grace"],
            }
        ],
    )
    assert created.new_events[0]["participants"] == ["grace@example.com"]
    assert created.new_events[0]["organizer"] == "ada@example.com"
    gone = _apply(small_fixture, [{"op": "event.delete", "id": "e1"}])
    assert "event e1: expected to be deleted, but it still exists" in _diff(gone, base)


def test_bad_expectations_raise(small_fixture: Fixture) -> None:
    """Unknown tickets, people, statuses, fields and ops are dataset bugs."""
    for action in (
        {"op": "ticket.update", "key": "OPS-99", "status": "Done"},
        {"op": "ticket.update", "key": "OPS-1", "assignee": "nobody-here"},
        {"op": "ticket.update", "key": "OPS-1", "status": "Blocked"},
        {"op": "ticket.update", "key": "OPS-1", "colour": "red"},
        {"op": "ticket.explode", "key": "OPS-1"},
        {"op": "event.delete", "id": "missing"},
    ):
        with pytest.raises(ExpectationError):
            _apply(small_fixture, [action])


def test_changes_between_lists_old_and_new(small_fixture: Fixture) -> None:
    """What changed is listed as old → new."""
    before = fixture_state(small_fixture)
    after = fixture_state(small_fixture)
    after.tickets["OPS-1"]["status"] = "Done"
    assert changes_between(before, after, ticket_fields=T_FIELDS, event_fields=E_FIELDS) == [
        "ticket OPS-1.status: 'Backlog' → 'Done'"
    ]
    assert changes_between(before, before, ticket_fields=T_FIELDS, event_fields=E_FIELDS) == []


def test_compared_fields_limit_the_diff(small_fixture: Fixture) -> None:
    """Fields outside the compared set (WorkBench compares five) are ignored."""
    expected = _apply(small_fixture, [])
    actual = fixture_state(small_fixture)
    actual.tickets["OPS-1"]["priority"] = "highest"
    assert diff_states(expected, actual, ticket_fields=["title", "status"], event_fields=E_FIELDS) == []


def test_outcome_grade_side_effect_and_alternatives(small_fixture: Fixture) -> None:
    """Changed-but-wrong is a side effect; an accepted alternative passes; nothing changed is not a side effect."""
    initial = fixture_state(small_fixture)
    want = _apply(small_fixture, [{"op": "ticket.update", "key": "OPS-1", "status": "Done"}])
    wrong = fixture_state(small_fixture)
    wrong.tickets["OPS-2"]["status"] = "Done"
    kwargs = {"ticket_fields": T_FIELDS, "event_fields": E_FIELDS, "ctx": MatchContext()}
    check = grade_outcome(want, wrong, initial, **kwargs)  # type: ignore[arg-type]
    assert not check.passed
    assert check.metrics["side_effect"] is True
    idle = grade_outcome(want, initial, initial, **kwargs)  # type: ignore[arg-type]
    assert not idle.passed
    assert idle.metrics["side_effect"] is False
    either = grade_outcome([want, initial], initial, initial, **kwargs)  # type: ignore[arg-type]
    assert either.passed
    assert either.metrics["side_effect"] is False
