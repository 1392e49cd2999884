"""Digests and the App Home through the local Slack sandbox and the real Bolt app (clock under test control)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from bot.blocks.approval import APPROVE
from bot.blocks.digest import DIGEST_NEW, DIGEST_PAUSE
from integrations.calendar.base import EventCreate
from integrations.tickets.base import TicketCreate
from tests.digests.conftest import Live, live_stack
from tests.support.stack import BOT, IT_HELP, MAYA, TOM, wait_for

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_0855 = datetime(2026, 11, 30, 8, 55, tzinfo=BERLIN)


def _bot_messages(live: Live, channel: str) -> list[dict[str, Any]]:
    return [m for m in live.driver.messages(channel) if m.get("user") == BOT or m.get("bot_id")]


def _digests(live: Live, channel: str) -> list[dict[str, Any]]:
    return [m for m in _bot_messages(live, channel) if "digest" in (m.get("text") or "").lower()]


def _open_modal(live: Live, user: str, channel: str) -> dict[str, Any]:
    live.driver.slash_command(user, channel, "/deskhand", "digest")
    return wait_for(lambda: live.driver.modal(user)["view"], what="the digest modal")


def _dm(live: Live, user: str) -> str:
    return str(live.sandbox.sandbox.workspace.open_dm(BOT, user)[0])


def _ask_for_ticket(live: Live, text: str) -> dict[str, Any]:
    posted = live.driver.post_message(TOM, IT_HELP, f"<@{BOT}> {text}")
    return wait_for(
        lambda: next(
            (m for m in live.driver.thread(IT_HELP, posted["ts"]) if "Approval needed" in str(m.get("blocks"))), None
        ),
        what="an approval card",
    )


def test_subscribe_with_slash_command_then_digest_posts_once_at_its_time(isolated_env: Path) -> None:
    """`/deskhand digest` + its modal subscribe #it-help; once the clock passes 09:00 Berlin the digest posts once."""
    with time_machine.travel(MONDAY_0855, tick=True) as clock, live_stack(isolated_env, scheduler_enabled=True) as live:
        modal = _open_modal(live, TOM, IT_HELP)
        # The defaults in a channel: this channel, every day at 09:00 in Tom's zone, tickets of its project.
        result = live.driver.submit_view(TOM, modal["id"])
        assert result["delivered"] and result["response_action"] is None
        notice = wait_for(
            lambda: next(
                (m for m in live.driver.messages(IT_HELP, user=TOM) if "Subscribed" in m.get("text", "")), None
            ),
            what="the subscription confirmation",
        )
        subs = live.bot.services.digests.store.find(channel_id=IT_HELP)  # type: ignore[union-attr]
        assert len(subs) == 1 and subs[0].tz == "Europe/Berlin" and subs[0].ticket_project == "OPS"
        assert subs[0].id in notice["text"]
        assert _digests(live, IT_HELP) == [], "nothing is posted before its time"

        clock.shift(timedelta(minutes=5, seconds=5))  # 09:00:05 Berlin
        live.bot.scheduler.wakeup()  # type: ignore[union-attr]
        digest = wait_for(lambda: _digests(live, IT_HELP), what="the digest in #it-help")[0]
        assert digest["text"].startswith("Daily digest for Mon 30 Nov")
        assert "Tickets · OPS" in str(digest["blocks"])

        clock.shift(timedelta(minutes=2))
        live.bot.scheduler.wakeup()  # type: ignore[union-attr]
        live.bot.services.worker.idle()
        assert len(_digests(live, IT_HELP)) == 1, "one slot posts once"
        runs = live.bot.services.digests.store.runs(subs[0].id)  # type: ignore[union-attr]
        assert [(r.status, r.slot_at) for r in runs] == [
            ("posted", datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("UTC")))
        ]


