"""Browser fixtures: Debian's Chromium driven by Playwright, and a sandbox that delivers to the real deskhand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from tests.e2e.support import ARTIFACTS, BOT_TOKEN, CHROMIUM, CHROMIUM_ARGS, SECRET, LiveStack, free_port


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (about a second to start)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own localStorage) and page; console errors fail the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def live_stack(isolated_env: Path) -> Iterator[LiveStack]:
    """Sandbox → deskhand over loopback HTTP, the way `deskhand run` wires them."""
    from bot.runner import start_in_thread
    from bot.settings import Settings
    from sandbox import SandboxConfig, run_in_thread

    bot_port = free_port()  # the sandbox must know the bot's URL before the bot starts
    sandbox = run_in_thread(
        SandboxConfig(
            signing_secret=SECRET,
            bot_token=BOT_TOKEN,
            bot_request_url=f"http://127.0.0.1:{bot_port}/slack/events",
            retry_delays=(0.5, 1.0, 2.0),
        )
    )
    settings = Settings(
        data_dir=isolated_env,
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=sandbox.api_url,
        port=bot_port,
        worker_threads=2,
    )
    bot = start_in_thread(settings)
    try:
        yield LiveStack(url=sandbox.base_url, sandbox=sandbox, bot=bot)
    finally:
        sandbox.signal_stop()
        bot.stop()
        sandbox.stop()


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Any:
    """shoot(page, "step"): a full-page PNG in test-artifacts/e2e/<test>-<n>-<step>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(page: Any, step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path))
        return path

    return take
