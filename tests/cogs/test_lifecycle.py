"""Extensions reloaded while the bot runs: jobs and ready hooks are neither lost nor doubled."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.daily import DailyService
from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_daily import posts, setup_daily


async def test_reloading_daily_keeps_one_schedule_and_one_catch_up(harness: BotHarness, mod: SimMember,
                                                                   daily: SimChannel) -> None:
    harness.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    bot = harness.bot
    assert bot is not None
    old = bot.services.get(DailyService)
    await bot.reload_extension("cogs.daily")
    new = bot.services.get(DailyService)
    assert new is not old
    hooks = [hook for hook in bot._ready_hooks if isinstance(getattr(hook, "__self__", None), DailyService)]
    assert hooks == [new.catch_up]  # the unloaded service's hook went with it
    await harness.advance_to(datetime(2026, 3, 3, 9, 1, tzinfo=UTC))
    assert len(posts(daily)) == 2  # the 2nd and the 3rd, each once
