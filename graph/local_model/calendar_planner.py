"""What the local model does with a calendar request: tool calls, or a question when something is missing."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from graph.actions.calendar import duration_text
from graph.calendar_select import title_matches
from graph.local_model.calendar_nlu import CalendarFrame, explicit_title, parse_calendar_request, people_named
from graph.local_model.context import ModelContext
from graph.local_model.intents import shared_classifier
from graph.local_model.lexicon import Lexicon
from graph.local_model.planner import Plan, _awaiting, clean_human_text
from graph.parsing.datetimes import DateTimeParseError, day_span, find_day, find_duration, find_time, when_phrase
from graph.tools.calendar import WRITE_TOOLS


def _calendar_hint(text: str) -> str | None:
    best = next((s for s in shared_classifier().classify(text).ranked if s.route == "calendar"), None)
    return best.label.split(".", 1)[1] if best else None


def plan_calendar(messages: list[BaseMessage], ctx: ModelContext, tools: set[str]) -> Plan:
    """Plan the reply to the latest human message about calendars."""
    lexicon = Lexicon.build(ctx.people, ctx.projects, ctx.rooms)
    text = clean_human_text(messages[-1], ctx)
    awaiting = _awaiting(messages)
    if awaiting and awaiting.get("domain") == "calendar":
        revised = _revise_awaited(awaiting, text, lexicon, ctx.bot_user_id)
        return revised if revised is not None else _answer(awaiting, text)
    target = next((p for p in reversed(ctx.pending) if p.get("tool") in _REVISABLE), None)
    if target is not None:
        revised = _revise_pending(target, text, lexicon, ctx.bot_user_id)
        if revised is not None:
            return revised
    spared = _spare_from_pending_cancels(ctx.pending, text)
    if spared is not None:
        return spared
    if any(p.get("tool") == "cancel_events" for p in ctx.pending) and _ALSO_SKIP.search(text):
        text = re.sub(r"\b(?:skip|exclude)\b", "cancel", text, flags=re.I)  # "also skip X" adds X to the cancellations
    picked = _book_offered_slot(messages, text, ctx)
    if picked is not None:
        return picked
    several = _several_requests(text, lexicon, ctx.bot_user_id)
    if several is not None:
        return several
    frame = parse_calendar_request(text, lexicon, suggested=_calendar_hint(text), bot_id=ctx.bot_user_id)
    plan = plan_from_frame(frame)
    _point_back_at_listed(plan, text, messages)
    return plan


_IT = re.compile(r"\b(?:it|that(?:\s+one)?|this(?:\s+one)?|the\s+meeting)\b", re.I)
_POINTABLE = {"move_event": "event_id", "rename_event": "event_id", "cancel_events": "event_ids"}
_SELECTOR_KEYS = ("day", "title", "with_person", "starts_at", "only_with", "after", "before", "event_id", "event_ids")


def _point_back_at_listed(plan: Plan, text: str, messages: list[BaseMessage]) -> None:
    """ "when's my laptop handover?" … "ok push it an hour later": a change to "it" that names no meeting is about
    the one meeting deskhand just listed. Several listed, or none, leaves the call as it is (it asks which)."""
    if len(plan.calls) != 1 or plan.calls[0]["name"] not in _POINTABLE or not _IT.search(text):
        return
    args = plan.calls[0]["args"]
    if any(args.get(k) for k in _SELECTOR_KEYS) or args.get("which", "all") != "all":
        return
    listed = _last_listed_events(messages)
    if listed is not None and len(listed) == 1:
        key = _POINTABLE[plan.calls[0]["name"]]
        plan.calls[0]["args"][key] = listed[0] if key == "event_id" else [listed[0]]


def _last_listed_events(messages: list[BaseMessage]) -> list[str] | None:
    """The ids of the events the latest find_events in this conversation listed (None if none was run since the
    last proposal)."""
    for message in reversed(messages[:-1]):
        if isinstance(message, AIMessage) and any(c["name"] in _POINTABLE for c in message.tool_calls):
            return None  # a change was proposed since: "it" is more likely that one
        if isinstance(message, ToolMessage) and message.name == "find_events":
            rows = message.artifact if isinstance(message.artifact, list) else []
            return [str(r["id"]) for r in rows if isinstance(r, dict) and r.get("id")]
    return None


# "grab the earliest one", "book the second option", "take that slot": one of the times just offered.
_PICK = re.compile(
    r"\b(?:the\s+)?(?P<which>earliest|first|second|third|last|latest|1st|2nd|3rd)\b(?:\s+(?:one|slot|option|time))?|"
    r"\b(?P<that>that|this)\s+(?:one|slot|option|time)\b",
    re.I,
)
_TAKE = re.compile(
    r"\b(?:grab|take|book|snag|go (?:with|for)|(?:lock|pencil|put)\s+(?:it\s+|that\s+)?in|schedule|call it|do)\b", re.I
)
_ORDINAL = {"earliest": 0, "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "last": -1, "latest": -1}


def _offered_slots(
    messages: list[BaseMessage], user_id: str = ""
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The free slots the latest find-a-time offered in this conversation, and the arguments it was called with;
    None when nothing was offered, a proposal has been made since, or the search was someone else's (its slots
    are free for that person's calendar and people, not the speaker's)."""
    calls = {c["id"]: c for m in messages if isinstance(m, AIMessage) for c in m.tool_calls}
    for message in reversed(messages[:-1]):
        if not isinstance(message, ToolMessage):
            continue
        if message.name == "find_free_slots":
            slots = message.artifact if isinstance(message.artifact, list) else []
            first = next((s for s in slots if isinstance(s, dict)), {})
            searcher = (first.get("attendees") or [None])[0]  # the tool lists the searcher first
            if user_id and searcher != user_id:
                return None
            call: dict[str, Any] = dict(calls.get(message.tool_call_id) or {})
            return (
                ([s for s in slots if isinstance(s, dict) and s.get("start")], dict(call.get("args") or {}))
                if slots
                else None
            )
        if message.name in WRITE_TOOLS:
            return None
    return None


