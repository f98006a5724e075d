"""/cards: personal spaced-repetition review of the FAQ flashcards (replies only you can see)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.cards import StudyService
from cogs.cards.embeds import stats_embed
from cogs.cards.views import DYNAMIC_ITEMS, session_message


@app_commands.guild_only()
class Cards(commands.GroupCog, group_name="cards", group_description="Review the FAQ flashcards"):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        core = client.core
        self.service = StudyService(core.db, core.clock, core.content, core.timezones, core.activity,
                                    fuzzing=core.settings.srs_fuzzing)
        super().__init__()

    async def cog_load(self) -> None:
        self.client.add_dynamic_items(*DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.client.remove_dynamic_items(*DYNAMIC_ITEMS)

    @app_commands.command(name="study", description="Review your due flashcards, then new ones")
    async def study(self, interaction: discord.Interaction) -> None:
        embed, view = await session_message(self.service, interaction.guild_id, interaction.user.id, None)
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="stats", description="Due cards, reviews, retention and what comes next")
    async def stats(self, interaction: discord.Interaction) -> None:
        stats = await self.service.stats(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(embed=stats_embed(stats), ephemeral=True)

    @app_commands.command(name="settings", description="How many new cards you see a day")
    @app_commands.rename(new_per_day="new-per-day")
    @app_commands.describe(new_per_day="New cards a day, 0-100 (default 10)")
    async def settings(self, interaction: discord.Interaction,
                       new_per_day: app_commands.Range[int, 0, 100]) -> None:
        await self.service.set_new_per_day(interaction.user.id, new_per_day)
        await interaction.response.send_message(
            f"You will see up to **{new_per_day}** new cards a day; reviews of cards you have started are never "
            "capped.", ephemeral=True)
