"""Classes of ticket request the ninth blind round exposed, each in wordings, people and tickets of its own.

"put me on it" in a follow-up to a pending create sets the assignee alongside the other changes; "add a note on
<described ticket>: …" comments on that ticket and files nothing; "<why>, so raise one for me: <problem>" is titled
with the problem and keeps the label the person names; a search by label and status is a search, never an update;
"push the due date on <described ticket> to <date>" sets that ticket's due date, counted from today; "can <person>
take <described work> off my plate?" reassigns that ticket to them; "close my <X> request" closes the speaker's own
ticket about X, or says it is already closed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.composition import Core
from graph.local_model.ticket_bulk import due_shift_days
from graph.state import ConversationContext

from .conftest import DIEGO, PRIYA, TOM
from .test_ticket_nlu import berlin_today, parsed_frame

GRACE, NOAH, SAM = "U0GRACE009", "U0NOAH0010", "U0SAMW0006"

# -- 1. "put me on it" / "put <person> on it" names the assignee ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("put me on it and make it due next monday", "me"),
        ("stick diego on this one, due the 3rd", "diego"),
        ("get hana on it by friday pls", "hana"),
    ],
)
def test_put_a_person_on_it_names_the_assignee_alongside_a_due_date(text: str, who: str) -> None:
    """ "put X on it" (person before "on it") is an assignee, and the due date in the same message is kept."""
    frame = parsed_frame(text)
    assert frame["assignee"] == who and frame.get("due"), frame


def test_put_a_person_on_it_is_no_part_of_a_new_tickets_title() -> None:
    """ "new ticket: …, put omar on it": Omar is the assignee, not words of the title ("put it on hold" names
    nobody)."""
    frame = parsed_frame("new ticket: the kitchen dishwasher leaks onto the floor, put omar on it")
    assert frame["action"] == "create" and frame["assignee"] == "omar", frame
    assert "omar" not in frame["title"].lower() and "put" not in frame["title"].lower(), frame
    assert "assignee" not in parsed_frame("put it on hold for now")


def test_a_follow_up_putting_someone_on_a_pending_create_keeps_the_assignee_and_the_due_date(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: the revised create carries the new assignee and due date, and keeps the title and priority."""
    thread = ctx(user=TOM)
    first = core.runtime.handle_message(thread, "bug: the office wifi drops every afternoon around 3pm. high prio pls")
    assert first.new_approval is not None, first.reply
    second = core.runtime.handle_message(thread, "put diego on it and make it due next friday")
    assert second.new_approval is not None, second.reply
    [action] = second.new_approval.actions
    params = action["params"]
    assert params["assignee_id"] == DIEGO and params["due_date"], action
    assert "wifi" in params["title"].lower() and params["priority"] == "high", action


# -- 2. "add a note on <described ticket>: …" is a comment on that ticket, never a new ticket ------------------------


@pytest.mark.parametrize(
    ("text", "about", "body"),
    [
        ("add a note on the postgres upgrade ticket: maintenance window moved to sunday", "postgres upgrade", "sunday"),
        ("add a note to the vpn ticket saying the 5.2 client fixes it", "vpn", "5.2 client"),
        ("pls add a comment on the audit logging one - needs sign-off from legal", "audit logging", "legal"),
    ],
)
def test_add_a_note_on_a_described_ticket_is_a_comment_on_it(text: str, about: str, body: str) -> None:
    """The ticket is named by description and the text after the colon, dash or "saying" is the comment."""
    frame = parsed_frame(text, suggested="create")
    assert frame["action"] == "comment" and frame["about"] == about, frame
    assert body in frame["comment"] and "title" not in frame, frame


