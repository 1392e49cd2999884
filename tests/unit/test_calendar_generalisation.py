"""Calendar requests in wordings of our own, one group per class of failure the held-out set revealed.

None of these sentences, people or titles come from the eval sets: they check that each class is handled
generally (week ranges, "only with", revisions, titles from topics, verbs and shapes, tolerant titles, several
requests, parts of the day). Tool-level tests run against the demo company's calendar on a frozen Wednesday.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from graph.actions.calendar import prepare_cancel, prepare_update
from graph.calendar_select import EventSelector, select_events
from graph.deps import GraphDeps
from graph.errors import ActionInvalidError
from graph.local_model.calendar_nlu import CalendarFrame, parse_calendar_request
from graph.local_model.calendar_planner import plan_calendar, plan_from_frame
from graph.local_model.context import AWAITING_KEY, CONTEXT_KEY, ModelContext
from graph.local_model.lexicon import Lexicon
from graph.local_model.planner import Plan
from graph.state import ConversationContext
from graph.tools.calendar import build_calendar_tools
from graph.tools.proposals import ProposalCollector
from integrations.calendar.base import Event
from integrations.calendar.local import LocalCalendarBackend
from integrations.db import open_database
from integrations.demo_company import demo_calendar_events, load_demo_company

_demo = load_demo_company()
PEOPLE = [{"id": p.id, "name": p.name, "handle": p.handle, "email": p.email} for p in _demo.people]
LEX = Lexicon.build(PEOPLE, [])
# A Wednesday: demo week 0 is Mon 30 Nov – Sun 6 Dec, week 1 is Mon 7 – Sun 13 Dec.
CLOCK = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
TOM, LENA, DIEGO, PRIYA, SOFIA, NOAH = (
    "U0TOMB0004",
    "U0LENA0007",
    "U0DIEGO002",
    "U0PRIYA003",
    "U0SOFIA012",
    "U0NOAH0010",
)
ZONES = {p.id: p.tz for p in _demo.people}


def _parse(text: str) -> CalendarFrame:
    return parse_calendar_request(text, LEX, suggested=None)


def _plan(text: str) -> Plan:
    return plan_from_frame(_parse(text))


def _call(text: str) -> tuple[str, dict[str, Any]]:
    plan = _plan(text)
    assert len(plan.calls) == 1, plan.text
    return plan.calls[0]["name"], plan.calls[0]["args"]


def _calendar_deps(clock: datetime, *, with_events: bool = True) -> GraphDeps:
    """The demo company's directory and a local calendar with the clock frozen at ``clock``."""
    calendar = LocalCalendarBackend(open_database(None), clock=lambda: clock)
    if with_events:
        calendar.import_events(demo_calendar_events(_demo, now=clock))
    return GraphDeps(
        model=None,  # type: ignore[arg-type]
        tickets=None,  # type: ignore[arg-type]
        directory=_demo.directory(),
        audit=None,  # type: ignore[arg-type]
        clock=lambda: clock,
        calendar=calendar,
    )


@pytest.fixture
def deps() -> Iterator[GraphDeps]:
    """The demo company's two weeks of meetings in a local calendar, the clock frozen on a Wednesday."""
    yield _calendar_deps(CLOCK)


def _ctx(user: str) -> ConversationContext:
    return {"user_id": user, "user_tz": ZONES[user]}


def planned_calls(text: str, suggested: str | None = None) -> list[dict[str, Any]]:
    """The tool calls the local model plans for ``text`` (the class-test files share this)."""
    return plan_from_frame(parse_calendar_request(text, LEX, suggested=suggested)).calls


def run_planned(deps: GraphDeps, user: str, text: str, suggested: str | None = None) -> tuple[ProposalCollector, str]:
    """Reads ``text`` as ``user``, runs the planned tool calls against ``deps``, and returns what they proposed and
    said."""
    collector = ProposalCollector()
    tools = {t.name: t for t in build_calendar_tools(deps, _ctx(user), collector)}
    replies = [str(tools[str(c["name"])].invoke(c["args"])) for c in planned_calls(text, suggested)]
    return collector, "\n".join(replies)


def _select(deps: GraphDeps, user: str, args: dict[str, Any]) -> list[Event]:
    keys = {"which", "day", "after", "before", "with_person", "title", "future_only", "starts_at", "only_with"}
    return select_events(
        EventSelector(**{k: v for k, v in args.items() if k in keys}), deps, owner_id=user, tz=ZONES[user]
    )


