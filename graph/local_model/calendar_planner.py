"""What the local model does with a calendar request: tool calls, or a question when something is missing."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import BaseMessage

from graph.actions.calendar import duration_text
from graph.local_model.calendar_nlu import CalendarFrame, parse_calendar_request
from graph.local_model.context import ModelContext
from graph.local_model.intents import shared_classifier
from graph.local_model.lexicon import Lexicon
from graph.local_model.planner import Plan, _awaiting, clean_human_text


def _calendar_hint(text: str) -> str | None:
    best = next((s for s in shared_classifier().classify(text).ranked if s.route == "calendar"), None)
    return best.label.split(".", 1)[1] if best else None


def plan_calendar(messages: list[BaseMessage], ctx: ModelContext, tools: set[str]) -> Plan:
    """Plan the reply to the latest human message about calendars."""
    lexicon = Lexicon.build(ctx.people, ctx.projects)
    text = clean_human_text(messages[-1], ctx)
    awaiting = _awaiting(messages)
    if awaiting and awaiting.get("domain") == "calendar":
        return _answer(awaiting, text)
    frame = parse_calendar_request(text, lexicon, suggested=_calendar_hint(text), bot_id=ctx.bot_user_id)
    return plan_from_frame(frame)


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
    return args


def plan_from_frame(frame: CalendarFrame) -> Plan:
    """Tool calls for a parsed request, or the question that unblocks it."""
    if frame.action == "create":
        args = _create_args(frame)
        if not frame.title:
            return Plan(
                text="What should the meeting be called?",
                awaiting={"domain": "calendar", "slot": "title", "args": args},
            )
        if not frame.start and not frame.first_free_after:
            return Plan(
                text=f"When should “{frame.title}” be? A day and time works, or “first free slot”.",
                awaiting={"domain": "calendar", "slot": "start", "args": args},
            )
        return Plan(calls=[{"name": "create_event", "args": args}])
    if frame.action == "cancel":
        args = frame.selector_args()
        if frame.future_only:
            args["future_only"] = True
        return Plan(calls=[{"name": "cancel_events", "args": args}])
    if frame.action == "move":
        args = frame.selector_args()
        if frame.shift is not None:
            args["by"] = duration_text(frame.shift)
        elif frame.to:
            args["to"] = frame.to
        else:
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
        return Plan(calls=[{"name": "rename_event", "args": args}])
    if frame.action == "find_time":
        args = {"attendees": frame.with_people}
        if frame.duration:
            args["duration"] = duration_text(frame.duration)
        if frame.after:
            args["after"] = frame.after
        return Plan(calls=[{"name": "find_free_slots", "args": args}])
    if frame.action == "availability":
        args = {"people": frame.with_people or ["me"]}
        if frame.day:
            args["day"] = frame.day
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
    if frame.action == "read" and not (frame.day or frame.after or frame.which != "all"):
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
