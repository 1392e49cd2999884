"""The digest and reminder settings are documented in .env.example, with their real defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"
DIGEST_SETTINGS = (
    "scheduler_enabled",
    "scheduler_lease_seconds",
    "digest_grace_minutes",
    "digest_empty",
    "digest_due_soon_days",
    "approval_reminder_minutes",
)


def _documented() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if "=" in line and line[0] != "#")
    return {name.strip(): value.strip() for name, value in pairs}


@pytest.mark.parametrize("name", DIGEST_SETTINGS)
def test_env_example_documents_each_digest_setting_with_its_default(name: str) -> None:
    """Each digest/reminder setting appears in .env.example, and its value there parses to the code's default."""
    documented = _documented()
    key = f"DESKHAND_{name.upper()}"
    assert key in documented, f"{key} is missing from .env.example"
    default = Settings.model_fields[name].default
    parsed = Settings.model_validate({name: documented[key]})
    assert getattr(parsed, name) == default