def test_bad_modal_input_is_shown_under_the_fields_and_nothing_is_stored(isolated_env: Path) -> None:
    """An unknown zone and meetings for a channel come back as inline field errors; no subscription is made."""
    with live_stack(isolated_env) as live:
        modal = _open_modal(live, TOM, IT_HELP)
        result = live.driver.submit_view(
            TOM, modal["id"], {"tz": {"value": "Mars/Olympus_Mons"}, "sections": {"value": ["meetings", "tickets"]}}
        )
        assert result["response_action"] == "errors"
        assert set(result["errors"]) == {"tz", "sections"}
        assert "Europe/Berlin" in result["errors"]["tz"]
        assert live.driver.modal(TOM)["view"]["id"] == modal["id"], "the modal stays open for a fix"
        assert live.bot.services.digests.store.find(channel_id=IT_HELP, user_id=TOM) == []  # type: ignore[union-attr]


def test_list_pause_resume_and_delete_from_slack(isolated_env: Path) -> None:
    """`/deskhand digest list` shows the channel's digests with buttons; Pause works there; resume and delete by id."""
    with live_stack(isolated_env) as live:
        store = live.bot.services.digests.store  # type: ignore[union-attr]
        live.driver.submit_view(TOM, _open_modal(live, TOM, IT_HELP)["id"])
        sub = wait_for(lambda: store.find(channel_id=IT_HELP), what="the subscription")[0]

        live.driver.slash_command(MAYA, IT_HELP, "/deskhand", "digest list")
        listing = wait_for(
            lambda: next((m for m in live.driver.messages(IT_HELP, user=MAYA) if sub.id in str(m.get("blocks"))), None),
            what="the list",
        )
        live.driver.click(MAYA, IT_HELP, listing["ts"], DIGEST_PAUSE)
        wait_for(lambda: (s := store.get(sub.id)) is not None and s.paused, what="the pause")
        refreshed = wait_for(
            lambda: next(
                (m for m in live.driver.messages(IT_HELP, user=MAYA) if "Paused" in str(m.get("blocks"))), None
            ),
            what="the refreshed list",
        )
        assert "digest_resume" in str(refreshed["blocks"]), "the list now offers Resume"

        live.driver.slash_command(TOM, IT_HELP, "/deskhand", f"digest resume {sub.id.lower()}")
        wait_for(lambda: (s := store.get(sub.id)) is not None and not s.paused, what="the resume")
        live.driver.slash_command(TOM, IT_HELP, "/deskhand", f"digest delete {sub.id}")
        wait_for(lambda: store.get(sub.id) is None, what="the deletion")
        live.driver.slash_command(TOM, IT_HELP, "/deskhand", "digest delete DNOPE2")
        wait_for(
            lambda: any("no digest `DNOPE2`" in m.get("text", "") for m in live.driver.messages(IT_HELP, user=TOM)),
            what="the not-found answer",
        )


def test_app_home_lists_pending_approval_with_working_buttons_and_refreshes(isolated_env: Path) -> None:
    """The approver's Home tab shows the waiting request; Approve there creates the ticket and the tab refreshes."""
    with live_stack(isolated_env) as live:
        card = _ask_for_ticket(live, "open a ticket: the kitchen kettle trips the fuse")
        approval_id = card["blocks"][-1]["block_id"].split(":", 1)[1]
        live.driver.open_app_home(MAYA)
        home = wait_for(lambda: (v := live.driver.home(MAYA)) and approval_id in str(v["blocks"]) and v, what="home")
        assert "Waiting for your decision" in str(home["blocks"]) and "Your digests" in str(home["blocks"])

        live.driver.click_in_view(MAYA, home["id"], APPROVE)
        tickets = live.bot.core.tickets
        created = wait_for(
            lambda: [t for t in tickets.search(_query()) if t.title == "Kitchen kettle trips the fuse"],
            what="the ticket",
        )
        assert len(created) == 1
        wait_for(
            lambda: "Nothing is waiting for you" in str((live.driver.home(MAYA) or {}).get("blocks")),
            what="the refreshed home",
        )

        # "New digest" on the Home tab opens the modal; subscribing there lists the digest on the tab.
        live.driver.click_in_view(MAYA, live.driver.home(MAYA)["id"], DIGEST_NEW)  # type: ignore[index]
        modal = wait_for(lambda: live.driver.modal(MAYA)["view"], what="the modal from home")
        assert live.driver.submit_view(MAYA, modal["id"])["response_action"] is None
        wait_for(lambda: "digest_pause" in str((live.driver.home(MAYA) or {}).get("blocks")), what="digest on home")