def _local_day(event: Event, user: str) -> date:
    return event.start.astimezone(ZoneInfo(ZONES[user])).date()


# -- 1. writes honour week ranges and "only with" ---------------------------------------------------------------
def test_next_weeks_meeting_by_possessive_selects_next_week(deps: GraphDeps) -> None:
    """ "next week's hiring sync" is the one in next week, never this week's (a wrong write otherwise)."""
    name, args = _call("push next week's hiring sync to 11am")
    assert name == "move_event"
    assert "which" not in args, "the 'next' of 'next week' is not 'the next meeting'"
    action = prepare_update(args, deps, _ctx(LENA), action_id="a1")
    new_start = datetime.fromisoformat(action.params["changes"]["start"]).astimezone(ZoneInfo("Europe/Berlin"))
    assert (new_start.date(), new_start.hour) == (date(2026, 12, 7), 11), "same day next week, at the new time"


def test_weekday_and_week_in_different_places_combine(deps: GraphDeps) -> None:
    """ "my thursday focus time next week" is Thursday of next week, wherever the two phrases sit."""
    name, args = _call("cancel my thursday focus time next week")
    assert name == "cancel_events"
    events = _select(deps, TOM, args)
    assert [_local_day(e, TOM) for e in events] == [date(2026, 12, 10)]


def test_all_of_a_title_next_week_leaves_this_week_alone(deps: GraphDeps) -> None:
    """ "drop all my IT office hours next week" cancels only next week's occurrences."""
    name, args = _call("drop all my IT office hours next week")
    assert name == "cancel_events" and args.get("title")
    actions = prepare_cancel(args, deps, _ctx(DIEGO), first_id="a1", next_id=lambda: "a2")
    assert [datetime.fromisoformat(a.params["start"]).date() for a in actions] == [date(2026, 12, 11)]


def test_last_of_this_week_is_the_last_one_this_week(deps: GraphDeps) -> None:
    """ "scrap the final platform standup this week" is this Friday's, not next week's last one."""
    name, args = _call("scrap the final platform standup this week")
    assert (name, args.get("which")) == ("cancel_events", "last")
    assert [_local_day(e, PRIYA) for e in _select(deps, PRIYA, args)] == [date(2026, 12, 4)]


def test_only_with_excludes_meetings_with_anyone_else(deps: GraphDeps) -> None:
    """ "every meeting that's just me and Akira" keeps meetings where a third person is invited."""
    name, args = _call("cancel every meeting that's just me and Akira")
    assert name == "cancel_events" and args.get("only_with") == ["Akira"]
    actions = prepare_cancel(args, deps, _ctx(PRIYA), first_id="a1", next_id=lambda: "a2")
    titles = {a.params["title"] for a in actions}
    assert titles == {"Pipeline review"}, "APAC data sync also has Hana, so it stays"


@pytest.mark.parametrize(
    "text", ["axe all meetings with only Lena and me", "cancel the meetings where nobody else but Lena is invited"]
)
def test_only_with_wordings(text: str) -> None:
    """Other ways of saying "exactly these people" set the only-with filter."""
    _name, args = _call(text)
    assert args.get("only_with") == ["Lena"]


def test_with_someone_is_not_only_with_them() -> None:
    """A plain "with Lena" still matches meetings with others too."""
    _name, args = _call("cancel all my meetings with Lena next week")
    assert args.get("with_person") == "Lena" and "only_with" not in args


def _run(messages: list[Any]) -> Plan:
    """The local model's calendar plan for a conversation, with the context the graph attaches."""
    return plan_calendar(messages, ModelContext.from_messages(messages), set())


def _messages(*turns: str | AIMessage, user: str = SOFIA, pending: list[dict[str, Any]] | None = None) -> list[Any]:
    context = ModelContext(user_id=user, user_tz=ZONES[user], people=PEOPLE, pending=pending or [])
    out: list[Any] = [SystemMessage(content="", additional_kwargs={CONTEXT_KEY: context.__dict__})]
    out.extend(HumanMessage(content=t) if isinstance(t, str) else t for t in turns)
    return out


