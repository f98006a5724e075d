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
from bot.localdiscord import LocalDiscord, Reply, SimChannel
from bot.localdiscord.process import BotProcess
from bot.scheduler import JobScheduler
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from bot.timezones import TimezoneResolver
from tests.bot.daily.conftest import FakeDiscord
from tests.faults.child_process import query, wait_for

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
                               AuditLog(db, clock), ActivityService(db, clock, TimezoneResolver(db)), FakeDiscord())
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


async def test_sigkill_during_a_stream_of_answers_keeps_every_acknowledged_one(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    db_path = tmp_path / "studybot.sqlite3"
    async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules={}) as sim:
        guild = sim.create_guild("Study Hall")
        channel = guild.create_text_channel("daily")
        members = [guild.add_member(f"m{n}") for n in range(40)]
        db = Database(db_path)
        await db.open()
        service = DailyService(db, clock, ContentStore.load(SHIPPED_CONTENT_DIR), JobScheduler(clock, manual=True),
                               AuditLog(db, clock), ActivityService(db, clock, TimezoneResolver(db)), FakeDiscord())
        await service.setup(guild.id, 1, channel_id=channel.id, time_text="09:00", zone_text="UTC", role_id=None)
        await db.close()
        clock.set(datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC))  # set up before 09:00, started just after: it is due
        bot = BotProcess(sim, clock, db_path)
        await bot.start()
        await wait_for(lambda: _posts(channel) == 1 and sim.gateway.active is not None, "the day's post", bot)
        post = next(m for m in channel.messages if m.embeds)
        saved: dict[int, str] = {}
        in_flight = []
        for number, member in enumerate(members):
            if number == 15:
                bot.kill()  # mid-stream: some forms are open, some submissions are on their way
            opened = member.start_click(post, "Submit answer")
            await wait_for(lambda i=opened: i.response_type is not None or not bot.alive(), "the form", bot)
            if opened.modal is None:
                continue
            submitted = member.start_submit_modal(Reply(opened), answer=f"answer number {number}")
            in_flight.append((member, number, submitted))
            await wait_for(lambda s=submitted: "Saved" in Reply(s).text or not bot.alive(),
                           "the answer to be acknowledged", bot)
        await bot.wait_dead()
        for member, number, submitted in in_flight:
            if "Saved" in Reply(submitted).text:
                saved[member.id] = f"answer number {number}"
        assert len(saved) >= 10
        stored = dict(query(db_path, "SELECT user_id, body FROM daily_answers"))
        assert {k: stored.get(k) for k in saved} == saved  # nothing the member saw acknowledged was lost
        assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
        restarted = BotProcess(sim, clock, db_path)
        await restarted.start()
        await wait_for(lambda: sim.gateway.identify_count >= 2 and sim.gateway.active is not None,
                       "the bot to come back", restarted)
        late = members[-1]
        opened = late.start_click(post, "Submit answer")
        await wait_for(lambda: opened.response_type is not None, "the form after the restart", restarted)
        submitted = late.start_submit_modal(Reply(opened), answer="after the restart")
        await wait_for(lambda: "Saved" in Reply(submitted).text, "the late answer", restarted)
        assert await restarted.stop() == 0
        assert _posts(channel) == 1


async def test_sigterm_during_a_delivery_stops_cleanly_and_loses_nothing(world: tuple) -> None:
    sim, clock, channels, db_path = world
    first = BotProcess(sim, clock, db_path, rate=150)
    await first.start()
    await wait_for(lambda: sum(_posts(c) for c in channels.values()) >= 40, "the delivery to be under way", first)
    assert await first.stop() == 0  # SIGTERM: the scheduler stops taking jobs, the database closes
    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    second = BotProcess(sim, clock, db_path, rate=1000)
    await second.start()
    await wait_for(lambda: all(_posts(c) >= 1 for c in channels.values()), "every guild to get its post", second)
    assert await second.stop() == 0
    assert sorted({_posts(c) for c in channels.values()}) == [1], "a guild got no post or two"
    assert not sim.errors
