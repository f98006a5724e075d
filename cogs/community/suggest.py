"""/suggest: members propose prompts and flashcards; each is checked like pack content, then queued."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.community import SuggestionService
from cogs._common import in_servers
from cogs._common.authority import Audience, declared
from cogs.community.embeds import mine_embed
from cogs.community.forms import MemberForm, card_inputs, prompt_inputs
from cogs.community.review import post_to_queue
from cogs.daily.embeds import KIND_LABELS

KIND_CHOICES = [app_commands.Choice(name=label, value=value) for value, label in KIND_LABELS.items()]
DIFFICULTY_CHOICES = [app_commands.Choice(name=d, value=d) for d in ("easy", "medium", "hard")]


@in_servers
class Suggest(commands.GroupCog, group_name="suggest", group_description="Suggest a prompt or a flashcard",
              group_extras=declared(Audience.MEMBER)):
    def __init__(self, client: commands.Bot, service: SuggestionService) -> None:
        self.client = client
        self.service = service
        super().__init__()

    async def _queue(self, interaction: discord.Interaction, kind: str, fields: dict[str, str]) -> None:
        assert interaction.guild_id is not None
        suggestion = await self.service.suggest(interaction.guild_id, interaction.user.id, kind, fields)  # type: ignore[arg-type]
        await interaction.response.send_message(
            f"Thanks! Your {kind} is suggestion **#{suggestion.id}** and waits for a moderator's review. "
            "You will get a DM when it is decided; `/suggest mine` shows where it is.", ephemeral=True)
        await post_to_queue(self.client, self.service, suggestion)

    @app_commands.command(name="card", description="Suggest a flashcard for this server's deck and quiz")
    async def card(self, interaction: discord.Interaction) -> None:
        async def submit(submitted: discord.Interaction, fields: dict[str, str]) -> None:
            await self._queue(submitted, "card", fields)

        await interaction.response.send_modal(MemberForm("Suggest a flashcard", card_inputs(), submit))

    @app_commands.command(name="prompt", description="Suggest a daily design prompt for this server")
    @app_commands.describe(kind="What kind of prompt it is", difficulty="How hard it is",
                           title="A short title, e.g. 'Rate-limit an LLM gateway'")
    @app_commands.choices(kind=KIND_CHOICES, difficulty=DIFFICULTY_CHOICES)
    async def prompt(self, interaction: discord.Interaction, kind: app_commands.Choice[str],
                     difficulty: app_commands.Choice[str], title: app_commands.Range[str, 1, 246]) -> None:
        chosen = {"kind": kind.value, "difficulty": difficulty.value, "title": title}

        async def submit(submitted: discord.Interaction, fields: dict[str, str]) -> None:
            await self._queue(submitted, "prompt", {**chosen, **fields})

        await interaction.response.send_modal(MemberForm(f"Suggest: {title}", prompt_inputs(), submit))

    @app_commands.command(name="mine", description="Your suggestions here and what became of them")
    async def mine(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        suggestions = await self.service.mine(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(embed=mine_embed(suggestions), ephemeral=True)
