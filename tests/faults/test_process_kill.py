"""SIGKILL the bot process in the middle of work, start it again, and count what members see."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.activity import ActivityService
from bot.audit import AuditLog
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.daily import DailyService
from bot.localdiscord import LocalDiscord, SimChannel
from bot.scheduler import JobScheduler
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from bot.timezones import TimezoneResolver
from tests.faults.child_process import BotProcess, query, wait_for

pytestmark = pytest.mark.faults

GUILDS = 200


def _posts(channel: SimChannel) -> int:
    return sum(1 for m in channel.messages if m.embeds and m.embeds[0].get("title", "").startswith("Day "))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[LocalDiscord, ManualClock, dict[int, SimChannel], Path]]:
    clock = ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    db_path = tmp_path / "studybot.sqlite3"
    async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules={}) as sim:
        channels = {}
        for n in range(GUILDS):
            guild = sim.create_guild(f"Guild {n}")
            channels[guild.id] = guild.create_text_channel("daily")
        db = Database(db_path)
        await db.open()
        service = DailyService(db, clock, ContentStore.load(SHIPPED_CONTENT_DIR), JobScheduler(clock, manual=True),
                               AuditLog(db, clock), ActivityService(db, clock, TimezoneResolver(db)))
        for guild_id, channel in channels.items():
            await service.setup(guild_id, 1, channel_id=channel.id, time_text="09:00", zone_text="UTC",
                                role_id=None)
        await db.close()
        clock.set(datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC))  # every guild is due
        yield sim, clock, channels, db_path


async def test_sigkill_in_the_middle_of_a_200_guild_delivery(world: tuple) -> None:
    sim, clock, channels, db_path = world
    first = BotProcess(sim, clock, db_path, rate=150)
    await first.start()
    await wait_for(lambda: sum(_posts(c) for c in channels.values()) >= 40, "the delivery to be under way", first)
    first.kill()
    await first.wait_dead()
    done_before = sum(_posts(c) for c in channels.values())
    assert done_before < GUILDS, "the delivery finished before the kill; the test proves nothing"

    second = BotProcess(sim, clock, db_path, rate=1000)
    await second.start()
    await wait_for(lambda: all(_posts(c) >= 1 for c in channels.values()), "every guild to get its post", second)
    await wait_for(lambda: query(db_path, "SELECT COUNT(*) FROM daily_posts WHERE status = 'sent'")[0][0] == GUILDS,
                   "the ledger to record every post", second)
    assert await second.stop() == 0
    assert sorted({_posts(c) for c in channels.values()}) == [1], "a guild got no post or two"
    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    assert not sim.errors
