"""The bot as a sharded client: Discord's recommended shards, each guild on its own shard, one post each."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.localdiscord import BotHarness, LocalDiscord
from bot.localdiscord.gateway_rules import MAX_GUILDS_PER_SHARD
from tests.conftest import TEST_BUCKETS

GUILDS = 2502


@pytest.fixture
async def big_world(clock: ManualClock) -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules=TEST_BUCKETS) as sim:
        for index in range(GUILDS):
            sim.create_guild(f"Study group {index}").create_text_channel("daily")
        yield sim


@pytest.mark.slow
async def test_past_2500_guilds_the_bot_shards_and_every_guild_gets_one_daily_post(
        big_world: LocalDiscord, clock: ManualClock, tmp_path: Path) -> None:
    sim = big_world
    harness = BotHarness(sim, tmp_path / "studybot.sqlite3", clock)
    await harness.start()
    try:
        bot = harness.bot
        assert bot is not None
        # GET /gateway/bot recommends ceil(2502 / 1000) = 3 shards, and the bot connects on all of them.
        assert bot.shard_count == 3 and sorted(bot.shards) == [0, 1, 2]
        sessions = sim.gateway.live_sessions()
        assert sorted(s.shard for s in sessions) == [(0, 3), (1, 3), (2, 3)]
        assert 4011 not in sim.gateway.close_codes
        assert len(bot.guilds) == GUILDS
        for shard_id in range(3):
            held = [g for g in bot.guilds if g.shard_id == shard_id]
            assert 0 < len(held) <= MAX_GUILDS_PER_SHARD
        service = bot.get_cog("Daily").service  # type: ignore[union-attr]
        for guild in sim.guilds.values():
            owner = next(iter(guild.members))
            await service.setup(guild.id, owner, channel_id=guild.channel("daily").id, time_text="10:00",
                                zone_text="UTC", role_id=None)
        harness.core.pacer.rate = 5000  # this simulator has no global limit; BENCHMARKS.md paces at 48/s
        await harness.advance_to(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
        counts = {len([m for m in g.channel("daily").messages if m.author_id == sim.bot_user.id])
                  for g in sim.guilds.values()}
        assert counts == {1}
        await harness.restart()  # a restart the same day catches up nothing twice
        await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
        counts = {len([m for m in g.channel("daily").messages if m.author_id == sim.bot_user.id])
                  for g in sim.guilds.values()}
        assert counts == {1}
        assert not sim.errors
    finally:
        await harness.stop()


async def test_health_shows_every_shard_and_a_fixed_layout_is_used(clock: ManualClock, tmp_path: Path) -> None:
    async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules=TEST_BUCKETS, max_concurrency=2) as sim:
        guilds = [sim.create_guild(f"Study group {index}") for index in range(4)]
        for guild in guilds:
            guild.create_text_channel("daily")
        owner = guilds[0].add_member("owner-mod", manage_guild=True)
        harness = BotHarness(sim, tmp_path / "studybot.sqlite3", clock, settings={"shard_count": 2})
        await harness.start()
        try:
            assert harness.bot is not None and harness.bot.shard_count == 2
            assert sorted(s.shard for s in sim.gateway.live_sessions()) == [(0, 2), (1, 2)]
            harness.core.settings.owner_ids.append(owner.id)
            health = await owner.slash("studybot-owner health")
            per_shard = {s: sum((g.id >> 22) % 2 == s for g in guilds) for s in (0, 1)}
            for shard_id, count in per_shard.items():
                assert f"#{shard_id} 🟢 connected" in health.text and f" {count} server{'' if count == 1 else 's'}\n" in health.text
            assert "Shards (this process runs all 2)" in health.text
        finally:
            await harness.stop()


async def test_a_time_agreed_by_dm_in_a_server_another_process_serves_gets_its_event(
        clock: ManualClock, tmp_path: Path) -> None:
    """Discord sends every DM interaction to shard 0, whichever server the DM is about. A group told by DM (the
    bot may not make private threads) in a server on shard 1 agrees its time there: the process serving the
    server, which alone sees its channels, still puts the Discord event up in the voice channel the moderators
    chose, and takes it down when the interview is cancelled from the DMs."""
    async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules=TEST_BUCKETS, max_concurrency=2) as sim:
        guild = sim.create_guild("Study group")
        while (guild.id >> 22) % 2 != 1:  # a server on shard 1 of 2
            clock.advance(milliseconds=1)
            guild = sim.create_guild("Study group")
        room = guild.create_text_channel("mock-interviews")
        room.deny(sim.bot_user.id, "create_private_threads")
        voice = guild.create_voice_channel("Interview room")
        mod = guild.add_member("mod", manage_guild=True)
        alice, bob = guild.add_member("alice"), guild.add_member("bob")
        first = BotHarness(sim, tmp_path / "studybot.sqlite3", clock, settings={"shard_count": 2, "shard_ids": "0"})
        await first.start()
        try:
            async with first.process_serving("1", 2) as second:
                async def settle_both() -> None:
                    await first.settle()
                    await second.settle()

                sim.settle_hook = settle_both
                for member in (alice, bob):
                    await member.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
                await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                                channel=room, voice=voice)
                assert "Round 1 started" in (await mod.slash("mock-admin pair-now")).text
                [brief_dm] = [m for m in alice.dms if "Propose another time" in m.button_labels]
                await alice.submit_modal(await alice.click(brief_dm, "Propose another time"), when="Thu 19:00")
                [proposal] = [m for m in bob.dms if " proposes " in m.content]
                await bob.click(proposal, "Accept this time")
                assert any(m.content.startswith("✅ Interview") for m in alice.dms)
                await second.advance(minutes=15)  # the process serving the server places what it owes there
                [event] = guild.scheduled_events.values()
                assert event["channel_id"] == str(voice.id)
                assert event["scheduled_start_time"].startswith("2026-03-05T19:00")
                [confirmed] = [m for m in alice.dms if m.content.startswith("✅ Interview")]
                await alice.submit_modal(await alice.click(confirmed, "Cancel interview"), reason="Flu, sorry")
                await second.advance(minutes=15)
                assert guild.scheduled_events == {}
            assert not sim.errors
        finally:
            await first.stop()
