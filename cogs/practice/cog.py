"""/practice: an unanswered prompt, privately, with the answer form, hints and the rubric gate;
/archive: the server's past prompts with their discussion threads, a page at a time."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.practice import PracticeService
from cogs._common import in_servers
from cogs._common.authority import Audience, declared
from cogs._common.lifecycle import load_service, unload_service
from cogs._common.prompts import DIFFICULTY_CHOICES, KIND_CHOICES
from cogs.practice.views import DYNAMIC_ITEMS, FORMS, archive_message, practice_message


class Practice(commands.Cog):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        core = client.core
        self.service = PracticeService(core.db, core.clock, core.content, core.activity, server=core.server_content)

    async def cog_load(self) -> None:
        await load_service(self.client, self.service)
        self.client.add_dynamic_items(*DYNAMIC_ITEMS)
        self.client.forms.add(*FORMS)

    async def cog_unload(self) -> None:
        await unload_service(self.client, self.service)
        self.client.remove_dynamic_items(*DYNAMIC_ITEMS)
        self.client.forms.remove(*FORMS)

    @app_commands.command(name="practice", description="A prompt you have not answered yet, just for you",
                          extras=declared(Audience.MEMBER))
    @app_commands.describe(kind="Only prompts of this kind", difficulty="Only prompts this hard")
    @app_commands.choices(kind=KIND_CHOICES, difficulty=DIFFICULTY_CHOICES)
    @in_servers
    async def practice(self, interaction: discord.Interaction, kind: app_commands.Choice[str] | None = None,
                       difficulty: app_commands.Choice[str] | None = None) -> None:
        embed, view = await practice_message(interaction, kind.value if kind else None,
                                             difficulty.value if difficulty else None, 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="archive", description="Past daily prompts of this server, with their threads",
                          extras=declared(Audience.MEMBER))
    @app_commands.describe(kind="Only prompts of this kind", page="Which page (10 prompts a page, newest first)")
    @app_commands.choices(kind=KIND_CHOICES)
    @in_servers
    async def archive(self, interaction: discord.Interaction, kind: app_commands.Choice[str] | None = None,
                      page: app_commands.Range[int, 1, 1000] = 1) -> None:
        embed, view = await archive_message(interaction, kind.value if kind else None, page)
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
