"""Jira Cloud specifics: HTTP errors and retries, idempotent creates, ADF storage, people and project mapping."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from integrations.errors import BackendUnavailableError, NotFoundError, ValidationError
from integrations.tickets.base import TicketChanges, TicketCreate, TicketQuery
from integrations.tickets.jira import JiraCloudBackend, parse_project_mapping
from tests.integrations.tickets.conftest import World
from tests.integrations.tickets.fake_jira import RunningFakeJira

BuildWorld = Callable[..., World]


def jira(world: World) -> JiraCloudBackend:
    assert isinstance(world.backend, JiraCloudBackend)
    return world.backend


def test_description_and_comments_are_stored_as_adf(jira_world: BuildWorld) -> None:
    """Descriptions and comments reach Jira as ADF documents (paragraphs, lists, marks) and read back as text."""
    world = jira_world()
    ticket = world.backend.create(
        TicketCreate(title="VPN drops", project="OPS", description="Since Monday.\n\n- wifi\n- **wired** too"),
        idempotency_key="adf",
    )
    world.backend.add_comment(ticket.key, "See `vpn.log`", author_id="U1", idempotency_key="c")
    assert world.fake is not None
    stored = world.fake.issue_json(ticket.key)["fields"]["description"]
    assert stored["type"] == "doc" and stored["version"] == 1
    assert [block["type"] for block in stored["content"]] == ["paragraph", "bulletList"]
    strong = stored["content"][1]["content"][1]["content"][0]["content"][0]
    assert strong == {"type": "text", "text": "wired", "marks": [{"type": "strong"}]}
    comment = world.fake.issues[ticket.key]["comments"][0]["body"]
    assert comment["content"][0]["content"][1] == {"type": "text", "text": "vpn.log", "marks": [{"type": "code"}]}
    assert world.backend.get(ticket.key).description == "Since Monday.\n\n- wifi\n- **wired** too"


def test_bad_credentials_are_reported_without_the_token(
    jira_server: RunningFakeJira, caplog: pytest.LogCaptureFixture
) -> None:
    """A 401 becomes BackendUnavailableError naming the account and the fix; the token is never shown or logged."""
    caplog.set_level(logging.DEBUG)
    backend = JiraCloudBackend(jira_server.base_url, jira_server.fake.email, "wrong-secret-token-123")
    try:
        with pytest.raises(BackendUnavailableError, match="401") as caught:
            backend.get("OPS-1")
    finally:
        backend.close()
    assert "API token" in str(caught.value) and jira_server.fake.email in str(caught.value)
    assert "wrong-secret-token-123" not in str(caught.value) + caplog.text + repr(backend)


def test_forbidden_is_reported_as_unavailable_with_jira_reason(jira_world: BuildWorld) -> None:
    """A 403 becomes BackendUnavailableError carrying Jira's own explanation."""
    world = jira_world()
    assert world.fake is not None
    world.fake.inject(403, path_contains="/issue", body={"errorMessages": ["You cannot create issues here."]})
    with pytest.raises(BackendUnavailableError, match=r"403.*cannot create issues"):
        world.backend.create(TicketCreate(title="x", project="OPS"), idempotency_key="k")


def test_rate_limit_is_retried_once_after_retry_after(jira_world: BuildWorld) -> None:
    """A 429 with Retry-After waits that long and retries once; the search then succeeds."""
    world = jira_world()
    assert world.fake is not None
    world.backend.create(TicketCreate(title="Printer", project="OPS"), idempotency_key="p")
    world.fake.inject(429, path_contains="/search/jql", headers={"Retry-After": "2"})
    assert [t.title for t in world.backend.search(TicketQuery(project="OPS"))] == ["Printer"]
    assert world.sleeps == [2.0]


def test_rate_limit_twice_gives_up(jira_world: BuildWorld) -> None:
    """A second 429 in a row is BackendUnavailableError; there is exactly one retry."""
    world = jira_world()
    assert world.fake is not None
    world.fake.inject(429, path_contains="/issue/OPS-1", times=2, headers={"Retry-After": "0"})
    with pytest.raises(BackendUnavailableError, match="rate-limiting"):
        world.backend.get("OPS-1")
    assert world.sleeps == [0.0] and world.fake.count("GET", "/issue/OPS-1") == 2


