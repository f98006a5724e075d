"""The bot class's own behaviour, through the local Discord."""

from __future__ import annotations

import discord

from bot.localdiscord import BotHarness, LocalDiscord


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