def _book_offered_slot(messages: list[BaseMessage], text: str, ctx: ModelContext) -> Plan | None:
    """ "perfect, grab the earliest one and call it 'X'" after free times were listed: book that slot, with the
    people and length the search was for."""
    pick = _PICK.search(text)
    if not _TAKE.search(text):
        return None
    offered = _offered_slots(messages, ctx.user_id)
    if offered is None:
        return None
    slots, search = offered
    if pick is None:
        # "4pm's good, book it as 'X'", "thursday 10:30 works, grab it": an offered slot named by its time.
        named = _slots_at_named_time(slots, text, ctx)
        if len(named) > 1:
            return Plan(
                text=f"I offered that time on {len(named)} days; which one should I book?\n{_listed(named, ctx)}"
            )
        if not named:
            return None  # no offered slot starts then: an ordinary booking request
        return _book_slot(named[0], search, text)
    if pick.group("that") and len(slots) > 1:
        # "book that one" points at one time only when one was offered; of several, booking a guess is a wrong write.
        listed = _listed(slots, ctx)
        return Plan(text=f"I offered {len(slots)} times; which one should I book (first, second, …)?\n{listed}")
    index = _ORDINAL[pick.group("which").lower()] if pick.group("which") else 0
    if index >= len(slots):
        return Plan(text=f"I only offered {len(slots)} time{'s' if len(slots) != 1 else ''}; which one should I book?")
    return _book_slot(_local_slot(slots[index], ctx), search, text)


def _local_slot(slot: dict[str, Any], ctx: ModelContext) -> tuple[datetime, datetime]:
    """An offered slot's start and end in the speaker's zone."""
    zone = ZoneInfo(ctx.user_tz or "UTC")
    return (
        datetime.fromisoformat(str(slot["start"])).astimezone(zone),
        datetime.fromisoformat(str(slot["end"])).astimezone(zone),
    )


