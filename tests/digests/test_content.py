"""Digest content from the real local backends: the fast local reads, empty sections and empty digests."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.blocks.digest import digest_blocks
from bot.digests.content import build_digest
from bot.digests.delivery import post_digest
from bot.digests.kit import DigestKit, make_digest_kit
from bot.digests.sources import DigestSources
from integrations.approvals.base import ApprovalRecord, ApprovalStatus
from integrations.approvals.store import SqlApprovalStore
from integrations.digests.base import Subscription
from integrations.directory.base import Person, StaticDirectory
from integrations.tickets.base import DEFAULT_WORKFLOW, Project, Ticket
from integrations.tickets.local import LocalTicketBackend

SLOT = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
PEOPLE = [Person(id=f"U{i}", name=f"Person {i}") for i in range(4)]


class PostRecorder:
    """Stands in for the Slack client: records chat.postMessage calls."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []

    def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:
        self.posts.append(kwargs)
        return {"ok": True, "ts": f"{len(self.posts)}.000"}


class CountingApprovals(SqlApprovalStore):
    """The real approval store, counting reads of pending records."""

    reads = 0

    def in_status(self, status: ApprovalStatus, *, limit: int = 100) -> list[ApprovalRecord]:
        """Count, then read."""
        self.reads += 1
        return super().in_status(status, limit=limit)


def _kit(engine: Engine, *, empty: str = "line", tickets: bool = True) -> DigestKit:
    backend = LocalTicketBackend(engine) if tickets else None
    if backend is not None:
        backend.upsert_project(Project(key="OPS", name="Operations"))
        backend.upsert_project(Project(key="ENG", name="Engineering"))
    return make_digest_kit(
        engine=engine,
        directory=StaticDirectory(PEOPLE),
        tickets=backend,
        calendar=None,
        approvals=CountingApprovals(engine),
        empty=empty,  # type: ignore[arg-type]
    )


def _fill_tickets(backend: LocalTicketBackend, n: int = 120, seed: int = 7) -> None:
    """Tickets in every status, due dates around the slot (many ties), some updated since the previous slot."""
    rng = random.Random(seed)
    today = SLOT.date()
    for i in range(1, n + 1):
        project = "OPS" if i % 3 else "ENG"
        updated = SLOT - timedelta(hours=rng.choice([1, 5, 20, 23, 25, 30, 80]))
        backend.import_ticket(
            Ticket(
                key=f"{project}-{i}",
                project=project,
                title=f"Ticket {i}",
                status=rng.choice(DEFAULT_WORKFLOW),
                priority=rng.choice(["low", "medium", "high", "highest"]),
                assignee_id=rng.choice([None, "U1", "U2", "U3"]),
                due_date=rng.choice([None, today + timedelta(days=rng.randint(-4, 6))]),
                created_at=updated - timedelta(days=3),
                updated_at=updated,
            )
        )


@pytest.mark.parametrize(
    "scope",
    [{}, {"ticket_project": "OPS"}, {"ticket_assignee": "U2"}, {"ticket_project": "ENG", "ticket_assignee": "U1"}],
    ids=["all", "project", "assignee", "both"],
)
def test_local_fast_reads_match_the_tracker_searches(
    engine: Engine, subscribe: Callable[..., Subscription], scope: dict[str, str]
) -> None:
    """The local counter/sampler give the same figures and the same listed tickets, in order, as the searches."""
    kit = _kit(engine)
    assert kit.sources.tickets is not None and kit.sources.ticket_sampler is not None
    _fill_tickets(cast(LocalTicketBackend, kit.sources.tickets), n=400)
    sub = subscribe(tz="Europe/Berlin", **scope)
    fast = build_digest(sub, kit.sources, slot=SLOT).tickets
    searched_sources = DigestSources(
        directory=kit.sources.directory, tickets=kit.sources.tickets, ticket_counter=kit.sources.ticket_counter
    )
    searched = build_digest(sub, searched_sources, slot=SLOT).tickets
    assert fast is not None and searched is not None
    assert fast.overdue and fast.due_soon and fast.closed, "the data exercises every list"
    assert fast == searched