def test_retry_after_longer_than_allowed_fails_fast(jira_world: BuildWorld) -> None:
    """When Jira asks to wait longer than max_retry_wait_s, the backend reports it instead of sleeping."""
    world = jira_world(max_retry_wait_s=5)
    assert world.fake is not None
    world.fake.inject(503, path_contains="/issue/OPS-1", headers={"Retry-After": "3600"})
    with pytest.raises(BackendUnavailableError, match="server error"):
        world.backend.get("OPS-1")
    assert world.sleeps == []


def test_server_error_on_create_is_not_blindly_retried(jira_world: BuildWorld) -> None:
    """A 5xx on POST /issue is reported, not re-posted; retrying the create later files exactly one issue."""
    world = jira_world()
    assert world.fake is not None
    world.fake.inject(502, path_contains="/rest/api/3/issue", method="POST")
    with pytest.raises(BackendUnavailableError):
        world.backend.create(TicketCreate(title="Desk lamp", project="OPS"), idempotency_key="lamp")
    assert world.sleeps == []
    world.backend.create(TicketCreate(title="Desk lamp", project="OPS"), idempotency_key="lamp")
    assert len(world.fake.issues) == 1


def test_retried_create_after_lost_response_returns_existing_issue(
    jira_world: BuildWorld, jira_server: RunningFakeJira
) -> None:
    """A second process retrying a create (same idempotency key) finds the issue by its hidden label."""
    world = jira_world()
    first = world.backend.create(TicketCreate(title="Door sensor", project="OPS"), idempotency_key="door")
    other = JiraCloudBackend(jira_server.base_url, jira_server.fake.email, jira_server.fake.token, project_keys=["OPS"])
    try:
        again = other.create(TicketCreate(title="Door sensor", project="OPS"), idempotency_key="door")
    finally:
        other.close()
    assert again.key == first.key and jira_server.fake.count("POST", "/rest/api/3/issue") == 1
    assert first.labels == [] and any(
        x.startswith("deskhand-") for x in jira_server.fake.issues[first.key]["fields"]["labels"]
    )


def test_label_edits_keep_the_idempotency_label(jira_world: BuildWorld) -> None:
    """Replacing labels keeps the hidden deskhand label, so a later retried create still finds the issue."""
    world = jira_world()
    assert world.fake is not None
    ticket = world.backend.create(TicketCreate(title="Chair", project="OPS", labels=["a"]), idempotency_key="chair")
    world.backend.update(ticket.key, TicketChanges(labels=["b c"]), idempotency_key="relabel")
    assert world.backend.get(ticket.key).labels == ["b-c"]
    stored = world.fake.issues[ticket.key]["fields"]["labels"]
    assert stored[0] == "b-c" and stored[1].startswith("deskhand-")


def test_failed_transition_puts_edited_fields_back(jira_world: BuildWorld) -> None:
    """If the transition fails after the fields were saved, the fields are restored: no half-changed issue."""
    world = jira_world()
    assert world.fake is not None
    ticket = world.backend.create(TicketCreate(title="Old title", project="OPS", priority="low"), idempotency_key="t")
    world.fake.inject(500, path_contains="/transitions", method="POST")
    with pytest.raises(BackendUnavailableError):
        world.backend.update(
            ticket.key, TicketChanges(title="New title", priority="high", status="In Progress"), idempotency_key="u"
        )
    after = world.backend.get(ticket.key)
    assert (after.title, after.priority, after.status) == ("Old title", "low", "Backlog")


def test_jira_validation_errors_are_passed_on(jira_world: BuildWorld) -> None:
    """A 400 with Jira's field errors becomes ValidationError carrying them."""
    world = jira_world(issue_type="Epic")
    with pytest.raises(ValidationError, match="issuetype: Specify an issue type"):
        world.backend.create(TicketCreate(title="x", project="OPS"), idempotency_key="epic")