def _listed(slots: list[dict[str, Any]] | list[tuple[datetime, datetime]], ctx: ModelContext) -> str:
    starts = [s[0] if isinstance(s, tuple) else _local_slot(s, ctx)[0] for s in slots]
    return "\n".join(f"• {start:%a %-d %b %H:%M}" for start in starts)


def _slots_at_named_time(slots: list[dict[str, Any]], text: str, ctx: ModelContext) -> list[tuple[datetime, datetime]]:
    """The offered slots that start at the clock time ``text`` names (on the day it names, if any). A bare "4"
    may be either half of the day: an offered slot settles which."""
    try:
        named = find_time(text)
    except DateTimeParseError:
        return []
    if named is None:
        return []
    local = [_local_slot(s, ctx) for s in slots]
    if not local:
        return []
    # A day named beside the time ("thursday at 10:30") is read from the turn's clock, or else from the offer.
    clock = re.search(r"\d{4}-\d{2}-\d{2}", ctx.now)  # "Tuesday 2026-11-17 10:00 GMT", in the speaker's zone
    today = date.fromisoformat(clock.group(0)) if clock else local[0][0].date()
    try:
        day = find_day(text, today)
    except DateTimeParseError:
        day = None
    hours = {named.hour % 12 + 12} if named.meridiem == "pm" else {named.hour % 12} if named.meridiem == "am" else None
    if hours is None:
        hours = {named.hour} if named.hour > 12 or named.hour == 0 else {named.hour % 12, named.hour % 12 + 12}
    return [
        (start, end)
        for start, end in local
        if start.hour in hours and start.minute == named.minute and (day is None or start.date() == day)
    ]


def _book_slot(slot: tuple[datetime, datetime], search: dict[str, Any], text: str) -> Plan:
    """Book an offered slot with the people the search was for and the length it offered."""
    start, end = slot
    length = end - start
    args: dict[str, Any] = {
        "attendees": list(search.get("attendees") or []),
        "start": f"{start:%Y-%m-%d %H:%M}",
        "duration": duration_text(length),
    }
    title = explicit_title(text) or next(((q, q) for q in _quoted(text)), None)
    if title is None:
        return Plan(
            text="What should the meeting be called?", awaiting={"domain": "calendar", "slot": "title", "args": args}
        )
    args["title"] = title[0]
    return Plan(calls=[{"name": "create_event", "args": args}])


def _quoted(text: str) -> list[str]:
    return [a or b for a, b in re.findall(r"[\"“]([^\"”]{2,120})[\"”]|(?<![\w])'([^']{2,120})'(?![\w])", text)]


# "actually keep friday's", "leave the retro", "all but thursday's": one of several pending cancellations stays.
# "skip"/"exclude" are not here: "also skip thursday's focus time" means cancel that too.
_SPARE = re.compile(
    r"\b(?:keep|leave|spare|save|hold on to|don'?t cancel|do not cancel|except|but not|all but)\s+"
    r"(?P<what>[\w'’ ,-]{2,120}?)"
    r"(?=\s*(?:[.;!?]|$)|\s+(?:as is|alone|though|please|pls|we|i|since|because|for)\b)",
    re.I,
)
_SPARE_LEAD = re.compile(r"^(?:the\s+one\s+on\s+|the\s+ones?\s+|the\s+|my\s+|our\s+)", re.I)
_SPARE_TAIL = re.compile(r"\s+(?:one|standup|meeting)s?$", re.I)
_SPARE_SPLIT = re.compile(r"\s*(?:,\s*and\b|,|\band\b|&|\+)\s*", re.I)
# A day in a kept phrase: a weekday, a date, today/tomorrow, a week.
_SPARE_DAY = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?(?:'s|’s)?\b|\b\d{1,2}(?:st|nd|rd|th)\b|"
    r"\b\d{1,2}/\d{1,2}\b|\b(?:today|tomorrow|tmrw)(?:'s|’s)?\b|\b(?:this|next|last)\s+week|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b",
    re.I,
)
# Another request beside the "keep …": "keep friday's and book 30 min with priya" is not only a keep.
_OTHER_REQUEST = re.compile(
    r"\b(?:book|schedule|set up|arrange|reschedule|move|push|create|invite|find|add|make|put)\b", re.I
)


