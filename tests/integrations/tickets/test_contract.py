"""The TicketBackend contract, run against the local tracker and against Jira Cloud behind the fake."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from integrations.errors import NotFoundError, ValidationError
from integrations.tickets.base import Ticket, TicketChanges, TicketCreate, TicketLink, TicketQuery
from tests.integrations.tickets.conftest import World

AS_OF = date(2026, 11, 20)

# name → (create fields, status to walk to)
SEED: dict[str, tuple[dict[str, Any], str]] = {
    "A": (
        {
            "title": "VPN drops hourly",
            "project": "OPS",
            "priority": "high",
            "assignee_id": "U1",
            "due_date": date(2026, 11, 10),
            "labels": ["network"],
        },
        "In Progress",
    ),
    "B": ({"title": "Printer jammed", "project": "OPS", "priority": "low", "due_date": date(2026, 11, 25)}, "Backlog"),
    "C": (
        {
            "title": "Build pipeline slow",
            "project": "ENG",
            "priority": "highest",
            "assignee_id": "U2",
            "due_date": date(2026, 11, 15),
        },
        "Done",
    ),
    "D": ({"title": "VPN certificate renewal", "project": "ENG", "assignee_id": "U1"}, "In Review"),
    "E": (
        {
            "title": "Laptop refresh",
            "project": "OPS",
            "priority": "lowest",
            "assignee_id": "U2",
            "due_date": date(2026, 11, 19),
        },
        "Backlog",
    ),
    "F": (
        {
            "title": "Onboarding docs",
            "project": "ENG",
            "priority": "high",
            "due_date": date(2026, 12, 1),
            "labels": ["docs"],
        },
        "In Progress",
    ),
}
_PATH = {
    "Backlog": [],
    "In Progress": ["In Progress"],
    "In Review": ["In Progress", "In Review"],
    "Done": ["Done"],
}


def seed(world: World) -> dict[str, str]:
    """Create the six search tickets in order (A oldest) and walk each to its status; name → key."""
    keys: dict[str, str] = {}
    for name, (fields, status) in SEED.items():
        ticket = world.backend.create(TicketCreate(**fields), idempotency_key=f"seed-{name}")
        for n, step in enumerate(_PATH[status]):
            world.backend.update(ticket.key, TicketChanges(status=step), idempotency_key=f"seed-{name}-{n}")
        keys[name] = ticket.key
    return keys


def names(found: list[Ticket], keys: dict[str, str]) -> list[str]:
    by_key = {v: k for k, v in keys.items()}
    return [by_key[t.key] for t in found]


def make(world: World, title: str = "Fix the coffee machine", **fields: Any) -> Ticket:
    return world.backend.create(
        TicketCreate(title=title, project=fields.pop("project", "OPS"), **fields), idempotency_key=f"make-{title}"
    )


# -- search ----------------------------------------------------------------------------------------------------
SINGLE_FILTERS: list[tuple[str, dict[str, Any], set[str]]] = [
    ("assignee", {"assignee_id": "U1"}, {"A", "D"}),
    ("unassigned", {"unassigned": True}, {"B", "F"}),
    ("one status", {"statuses": ["In Progress"]}, {"A", "F"}),
    ("several statuses, any case", {"statuses": ["backlog", "in review"]}, {"B", "D", "E"}),
    ("project", {"project": "eng"}, {"C", "D", "F"}),
    ("priorities", {"priorities": ["high", "highest"]}, {"A", "C", "F"}),
    ("overdue", {"overdue": True, "as_of": AS_OF}, {"A", "E"}),
    ("due before", {"due_before": date(2026, 11, 16)}, {"A", "C"}),
    ("due after", {"due_after": date(2026, 11, 20)}, {"B", "F"}),
    ("free text", {"text": "vpn"}, {"A", "D"}),
    ("label", {"labels": ["network"]}, {"A"}),
    ("open only", {"include_done": False}, {"A", "B", "D", "E", "F"}),
    ("asked-for status beats open only", {"statuses": ["Done"], "include_done": False}, {"C"}),
    ("unknown person", {"assignee_id": "U404"}, set()),
    ("unknown project", {"project": "NOPE"}, set()),
]
COMBINED_FILTERS: list[tuple[str, dict[str, Any], set[str]]] = [
    ("assignee and status", {"assignee_id": "U1", "statuses": ["In Progress"]}, {"A"}),
    ("project and overdue", {"project": "OPS", "overdue": True, "as_of": AS_OF}, {"A", "E"}),
    ("unassigned, project, priority", {"unassigned": True, "project": "ENG", "priorities": ["high"]}, {"F"}),
    ("text and project", {"text": "vpn", "project": "ENG"}, {"D"}),
    ("assignee and overdue", {"assignee_id": "U2", "overdue": True, "as_of": AS_OF}, {"E"}),
    (
        "due window and project",
        {"due_after": date(2026, 11, 12), "due_before": date(2026, 11, 26), "project": "OPS"},
        {"B", "E"},
    ),
    ("status and not-started overdue", {"statuses": ["Backlog"], "overdue": True, "as_of": AS_OF}, {"E"}),
]


@pytest.fixture
def seeded(world: World) -> tuple[World, dict[str, str]]:
    return world, seed(world)


@pytest.mark.parametrize(("label", "filters", "expected"), SINGLE_FILTERS, ids=[c[0] for c in SINGLE_FILTERS])
def test_each_filter_alone(
    seeded: tuple[World, dict[str, str]], label: str, filters: dict[str, Any], expected: set[str]
) -> None:
    """Each search filter on its own selects exactly the tickets it describes."""
    world, keys = seeded
    assert set(names(world.backend.search(TicketQuery(**filters)), keys)) == expected


@pytest.mark.parametrize(("label", "filters", "expected"), COMBINED_FILTERS, ids=[c[0] for c in COMBINED_FILTERS])
def test_filters_compose(
    seeded: tuple[World, dict[str, str]], label: str, filters: dict[str, Any], expected: set[str]
) -> None:
    """Filters combine with AND: only tickets matching every one are returned."""
    world, keys = seeded
    assert set(names(world.backend.search(TicketQuery(**filters)), keys)) == expected


def test_keys_filter(seeded: tuple[World, dict[str, str]]) -> None:
    """A key filter returns those tickets (unknown keys simply match nothing)."""
    world, keys = seeded
    found = world.backend.search(TicketQuery(keys=[keys["A"].lower(), keys["C"], "OPS-999"]))
    assert set(names(found, keys)) == {"A", "C"}


@pytest.mark.parametrize(
    ("order", "filters", "expected"),
    [
        ("priority", {"project": "OPS"}, ["A", "B", "E"]),
        ("oldest", {}, ["A", "B", "C", "D", "E", "F"]),
        ("newest", {}, ["F", "E", "D", "C", "B", "A"]),
        ("due", {}, ["A", "C", "E", "B", "F", "D"]),
        ("priority", {"include_done": False}, ["A", "F", "D", "B", "E"]),
    ],
)
def test_ordering(
    seeded: tuple[World, dict[str, str]], order: str, filters: dict[str, Any], expected: list[str]
) -> None:
    """Results come back by priority (then oldest), by age either way, or by due date (undated last)."""
    world, keys = seeded
    assert names(world.backend.search(TicketQuery(order_by=order, **filters)), keys) == expected  # type: ignore[arg-type]


def test_limit_applies_after_ordering(seeded: tuple[World, dict[str, str]]) -> None:
    """The limit keeps the first tickets in the requested order."""
    world, keys = seeded
    assert names(world.backend.search(TicketQuery(order_by="oldest", limit=2)), keys) == ["A", "B"]


# -- get and create --------------------------------------------------------------------------------------------
def test_create_then_get_returns_every_field(world: World) -> None:
    """A created ticket reads back with the title, description, priority, assignee, due date and labels given."""
    description = "Water on the floor.\nEvery morning.\n\n- unplug it\n- call facilities"
    created = world.backend.create(
        TicketCreate(
            title="  Coffee   machine leaks ",
            description=description,
            project="ops",
            priority="highest",
            assignee_id="U2",
            due_date=date(2026, 12, 4),
            labels=["kitchen", "facilities"],
        ),
        idempotency_key="create-1",
    )
    got = world.backend.get(created.key.lower())
    assert got.key == created.key and got.key.startswith("OPS-")
    assert (got.title, got.description, got.project, got.status) == (
        "Coffee machine leaks",
        description,
        "OPS",
        "Backlog",
    )
    assert (got.priority, got.assignee_id, got.due_date) == ("highest", "U2", date(2026, 12, 4))
    assert sorted(got.labels) == ["facilities", "kitchen"]
    assert got.url.endswith(got.key)


def test_create_is_idempotent(world: World) -> None:
    """Creating twice with one idempotency key files one ticket and returns it both times."""
    first = world.backend.create(TicketCreate(title="Badge reader broken", project="OPS"), idempotency_key="same")
    again = world.backend.create(TicketCreate(title="Badge reader broken", project="OPS"), idempotency_key="same")
    other = world.backend.create(TicketCreate(title="Badge reader broken", project="OPS"), idempotency_key="other")
    assert first.key == again.key != other.key
    assert len(world.backend.search(TicketQuery(project="OPS"))) == 2


def test_get_unknown_key_is_not_found(world: World) -> None:
    """Asking for a ticket that does not exist raises NotFoundError naming it."""
    with pytest.raises(NotFoundError, match="OPS-404"):
        world.backend.get("ops-404")


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"project": "NOPE"}, NotFoundError, "no project 'NOPE'.*OPS"),
        ({"status": "Limbo"}, ValidationError, "'Limbo' is not a status.*In Review"),
        ({"assignee_id": "U404"}, NotFoundError, "U404"),
    ],
    ids=["unknown project", "unknown status", "unknown person"],
)
def test_create_with_bad_input_writes_nothing(
    world: World, fields: dict[str, Any], error: type[Exception], message: str
) -> None:
    """An unknown project, status or person is refused with a clear message and nothing is created."""
    make(world, "Existing ticket")
    before = world.snapshot()
    data = {"title": "Should not exist", "project": "OPS", **fields}
    with pytest.raises(error, match=message):
        world.backend.create(TicketCreate(**data), idempotency_key="bad")
    assert world.snapshot() == before


# -- update, transition, assign, comment, close ----------------------------------------------------------------
def test_update_changes_only_given_fields(world: World) -> None:
    """Title, description, priority, due date and labels change; everything else stays."""
    ticket = make(world, priority="low", assignee_id="U1", labels=["old"])
    changed = world.backend.update(
        ticket.key,
        TicketChanges(
            title="Coffee machine replaced",
            description="New **machine** ordered.",
            priority="high",
            due_date=date(2026, 12, 24),
            labels=["kitchen"],
        ),
        idempotency_key="u1",
    )
    got = world.backend.get(ticket.key)
    assert got == changed
    assert (got.title, got.description, got.priority) == ("Coffee machine replaced", "New **machine** ordered.", "high")
    assert (got.due_date, got.labels, got.assignee_id, got.status) == (date(2026, 12, 24), ["kitchen"], "U1", "Backlog")


def test_update_with_same_key_applies_once(world: World) -> None:
    """Replaying an update's idempotency key does not re-apply it over a later change."""
    ticket = make(world)
    world.backend.update(ticket.key, TicketChanges(priority="high"), idempotency_key="k1")
    world.backend.update(ticket.key, TicketChanges(priority="low"), idempotency_key="k2")
    replay = world.backend.update(ticket.key, TicketChanges(priority="high"), idempotency_key="k1")
    assert replay.priority == "low" and world.backend.get(ticket.key).priority == "low"