def test_revision_while_awaiting_a_title_revises_instead_of_naming() -> None:
    """Asked for a title, "actually make it 90 minutes" changes the length and asks for the title again."""
    first = _run(_messages("book something with Noah on Monday at 2pm"))
    assert first.awaiting and first.awaiting["slot"] == "title"
    asked = AIMessage(content=first.text, additional_kwargs={AWAITING_KEY: first.awaiting})
    second = _run(_messages("book something with Noah on Monday at 2pm", asked, "actually make it 90 minutes"))
    assert not second.calls and second.awaiting and second.awaiting["slot"] == "title"
    assert second.awaiting["args"]["duration"] == "1h30"
    asked_again = AIMessage(content=second.text, additional_kwargs={AWAITING_KEY: second.awaiting})
    third = _run(_messages("book something", asked, "actually make it 90 minutes", asked_again, "Hiring debrief"))
    assert third.calls[0]["args"]["title"] == "Hiring debrief"
    assert third.calls[0]["args"]["duration"] == "1h30"


def test_plain_title_answer_is_still_the_title() -> None:
    """An answer with no change in it ("Candidate debrief") is taken as the title."""
    first = _run(_messages("set up a meeting with Lena tomorrow at 10"))
    asked = AIMessage(content=first.text, additional_kwargs={AWAITING_KEY: first.awaiting})
    plan = _run(_messages("x", asked, "Candidate debrief"))
    assert plan.calls[0]["args"]["title"] == "Candidate debrief"


def test_revision_of_a_pending_booking_replaces_it() -> None:
    """With a booking awaiting approval, "actually 20 minutes, and invite Lena too" re-proposes it, replacing it."""
    pending = [
        {
            "id": "a1",
            "tool": "create_event",
            "args": {"title": "Offer review", "attendees": ["Noah"], "start": "Monday at 2pm"},
        }
    ]
    plan = _run(_messages("actually make it 20 minutes and invite Lena too", pending=pending))
    assert plan.calls == [
        {
            "name": "create_event",
            "args": {
                "title": "Offer review",
                "attendees": ["Noah", "Lena"],
                "start": "Monday at 2pm",
                "duration": "20 min",
                "replaces": "a1",
            },
        }
    ]


# -- 2. reads over week ranges -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("how's my week after next shaping up", date(2026, 12, 14), date(2026, 12, 20)),
        ("show me everything on my calendar next week", date(2026, 12, 7), date(2026, 12, 13)),
        ("what's left for me for the remainder of the week?", date(2026, 12, 2), date(2026, 12, 6)),
        ("list my meetings during the week after", date(2026, 12, 14), date(2026, 12, 20)),
    ],
)
def test_week_phrases_read_as_ranges(deps: GraphDeps, text: str, first: date, last: date) -> None:
    """Reads accept week phrases as ranges: every event listed falls inside that week (and none fails to parse)."""
    name, args = _call(text)
    assert name == "find_events" and "title" not in args
    events = _select(deps, TOM, args)
    assert all(first <= _local_day(e, TOM) <= last for e in events)
    if first < date(2026, 12, 14):
        assert events, "the demo calendar has meetings that week"


def test_rest_of_week_excludes_earlier_today(deps: GraphDeps) -> None:
    """ "the rest of the week" starts now: a meeting earlier today is not listed."""
    events = _select(deps, TOM, {"day": "the rest of the week"})
    assert events and all(e.start >= CLOCK for e in events)


# -- 3. titles from topics; find-time never asks for one -------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("can you set up 30 minutes with Noah and Diego on Friday at 11am to discuss the hardware refresh", "Hardware"),
        ("book an hour with Akira tomorrow at 9 regarding quarterly forecasts", "Quarterly forecasts"),
        ("schedule a call with Lena on Monday at 4pm to talk through the offer letters", "Offer letters"),
        ("put something in with Hana on Tuesday at 4pm, title it Sprint demo prep", "Sprint demo prep"),
    ],
)
def test_booking_titles_come_from_the_topic(text: str, title: str) -> None:
    """A purpose ("to discuss X", "regarding X") or "title it X" names the meeting: no title question."""
    name, args = _call(text)
    assert name == "create_event"
    assert args["title"].startswith(title)
    assert "start" in args


@pytest.mark.parametrize(
    "text",
    [
        "find us 45 minutes with Lena and Sofia on Thursday",
        "find me half an hour with Noah next week",
        "could you find an hour for Priya and me early next week",
    ],
)
def test_find_time_never_asks_for_a_title(text: str) -> None:
    """Looking for free time lists slots; it never asks what the meeting is called."""
    name, _args = _call(text)
    assert name == "find_free_slots"