_ALSO_SKIP = re.compile(r"\balso\s+(?:skip|exclude)\b|\b(?:skip|exclude)\b.*\b(?:too|as well)\b", re.I)


def _pending_titles(cancels: list[dict[str, Any]]) -> list[str]:
    return [t for p in cancels for t in re.findall(r"[“\"]([^”\"]+)[”\"]", str(p.get("summary") or ""))]


def _kept_phrases(what: str, titles: list[str]) -> list[str]:
    """The meetings "keep <what>" names, one per "and"/"," part, each a day or a pending title; none when the
    first part names neither ("keep me posted")."""
    out = []
    for part in _SPARE_SPLIT.split(what):
        part = _SPARE_TAIL.sub("", _SPARE_LEAD.sub("", part.strip())).strip()
        if not part:
            continue
        if _OTHER_REQUEST.search(part) or not (_SPARE_DAY.search(part) or any(title_matches(part, t) for t in titles)):
            break
        out.append(part)
    return out


def _spare_from_pending_cancels(pending: list[dict[str, Any]], text: str) -> Plan | None:
    """A follow-up that keeps one of several meetings a pending proposal cancels: the same cancellation again,
    leaving that one out, replacing the whole pending set (the card then shows only what still goes)."""
    cancels = [p for p in pending if p.get("tool") == "cancel_events"]
    if len(cancels) < 2:
        return None
    m = _SPARE.search(text)
    if m is None or re.fullmatch(r"(?:it|that|them|those|all|everything|going)", m.group("what").strip(), re.I):
        return None
    kept = _kept_phrases(m.group("what"), _pending_titles(cancels))
    if not kept:
        return None
    rest = text
    for phrase in kept:
        rest = rest.replace(phrase, " ")
    if _OTHER_REQUEST.search(rest):
        return None  # "keep friday's and book 30 min with priya": more than a keep, read as a new request
    args = {k: v for k, v in dict(cancels[-1].get("args") or {}).items() if k not in {"replaces", "keep"}}
    keep = [str(k) for k in cancels[-1].get("args", {}).get("keep") or []] + kept
    args["keep"] = keep
    args.pop("expect_count", None)  # the count promised before no longer holds once one is spared
    args["replaces"] = [str(p["id"]) for p in cancels if p.get("id")]
    return Plan(calls=[{"name": "cancel_events", "args": args}])


_REVISABLE = ("create_event", "move_event")
# Words that say a follow-up changes what was just proposed rather than asking for something new.
_REVISION_CUE = re.compile(
    r"\b(?:actually|instead|rather|make it|make that|change it|change that|move it|push it|bring it|"
    r"shorten it|extend it|can we (?:make|do|move|have)|let'?s (?:make|do|move)|"
    r"(?:invite|add|include)\b.*\b(?:too|also|as well)|also (?:invite|add|include)|and (?:invite|add|include)|"
    r"oh and|sorry|wait|on second thought)\b",
    re.I,
)
_ADD_PEOPLE = re.compile(r"\b(?:invite|add|include|too|also|as well|and)\b", re.I)
_NEW_REQUEST = re.compile(r"\b(?:another|a second|a new|separate|also book|also schedule)\b", re.I)


