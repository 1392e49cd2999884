"""Replay a recorded session against a bot and report what it did differently.

A fresh in-memory sandbox is started that delivers to `bot_url`; the bot must call that sandbox's Web API
(give it the same port). Each person action of the recording (messages, reactions, clicks, modal actions
and submissions, slash commands, App Home) is driven again, in order. After each one, replay waits until
the bot has gone quiet: at least as many compared calls as were recorded have arrived (or the step timed
out) and nothing new came in for `quiet_ms`. Then the bot's Web API calls for that step are normalised
(see normalise.py) and compared with the recorded ones.

Recorded ids are mapped onto the new run: the message a person clicked is "the n-th message the bot
posted in that channel" in both runs; a modal is the person's top modal, a home view their home tab.
Replay starts from an empty workspace, so steps that point at messages from before the recording began
are reported as errors. Retries of failed deliveries are not replayed: the bot is expected to be up.
"""

from __future__ import annotations

import difflib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from sandbox.client import DriverError, SandboxClient
from sandbox.config import DEFAULT_COMPANY_FILE, SandboxConfig
from sandbox.normalise import Normaliser, call_lines, compile_patterns, is_compared, outcome_lines
from sandbox.server import RunningSandbox, run_in_thread

# Driver paths that are a person doing something, and the step kind each becomes.
ACTIONS = {
    "/sandbox/messages": "message",
    "/sandbox/reactions": "reaction",
    "/sandbox/actions": "click",
    "/sandbox/views/{view_id}/actions": "view_action",
    "/sandbox/views/{view_id}/submit": "submit",
    "/sandbox/views/{view_id}/close": "close",
    "/sandbox/commands": "command",
    "/sandbox/app_home": "app_home",
    "/sandbox/dms": "open_dm",
    "/sandbox/deliveries/{delivery_id}/retry": "retry",
    "/sandbox/conversations/{channel}/messages/{ts}/retry": "retry",
}
SKIPPED = {"retry": "retries of failed deliveries are not replayed (the bot is up); calls folded into the step before"}


class ReplayError(Exception):
    """A recording that cannot be replayed at all (missing, not JSONL, no actions)."""


# ---- reading a recording --------------------------------------------------------------------------


def load_recording(path: Path) -> list[dict[str, Any]]:
    """The entries of a JSONL recording, in recorded order."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ReplayError(f"cannot read {path}: {exc.strerror}") from exc
    entries = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as exc:
            raise ReplayError(f"{path}:{number}: not a JSON line") from exc
        if isinstance(entry, dict):
            entries.append(entry)
    entries.sort(key=lambda e: int(e.get("seq", 0)))
    return entries


@dataclass
class Step:
    index: int
    kind: str
    entry: dict[str, Any]
    """The recorded driver entry (request body, path params, answer)."""
    expected: list[dict[str, Any]] = field(default_factory=list)
    """The bot's recorded calls between this action and the next."""

    @property
    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = (self.entry.get("request") or {}).get("body") or {}
        return body

    @property
    def answer(self) -> dict[str, Any]:
        answer: dict[str, Any] = (self.entry.get("response") or {}).get("body") or {}
        return answer

    def describe(self) -> str:
        b = self.body
        who = b.get("user", "?")
        if self.kind == "message":
            text = str(b.get("text", ""))
            short = text if len(text) <= 60 else text[:59] + "…"
            where = f"{b.get('channel')}" + (" (thread)" if b.get("thread_ts") else "")
            return f"{who} posts in {where}: {short!r}"
        if self.kind == "click":
            return f"{who} clicks {b.get('action_id')} on a message in {b.get('channel')}"
        if self.kind == "view_action":
            return f"{who} uses {b.get('action_id')} in a view"
        if self.kind == "submit":
            return f"{who} submits a modal"
        if self.kind == "close":
            return f"{who} closes a modal"
        if self.kind == "command":
            return f"{who} runs {b.get('command')} in {b.get('channel')}"
        if self.kind == "reaction":
            return f"{who} {'removes' if b.get('remove') else 'adds'} :{b.get('name')}: in {b.get('channel')}"
        if self.kind == "app_home":
            return f"{who} opens the app's {b.get('tab') or 'home'} tab"
        if self.kind == "open_dm":
            return f"{who} opens a DM with {b.get('with')}"
        return f"{who}: {self.kind}"