# -- 4. verbs and shapes --------------------------------------------------------------------------------------
@pytest.mark.parametrize("verb", ["kill", "scrap", "drop", "axe", "nix"])
def test_cancel_synonyms(verb: str) -> None:
    """Informal verbs for cancelling are cancels."""
    name, args = _call(f"{verb} tomorrow's hiring sync")
    assert (name, args.get("title"), args.get("day")) == ("cancel_events", "hiring sync", "tomorrow")


def test_retitle_finds_the_meeting_without_a_meeting_word() -> None:
    """ "retitle the pipeline review on Friday to X" selects by title and day, and renames to X."""
    name, args = _call("retitle the pipeline review on Friday to Pipeline health check")
    assert name == "rename_event"
    assert (args.get("title"), args.get("day"), args["new_title"]) == (
        "pipeline review",
        "Friday",
        "Pipeline health check",
    )


def test_arrow_means_move_to() -> None:
    """ "Friday's pipeline review → 3pm" is a move to 3pm."""
    name, args = _call("Friday's pipeline review → 3pm")
    assert name == "move_event" and args["to"] == "3pm" and args["title"] == "pipeline review"


def test_w_slash_means_with() -> None:
    """ "w/" introduces attendees like "with"."""
    _name, args = _call("book a 'Budget walkthrough' w/ Omar tomorrow at 1pm")
    assert args["attendees"] == ["Omar"]


def test_title_before_day_and_shift(deps: GraphDeps) -> None:
    """ "slide hiring sync on the 7th 30 minutes later": title, day and shift in that order."""
    name, args = _call("slide hiring sync on the 7th 30 minutes later")
    assert (name, args.get("title"), args.get("day"), args.get("by")) == (
        "move_event",
        "hiring sync",
        "the 7th",
        "30 min",
    )
    action = prepare_update(args, deps, _ctx(SOFIA), action_id="a1")
    assert datetime.fromisoformat(action.params["changes"]["start"]) == datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def test_earlier_shift_moves_earlier(deps: GraphDeps) -> None:
    """An earlier shift ("-1h") moves the meeting earlier, not later (the sign is applied once)."""
    action = prepare_update({"title": "hiring sync", "day": "the 7th", "by": "-1h"}, deps, _ctx(SOFIA), action_id="a1")
    assert datetime.fromisoformat(action.params["changes"]["start"]) == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_move_and_resize_in_one_request(deps: GraphDeps) -> None:
    """ "move X to 11:30 and make it 20 minutes" changes both the start and the length."""
    name, args = _call("move the hiring sync on the 7th to 11:30 and make it 20 minutes")
    assert (name, args["new_duration"]) == ("move_event", "20 min") and "11:30" in args["to"]
    action = prepare_update(args, deps, _ctx(SOFIA), action_id="a1")
    start = datetime.fromisoformat(action.params["changes"]["start"])
    end = datetime.fromisoformat(action.params["changes"]["end"])
    assert start.astimezone(ZoneInfo("Europe/Madrid")).replace(tzinfo=None) == datetime(2026, 12, 7, 11, 30)
    assert end - start == timedelta(minutes=20)


def test_moving_to_a_time_keeps_the_meetings_day(deps: GraphDeps) -> None:
    """A new time without a day keeps the meeting's own day (not today or tomorrow)."""
    action = prepare_update({"title": "town hall", "to": "at 6pm"}, deps, _ctx(SOFIA), action_id="a1")
    start = datetime.fromisoformat(action.params["changes"]["start"]).astimezone(ZoneInfo("Europe/Madrid"))
    assert (start.date(), start.hour) == (date(2026, 12, 11), 18)


def test_resize_only() -> None:
    """ "shorten my check-in with Tom on Thursday to 15 minutes" changes only the length."""
    name, args = _call("shorten my check-in with Tom on Thursday to 15 minutes")
    assert name == "move_event" and args["new_duration"] == "15 min" and "to" not in args and "by" not in args