def test_empty_digest_is_one_short_line(engine: Engine, subscribe: Callable[..., Subscription]) -> None:
    """Nothing to report: the digest is a single short line, posted once (setting "line")."""
    kit = _kit(engine, empty="line")
    sub = subscribe(sections=["tickets", "approvals"], tz="Europe/Berlin")
    digest = build_digest(sub, kit.sources, slot=SLOT)
    assert digest.is_empty()
    assert digest.summary() == "Daily digest: nothing new today."
    assert digest_blocks(digest) == [{"type": "section", "text": {"type": "mrkdwn", "text": digest.summary()}}]

    client = PostRecorder()
    assert kit.store.claim_run(sub.id, slot_at=SLOT)
    assert post_digest(kit, cast(WebClient, client), sub.id, SLOT)
    assert [p["text"] for p in client.posts] == ["Daily digest: nothing new today."]
    assert [r.status for r in kit.store.runs(sub.id)] == ["posted"]


def test_empty_digest_posts_nothing_when_set_to_skip(engine: Engine, subscribe: Callable[..., Subscription]) -> None:
    """With DESKHAND_DIGEST_EMPTY=skip an empty digest posts nothing and its run is recorded as empty."""
    kit = _kit(engine, empty="skip")
    sub = subscribe(sections=["tickets"], cadence="weekly", weekday=0, tz="Europe/Berlin")
    client = PostRecorder()
    assert kit.store.claim_run(sub.id, slot_at=SLOT)
    assert post_digest(kit, cast(WebClient, client), sub.id, SLOT)
    assert client.posts == []
    assert [r.status for r in kit.store.runs(sub.id)] == ["empty"]


def test_empty_sections_are_left_out_and_the_summary_is_one_line(
    engine: Engine, subscribe: Callable[..., Subscription]
) -> None:
    """Tickets but no approvals: the approvals section is absent and the summary is a single line about tickets."""
    kit = _kit(engine)
    _fill_tickets(cast(LocalTicketBackend, kit.sources.tickets), n=30)
    sub = subscribe(sections=["tickets", "approvals"], tz="Europe/Berlin", ticket_project="OPS")
    digest = build_digest(sub, kit.sources, slot=SLOT)
    assert digest.approvals == [] and not digest.is_empty()
    summary = digest.summary()
    assert "\n" not in summary and summary.startswith("Daily digest for Mon 30 Nov: ")
    assert "open ticket" in summary and "approval" not in summary
    rendered = str(digest_blocks(digest))
    assert "Waiting for approval" not in rendered and "Docs added" not in rendered
    assert "Tickets · OPS" in rendered


def test_digests_of_one_slot_share_one_read_of_pending_approvals(
    engine: Engine, subscribe: Callable[..., Subscription]
) -> None:
    """A 9 o'clock rush reads pending approvals once for the slot, and again for the next slot."""
    kit = _kit(engine, tickets=False)
    approvals = cast(CountingApprovals, kit.sources.approvals)
    approvals.create(
        ApprovalRecord(
            id="ap1",
            thread_id="T:C0ITHELP02:1",
            channel_id="C0ITHELP02",
            requester_id="U1",
            summary="Create a ticket",
            created_at=SLOT - timedelta(hours=1),
            expires_at=SLOT + timedelta(hours=5),
        )
    )
    subs = [subscribe(sections=["approvals"]) for _ in range(5)]
    digests = [build_digest(sub, kit.sources, slot=SLOT) for sub in subs]
    assert all(d.approvals_total == 1 for d in digests)
    assert approvals.reads == 1
    build_digest(subs[0], kit.sources, slot=SLOT + timedelta(days=1))
    assert approvals.reads == 2


def test_a_replayed_digest_job_does_not_post_again(engine: Engine, subscribe: Callable[..., Subscription]) -> None:
    """The worker job for a slot run twice (a replay after a crash) posts once; a run left mid-post posts never."""
    kit = _kit(engine)
    sub = subscribe(sections=["tickets"])
    client = PostRecorder()
    assert kit.store.claim_run(sub.id, slot_at=SLOT)
    assert post_digest(kit, cast(WebClient, client), sub.id, SLOT)
    assert not post_digest(kit, cast(WebClient, client), sub.id, SLOT)
    assert len(client.posts) == 1 and [r.status for r in kit.store.runs(sub.id)] == ["posted"]

    later = SLOT + timedelta(days=1)
    assert kit.store.claim_run(sub.id, slot_at=later) and kit.store.begin_posting(sub.id, slot_at=later)
    # ...the process died here, after starting to post: the replay must not risk a second copy.
    assert not post_digest(kit, cast(WebClient, client), sub.id, later)
    assert len(client.posts) == 1