def test_forbidden_transition_lists_what_jira_offers(jira_world: BuildWorld) -> None:
    """A move with no matching Jira transition names the statuses the issue's transitions lead to."""
    world = jira_world()
    ticket = world.backend.create(TicketCreate(title="Fan", project="OPS"), idempotency_key="fan")
    with pytest.raises(
        ValidationError, match=r"Backlog to In Review in Jira\. From Backlog it can move to Done, In Progress"
    ):
        world.backend.update(ticket.key, TicketChanges(status="In Review"), idempotency_key="skip")
    assert world.backend.transitions("Backlog") == ["In Progress", "In Review", "Done"]


def test_project_mapping_shows_deskhand_keys(jira_world: BuildWorld) -> None:
    """With project_keys={"IT": "OPS"} deskhand files and searches in "IT" while Jira stores OPS issues."""
    world = jira_world(project_keys={"IT": "OPS"})
    assert [p.key for p in world.backend.projects()] == ["IT"]
    ticket = world.backend.create(TicketCreate(title="Monitor", project="it"), idempotency_key="m")
    assert ticket.key == "OPS-1" and ticket.project == "IT"
    assert [t.key for t in world.backend.search(TicketQuery(project="IT"))] == ["OPS-1"]
    with pytest.raises(NotFoundError, match="Projects: IT"):
        world.backend.create(TicketCreate(title="x", project="ENG"), idempotency_key="e")
    assert parse_project_mapping("ops=it, ENG") == {"OPS": "IT", "ENG": "ENG"}


def test_people_map_by_email_even_when_jira_hides_emails(jira_world: BuildWorld, jira_server: RunningFakeJira) -> None:
    """Assignees resolve through user search; with emails hidden, unknown accounts read back as jira:<accountId>."""
    world = jira_world()
    assert world.fake is not None
    world.fake.hide_emails = True
    ticket = world.backend.create(TicketCreate(title="Keys", project="OPS", assignee_id="U2"), idempotency_key="k")
    assert ticket.assignee_id == "U2"
    stranger = JiraCloudBackend(jira_server.base_url, world.fake.email, world.fake.token, project_keys=["OPS"])
    try:
        seen = stranger.get(ticket.key).assignee_id
        assert seen is not None and seen.startswith("jira:")
        moved = stranger.update(ticket.key, TicketChanges(assignee_id=seen), idempotency_key="same")
        assert moved.assignee_id == seen
    finally:
        stranger.close()


def test_search_follows_next_page_tokens(jira_world: BuildWorld) -> None:
    """When Jira returns short pages, search keeps following nextPageToken up to the limit."""
    world = jira_world()
    assert world.fake is not None
    for n in range(5):
        world.backend.create(TicketCreate(title=f"Item {n}", project="OPS"), idempotency_key=f"i{n}")
    world.fake.max_page = 2
    found = world.backend.search(TicketQuery(order_by="oldest", limit=4))
    assert [t.title for t in found] == ["Item 0", "Item 1", "Item 2", "Item 3"]
    assert world.fake.count("POST", "/search/jql") >= 2


def test_text_search_survives_jql_special_characters(jira_world: BuildWorld) -> None:
    """Quotes and Lucene operators in free text do not break the JQL."""
    world = jira_world()
    world.backend.create(TicketCreate(title="VPN: drops (again)", project="OPS"), idempotency_key="v")
    found = world.backend.search(TicketQuery(text='the "VPN" drops -again* \\'))
    assert [t.title for t in found] == ["VPN: drops (again)"]


def test_unreachable_jira_is_unavailable() -> None:
    """A connection failure becomes BackendUnavailableError naming the host."""
    backend = JiraCloudBackend("http://127.0.0.1:9", "a@example.com", "t", timeout_s=1)
    try:
        with pytest.raises(BackendUnavailableError, match=r"127\.0\.0\.1:9"):
            backend.get("OPS-1")
    finally:
        backend.close()