# Taking someone off a meeting being booked: "leave diego off it", "drop omar", "without sofia", "don't invite
# hana", "priya doesn't need to come", "sofia instead of omar" (omar goes).
_DROP_BEFORE = (
    r"\b(?:(?:leave|keep|take|cut|count|rule)\s+{name}\s+(?:off|out)\b|"
    r"(?:drop|remove|uninvite|un-invite|disinvite|exclude|ditch|scratch|strike|lose|cut|skip)\s+{name}\b|"
    r"(?:without|minus|except|instead of|no need (?:for|to invite)|(?:^|,|\bbut|\band)\s*not)\s+{name}\b|"
    r"(?:don'?t|do not|dont|no need to)\s+(?:invite|include|add|need|bother(?:\s+with)?|loop in|cc)\s+{name}\b|"
    r"{name}\s+(?:doesn'?t|does not|won'?t|will not|needn'?t|need not|isn'?t|is not|can'?t|cannot)\s+"
    r"(?:need to\s+|have to\s+|going to\s+)?"
    r"(?:come|be there|join|attend|be invited|be on it|make it|needed|required)\b|"
    r"{name}\s+can\s+(?:skip|sit (?:this|it) out|drop off)\b)"
)
_ADD_VERB = re.compile(r"\b(?:invite|add|include|bring in|loop in|cc)\b", re.I)


def _dropped(text: str, people: list[str]) -> list[str]:
    """The people a follow-up takes off the meeting, of those it names."""
    out = []
    for person in people:
        name = re.escape(person)
        if re.search(_DROP_BEFORE.format(name=rf"(?:{name})(?:'s)?"), text, re.I):
            out.append(person)
    return out


def _changes(text: str, lexicon: Lexicon, bot_id: str | None) -> dict[str, Any]:
    """What a follow-up changes about a meeting being booked: length, time, people, name."""
    out: dict[str, Any] = {}
    title = explicit_title(text)
    if title:
        out["title"], text = title[0], text.replace(title[1], " ")
    length = find_duration(text)
    if length is not None:
        out["duration"] = duration_text(length)
    when = when_phrase(text)
    if when:
        out["start"] = when
    people = people_named(text, lexicon, bot_id)
    dropped = _dropped(text, people)
    if dropped:
        out["drop"] = dropped
        # "leave diego off it, noah's got the numbers": others named beside a removal are the reason, not guests,
        # unless the message also asks to add them.
        asks_to_add = _ADD_VERB.search(re.sub(r"\b(?:don'?t|do not|dont|no need to)\s+\w+", " ", text, flags=re.I))
        people = [p for p in people if p not in dropped] if asks_to_add else []
    if people:
        out["attendees"] = people
    return out


def _same_person(a: str, b: str, lexicon: Lexicon) -> bool:
    ids_a, ids_b = set(lexicon.person_ids(a.strip("<@>"))), set(lexicon.person_ids(b.strip("<@>")))
    if a.startswith("<@"):
        ids_a.add(a.strip("<@>"))
    if b.startswith("<@"):
        ids_b.add(b.strip("<@>"))
    return a.strip().lower() == b.strip().lower() or bool(ids_a & ids_b)


def _merge(args: dict[str, Any], changes: dict[str, Any], text: str, lexicon: Lexicon | None = None) -> dict[str, Any]:
    merged = {k: v for k, v in args.items() if k != "replaces"}
    if changes.get("drop"):
        known = lexicon or Lexicon()
        merged["attendees"] = [
            a
            for a in merged.get("attendees") or []
            if not any(_same_person(str(a), str(d), known) for d in changes["drop"])
        ]
    for key, value in changes.items():
        if key == "drop":
            continue
        if key == "attendees" and changes.get("drop"):
            merged["attendees"] = list(merged.get("attendees") or []) + [
                p for p in value if p not in (merged.get("attendees") or [])
            ]
        elif key == "attendees":
            keep = (
                []
                if re.search(r"\binstead\b", text, re.I) and not _ADD_PEOPLE.search(text)
                else list(merged.get("attendees") or [])
            )
            merged["attendees"] = keep + [p for p in value if p not in keep]
        elif key == "start":
            merged["start"] = _keep_day(str(merged.get("start") or ""), str(value))
            merged.pop("first_free_after", None)
        else:
            merged[key] = value
    return merged


