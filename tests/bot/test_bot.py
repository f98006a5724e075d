"""The bot class's own behaviour, through the local Discord."""

from __future__ import annotations

import asyncio

import discord

from bot import pacing
from bot.localdiscord import BotHarness, LocalDiscord
from bot.pacing import members_first
from bot.storage import bounded_writes, database
from bot.storage.database import INTERACTION_WRITE_QUEUE_SECONDS


async def test_channel_lookups_ask_the_remembered_guild_and_see_deletions(harness: BotHarness,
                                                                         sim: LocalDiscord) -> None:
    other = sim.create_guild("Second Server")
    elsewhere = other.create_text_channel("lounge")
    bot = harness.bot
    assert bot is not None
    await harness.wait_until(lambda: (guild := bot.get_guild(other.id)) is not None
                             and guild.get_channel(elsewhere.id) is not None, what="the second server to arrive")
    daily = next(c for c in harness.guild.channels.values() if c.name == "daily")
    for _ in range(2):  # the first lookup walks the guilds; the second asks the guild it found
        found = bot.get_channel(daily.id)
        assert isinstance(found, discord.TextChannel) and found.name == "daily"
        assert found.guild.id == harness.guild.id
        lounge = bot.get_channel(elsewhere.id)
        assert isinstance(lounge, discord.TextChannel) and lounge.guild.id == other.id
    harness.guild.delete_channel(daily)
    await harness.wait_until(lambda: bot.get_guild(harness.guild.id).get_channel(daily.id) is None, what="the deletion")
    assert bot.get_channel(daily.id) is None
    assert bot.get_channel(12345) is None


async def test_work_a_click_starts_in_the_background_waits_behind_members_as_a_scheduled_job_does(
        harness: BotHarness) -> None:
    """A click answers first and leaves the slow part (deleting a member's messages, a post on demand) to a
    background task, copied from the click's context: that task must not keep the click's lane, ahead of
    other members' requests, nor its deadline on writes, which would stop it halfway at a busy moment."""
    seen: list[tuple[bool, float | None]] = []

    async def background() -> None:
        seen.append((pacing._member_lane.get(), database._write_queue_limit.get()))  # noqa: SLF001

    async def click() -> None:
        bounded_writes()
        members_first()
        assert harness.bot is not None
        await harness.bot.spawn(background(), name="studybot-test-background")
        seen.append((pacing._member_lane.get(), database._write_queue_limit.get()))  # noqa: SLF001

    await asyncio.create_task(click())
    assert seen == [(False, None), (True, INTERACTION_WRITE_QUEUE_SECONDS)]  # the click itself keeps its own