def plan(entries: list[dict[str, Any]]) -> tuple[list[Step], list[dict[str, Any]]]:
    """The person actions of a recording, each with the bot calls it caused; plus calls before the first."""
    drivers = [e for e in entries if e.get("direction") == "driver" and e.get("kind") in ACTIONS]
    if not drivers:
        raise ReplayError("the recording has no person actions to replay")
    steps = [Step(i + 1, ACTIONS[e["kind"]], e) for i, e in enumerate(drivers)]
    # A window runs from where its action began to where the next one began (older recordings without
    # after_seq fall back to the previous action's own seq).
    starts = []
    previous = 0
    for entry in drivers:
        starts.append(int(entry.get("after_seq", previous)))
        previous = int(entry["seq"])
    before: list[dict[str, Any]] = []
    for entry in entries:
        if entry.get("direction") != "bot->sandbox":
            continue
        seq = int(entry["seq"])
        owner = max((i for i, start in enumerate(starts) if seq > start), default=None)
        if owner is None:
            before.append(entry)
        else:
            steps[owner].expected.append(entry)
    for i, step in enumerate(steps):
        if step.kind in SKIPPED and i > 0:
            target = next((s for s in reversed(steps[:i]) if s.kind not in SKIPPED), None)
            if target is not None:
                target.expected.extend(step.expected)
                step.expected = []
    return steps, before


# ---- following messages and views across runs ------------------------------------------------------


class MessageIndex:
    """Which message a ts is, in run-independent terms: (who posted, channel, n-th such message)."""

    def __init__(self) -> None:
        self._key_by_ts: dict[str, tuple[str, str, int]] = {}
        self._ts_by_key: dict[tuple[str, str, int], str] = {}
        self._counts: dict[tuple[str, str], int] = {}
        self.home_views: set[str] = set()

    def _add(self, source: str, channel: str | None, ts: str | None) -> None:
        if not channel or not ts or ts in self._key_by_ts:
            return
        n = self._counts.get((source, channel), 0) + 1
        self._counts[(source, channel)] = n
        key = (source, channel, n)
        self._key_by_ts[ts] = key
        self._ts_by_key[key] = ts

    def observe(self, entry: dict[str, Any]) -> None:
        response = entry.get("response") or {}
        body = response.get("body") or {}
        if not isinstance(body, dict) or not body.get("ok", True):
            return
        kind, direction = entry.get("kind"), entry.get("direction")
        if direction == "driver" and kind == "/sandbox/messages":
            self._add("person", body.get("channel"), body.get("ts"))
        elif direction == "driver" and kind == "/sandbox/commands" and isinstance(body.get("created"), dict):
            created = body["created"]
            self._add("ephemeral" if created.get("ephemeral") else "bot", created.get("channel"), created.get("ts"))
        elif kind == "response_url" and isinstance(response.get("created"), dict):
            created = response["created"]
            self._add("ephemeral" if created.get("ephemeral") else "bot", created.get("channel"), created.get("ts"))
        elif kind == "web_api":
            method = entry.get("method")
            args = (entry.get("request") or {}).get("args") or {}
            if method in ("chat.postMessage", "chat.startStream", "chat.scheduleMessage"):
                self._add("bot", body.get("channel"), body.get("ts"))
            elif method == "chat.postEphemeral":
                self._add("ephemeral", args.get("channel"), body.get("message_ts"))
            elif method == "views.publish" and isinstance(body.get("view"), dict):
                self.home_views.add(str(body["view"].get("id")))

    def key(self, ts: str) -> tuple[str, str, int] | None:
        return self._key_by_ts.get(ts)

    def name(self, ts: str) -> str | None:
        """ "bot#2@C0ITHELP02": the same in every run of the same session."""
        key = self._key_by_ts.get(ts)
        return None if key is None else f"{key[0]}#{key[2]}@{key[1]}"

    def ts(self, key: tuple[str, str, int]) -> str | None:
        return self._ts_by_key.get(key)