def _keep_day(old: str, new: str) -> str:
    """A new start that gives only a time ("make it 4:30") keeps the day the old one named ("tomorrow at 3")."""
    span = day_span(old)
    if span is None or day_span(new) is not None:
        return new
    day = old[span[0] : span[1]]
    return f"{day} {new}" if re.match(r"\s*at\b", new, re.I) else f"{day} at {new}"


def _revise_awaited(awaiting: dict[str, Any], text: str, lexicon: Lexicon, bot_id: str | None) -> Plan | None:
    """While we wait for a title, "actually make it an hour" revises the booking; it is not the title."""
    if awaiting.get("slot") != "title":
        return None
    changes = _changes(text, lexicon, bot_id)
    cued = bool(_REVISION_CUE.search(text))
    if not changes or not (cued or "duration" in changes or "start" in changes or "drop" in changes):
        return None
    args = _merge(dict(awaiting.get("args") or {}), changes, text, lexicon)
    if not args.get("title"):
        return Plan(text="Got it. What should the meeting be called?", awaiting={**awaiting, "args": args})
    if not args.get("start") and not args.get("first_free_after"):
        return Plan(
            text=f"When should “{args['title']}” be?", awaiting={"domain": "calendar", "slot": "start", "args": args}
        )
    return Plan(calls=[{"name": "create_event", "args": args}])


def _revise_pending(target: dict[str, Any], text: str, lexicon: Lexicon, bot_id: str | None) -> Plan | None:
    """A correction to the proposal awaiting approval: the same tool again, marked as replacing it."""
    if _NEW_REQUEST.search(text):
        return None
    args = dict(target.get("args") or {})
    if target.get("tool") == "create_event":
        changes = _changes(text, lexicon, bot_id)
        # Taking someone off the meeting being booked is a correction however it is worded.
        if not changes or not (_REVISION_CUE.search(text) or "drop" in changes):
            return None
        invited = [str(a) for a in args.get("attendees") or []]
        missing = [d for d in changes.get("drop", []) if not any(_same_person(a, d, lexicon) for a in invited)]
        if missing and len(missing) == len(changes.get("drop", [])) and set(changes) == {"drop"}:
            return Plan(text=f"{', '.join(missing)} isn't on that meeting, so there's nobody to take off.")
        args = _merge(args, changes, text, lexicon)
    elif not _REVISION_CUE.search(text):
        return None
    else:
        length = find_duration(text) if re.search(r"\bmake (?:it|that)\b|\blong\b", text, re.I) else None
        when = when_phrase(text)
        if length is None and when is None:
            return None
        args = {k: v for k, v in args.items() if k != "replaces"}
        if length is not None:
            args["new_duration"] = duration_text(length)
        if when is not None:
            args.pop("by", None)
            args["to"] = when
    if target.get("id"):
        args["replaces"] = target["id"]
    return Plan(calls=[{"name": str(target["tool"]), "args": args}])


_ALSO = re.compile(r"\s*[,;.]?\s*\b(?:and\s+also|and\s+then|and\s+after\s+that|also|plus|as\s+well\s+as)\b\s+", re.I)
_VERB = re.compile(
    r"\b(cancel|delete|remove|drop|scrap|kill|clear|move|reschedule|push|shift|rename|retitle|book|schedule|"
    r"set up)\b",
    re.I,
)


_POINTER = re.compile(r"(?:the|my|our|all|every|each|any|both|today'?s|tomorrow'?s|\w+day'?s)\b", re.I)