def test_approving_from_the_channel_card_refreshes_the_approvers_home(isolated_env: Path) -> None:
    """Maya's Home lists the request; she approves on the card in #it-help and her Home drops it unprompted."""
    with live_stack(isolated_env) as live:
        card = _ask_for_ticket(live, "open a ticket: the blinds on floor 2 are stuck")
        approval_id = card["blocks"][-1]["block_id"].split(":", 1)[1]
        # Something on Maya's agenda right now, and an open ticket of hers: both belong on her Home tab.
        now = datetime.now(UTC)
        calendar = live.bot.core.deps.calendar
        assert calendar is not None
        calendar.create(
            MAYA,
            EventCreate(title="Home tab agenda check", start=now - timedelta(minutes=5), end=now + timedelta(hours=1)),
            idempotency_key="home-agenda-check",
        )
        mine = live.bot.core.tickets.create(
            TicketCreate(title="Home tab ticket check", project="OPS", assignee_id=MAYA),
            idempotency_key="home-ticket-check",
        )
        live.driver.open_app_home(MAYA)
        home = wait_for(
            lambda: (v := live.driver.home(MAYA)) and approval_id in str(v.get("blocks")) and v, what="home with it"
        )
        shown = str(home["blocks"])
        assert "Home tab agenda check" in shown and mine.key in shown and "Your digests" in shown
        live.driver.click(MAYA, IT_HELP, card["ts"], APPROVE)
        home = wait_for(
            lambda: (v := live.driver.home(MAYA)) and approval_id not in str(v.get("blocks")) and v,
            what="the refreshed home",
        )
        assert "Nothing is waiting for you" in str(home["blocks"])


def test_a_decision_by_someone_else_refreshes_the_requesters_home(isolated_env: Path) -> None:
    """Tom's Home lists his own waiting request; Maya approves it in the channel and Tom's Home drops it unprompted."""
    with live_stack(isolated_env) as live:
        card = _ask_for_ticket(live, "open a ticket: the meeting room clock is an hour slow")
        approval_id = card["blocks"][-1]["block_id"].split(":", 1)[1]
        live.driver.open_app_home(TOM)
        wait_for(lambda: approval_id in str((live.driver.home(TOM) or {}).get("blocks")), what="Tom's home with it")
        live.driver.click(MAYA, IT_HELP, card["ts"], APPROVE)
        wait_for(
            lambda: approval_id not in str((live.driver.home(TOM) or {}).get("blocks")),
            what="Tom's refreshed home",
        )


def test_pending_approval_gets_one_reminder_before_it_expires(isolated_env: Path) -> None:
    """Close to expiry the approver gets one DM with the request and its buttons; a later sweep sends no second."""
    start = datetime(2026, 11, 30, 10, 0, tzinfo=BERLIN)
    with time_machine.travel(start, tick=True) as clock, live_stack(isolated_env, scheduler_enabled=True) as live:
        _ask_for_ticket(live, "open a ticket: the lift makes a grinding noise")
        dm = _dm(live, MAYA)
        live.bot.scheduler.wakeup()  # type: ignore[union-attr]
        assert _bot_messages(live, dm) == [], "no reminder early in the approval's life"

        clock.shift(timedelta(hours=22, minutes=5))  # the default TTL is 24 h; reminders come 2 h before
        live.bot.scheduler.wakeup()  # type: ignore[union-attr]
        reminder = wait_for(lambda: _bot_messages(live, dm), what="the reminder DM")[0]
        assert "Reminder" in reminder["text"] and APPROVE in str(reminder["blocks"])

        clock.shift(timedelta(minutes=30))
        live.bot.scheduler.wakeup()  # type: ignore[union-attr]
        live.bot.services.worker.idle()
        assert len(_bot_messages(live, dm)) == 1, "one reminder per approval"


def _query() -> Any:
    from integrations.tickets.base import TicketQuery

    return TicketQuery(limit=500)
