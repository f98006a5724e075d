"""/upcoming: for every member, when the next daily prompt, quiz and mock round happen.

The moderators' status commands show rotations and failures; members only need the times,
and a members' command of its own keeps moderators' top-level commands moderators-only.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.daily import DailyService
from bot.mock import MockService
from bot.quiz import QuizService
from cogs._common import BRAND_COLOUR, discord_timestamp, in_servers
from cogs._common.authority import Audience, declared


class Upcoming(commands.Cog):
    def __init__(self, client: StudyBot) -> None:
        self.client = client

    @app_commands.command(name="upcoming", description="When the next daily prompt, quiz and mock round are",
                          extras=declared(Audience.MEMBER))
    @in_servers
    async def upcoming(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        embed = discord.Embed(title="Coming up here", colour=BRAND_COLOUR)
        # The services' own times: a post already out today is not listed again at a time moved later.
        for name, service in (("Daily prompt", self.client.services.find(DailyService)),
                              ("Daily quiz", self.client.services.find(QuizService))):
            times = await service.next_posts(interaction.guild_id, 1) if service is not None else []
            when = times[0] if times else None
            embed.add_field(name=name, value=discord_timestamp(when, "F") + f" ({discord_timestamp(when, 'R')})"
                            if when else "not scheduled", inline=False)
        mock = self.client.services.find(MockService)
        next_round = (await mock.rounds_ahead(interaction.guild_id)).next_round if mock else None
        embed.add_field(name="Mock-interview round", inline=False,
                        value=f"{discord_timestamp(next_round, 'F')} · `/mock join` to take part" if next_round
                        else "not scheduled")
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(client: StudyBot) -> None:
    await client.add_cog(Upcoming(client))
