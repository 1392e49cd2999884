"""Classes of ticket request the eighth blind round exposed, each in wordings, people and tickets of its own.

Ticket talk without the word "ticket" (due dates across boards, who is still on a described piece of work, what
someone has open, where a described one is at, a described ticket's priority, status or slip) routes to tickets;
a follow-up adding an owner and a due date to a pending create keeps both; "can <person> take the X ticket?"
hands it over; two described tickets given one change are each resolved and proposed together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.composition import Core
from graph.local_model.router import route_text
from graph.local_model.ticket_bulk import parse_described_pair, search_due_filter
from graph.local_model.tickets_nlu import find_assignee
from graph.state import ConversationContext

from .conftest import DIEGO, HANA, PRIYA, TOM
from .test_ticket_nlu import LEX, berlin_today, parsed_frame

NOAH, OMAR, LENA = "U0NOAH0010", "U0OMAR0008", "U0LENA0007"


# -- 1. ticket talk without the word "ticket" routes to tickets; meeting talk stays on the calendar ----------------


@pytest.mark.parametrize(
    "text",
    [
        "anything due 2moro on every board? need to nudge people before the sync",
        "is omar still on it, the badge reader thing? if no one's touching it i'll grab it",
        "what's diego got open right now? about to hand him more",
        "where's the wildcard cert one at?",
        "the invoice export thing is getting worse, bump it to high",
        "the sso rollout and the audit logging work can both slide a week",
        "the backup verification job's finished, mark it complete",
        "ok push the due date to the 4th, the vendor is late",
    ],
)
def test_ticket_talk_without_the_word_ticket_routes_to_tickets(text: str) -> None:
    """Due dates, owners of described work, priorities, status and slips are tracked work, not meetings."""
    assert route_text(text).route == "tickets", route_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "is the design sync still on?",
        "move my 1:1 with tom to the 30th",
        "does priya have open slots tomorrow?",
        "can the retro slip a week?",
    ],
)
def test_meeting_talk_with_the_same_words_stays_on_the_calendar(text: str) -> None:
    """ "still on", "open", "slip" and moving to a date keep meaning the calendar when a meeting is named."""
    assert route_text(text).route == "calendar", route_text(text)


# -- 2. a follow-up giving a pending create an owner and a due date keeps both ---------------------------------


@pytest.mark.parametrize(
    ("text", "who", "due"),
    [
        ("and put it on omar with a due date of next tue", "omar", "next tue"),
        ("stick it on hana w/ due date dec 3 pls", "hana", "dec 3"),
        ("put it on priya by friday", "priya", "friday"),
    ],
)
def test_put_it_on_someone_followed_by_a_due_date_keeps_the_person(text: str, who: str, due: str) -> None:
    """ "put it on X with/w/by <date>": X is the assignee and the date the due date; neither swallows the other."""
    frame = parsed_frame(text)
    assert frame["assignee"] == who and frame["due"] == due, frame


def test_a_follow_up_adding_owner_and_due_date_to_a_pending_create_revises_it_with_both(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: the revised create proposal carries the new assignee and the due date, and the title stays."""
    thread = ctx(user=HANA)
    first = core.runtime.handle_message(
        thread, "can you log a ticket, the projector in conference room b hums really loudly. low priority is fine"
    )
    assert first.new_approval is not None, first.reply
    second = core.runtime.handle_message(thread, "oh and put it on omar w a due date of next tue, i'm off then")
    assert second.new_approval is not None, second.reply
    [action] = second.new_approval.actions
    params = action["params"]
    assert params["assignee_id"] == OMAR and params["due_date"], action
    assert "projector" in params["title"].lower(), action


# -- 3. searches: a described ticket's owner, what someone has open, where one is at, what's due tomorrow ------------


def test_the_x_i_reported_is_someone_still_on_it_looks_up_that_ticket_without_an_owner_filter() -> None:
    """The ticket named by subject and filer is searched by its words; the owner is the question, not a filter."""
    frame = parsed_frame(
        "the side entrance badge reader i reported - is omar still on it? if not i can chase the vendor"
    )
    assert frame["action"] == "search" and frame["search_text"] == "side entrance badge reader", frame
    assert "assignee" not in frame