def _several_requests(text: str, lexicon: Lexicon, bot_id: str | None) -> Plan | None:
    """ "cancel X next week and also my 1:1 with Diego": one plan with a call per request (one approval card),
    or a plain question when one of them is unclear; never half of it silently."""
    parts = [p.strip() for p in _ALSO.split(text) if p.strip()]
    if len(parts) < 2:
        return None
    verb = _VERB.search(parts[0])
    if verb is None:
        return None
    frames: list[CalendarFrame] = []
    for part in parts:
        if not _VERB.search(part):
            if not _POINTER.match(part):
                return None  # "… and also make it 45 minutes" changes the same request
            part = f"{verb.group(1)} {part}"  # the second request borrows the first one's verb
        else:
            verb = _VERB.search(part) or verb
        frame = parse_calendar_request(part, lexicon, suggested=None, bot_id=bot_id)
        if not _stands_alone(frame):
            return None
        frames.append(frame)
    plans = [plan_from_frame(frame) for frame in frames]
    if all(plan.calls for plan in plans):
        return Plan(calls=[call for plan in plans for call in plan.calls])
    unclear = next(plan for plan in plans if not plan.calls)
    return Plan(text=f"That's {len(plans)} requests in one message. For one of them: {unclear.text}")


def _stands_alone(frame: CalendarFrame) -> bool:
    """A part of a message that is a whole request of its own (so splitting there is safe)."""
    if frame.action in {"cancel", "move", "rename"}:
        return bool(frame.title or frame.day or frame.with_people or frame.which != "all")
    if frame.action == "create":
        return bool(frame.title and (frame.start or frame.first_free_after))
    return False


def _create_args(frame: CalendarFrame) -> dict[str, Any]:
    args: dict[str, Any] = {"attendees": frame.with_people}
    if frame.title:
        args["title"] = frame.title
    if frame.start:
        args["start"] = frame.start
    if frame.first_free_after:
        args["first_free_after"] = frame.first_free_after
    if frame.duration is not None:
        args["duration"] = duration_text(frame.duration)  # zero or negative too: the tool explains the problem
    if frame.not_met_days:
        args["only_if_not_met_in_days"] = frame.not_met_days
    if frame.location:
        args["location"] = frame.location
    if frame.zone and frame.start:
        args["time_zone"] = frame.zone
    if frame.anchor and frame.anchor_title:
        args["anchor"] = frame.anchor
        args["anchor_title"] = frame.anchor_title
        if frame.anchor_day:
            args["anchor_day"] = frame.anchor_day
        if frame.anchor_with:
            args["anchor_with"] = frame.anchor_with
        if frame.anchor_offset:
            args["anchor_offset"] = frame.anchor_offset
    return args


_DECLINE_REPLY = (
    "I can't answer invitations for you, and cancelling would remove the meeting for everyone, so I've left it "
    "as it is. Decline it from the invitation in your calendar app (and let the organiser know if it helps). "
    "If it's your own meeting and it should go, say “cancel …”."
)


