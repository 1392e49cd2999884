"""Calendar fixes from the second code review, each checked on the demo company.

Classes: a meeting on someone else's calendar that the asker is not in is never listed or used as an anchor; a day
named beside "<city> time" is the speaker's day; "right after his/her …" anchors on the person named, and an anchor
that can't be resolved is asked about; "can we do a call … instead?" without a time never books a default time.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.composition import Core
from graph.state import ConversationContext

from .conftest import TOM


# -- someone else's meetings the asker is not in -----------------------------------------------------------------------
def test_anchor_on_a_meeting_the_asker_is_not_in_reveals_nothing(
    core: Core, ctx: Callable[..., ConversationContext]
) -> None:
    """ "right after sam's sync" as Tom, who is in none of Sam's syncs, names no meeting, time or attendee."""
    outcome = core.runtime.handle_message(ctx(user=TOM), "book a call with sam right after sam's sync")
    assert outcome.new_approval is None, outcome.reply
    assert "Eng + Ops" not in outcome.reply and "Maya" not in outcome.reply and "18:00" not in outcome.reply
    assert "time" in outcome.reply.lower()