def test_asking_whether_someone_is_still_on_a_ticket_one_filed_lists_it(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: the described ticket is listed with its owner and status; nothing is proposed."""
    outcome = core.runtime.handle_message(
        ctx(user=NOAH), "the side entrance badge reader i reported - is omar still on it? if nobody is i'll chase it"
    )
    assert outcome.new_approval is None, outcome.reply
    assert re.search(r"\bOPS-5\b", outcome.reply) and "Omar" in outcome.reply, outcome.reply


@pytest.mark.parametrize(
    ("text", "who"),
    [("what's diego got open right now? about to hand him more", "diego"), ("what has priya got open atm", "priya")],
)
def test_what_someone_has_got_open_is_their_open_tickets(text: str, who: str) -> None:
    """ "what's X got open" searches X's tickets; a trailing reason adds no topic filter."""
    frame = parsed_frame(text)
    assert frame["action"] == "search" and frame["assignee"] == who, frame
    assert "search_text" not in frame and "topic" not in frame


def test_where_is_the_x_one_at_looks_up_the_described_ticket() -> None:
    """ "where's the X one at?" searches for that ticket by its words."""
    frame = parsed_frame("where's the wildcard cert one at?")
    assert frame["action"] == "search" and frame["search_text"] == "wildcard cert", frame


def test_what_is_due_tomorrow_shorthand_searches_tomorrows_due_tickets_and_ignores_the_reason() -> None:
    """ "due tmr across all projects? want to know who to ping at the sync": due tomorrow, no topic filter."""
    frame = parsed_frame("anything due tmr across all projects? want to know who to ping at the sync")
    assert frame["action"] == "search" and frame["due"] == "tmr", frame
    assert "search_text" not in frame
    assert search_due_filter("2moro") == {"due_in": "tomorrow"}


# -- 4. a described ticket as the sentence's subject, then a change to "it" ------------------------------------


@pytest.mark.parametrize(
    ("text", "about", "slot", "value"),
    [
        ("the invoice export thing is getting worse, bump it to high", "invoice export", "priority", "high"),
        ("the search duplicates bug is annoying everyone, make it urgent", "search duplicates", "priority", "urgent"),
    ],
)
def test_the_subject_of_an_ongoing_statement_is_the_ticket_a_later_it_changes(
    text: str, about: str, slot: str, value: str
) -> None:
    """ "the X is <doing something>, bump it to Y": an update of X, never a create, with no filler word in X."""
    frame = parsed_frame(text, suggested="create")
    assert frame["action"] == "update" and frame["about"] == about and frame[slot] == value, frame


def test_a_finished_statement_with_an_apostrophe_names_the_ticket_to_close() -> None:
    """ "the X's finished, mark it complete": X is the ticket closed."""
    frame = parsed_frame("the backup verification job's finished, mark it complete")
    assert frame["action"] in {"close", "update"} and frame["about"] == "backup verification", frame


def test_a_status_question_is_never_a_statement_about_a_ticket() -> None:
    """ "which ones are in progress?" stays a search; its question words are no ticket's description."""
    frame = parsed_frame("which ones are in progress right now?")
    assert frame["action"] == "search" and "about" not in frame, frame


def test_a_status_statement_with_a_relative_due_shift_proposes_both_on_the_described_ticket(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: "X is in review now, and pull its due date in 2 days" sets the status and shifts the due date."""
    # ENG-5 "Search returns duplicate results" is In Progress and due in two days in the demo company.
    outcome = core.runtime.handle_message(
        ctx(user=PRIYA), "the search duplicate results fix is in review now, and push its due date back 2 days"
    )
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["params"]["key"] == "ENG-5", action
    changes = action["params"]["changes"]
    assert changes["status"].lower() == "in review", action
    assert changes["due_date"] == (berlin_today() + timedelta(days=4)).isoformat(), action


# -- 5. "can <person> take the X ticket?" hands the described ticket over ----------------------------------------


@pytest.mark.parametrize(
    ("text", "who", "about"),
    [
        ("could priya pick up the flaky sync test one while i'm away?", "priya", "flaky sync test"),
        ("can tom take the date picker bug? i'm swamped", "tom", "date picker"),
        ("could i grab the audit logging ticket?", "me", "audit logging"),
    ],
)
def test_can_someone_take_the_x_ticket_is_a_reassignment(text: str, who: str, about: str) -> None:
    """A question asking a person to take a described ticket proposes giving it to them, not a search."""
    frame = parsed_frame(text)
    assert frame["action"] == "update" and frame["assignee"] == who and frame["about"] == about, frame


def test_can_someone_take_a_look_is_no_reassignment() -> None:
    """ "can tom take a look at the printer?" names no ticket to hand over, so no assignee is read from it."""
    assert find_assignee("can tom take a look at the printer?", LEX) == (None, False)


def test_asking_whether_someone_can_take_a_described_ticket_proposes_the_reassignment(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: the described ticket is proposed to the named person."""
    outcome = core.runtime.handle_message(ctx(user=TOM), "i'm off all next week, can priya take the date picker bug?")
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["params"]["key"] == "ENG-3" and action["params"]["changes"]["assignee_id"] == PRIYA, action


# -- 6. two described tickets, one change: each resolved, one proposal for both ------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "change"),
    [
        (
            "push both the sso rollout and the badge audit back two days",
            ["sso rollout", "badge audit"],
            {"new_due_shift_days": 2},
        ),
        (
            "the onboarding checklist and the billing export can both slip a week, launch comes first",
            ["onboarding checklist", "billing export"],
            {"new_due_shift_days": 7},
        ),
        ("mark the flaky test one and the date picker one done", ["flaky test", "date picker"], {"new_status": "done"}),
        ("give both the vpn ticket and the printer one to diego", ["vpn", "printer"], {"new_assignee": "diego"}),
    ],
)
def test_two_described_tickets_given_one_change_are_each_named(
    text: str, names: list[str], change: dict[str, object]
) -> None:
    """Each name becomes its own lookup and the change applies to both."""
    frame = parse_described_pair(text, LEX)
    assert frame is not None, text
    args = frame.tool_args()
    assert args["each_of"] == names and {k: args[k] for k in change} == change, args


@pytest.mark.parametrize(
    "text",
    ["the pricing and billing page needs a fix, high priority", "the design review and the retro can both move to fri"],
)
def test_a_title_with_and_or_a_pair_of_meetings_is_no_pair_of_tickets(text: str) -> None:
    """Without "both"/"each" and a ticket change, "X and Y" is read as one thing, or not as tickets at all."""
    assert parse_described_pair(text, LEX) is None


def test_two_described_tickets_slipping_propose_one_card_with_each_due_date_moved(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: both tickets are found (the one matching every word wins over a partial match) and each due
    date moves by the same amount, on one approval."""
    # ENG-6 "Dark mode contrast on the settings page" (due in 6 days); ENG-10 "Add audit logging to admin actions"
    # (due in 14). DES-6 "Settings page redesign" also mentions the settings page but not the contrast.
    outcome = core.runtime.handle_message(
        ctx(user=DIEGO), "the settings page contrast one and the admin audit logging can both slip three days"
    )
    assert outcome.new_approval is not None, outcome.reply
    moved = {a["params"]["key"]: a["params"]["changes"]["due_date"] for a in outcome.new_approval.actions}
    assert moved == {
        "ENG-6": (berlin_today() + timedelta(days=9)).isoformat(),
        "ENG-10": (berlin_today() + timedelta(days=17)).isoformat(),
    }, moved


def test_a_described_pair_with_an_unknown_name_asks_instead_of_guessing(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: when one of the two names matches no open ticket, nothing is proposed and deskhand asks."""
    outcome = core.runtime.handle_message(
        ctx(user=LENA), "the offboarding checklist and the quantum teleporter can both slip a week"
    )
    assert outcome.new_approval is None, outcome.reply
    assert "quantum teleporter" in outcome.reply, outcome.reply
