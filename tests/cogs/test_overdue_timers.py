"""Timers whose time passed while the bot was down: they run once the bot knows its servers again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimMember, SimMessage
from bot.scheduler import JobScheduler
from tests.cogs.test_quiz import correct_letter, quizzes


@pytest.fixture
def overdue_timers_fire_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in production: the scheduler starts with the extensions, before any shard is ready, and APScheduler runs
    at once every timer whose time passed while the bot was down. The manual scheduler is made to do the same."""
    start = JobScheduler.start

    def start_and_run_overdue(self: JobScheduler) -> None:
        start(self)
        asyncio.get_running_loop().create_task(self.run_due(), name="studybot-overdue-timers")

    monkeypatch.setattr(JobScheduler, "start", start_and_run_overdue)


async def answered_then_stopped(harness: BotHarness, mod: SimMember, alice: SimMember,
                                daily: SimChannel) -> tuple[SimMessage, str]:
    """Monday's quiz, answered right by Alice, then the bot stopped before it closes at midnight."""
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    [post] = quizzes(daily)
    right = await correct_letter(harness)
    await alice.click(post, right)
    await harness.stop()
    return post, right


async def test_a_quiz_that_closed_while_the_bot_was_down_shows_its_answer_when_it_starts(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel,
        overdue_timers_fire_at_start: None) -> None:
    post, right = await answered_then_stopped(harness, mod, alice, daily)
    harness.clock.set(datetime(2026, 3, 3, 2, 0, tzinfo=UTC))  # the quiz closed at midnight, the bot down
    await harness.start()
    assert post.embeds[0]["title"].endswith("closed")
    assert f"The answer is **{right}**. 1 of 1 got it right." in post.embeds[0]["description"]


async def test_a_quiz_open_in_a_server_that_removed_the_bot_while_it_was_down_waits_for_it_to_come_back(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel,
        overdue_timers_fire_at_start: None) -> None:
    """Its close fell due while the bot was down, and the server removed the bot meanwhile: nothing is tried there
    at start (the removal is noticed first), and the answer is not given up on. Added back, members see it."""
    post, right = await answered_then_stopped(harness, mod, alice, daily)
    harness.sim.remove_bot_from_guild(harness.guild)
    harness.clock.set(datetime(2026, 3, 3, 2, 0, tzinfo=UTC))
    await harness.start()
    assert not post.embeds[0]["title"].endswith("closed")
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance(seconds=1)
    assert post.embeds[0]["title"].endswith("closed")
    assert f"The answer is **{right}**. 1 of 1 got it right." in post.embeds[0]["description"]