class Unmappable(Exception):
    """A recorded id has no counterpart in the new run (the bot did something else before this step)."""


# ---- results --------------------------------------------------------------------------------------


@dataclass
class StepResult:
    step: Step
    expected: list[str]
    actual: list[str]
    skipped: str | None = None
    error: str | None = None

    @property
    def same(self) -> bool:
        return self.skipped is not None or (self.error is None and self.expected == self.actual)

    def diff(self) -> list[str]:
        """Call by call: `~ header` and a unified diff of its arguments for a changed call, `- missing:`
        for a recorded call the bot did not make, `+ extra:` for one it made that was not recorded."""
        expected, actual = _call_groups(self.expected), _call_groups(self.actual)
        matcher = difflib.SequenceMatcher(a=[g[0] for g in expected], b=[g[0] for g in actual], autojunk=False)
        out: list[str] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                for old, new in zip(expected[i1:i2], actual[j1:j2], strict=True):
                    if old == new:
                        continue
                    out.append("~ " + (old[0] if old[0] == new[0] else f"{old[0]}  =>  {new[0]}"))
                    body = list(difflib.unified_diff(old[1:], new[1:], lineterm="", n=2))[2:]
                    out.extend("  " + line for line in body)
                continue
            for group in expected[i1:i2]:
                out.append(f"- missing: {group[0]}")
                out.extend("-" + line for line in group[1:])
            for group in actual[j1:j2]:
                out.append(f"+ extra: {group[0]}")
                out.extend("+" + line for line in group[1:])
        return out


def _call_groups(lines: list[str]) -> list[list[str]]:
    """Lines split into calls: a header line followed by its indented argument lines."""
    groups: list[list[str]] = []
    for line in lines:
        if line.startswith(" ") and groups:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


@dataclass
class ReplayReport:
    """What replay found; `ok` when every step matched."""

    recording: Path
    bot_url: str
    steps: list[StepResult]

    @property
    def ok(self) -> bool:
        return all(s.same for s in self.steps)

    @property
    def differences(self) -> list[StepResult]:
        return [s for s in self.steps if not s.same]

    def render(self, *, verbose: bool = False) -> str:
        """A readable report: one line a step, and a unified diff under each step that differs."""
        skipped = sum(1 for s in self.steps if s.skipped)
        lines = [
            f"replay {self.recording.name} against {self.bot_url}: {len(self.steps)} steps, "
            f"{len(self.differences)} different, {skipped} skipped"
        ]
        for result in self.steps:
            step = result.step
            calls = sum(1 for line in result.actual if not line.startswith((" ", "outcome:")))
            if result.skipped:
                lines.append(f"  - step {step.index}: {step.describe()}  [skipped: {result.skipped}]")
                continue
            mark = "✓" if result.same else "✗"
            lines.append(f"  {mark} step {step.index}: {step.describe()}  ({calls} calls)")
            if result.error:
                lines.append(f"      error: {result.error}")
            if not result.same and result.expected != result.actual:
                lines.extend("      " + line for line in result.diff())
            elif verbose:
                lines.extend("      " + line for line in result.actual)
        lines.append("same as recorded" if self.ok else f"DIFFERENT: {len(self.differences)} step(s) changed")
        return "\n".join(lines)


# ---- driving --------------------------------------------------------------------------------------


class _Run:
    """One side of the comparison: its index of messages and a normaliser that names ts by it."""

    def __init__(self, ignore: Sequence[re.Pattern[str]]) -> None:
        self.index = MessageIndex()
        self.norm = Normaliser(ignore, ts_name=self.index.name)


