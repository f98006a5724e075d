"""Shared fixtures: a ManualClock, a LocalDiscord with a study guild, and the real bot running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.localdiscord import BotHarness, BucketRule, LocalDiscord, SimChannel, SimGuild, SimMember

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday

# Generous buckets so ordinary tests never wait on rate limits; rate-limit tests build their own.
TEST_BUCKETS = {"POST /channels/{channel_id}/messages": BucketRule(1000, 1.0)}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def sim(clock: ManualClock) -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules=TEST_BUCKETS) as local:
        guild = local.create_guild("Study Hall")
        guild.create_text_channel("general")
        guild.create_text_channel("daily")
        guild.create_role("Daily ping")
        guild.add_member("mod", manage_guild=True)
        for name in ("alice", "bob", "carol"):
            guild.add_member(name)
        yield local


@pytest.fixture
async def harness(sim: LocalDiscord, clock: ManualClock, tmp_path: Path) -> AsyncIterator[BotHarness]:
    running = BotHarness(sim, tmp_path / "studybot.sqlite3", clock)
    await running.start()
    try:
        yield running
        running.check_alive()
        assert not sim.errors, f"the bot sent requests Discord would reject: {sim.errors}"
        assert not (running.bot and running.core.scheduler.failures), (
            f"scheduled jobs failed: {running.core.scheduler.failures}")
    finally:
        await running.stop()


def _member(guild: SimGuild, name: str) -> SimMember:
    return next(m for m in guild.members.values() if m.name == name)


@pytest.fixture
def guild(harness: BotHarness) -> SimGuild:
    return harness.guild


@pytest.fixture
def mod(guild: SimGuild) -> SimMember:
    return _member(guild, "mod")


@pytest.fixture
def alice(guild: SimGuild) -> SimMember:
    return _member(guild, "alice")


@pytest.fixture
def bob(guild: SimGuild) -> SimMember:
    return _member(guild, "bob")


@pytest.fixture
def carol(guild: SimGuild) -> SimMember:
    return _member(guild, "carol")


@pytest.fixture
def general(guild: SimGuild) -> SimChannel:
    return guild.channel("general")


@pytest.fixture
def daily(guild: SimGuild) -> SimChannel:
    return guild.channel("daily")