def test_allowed_transitions_walk_the_workflow(world: World) -> None:
    """Backlog → In Progress → In Review → Done → reopened to In Progress are all allowed, in any case."""
    ticket = make(world)
    seen = [ticket.status]
    for n, status in enumerate(["in progress", "In Review", "DONE", "In Progress"]):
        seen.append(world.backend.update(ticket.key, TicketChanges(status=status), idempotency_key=f"t{n}").status)
    assert seen == ["Backlog", "In Progress", "In Review", "Done", "In Progress"]


def test_forbidden_transition_is_refused_and_nothing_written(world: World) -> None:
    """Backlog → In Review is refused naming the allowed next statuses; the other changes are not applied either."""
    ticket = make(world)
    before = world.snapshot()
    with pytest.raises(ValidationError) as caught:
        world.backend.update(
            ticket.key, TicketChanges(status="In Review", title="Renamed", assignee_id="U2"), idempotency_key="bad"
        )
    message = str(caught.value)
    assert "Backlog" in message and "In Review" in message
    assert "In Progress" in message and "Done" in message
    assert world.snapshot() == before


def test_transitions_name_next_statuses(world: World) -> None:
    """transitions() lists where a ticket can go next, for a status and for a ticket's key."""
    ticket = make(world)
    assert world.backend.transitions("Backlog", key=ticket.key) == ["In Progress", "Done"]
    world.backend.update(ticket.key, TicketChanges(status="Done"), idempotency_key="close")
    assert world.backend.transitions("Done", key=ticket.key) == ["Backlog", "In Progress", "In Review"]
    if world.kind == "local":
        assert world.backend.transitions("in progress") == ["Backlog", "In Review", "Done"]


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"status": "Limbo"}, ValidationError, "not a status"),
        ({"assignee_id": "U404"}, NotFoundError, "U404"),
    ],
    ids=["unknown status", "unknown person"],
)
def test_update_with_bad_input_writes_nothing(
    world: World, changes: dict[str, Any], error: type[Exception], message: str
) -> None:
    """An unknown status or person in an update is refused and the ticket is left as it was."""
    ticket = make(world)
    before = world.snapshot()
    with pytest.raises(error, match=message):
        world.backend.update(ticket.key, TicketChanges(title="Renamed", **changes), idempotency_key="bad")
    assert world.snapshot() == before


