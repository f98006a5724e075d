"""/stats: daily answers, flashcard reviews, quiz answers and mock interviews per week, as a chart."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.stats import KINDS, ProgressService, Series, render_weekly
from cogs._common import BRAND_COLOUR, in_servers, truncate
from cogs._common.authority import Audience, declared


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
        series = [Series(label, weeks.counts[kind]) for kind, label in KINDS]
        png = render_weekly(f"{interaction.guild.name} · participation per week", weeks.weeks, series)
        lines = []
        for kind, label in KINDS:
            counts = weeks.counts[kind]
            lines.append(f"**{label.capitalize()}**: {counts[-1]} this week · {counts[-2]} last week · "
                         f"{sum(counts)} in 12 weeks")
        embed = discord.Embed(title=truncate(f"Participation · {interaction.guild.name}", 256), colour=BRAND_COLOUR,
                              description="\n".join(lines))
        embed.set_image(url="attachment://participation.png")
        embed.set_footer(text="Weeks run Monday to Sunday; each action counts on the member's own date.")
        await interaction.response.send_message(embed=embed, file=discord.File(io.BytesIO(png), "participation.png"),
                                                ephemeral=True)