class Replayer:
    def __init__(
        self,
        sandbox: RunningSandbox,
        *,
        quiet_ms: int,
        step_timeout: float,
        include_reads: bool,
        ignore: Sequence[str],
    ) -> None:
        self.sb = sandbox
        self.client = SandboxClient(sandbox.base_url, timeout=max(15.0, step_timeout + 5))
        self.quiet = quiet_ms / 1000.0
        self.step_timeout = step_timeout
        self.include_reads = include_reads
        patterns = compile_patterns(ignore)
        self.recorded = _Run(patterns)
        self.replayed = _Run(patterns)

    def close(self) -> None:
        self.client.close()

    # ---- mapping recorded ids ----

    def _ts(self, recorded_ts: str | None) -> str | None:
        if not recorded_ts:
            return recorded_ts
        key = self.recorded.index.key(recorded_ts)
        if key is None:
            raise Unmappable(f"ts {recorded_ts} was not created during the recording")
        ts = self.replayed.index.ts(key)
        if ts is None:
            source, channel, n = key
            raise Unmappable(f"the bot has not posted a {n}. {source} message in {channel} this time")
        return ts

    def _view(self, user: str, recorded_view: str) -> str:
        if recorded_view in self.recorded.index.home_views:
            view = self.client.home(user)
            if not view:
                raise Unmappable(f"{user} has no App Home view this time")
            return str(view["id"])
        top = self.client.modal(user).get("view")
        if not top:
            raise Unmappable(f"{user} has no modal open this time")
        return str(top["id"])

    def _drive(self, step: Step) -> dict[str, Any]:
        b = dict(step.body)
        params = step.entry.get("path_params") or {}
        user = str(b.get("user", ""))
        if step.kind == "message":
            b["thread_ts"] = self._ts(b.get("thread_ts"))
            return self.client.post("/sandbox/messages", {k: v for k, v in b.items() if v is not None})
        if step.kind == "reaction":
            b["ts"] = self._ts(b.get("ts"))
            return self.client.post("/sandbox/reactions", b)
        if step.kind == "click":
            b["ts"] = self._ts(b.get("ts"))
            try:
                return self.client.post("/sandbox/actions", b)
            except DriverError as exc:
                # Block ids often carry ids of the bot's own (an approval id): find the element by action_id.
                if exc.error != "action_not_found" or not b.get("block_id"):
                    raise
                return self.client.post("/sandbox/actions", {**b, "block_id": None})
        if step.kind in ("view_action", "submit", "close"):
            view_id = self._view(user, str(params.get("view_id", "")))
            path = {"view_action": "actions", "submit": "submit", "close": "close"}[step.kind]
            if step.kind == "view_action" and b.get("block_id"):
                try:
                    return self.client.post(f"/sandbox/views/{view_id}/{path}", b)
                except DriverError as exc:
                    if exc.error != "action_not_found":
                        raise
                    b["block_id"] = None
            return self.client.post(f"/sandbox/views/{view_id}/{path}", b)
        if step.kind == "command":
            return self.client.post("/sandbox/commands", b)
        if step.kind == "app_home":
            return self.client.post("/sandbox/app_home", b)
        if step.kind == "open_dm":
            return self.client.post("/sandbox/dms", b)
        raise Unmappable(f"unknown step kind {step.kind}")

    # ---- waiting ----

    def _compared(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [e for e in entries if is_compared(e, include_reads=self.include_reads)]

    def _settle(self, mark: int, expected: int) -> list[dict[str, Any]]:
        """Waits for the bot to go quiet; returns everything recorded since `mark`."""
        recorder = self.sb.sandbox.recorder
        deadline = time.monotonic() + self.step_timeout
        last_count, last_change = -1, time.monotonic()
        while True:
            entries = recorder.entries(after=mark)
            bot_calls = [e for e in entries if e.get("direction") == "bot->sandbox"]
            now = time.monotonic()
            if len(bot_calls) != last_count:
                last_count, last_change = len(bot_calls), now
            quiet = now - last_change >= self.quiet and not self.sb.sandbox.delivery.busy
            if quiet and len(self._compared(bot_calls)) >= expected:
                return entries
            if now > deadline:
                return entries
            time.sleep(0.02)

    # ---- a whole run ----

    def run(self, steps: list[Step], before: list[dict[str, Any]]) -> list[StepResult]:
        for entry in before:
            self.recorded.index.observe(entry)
        results = []
        for step in steps:
            self.recorded.index.observe(step.entry)
            for entry in step.expected:
                self.recorded.index.observe(entry)
            results.append(self._one(step))
        return results

    def _lines(self, run: _Run, answer: dict[str, Any], calls: list[dict[str, Any]]) -> list[str]:
        lines = outcome_lines(answer, run.norm)
        for call in self._compared(calls):
            lines.extend(call_lines(call, run.norm))
        return lines

    def _one(self, step: Step) -> StepResult:
        expected_calls = self._compared(step.expected)
        expected = self._lines(self.recorded, step.answer, step.expected)
        if step.kind in SKIPPED:
            return StepResult(step, expected, expected, skipped=SKIPPED[step.kind])
        mark = self.sb.sandbox.recorder.last_seq
        error = None
        try:
            answer = self._drive(step)
        except DriverError as exc:
            answer = exc.body
        except Unmappable as exc:
            answer, error = {}, str(exc)
        except httpx.HTTPError as exc:
            answer, error = {}, f"the sandbox did not answer the action ({type(exc).__name__})"
        entries = self._settle(mark, len(expected_calls)) if error is None else []
        for entry in entries:
            self.replayed.index.observe(entry)
        calls = [e for e in entries if e.get("direction") == "bot->sandbox"]
        actual = self._lines(self.replayed, answer, calls) if error is None else []
        return StepResult(step, expected, actual, error=error)


def replay(
    file: Path | str,
    *,
    bot_url: str,
    signing_secret: str | None = None,
    bot_token: str | None = None,
    port: int = 0,
    company_file: Path = DEFAULT_COMPANY_FILE,
    quiet_ms: int = 300,
    step_timeout: float = 10.0,
    include_reads: bool = False,
    ignore: Sequence[str] = (),
    config: SandboxConfig | None = None,
    on_ready: Callable[[RunningSandbox], None] | None = None,
) -> ReplayReport:
    """Re-drives the person actions of a recording against the bot at `bot_url` and compares its calls.

    The bot must use this replay's sandbox as its Web API: pass the `port` it is configured with (or read
    the URL in `on_ready`). `ignore` adds regular expressions for values that may differ (e.g. r"OPS-\\d+"
    when the bot's ticket counter is not fresh).
    """
    path = Path(file)
    steps, before = plan(load_recording(path))
    base = config or SandboxConfig()
    overrides: dict[str, Any] = {
        "data_dir": None,
        "bot_request_url": bot_url,
        "interactivity_url": None,
        "commands_url": None,
        "socket_mode": False,
        "port": port,
        "company_file": company_file,
        "record": True,
        # A slow first answer should not be retried into a duplicate while replay waits for it.
        "retry_delays": (1.0, 2.0, 4.0),
    }
    if signing_secret is not None:
        overrides["signing_secret"] = signing_secret
    if bot_token is not None:
        overrides["bot_token"] = bot_token
    sandbox = run_in_thread(replace(base, **overrides))
    replayer = Replayer(
        sandbox, quiet_ms=quiet_ms, step_timeout=step_timeout, include_reads=include_reads, ignore=ignore
    )
    try:
        if on_ready is not None:
            on_ready(sandbox)
        results = replayer.run(steps, before)
    finally:
        replayer.close()
        sandbox.stop()
    return ReplayReport(recording=path, bot_url=bot_url, steps=results)