def test_update_unknown_ticket_is_not_found(world: World) -> None:
    """Updating a ticket that does not exist raises NotFoundError."""
    with pytest.raises(NotFoundError):
        world.backend.update("OPS-404", TicketChanges(priority="high"), idempotency_key="x")


def test_assign_reassign_unassign(world: World) -> None:
    """A ticket can be assigned, handed to someone else and unassigned."""
    ticket = make(world)
    assert world.backend.update(ticket.key, TicketChanges(assignee_id="U1"), idempotency_key="a1").assignee_id == "U1"
    assert world.backend.update(ticket.key, TicketChanges(assignee_id="U3"), idempotency_key="a2").assignee_id == "U3"
    cleared = world.backend.update(ticket.key, TicketChanges(clear_assignee=True), idempotency_key="a3")
    assert cleared.assignee_id is None
    assert world.backend.search(TicketQuery(unassigned=True))[0].key == ticket.key


def test_comments_keep_author_order_and_idempotency(world: World) -> None:
    """Comments read back oldest first with their author; a repeated key posts once; blank text is refused."""
    ticket = make(world)
    first = world.backend.add_comment(ticket.key, "Ordered a **new** part.", author_id="U1", idempotency_key="c1")
    world.backend.add_comment(ticket.key, "Ordered a **new** part.", author_id="U1", idempotency_key="c1")
    world.backend.add_comment(ticket.key, "Fitted.\n\nWorks now.", author_id="U2", idempotency_key="c2")
    with pytest.raises(ValidationError):
        world.backend.add_comment(ticket.key, "   ", author_id="U1", idempotency_key="c3")
    comments = world.backend.comments(ticket.key)
    assert [(c.body, c.author_id) for c in comments] == [
        ("Ordered a **new** part.", "U1"),
        ("Fitted.\n\nWorks now.", "U2"),
    ]
    assert comments[0].id == first.id and comments[0].ticket_key == ticket.key