# -- 5. tolerant title matching --------------------------------------------------------------------------------
def test_generic_nouns_and_word_order_are_tolerated(deps: GraphDeps) -> None:
    """ "my threat model session" finds "Threat model review: SSO rollout"; "warehouse migration block" finds
    "Focus: warehouse migration"."""
    assert [e.title for e in _select(deps, TOM, {"title": "threat model session"})] == [
        "Threat model review: SSO rollout"
    ]
    found = _select(deps, "U0AKIRA011", {"title": "warehouse migration block", "day": "Friday"})
    assert [e.title for e in found] == ["Focus: warehouse migration"]


def test_tolerant_match_respects_the_day(deps: GraphDeps) -> None:
    """When a title matches several meetings, the day given picks the one on that day."""
    action = prepare_cancel(
        {"title": "month-end close session", "day": "the 11th"}, deps, _ctx(NOAH), first_id="a1", next_id=lambda: "x"
    )
    assert [datetime.fromisoformat(a.params["start"]).date() for a in action] == [date(2026, 12, 11)]


def test_unrelated_words_do_not_match(deps: GraphDeps) -> None:
    """Tolerance has limits: "budget block" does not match "Pipeline review"."""
    with pytest.raises(ActionInvalidError):
        prepare_cancel({"title": "budget block"}, deps, _ctx(PRIYA), first_id="a1", next_id=lambda: "x")


# -- 6. several requests in one message ------------------------------------------------------------------------
def test_two_requests_become_two_calls() -> None:
    """ "cancel X next week and also my check-in with Tom on Thursday" proposes both, on one card."""
    plan = _run(_messages("cancel the hiring sync next week and also my check-in with Tom on Thursday", user=LENA))
    assert [c["name"] for c in plan.calls] == ["cancel_events", "cancel_events"]
    first, second = (c["args"] for c in plan.calls)
    assert first["title"] in {"hiring", "hiring sync"} and first["day"] == "next week"
    assert (second.get("with_person"), second.get("day")) == ("Tom", "Thursday")


def test_also_inside_one_request_does_not_split() -> None:
    """ "… and also make it 45 minutes" is part of the same move, not a second request."""
    plan = _run(_messages("move the hiring sync on Monday to 11 and also make it 45 minutes", user=LENA))
    assert len(plan.calls) == 1 and plan.calls[0]["args"]["new_duration"] == "45 min"


# -- 7. parts of the day and "my time" -------------------------------------------------------------------------
def test_find_time_in_a_part_of_the_day() -> None:
    """ "on Friday morning" bounds the search to that morning."""
    name, args = _call("find 45 min with Priya on Friday morning")
    assert name == "find_free_slots"
    assert (args["after"], args["before"]) == ("Friday at 09:00", "Friday at 12:00")


def test_my_time_is_the_askers_zone() -> None:
    """ "4pm my time" is just 4pm for the person asking (their zone is the default)."""
    name, args = _call("book 'Pricing sync' with Hana on Thursday at 4pm my time")
    assert name == "create_event" and args["start"] == "Thursday at 4pm"


def test_question_about_attendees_is_a_read() -> None:
    """ "who's coming to X" asks about a meeting; it is not an invitation to book one."""
    name, args = _call("who's coming to the pipeline review on Friday?")
    assert name == "find_events" and args.get("day") == "Friday"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("is the pipeline review still happening on Friday?", "pipeline review"),
        ("who's coming to next week's sprint retro?", "sprint retro"),
        ("what time is the Contoso renewal call?", "Contoso renewal"),
    ],
)
def test_questions_about_a_named_meeting_select_it(text: str, title: str) -> None:
    """A question naming a meeting filters by that name, without the question's own words ("still", "coming")."""
    name, args = _call(text)
    assert name == "find_events" and args.get("title") == title


@pytest.mark.parametrize("text", ["what does my day look like", "anything on my plate tomorrow?", "list my meetings"])
def test_agenda_questions_have_no_title(text: str) -> None:
    """Agenda questions name the calendar or a stretch of time, not a meeting: no title filter."""
    _name, args = _call(text)
    assert "title" not in args


def test_no_working_day_left_in_the_window_says_so_not_time_zones() -> None:
    """On a Saturday, "this week" holds no working hours at all; the reply says that, not that zones don't overlap."""
    from graph.tools.calendar import build_calendar_tools
    from graph.tools.proposals import ProposalCollector

    weekend = _calendar_deps(datetime(2026, 12, 5, 10, 0, tzinfo=UTC), with_events=False)
    tools = {t.name: t for t in build_calendar_tools(weekend, _ctx(TOM), ProposalCollector())}
    text, _slots = tools["find_free_slots"].func(attendees=["Priya"], duration="30 min", after="this week")  # type: ignore[misc]
    assert "no working hours left" in text and "time zone" not in text.lower()


