"""Digests as Block Kit: the digest message, the subscribe modal, and subscription lists with their buttons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.text import clip, escape, mrkdwn, plain, slack_date
from bot.digests.content import Digest, TicketLine, TicketsSection
from integrations.digests.base import Subscription
from integrations.tickets.base import Project

DIGEST_MODAL = "digest_subscribe_modal"
DIGEST_NEW = "digest_new"
DIGEST_PAUSE = "digest_pause"
DIGEST_RESUME = "digest_resume"
DIGEST_DELETE = "digest_delete"
ALL_PROJECTS = "__all__"
MAX_LISTED = 10

SECTION_LABELS = {
    "meetings": "Today's meetings (only for you)",
    "tickets": "Tickets: open, overdue, due soon, recently closed",
    "approvals": "Approvals waiting, and who is waiting",
    "docs": "Docs added or updated",
}
_SECTION_SHORT = {"meetings": "meetings", "tickets": "tickets", "approvals": "approvals", "docs": "docs"}
_CADENCE_LABELS = {"daily": "Every day", "weekdays": "Weekdays (Mon–Fri)", "weekly": "Once a week"}
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# -- the digest message ----------------------------------------------------------------------------------
def digest_blocks(digest: Digest) -> list[dict[str, Any]]:
    """The digest: a header, the one-line summary, then each non-empty section; an empty digest is one line."""
    footer = {
        "type": "context",
        "elements": [
            mrkdwn(f"Digest `{digest.subscription.id}` · change, pause or stop it with `/deskhand digest list`")
        ],
    }
    if digest.is_empty():
        return [{"type": "section", "text": mrkdwn(escape(digest.summary()))}]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(f"{digest.title} · {digest.local_day:%A %-d %B}")},
        {"type": "section", "text": mrkdwn(escape(digest.summary()))},
    ]
    if digest.meetings:
        blocks.append(_section("📅 Today's meetings", [_meeting(m) for m in digest.meetings], len(digest.meetings)))
    if digest.tickets is not None and not digest.tickets.is_empty():
        blocks += _tickets(digest.tickets, digest.since)
    if digest.approvals:
        lines = [
            f"• *{escape(clip(a.summary, 150))}*: <@{a.requester_id}> waiting since {slack_date(a.created_at)},"
            f" expires {slack_date(a.expires_at)}"
            for a in digest.approvals
        ]
        blocks.append(_section("✋ Waiting for approval", lines, digest.approvals_total))
    if digest.docs:
        lines = [
            f"• {_link(d.link, d.title)}, updated {slack_date(d.updated_at, '{date_short_pretty}')}"
            for d in digest.docs
        ]
        blocks.append(_section("📄 Docs added or updated", lines, len(digest.docs)))
    if digest.unavailable:
        names = ", ".join(digest.unavailable)
        blocks.append({"type": "context", "elements": [mrkdwn(f"⚠️ Couldn't read {names} this time.")]})
    blocks.append(footer)
    return blocks[:50]


def _section(title: str, lines: list[str], total: int) -> dict[str, Any]:
    more = f"\n…and {total - len(lines)} more" if total > len(lines) else ""
    return {"type": "section", "text": mrkdwn(f"*{title}*\n" + "\n".join(lines) + more)}


def _link(url: str, text: str) -> str:
    label = escape(clip(text, 150)).replace("|", "¦")
    return f"<{url}|{label}>" if url else label


def _meeting(meeting: Any) -> str:
    when = f"{slack_date(meeting.start, '{time}')}–{slack_date(meeting.end, '{time}')}"
    others = f" (with {meeting.others} other{'s' if meeting.others != 1 else ''})" if meeting.others else ""
    return f"• {when} {_link(meeting.url, meeting.title)}{others}"


def _ticket(line: TicketLine, *, due: bool = True) -> str:
    bits = [line.status]
    if due and line.due:
        bits.append(f"due {line.due:%a %-d %b}")
    if line.assignee:
        bits.append(escape(line.assignee))
    return f"• *{_link(line.url, line.key)}* {escape(clip(line.title, 120))} ({', '.join(bits)})"


def _tickets(section: TicketsSection, since: datetime) -> list[dict[str, Any]]:
    f = section.figures
    plus = "+" if f.capped else ""
    by_status = " · ".join(f"{status} {n}{plus}" for status, n in f.open_by_status.items() if n) or "none"
    parts = [f"*🎫 Tickets · {escape(section.scope_label)}*\nOpen: {by_status}"]
    if section.overdue:
        parts.append(f"*Overdue ({f.overdue}{plus})*\n" + "\n".join(_ticket(t) for t in section.overdue))
    if section.due_soon:
        days = section.due_soon_days
        parts.append(
            f"*Due in the next {days} day{'s' if days != 1 else ''} ({f.due_soon}{plus})*\n"
            + "\n".join(_ticket(t) for t in section.due_soon)
        )
    if section.closed:
        parts.append(
            f"*Closed since {slack_date(since, '{date_short_pretty} {time}')} ({f.closed}{plus})*\n"
            + "\n".join(_ticket(t, due=False) for t in section.closed)
        )
    return [{"type": "section", "text": mrkdwn(part)} for part in parts]


# -- subscriptions ------------------------------------------------------------------------------------------
def describe_subscription(sub: Subscription, *, viewer: str | None = None) -> str:
    """In words: 'Every day at 09:00 (Europe/Berlin) to #it-help: tickets (OPS), approvals'."""
    when = _CADENCE_LABELS.get(sub.cadence, sub.cadence)
    if sub.cadence == "weekly":
        when = f"{_DAY_NAMES[sub.weekday or 0]}s"
    where = (
        f"<#{sub.target_id}>"
        if sub.target_kind == "channel"
        else ("you (DM)" if sub.target_id == viewer else f"<@{sub.target_id}> (DM)")
    )
    sections = []
    for name in sub.sections:
        label = _SECTION_SHORT[name]
        if name == "tickets":
            scope = [sub.ticket_project] if sub.ticket_project else []
            if sub.ticket_assignee:
                scope.append(f"<@{sub.ticket_assignee}>")
            label += f" ({', '.join(scope)})" if scope else " (all projects)"
        sections.append(label)
    state = " · *paused*" if sub.paused else ""
    return f"{when} at {sub.time_of_day} ({escape(sub.tz)}) to {where}: {', '.join(sections)}{state}"


def subscription_blocks(subs: list[Subscription], *, viewer: str) -> list[dict[str, Any]]:
    """Each subscription with Pause/Resume and Delete buttons (the id is the buttons' value)."""
    blocks: list[dict[str, Any]] = []
    for sub in subs[:MAX_LISTED]:
        toggle = (DIGEST_RESUME, "Resume") if sub.paused else (DIGEST_PAUSE, "Pause")
        blocks.append({"type": "section", "text": mrkdwn(f"`{sub.id}` {describe_subscription(sub, viewer=viewer)}")})
        blocks.append(
            {
                "type": "actions",
                "block_id": f"digest:{sub.id}",
                "elements": [
                    {"type": "button", "action_id": toggle[0], "text": plain(toggle[1]), "value": sub.id},
                    {
                        "type": "button",
                        "action_id": DIGEST_DELETE,
                        "text": plain("Delete"),
                        "style": "danger",
                        "value": sub.id,
                        "confirm": {
                            "title": plain("Delete this digest?"),
                            "text": plain("It stops for everyone it goes to. You can subscribe again any time."),
                            "confirm": plain("Delete"),
                            "deny": plain("Keep it"),
                        },
                    },
                ],
            }
        )
    if len(subs) > MAX_LISTED:
        blocks.append({"type": "context", "elements": [mrkdwn(f"…and {len(subs) - MAX_LISTED} more")]})
    return blocks


def new_digest_button() -> dict[str, Any]:
    """An actions block with the button that opens the subscribe modal."""
    return {
        "type": "actions",
        "block_id": "digest:new",
        "elements": [{"type": "button", "action_id": DIGEST_NEW, "text": plain("New digest"), "style": "primary"}],
    }


def subscription_list_blocks(subs: list[Subscription], *, viewer: str) -> list[dict[str, Any]]:
    """The `/deskhand digest list` answer."""
    if not subs:
        return [
            {
                "type": "section",
                "text": mrkdwn("No digests here yet. `/deskhand digest` subscribes this channel or you."),
            }
        ]
    return [
        {"type": "section", "text": mrkdwn("*Digests for this channel and you*")},
        *subscription_blocks(subs, viewer=viewer),
    ]


# -- the subscribe modal ---------------------------------------------------------------------------------
def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": plain(text, 75), "value": value}


def subscribe_modal(
    *,
    channel_id: str | None,
    tz: str,
    projects: list[Project],
    default_project: str | None,
    default_assignee: str | None,
    metadata: str,
) -> dict[str, Any]:
    """Where (this channel or a DM to you), how often, when, which sections, and which tickets."""
    targets = [_option("me", "Me, as a direct message")]
    if channel_id:
        targets.insert(0, _option(f"channel:{channel_id}", "This channel"))
    cadences = [_option(k, v) for k, v in _CADENCE_LABELS.items()]
    days = [_option(str(i), name) for i, name in enumerate(_DAY_NAMES)]
    sections = [_option(k, v) for k, v in SECTION_LABELS.items()]
    initial_sections = ["tickets", "approvals"] if channel_id else ["meetings", "tickets", "approvals"]
    project_options = [_option(ALL_PROJECTS, "All projects")] + [
        _option(p.key, f"{p.key} · {p.name}") for p in projects[:99]
    ]
    project_element: dict[str, Any] = {"type": "static_select", "action_id": "value", "options": project_options}
    chosen = next((o for o in project_options if o["value"] == (default_project or ALL_PROJECTS)), project_options[0])
    project_element["initial_option"] = chosen
    assignee_element: dict[str, Any] = {"type": "users_select", "action_id": "value"}
    if default_assignee:
        assignee_element["initial_user"] = default_assignee
    blocks: list[dict[str, Any]] = [
        _input(
            "target",
            "Send it to",
            {"type": "radio_buttons", "action_id": "value", "options": targets, "initial_option": targets[0]},
        ),
        _input(
            "cadence",
            "How often",
            {"type": "static_select", "action_id": "value", "options": cadences, "initial_option": cadences[0]},
        ),
        _input(
            "weekday",
            "Day (weekly digests)",
            {"type": "static_select", "action_id": "value", "options": days, "initial_option": days[0]},
            optional=True,
        ),
        _input("time", "At", {"type": "timepicker", "action_id": "value", "initial_time": "09:00"}),
        _input(
            "tz",
            "Time zone",
            {"type": "plain_text_input", "action_id": "value", "initial_value": tz},
            hint="An IANA zone such as Europe/Berlin or America/New_York.",
        ),
        _input(
            "sections",
            "What to include",
            {
                "type": "checkboxes",
                "action_id": "value",
                "options": sections,
                "initial_options": [o for o in sections if o["value"] in initial_sections],
            },
        ),
        _input("project", "Tickets from", project_element, optional=True),
        _input("assignee", "Only tickets assigned to", assignee_element, optional=True),
    ]
    return {
        "type": "modal",
        "callback_id": DIGEST_MODAL,
        "private_metadata": metadata,
        "title": plain("Subscribe to a digest", 24),
        "submit": plain("Subscribe", 24),
        "close": plain("Cancel", 24),
        "blocks": blocks,
    }


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str | None = None
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(label, 2000),
        "element": element,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def modal_values(values: dict[str, Any]) -> dict[str, Any]:
    """``view.state.values`` of the subscribe modal as plain values (strings, a list for the sections)."""
    out: dict[str, Any] = {}
    for block_id, elements in values.items():
        element = (elements or {}).get("value") or {}
        kind = element.get("type")
        if kind in ("static_select", "radio_buttons"):
            out[block_id] = (element.get("selected_option") or {}).get("value")
        elif kind == "checkboxes":
            out[block_id] = [o.get("value") for o in element.get("selected_options") or []]
        elif kind == "timepicker":
            out[block_id] = element.get("selected_time")
        elif kind == "users_select":
            out[block_id] = element.get("selected_user")
        else:
            out[block_id] = element.get("value")
    return out