def test_comment_on_unknown_ticket_is_not_found(world: World) -> None:
    """Commenting on a missing ticket raises NotFoundError."""
    with pytest.raises(NotFoundError):
        world.backend.add_comment("OPS-404", "hello", author_id="U1", idempotency_key="c")


def test_close_moves_to_done_and_hides_from_open_search(world: World) -> None:
    """Closing (moving to the final status) works from any status and drops the ticket from open searches."""
    ticket = make(world)
    closed = world.backend.update(ticket.key, TicketChanges(status=world.backend.workflow()[-1]), idempotency_key="c")
    assert closed.status == "Done"
    assert world.backend.search(TicketQuery(include_done=False)) == []


def test_workflow_lists_statuses_in_order(world: World) -> None:
    """workflow() is Backlog → In Progress → In Review → Done on both backends."""
    assert world.backend.workflow() == ("Backlog", "In Progress", "In Review", "Done")
    assert [p.key for p in world.backend.projects()] == ["ENG", "OPS"]


def test_links_read_from_both_sides(world: World) -> None:
    """A 'blocks' link shows as 'is blocked by' on the other ticket; linking again adds nothing."""
    a = make(world, "Replace the router")
    b = make(world, "Move the office network")
    linked = world.backend.add_link(a.key, "blocks", b.key, idempotency_key="l1")
    world.backend.add_link(b.key, "is blocked by", a.key, idempotency_key="l2")
    assert linked.links == [TicketLink(relation="blocks", key=b.key)]
    assert world.backend.get(b.key).links == [TicketLink(relation="is blocked by", key=a.key)]
    with pytest.raises(ValidationError, match="not a kind of link"):
        world.backend.add_link(a.key, "loves", b.key, idempotency_key="l3")
    with pytest.raises(NotFoundError):
        world.backend.add_link(a.key, "relates to", "OPS-404", idempotency_key="l4")


