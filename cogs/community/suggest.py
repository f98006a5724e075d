"""/suggest: members propose prompts and flashcards; each is checked like pack content, then queued."""

from __future__ import annotations

import re
import secrets

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.community import SuggestionService
from bot.content.items import ItemKind
from bot.errors import InvalidInput
from cogs._common import in_servers
from cogs._common.authority import Audience, declared
from cogs._common.forms import FormRoute
from cogs._common.prompts import KIND_CHOICES
from cogs.community.embeds import mine_embed
from cogs.community.forms import MemberForm, card_inputs, prompt_inputs
from cogs.community.review import post_to_queue

DIFFICULTY_CHOICES = [app_commands.Choice(name=d, value=d) for d in ("easy", "medium", "hard")]


CUSTOM_ID_LIMIT = 100
PROMPT_FORM = "studybot:suggest:prompt:{kind}:{level}:"
LONG_TITLE = "~"


def prompt_form_id(kind: str, difficulty: str, title: str, long_titles: dict[str, str]) -> str:
    """The prompt form's custom id carries the title when it fits (most do); a longer one is kept in
    memory under a token, so only a long title is lost if the bot restarts while the form is open."""
    head = PROMPT_FORM.format(kind=kind, level=difficulty)
    if len(head) + len(title) <= CUSTOM_ID_LIMIT and not title.startswith(LONG_TITLE):
        return head + title
    token = secrets.token_hex(8)
    if len(long_titles) > 1000:
        long_titles.pop(next(iter(long_titles)))
    long_titles[token] = title
    return head + LONG_TITLE + token


@in_servers
class Suggest(commands.GroupCog, group_name="suggest", group_description="Suggest a prompt or a flashcard",
              group_extras=declared(Audience.MEMBER)):
    def __init__(self, client: StudyBot, service: SuggestionService) -> None:
        self.client = client
        self.service = service
        self.long_titles: dict[str, str] = {}
        self.forms = (
            FormRoute(re.compile(r"studybot:suggest:card"), Audience.MEMBER, self._card_form),
            FormRoute(re.compile(r"studybot:suggest:prompt:(?P<kind>[a-z]+):(?P<level>[a-z]+):(?P<title>.*)", re.S),
                      Audience.MEMBER, self._prompt_form))
        super().__init__()

    async def cog_load(self) -> None:
        self.client.forms.add(*self.forms)

    async def cog_unload(self) -> None:
        self.client.forms.remove(*self.forms)

    async def _queue(self, interaction: discord.Interaction, kind: ItemKind, fields: dict[str, str]) -> None:
        assert interaction.guild_id is not None
        suggestion = await self.service.suggest(interaction.guild_id, interaction.user.id, kind, fields)
        await interaction.response.send_message(
            f"Thanks! Your {kind} is suggestion **#{suggestion.id}** and waits for a moderator's review. "
            "You will get a DM when it is decided; `/suggest mine` shows where it is.", ephemeral=True)
        await post_to_queue(self.client, self.service, suggestion)

    async def _card_form(self, interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
        await self._queue(interaction, "card", fields)

    async def _prompt_form(self, interaction: discord.Interaction, match: re.Match[str],
                           fields: dict[str, str]) -> None:
        title = match["title"]
        if title.startswith(LONG_TITLE):
            title = self.long_titles.pop(title[len(LONG_TITLE):], "")
            if not title:
                raise InvalidInput("That form was opened before studybot restarted, and its long title was not "
                                   "kept; nothing was saved.",
                                   hint="Run `/suggest prompt` again (copy your text out of the form first).")
        await self._queue(interaction, "prompt", {**fields, "kind": match["kind"], "difficulty": match["level"],
                                                  "title": title})

    @app_commands.command(name="card", description="Suggest a flashcard for this server's deck and quiz")
    async def card(self, interaction: discord.Interaction) -> None:
        await MemberForm("Suggest a flashcard", card_inputs(), "studybot:suggest:card").show(interaction)

    @app_commands.command(name="prompt", description="Suggest a daily design prompt for this server")
    @app_commands.describe(kind="What kind of prompt it is", difficulty="How hard it is",
                           title="A short title, e.g. 'Rate-limit an LLM gateway'")
    @app_commands.choices(kind=KIND_CHOICES, difficulty=DIFFICULTY_CHOICES)
    async def prompt(self, interaction: discord.Interaction, kind: app_commands.Choice[str],
                     difficulty: app_commands.Choice[str], title: app_commands.Range[str, 1, 246]) -> None:
        custom_id = prompt_form_id(kind.value, difficulty.value, title, self.long_titles)
        await MemberForm(f"Suggest: {title}", prompt_inputs(), custom_id).show(interaction)

    @app_commands.command(name="mine", description="Your suggestions here and what became of them")
    async def mine(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        suggestions = await self.service.mine(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(embed=mine_embed(suggestions), ephemeral=True)