def test_adding_a_note_on_a_described_ticket_proposes_a_comment_on_it_and_creates_nothing(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: one comment on the described ticket (ENG-9, the notification worker leak), no new ticket."""
    outcome = core.runtime.handle_message(
        ctx(user=PRIYA), "add a note on the memory leak ticket: heap dump attached, it's the retry queue"
    )
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["kind"] == "ticket.comment" and action["params"]["key"] == "ENG-9", action
    assert "retry queue" in action["params"]["body"], action


# -- 3. "<why>, so raise one for me: <problem>": the problem is the title, the named label is set --------------------


@pytest.mark.parametrize(
    ("text", "title_words", "labels"),
    [
        (
            "the onboarding doc on the wiki says design software seats always go through a ticket labelled licences, "
            "can you open one: need a figma seat for the new contractor",
            "figma seat",
            ["licences"],
        ),
        (
            "according to the travel page visa and invitation letters are handled by the people ops team these days, "
            "so file a ticket for me: need an invitation letter for the lisbon trip, tag it travel",
            "invitation letter",
            ["travel"],
        ),
    ],
)
def test_a_request_after_its_reason_is_titled_with_the_problem_after_the_colon(
    text: str, title_words: str, labels: list[str]
) -> None:
    """The reason before "raise/open/file one (for me):" is no title; the problem after the colon is, and the label
    named along the way is set (a following "can you" is no second label)."""
    frame = parsed_frame(text)
    assert frame["action"] == "create" and title_words in frame["title"].lower(), frame
    assert not any(w in frame["title"].lower() for w in ("page", "doc", "says")), frame
    assert frame["labels"] == labels, frame


def test_a_request_after_its_reason_files_the_problem_with_the_named_label(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: the proposed ticket is titled with the problem and carries the label the person named."""
    outcome = core.runtime.handle_message(
        ctx(user=GRACE),
        "the it support page in the handbook says broken peripherals always need an OPS ticket with the hardware "
        "label, so pls open one for me: my wireless keyboard stopped pairing with my laptop",
    )
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    params = action["params"]
    assert action["kind"] == "ticket.create" and "keyboard" in params["title"].lower(), action
    assert "page" not in params["title"].lower() and params["labels"] == ["hardware"], action


# -- 4. a search by label and status ("tagged X that's still in backlog") is a search, never an update -------------


@pytest.mark.parametrize(
    ("text", "label", "status"),
    [
        ("anything labelled hardware that's still stuck in backlog?", "hardware", "backlog"),
        ("which tickets are labelled billing and still in progress?", "billing", "in progress"),
        ("any ux-tagged stuff that's still sitting in backlog", "ux", "backlog"),
    ],
)
def test_a_label_and_status_question_is_a_search_with_both_filters(text: str, label: str, status: str) -> None:
    """The relative "that's still …" points at no ticket, and "and still" is no second label."""
    frame = parsed_frame(text, suggested="search")
    assert frame["action"] == "search" and frame["labels"] == [label] and frame["status"] == status, frame


def test_asking_for_labelled_tickets_still_in_backlog_lists_them_and_proposes_nothing(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: the backlog tickets with the label are listed (ENG-3, ENG-12), the one in review (ENG-6) is not."""
    outcome = core.runtime.handle_message(ctx(user=DIEGO), "anything tagged frontend that's still sitting in backlog?")
    assert outcome.new_approval is None, outcome.reply
    assert re.search(r"\bENG-3\b", outcome.reply) and re.search(r"\bENG-12\b", outcome.reply), outcome.reply
    assert not re.search(r"\bENG-6\b", outcome.reply), outcome.reply


# -- 5. "push the due date on <described ticket> to <date>" is a due-date update of that ticket ----------------------


@pytest.mark.parametrize(
    ("text", "about", "due"),
    [
        (
            "could you move the deadline for my offsite receipts to a week from tomorrow?",
            "offsite receipts",
            "a week from tomorrow",
        ),
        ("push the due date on the date picker bug to next friday pls", "date picker", "next friday"),
        ("pls move the due date of the postgres upgrade to dec 3, the vendor slipped", "postgres upgrade", "dec 3"),
    ],
)
def test_the_due_date_on_a_described_ticket_to_a_date_is_an_update_of_it(text: str, about: str, due: str) -> None:
    """The words between "due date on/for/of" and "to" name the ticket; what follows "to" is the new due date."""
    frame = parsed_frame(text, suggested="create")
    assert frame["action"] == "update" and frame["about"] == about and frame["due"] == due, frame


def test_a_date_counted_from_today_is_no_shift_of_the_due_date() -> None:
    """ "push it to two weeks from today" is a date; "push it out two weeks" shifts the due date."""
    assert due_shift_days("push the deadline to two weeks from today") is None
    assert due_shift_days("push the deadline out two weeks") == 14


@pytest.mark.parametrize(("phrase", "days"), [("a week from today", 7), ("two weeks from today", 14)])
def test_pushing_the_due_date_on_my_described_ticket_to_a_date_from_today_proposes_that_date(
    core: Core, ctx: Callable[..., ConversationContext], phrase: str, days: int
) -> None:
    """End to end: the described ticket (PPL-3, Noah's offsite receipts) gets the new due date, counted from today."""
    outcome = core.runtime.handle_message(
        ctx(user=NOAH), f"can u push the due date on my offsite receipts ticket to {phrase}? finance is slow this month"
    )
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["params"]["key"] == "PPL-3", action
    assert action["params"]["changes"] == {"due_date": (berlin_today() + timedelta(days=days)).isoformat()}, action


# -- 6. "can <person> take <described work> off my plate?" reassigns the described ticket ---------------------------


@pytest.mark.parametrize(
    ("text", "who", "about"),
    [
        ("could tom take the pricing page layout from me? i'm out thursday", "tom", "pricing page layout"),
        ("can akira take the backup verification off his plate, he's on leave", "akira", "backup verification"),
        ("swamped today - can omar take the badge reader outage off my hands?", "omar", "badge reader outage"),
    ],
)
def test_can_someone_take_described_work_off_my_plate_is_a_reassignment(text: str, who: str, about: str) -> None:
    """The work is named without a ticket noun; "off my plate" / "from me" makes it a handover, not a search."""
    frame = parsed_frame(text, suggested="search")
    assert frame["action"] == "update" and frame["assignee"] == who and frame["about"] == about, frame


def test_taking_described_work_off_my_plate_proposes_giving_that_ticket_to_the_person(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: the described ticket (ENG-12, the pricing page mobile layout, Tom's) is proposed to Priya only."""
    outcome = core.runtime.handle_message(
        ctx(user=TOM), "swamped this sprint, could priya take the pricing page mobile layout off my plate?"
    )
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["params"]["key"] == "ENG-12" and action["params"]["changes"] == {"assignee_id": PRIYA}, action


# -- 7. "my <X> request/ticket" is the speaker's own ticket about X; closing a finished one changes nothing ----------


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("can you close my printer request? the toner got replaced", "printer"),
        ("pls close our badge reader ticket, it's working again", "badge reader"),
    ],
)
def test_my_described_request_is_the_ticket_i_filed_about_it(text: str, about: str) -> None:
    """ "my/our <X> request|ticket" names the ticket by X among those the speaker filed."""
    frame = parsed_frame(text, suggested="create")
    assert frame["action"] == "close" and frame["about"] == about and frame["reporter"] == "me", frame


def test_closing_my_described_request_proposes_closing_the_one_i_filed(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: Noah's badge reader report (OPS-5, In Review) is proposed for closing."""
    outcome = core.runtime.handle_message(ctx(user=NOAH), "can you close my badge reader request? it works again")
    assert outcome.new_approval is not None, outcome.reply
    [action] = outcome.new_approval.actions
    assert action["params"]["key"] == "OPS-5" and action["params"]["changes"]["status"] == "Done", action


def test_closing_my_described_request_that_is_already_done_says_so_and_proposes_nothing(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """End to end: Sam's backup verification ticket (ENG-13) is Done already; the reply says so, nothing is proposed."""
    outcome = core.runtime.handle_message(
        ctx(user=SAM), "can you close my backup verification ticket? it's been running fine for weeks"
    )
    assert outcome.new_approval is None, outcome.reply
    assert "ENG-13" in outcome.reply and "already" in outcome.reply, outcome.reply
