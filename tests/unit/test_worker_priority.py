"""Worker processes yield the CPU to the ack path: by default with a nice value (never idle-class), 19 on request."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.settings import Settings

pytestmark = pytest.mark.skipif(not hasattr(os, "sched_getscheduler"), reason="Linux scheduling policies only")


def _policy_after(nice: int) -> tuple[int, int]:
    """(scheduling policy, niceness) of a fresh process after ``_lower_priority(nice)``."""
    code = (
        "import os; from bot.dispatch import _lower_priority; "
        f"before = os.nice(0); _lower_priority({nice}); print(os.sched_getscheduler(0), os.nice(0) - before)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def test_the_default_worker_priority_is_a_nice_value_not_idle_class() -> None:
    """Settings default to nice 10: the worker stays SCHED_OTHER, 10 steps lower, so it always gets some CPU."""
    default = Settings.model_fields["worker_nice"].default
    assert default == 10
    policy, raised_by = _policy_after(default)
    assert policy == os.SCHED_OTHER
    assert raised_by == min(10, 19 - os.nice(0))


def test_nice_19_asks_for_the_idle_class() -> None:
    """19 asks for SCHED_IDLE (fastest acks on a dedicated host); where refused it is an ordinary nice value."""
    policy, raised_by = _policy_after(19)
    assert policy == os.SCHED_IDLE or raised_by > 0