def plan_from_frame(frame: CalendarFrame) -> Plan:
    """Tool calls for a parsed request, or the question that unblocks it."""
    if frame.action == "create":
        args = _create_args(frame)
        if not frame.title:
            return Plan(
                text="What should the meeting be called?",
                awaiting={"domain": "calendar", "slot": "title", "args": args},
            )
        if frame.anchor and not frame.anchor_title:
            # "right after her meeting": an anchor no meeting title was given for is asked about, never dropped.
            return Plan(
                text=f"Which meeting should “{frame.title}” go next to? Tell me its title, or give me a day and time.",
                awaiting={"domain": "calendar", "slot": "start", "args": args},
            )
        if not frame.start and not frame.first_free_after and not args.get("anchor"):
            return Plan(
                text=f"When should “{frame.title}” be? A day and time works, or “first free slot”.",
                awaiting={"domain": "calendar", "slot": "start", "args": args},
            )
        return Plan(calls=[{"name": "create_event", "args": args}])
    if frame.action == "decline":
        return Plan(text=_DECLINE_REPLY)
    if frame.action == "cancel":
        args = frame.selector_args()
        if frame.future_only:
            args["future_only"] = True
        if frame.expect_one:
            args["expect_one"] = True
        if frame.expect_count:
            args["expect_count"] = frame.expect_count
        if frame.keep and not frame.expect_one:
            args["keep"] = list(frame.keep)  # one meeting named: what is kept beside it is other meetings anyway
        return Plan(calls=[{"name": "cancel_events", "args": args}])
    if frame.action == "move":
        args = frame.selector_args()
        if frame.new_duration is not None:
            args["new_duration"] = duration_text(frame.new_duration)
        if frame.shift is not None:
            args["by"] = duration_text(frame.shift)
        elif frame.shift_days is not None:
            args["by"] = f"{frame.shift_days} day{'s' if abs(frame.shift_days) != 1 else ''}"
        elif frame.to:
            args["to"] = frame.to
            if frame.zone:
                args["time_zone"] = frame.zone
        elif frame.new_duration is None:
            return Plan(
                text="Where should it move to? Give me a new time, or how much later (“by 30 minutes”).",
                awaiting={"domain": "calendar", "slot": "move", "args": args},
            )
        return Plan(calls=[{"name": "move_event", "args": args}])
    if frame.action == "rename":
        args = frame.selector_args()
        if not frame.new_title:
            return Plan(
                text="What should the new title be?", awaiting={"domain": "calendar", "slot": "new_title", "args": args}
            )
        args["new_title"] = frame.new_title
        if frame.every:
            args["every"] = True
        if frame.expect_count:
            args["expect_count"] = frame.expect_count
        return Plan(calls=[{"name": "rename_event", "args": args}])
    if frame.action == "find_time":
        args = {"attendees": frame.with_people}
        if frame.duration:
            args["duration"] = duration_text(frame.duration)
        if frame.after:
            args["after"] = frame.after
        if frame.before:
            args["before"] = frame.before
        return Plan(calls=[{"name": "find_free_slots", "args": args}])
    if frame.action == "availability":
        args = {"people": frame.with_people or ["me"]}
        if frame.day:
            args["day"] = frame.day
        if frame.at:
            args["at"] = frame.at
            if frame.zone:
                args["time_zone"] = frame.zone
            if frame.duration:
                args["duration"] = duration_text(frame.duration)
        return Plan(calls=[{"name": "check_availability", "args": args}])
    if frame.action == "met" and frame.not_met_days:
        args = {
            "with_person": frame.with_people[0] if frame.with_people else "me",
            "after": f"{frame.not_met_days} days ago",
            "before": "now",
            "include_past": True,
        }
        return Plan(calls=[{"name": "find_events", "args": args}])
    args = frame.selector_args()
    # An agenda question without a day is about today; a question about a named meeting or person looks ahead.
    looks_ahead = frame.title or frame.with_people
    if frame.action == "read" and not (frame.day or frame.after or frame.which != "all" or looks_ahead):
        args["day"] = "today"
    return Plan(calls=[{"name": "find_events", "args": args}])


def _answer(awaiting: dict[str, Any], text: str) -> Plan:
    """Fill the slot asked for in the previous turn."""
    args = dict(awaiting.get("args") or {})
    slot = awaiting.get("slot")
    answer = text.strip().strip("\"'“”").rstrip(".")
    if slot == "title":
        args["title"] = answer
        if not args.get("start") and not args.get("first_free_after"):
            return Plan(
                text=f"When should “{answer}” be?", awaiting={"domain": "calendar", "slot": "start", "args": args}
            )
        return Plan(calls=[{"name": "create_event", "args": args}])
    if slot == "start":
        if "first free" in answer.lower() or "earliest" in answer.lower():
            args["first_free_after"] = "now"
        else:
            args["start"] = answer
        return Plan(calls=[{"name": "create_event", "args": args}])
    if slot == "new_title":
        args["new_title"] = answer
        return Plan(calls=[{"name": "rename_event", "args": args}])
    if slot == "move":
        args["to"] = answer
        return Plan(calls=[{"name": "move_event", "args": args}])
    return Plan(text="Sorry, I lost track of that. Could you say the whole request again?")