@pytest.mark.parametrize(
    ("text", "title", "expect_one"),
    [
        ("drop next week's one-on-one with Lena", "1:1", True),
        ("cancel my meeting with Priya on Thursday", None, True),
        ("cancel all my meetings with Priya on Thursday", None, False),
        ("cancel the standups on friday", "standups", False),
    ],
)
def test_singular_cancellations_expect_one_and_keep_the_meeting_type(
    text: str, title: str | None, expect_one: bool
) -> None:
    """A named single meeting ("my 1:1 with X") narrows by its type and must match exactly one; sets may be many."""
    frame = _parse(text)
    assert frame.action == "cancel"
    assert frame.title == title
    assert frame.expect_one is expect_one


def test_singular_cancellation_with_several_matches_asks_instead_of_cancelling_all(deps: GraphDeps) -> None:
    """ "cancel my meeting with Priya next week" when several match lists them and proposes nothing."""
    from graph.actions.calendar import prepare_cancel

    ids = iter(f"a{n}" for n in range(100))
    with pytest.raises(ActionInvalidError, match="which one should I cancel"):
        prepare_cancel(
            {"with_person": "Priya", "day": "next week", "expect_one": True},
            deps,
            _ctx(TOM),
            first_id="a",
            next_id=lambda: next(ids),
        )


@pytest.mark.parametrize(
    ("text", "start", "minutes"),
    [
        ("hold 2-3:30pm on Monday for me, call it Budget prep", "Monday at 14:00", 90),
        ("book 09:15-09:45 tomorrow with Noah, call it Handover", "tomorrow at 09:15", 30),
        ("set up a working lunch with Sofia thursday 12-1pm, call it Lunch", "thursday at 12:00", 60),
        ("book something with Lena from 4 to 5pm on friday called Wrap-up", "friday at 16:00", 60),
    ],
)
def test_clock_ranges_give_the_start_and_the_length(text: str, start: str, minutes: int) -> None:
    """ "2-3:30pm" or "from 4 to 5pm" books from the first time for the span, not at the second time for 30 min."""
    frame = _parse(text)
    assert frame.action == "create"
    assert frame.start == start
    assert frame.duration == timedelta(minutes=minutes)


def test_ranges_that_are_not_clock_times_are_left_alone() -> None:
    """ "a 2-3 person review" is a head count: the start comes from "at 3pm" and no length is invented."""
    frame = _parse("book a 2-3 person review tomorrow at 3pm called Design crit")
    assert frame.start == "tomorrow at 3pm" and frame.duration is None


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("book 45 mins with Lena on monday at 10, subject: Offsite budget", "Offsite budget"),
        ("set up a quick check-in with Noah tomorrow at 9", "Check-in with Noah"),
        ("schedule a 1:1 with Priya and Akira on thursday at 8", "1:1 with Priya and Akira"),
    ],
)
def test_bookings_take_a_labelled_title_or_name_themselves_from_the_meeting_kind(text: str, title: str) -> None:
    """ "subject: X" is the title; "a check-in with Noah" needs no question, it is called "Check-in with Noah"."""
    frame = _parse(text)
    assert frame.action == "create" and frame.title == title


def test_bump_moves_a_meeting() -> None:
    """ "bump my retro to 4pm" moves the retro, it does not look for free time."""
    frame = _parse("bump my retro on friday to 4pm")
    assert frame.action == "move" and frame.title == "retro"


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("is there extra pay for people on call over christmas?", "docs"),
        ("anything booked for me mon thru wed?", "calendar"),
    ],
)
def test_on_call_is_not_a_phone_call_and_booked_days_are_calendar(text: str, route: str) -> None:
    """Being "on call" is a rota question, not a meeting; "booked … mon thru wed" asks about the calendar."""
    from graph.local_model.router import route_text

    assert route_text(text).route == route


def test_due_dates_are_ticket_questions() -> None:
    """ "anything of Lena's due by Friday?" asks about tickets, not about Lena's free time."""
    from graph.local_model.router import route_text

    assert route_text("anything of Lena's due by Friday?").route == "tickets"