# -- bulk ------------------------------------------------------------------------------------------------------
def test_bulk_reports_each_item_and_leaves_failures_untouched(seeded: tuple[World, dict[str, str]]) -> None:
    """One refused item in a batch is reported and left unchanged while the others are applied."""
    world, keys = seeded
    before_b = world.backend.get(keys["B"])
    batch = {
        keys["A"]: TicketChanges(status="In Review"),
        keys["B"]: TicketChanges(status="In Review", title="Should not stick", assignee_id="U3"),
        keys["E"]: TicketChanges(assignee_id="U3", due_date=date(2026, 12, 11)),
        "OPS-404": TicketChanges(priority="high"),
    }
    result = world.backend.update_many(batch, idempotency_prefix="bulk-1")
    assert result.succeeded == [keys["A"], keys["E"]]
    assert set(result.failed) == {keys["B"], "OPS-404"}
    assert "In Progress" in result.failed[keys["B"]]
    assert [i.error_kind for i in result.items if not i.ok] == ["validation", "not_found"]
    assert world.backend.get(keys["A"]).status == "In Review"
    assert (world.backend.get(keys["E"]).assignee_id, world.backend.get(keys["E"]).due_date) == (
        "U3",
        date(2026, 12, 11),
    )
    assert world.backend.get(keys["B"]) == before_b


def test_bulk_rerun_with_same_prefix_applies_nothing_twice(seeded: tuple[World, dict[str, str]]) -> None:
    """Re-running a batch under the same prefix reports success without re-applying over later edits."""
    world, keys = seeded
    batch = {keys["E"]: TicketChanges(assignee_id="U3"), keys["B"]: TicketChanges(assignee_id="U1")}
    world.backend.update_many(batch, idempotency_prefix="bulk-2")
    world.backend.update(keys["E"], TicketChanges(assignee_id="U1"), idempotency_key="later")
    again = world.backend.update_many(batch, idempotency_prefix="bulk-2")
    assert again.succeeded == [keys["E"], keys["B"]] and again.failed == {}
    assert world.backend.get(keys["E"]).assignee_id == "U1"
