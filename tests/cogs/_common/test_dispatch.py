"""A click on a persistent button is answered from its custom id alone: discord.py's rebuilding of the
clicked message as a view, which studybot's buttons never use, is skipped on every click."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.localdiscord import BotHarness, SimChannel, SimMember

from ..test_daily import posts, setup_daily


@pytest.fixture
def rebuilt(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of messages discord.py rebuilt as a view."""
    seen: list[int] = []
    original = discord.ui.View.from_message.__func__  # type: ignore[attr-defined]

    def counting(cls: type[discord.ui.View], message: discord.Message, /, **options: Any) -> discord.ui.View:
        seen.append(message.id)
        return original(cls, message, **options)  # type: ignore[no-any-return]

    monkeypatch.setattr(discord.ui.View, "from_message", classmethod(counting))
    return seen


async def test_a_click_on_a_persistent_button_is_answered_without_rebuilding_the_messages_view(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember, rebuilt: list[int]) -> None:
    await setup_daily(mod, daily)
    await harness.advance_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    [post] = posts(daily)
    hints = await alice.click(post, "Hints")
    assert hints.ephemeral and "Hints" in hints.text
    rubric = await alice.click(post, "Rubric")  # refused until she answers: the check runs on this path too
    assert rubric.ephemeral and "answer" in rubric.text.lower()
    assert rebuilt == []
