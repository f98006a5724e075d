"""/stats: daily answers, flashcard reviews, quiz answers and mock interviews per week, as a chart."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.stats import ProgressService
from cogs._common import in_servers
from cogs._common.authority import Audience, declared
from cogs.stats.embeds import participation_embed


class Stats(commands.Cog):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        core = client.core
        self.progress = ProgressService(core.db, core.clock, core.timezones)

    @app_commands.command(name="stats", description="The server's participation per week (moderators)",
                          extras=declared(Audience.MODERATOR))
    @app_commands.default_permissions(manage_guild=True)
    @in_servers
    async def stats(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        weeks = await self.progress.participation(interaction.guild.id)
        embed, chart = participation_embed(interaction.guild.name, weeks)
        await interaction.response.send_message(embed=embed, file=chart, ephemeral=True)
