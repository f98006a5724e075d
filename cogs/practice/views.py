"""The practice buttons (answer, hints, rubric, another prompt, archive pages) and the practice answer form."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.content.models import Prompt
from bot.daily import ANSWER_LIMIT, answer_form
from bot.practice import PracticeService
from cogs._common import BaseModal, BaseView, RoutedItem, no_pings
from cogs._common.access import service_of
from cogs._common.authority import Audience, is_moderator
from cogs._common.forms import FormRoute
from cogs._common.ids import NUMBER, SLUG, CustomId, one_of, word_or_none
from cogs._common.prompts import RUBRIC_IN_PRIVATE, hints_embed, rubric_embed
from cogs.practice.embeds import archive_embed, practice_embed

ANY = "-"  # in an id: no filter
ANSWER = CustomId("studybot:practice:answer", prompt=SLUG)
HINTS = CustomId("studybot:practice:hints", prompt=SLUG)
RUBRIC = CustomId("studybot:practice:rubric", prompt=SLUG)
ANOTHER = CustomId("studybot:practice:another", pos=NUMBER, kind=word_or_none(ANY), level=word_or_none(ANY))
ARCHIVE_PAGE = CustomId("studybot:archive", page=NUMBER, kind=word_or_none(ANY), dir=one_of("prev", "next"))


def _service(interaction: discord.Interaction) -> PracticeService:
    return service_of(interaction, PracticeService)


def _guild(interaction: discord.Interaction) -> int:
    assert interaction.guild_id is not None  # the commands are guild-only, so their buttons are too
    return interaction.guild_id


PRACTICE_FORM = CustomId("studybot:practice:form", prompt=SLUG)


class PracticeAnswerModal(BaseModal):
    """The daily answer form, worded for the prompt's kind. Like the daily one, its submission is
    answered by :data:`FORMS` (any process, so a restart loses nothing), not by this object."""

    audience = Audience.MEMBER

    def __init__(self, prompt: Prompt, previous: str | None) -> None:
        form = answer_form(prompt, replacing=previous is not None)
        super().__init__(title=form.title, timeout=None, custom_id=PRACTICE_FORM(prompt.id))
        self.answer = self.ask(form.label, discord.ui.TextInput(
            custom_id="answer", style=discord.TextStyle.paragraph, max_length=ANSWER_LIMIT, default=previous,
            placeholder=form.placeholder))


async def _practice_submitted(interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
    """A submitted practice form (from this process or an earlier one), routed by :data:`FORMS`."""
    if interaction.guild_id is None:
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    [prompt_id] = PRACTICE_FORM.values(match)
    result = await _service(interaction).submit(interaction.guild_id, interaction.user.id, prompt_id,
                                                fields.get("answer", ""))
    text = "✅ Saved privately. The **Rubric** button is open to you now."
    if not result.replaced:
        text += " It counts for today's streak."
    await interaction.followup.send(text, ephemeral=True, allowed_mentions=no_pings())


FORMS = (FormRoute(PRACTICE_FORM.pattern, Audience.MEMBER, _practice_submitted),)


class _PromptButton(RoutedItem):
    audience = Audience.MEMBER
    label = ""
    style = discord.ButtonStyle.secondary
    emoji: str | None = None

    def __init__(self, prompt_id: str) -> None:
        super().__init__(discord.ui.Button(label=self.label, style=self.style, emoji=self.emoji,  # type: ignore[call-arg]  # a mixin: DynamicItem, next in the MRO, takes the button
                                           custom_id=self.custom_ids(prompt_id)))
        self.prompt_id = prompt_id


class AnswerButton(_PromptButton, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=ANSWER.template):
    custom_ids, label, style, emoji = ANSWER, "Submit answer", discord.ButtonStyle.primary, "✍️"

    async def handle(self, interaction: discord.Interaction) -> None:
        service = _service(interaction)
        prompt = await service.prompt(_guild(interaction), self.prompt_id)
        previous = await service.answer_of(_guild(interaction), interaction.user.id, self.prompt_id)
        await interaction.response.send_modal(PracticeAnswerModal(prompt, previous))


class HintsButton(_PromptButton, discord.ui.DynamicItem[discord.ui.Button[Any]],
                  template=HINTS.template):
    custom_ids, label, emoji = HINTS, "Hints", "💡"

    async def handle(self, interaction: discord.Interaction) -> None:
        prompt = await _service(interaction).prompt(_guild(interaction), self.prompt_id)
        await interaction.response.send_message(embed=hints_embed(prompt), ephemeral=True)


class RubricButton(_PromptButton, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=RUBRIC.template):
    custom_ids, label, emoji = RUBRIC, "Rubric", "📋"

    async def handle(self, interaction: discord.Interaction) -> None:
        prompt = await _service(interaction).rubric(_guild(interaction), interaction.user.id, self.prompt_id)
        await interaction.response.send_message(embed=rubric_embed(prompt, footer=RUBRIC_IN_PRIVATE), ephemeral=True)


class AnotherButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=ANOTHER.template):
    """Shows the next unanswered prompt in the member's own order, with the same filters."""

    audience = Audience.MEMBER
    custom_ids = ANOTHER

    def __init__(self, position: int, kind: str | None, difficulty: str | None) -> None:
        super().__init__(discord.ui.Button(label="Another prompt", emoji="🔀",
                                           custom_id=ANOTHER(position, kind, difficulty)))
        self.position, self.kind, self.difficulty = position, kind, difficulty


    async def handle(self, interaction: discord.Interaction) -> None:
        embed, view = await practice_message(interaction, self.kind, self.difficulty, self.position)
        await interaction.response.edit_message(embed=embed, view=view)


class ArchivePageButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                        template=ARCHIVE_PAGE.template):
    audience = Audience.MEMBER
    custom_ids = ARCHIVE_PAGE

    def __init__(self, page: int, kind: str | None, direction: str) -> None:
        super().__init__(discord.ui.Button(label="◀ Newer" if direction == "prev" else "Older ▶",
                                           custom_id=ARCHIVE_PAGE(page, kind, direction)))
        self.page, self.kind = page, kind


    async def handle(self, interaction: discord.Interaction) -> None:
        embed, view = await archive_message(interaction, self.kind, self.page)
        await interaction.response.edit_message(embed=embed, view=view)


DYNAMIC_ITEMS = (AnswerButton, HintsButton, RubricButton, AnotherButton, ArchivePageButton)


async def practice_message(interaction: discord.Interaction, kind: str | None, difficulty: str | None,
                           position: int) -> tuple[discord.Embed, BaseView]:
    offer = await _service(interaction).offer(_guild(interaction), interaction.user.id, kind=kind,
                                              difficulty=difficulty, position=position)
    view = BaseView(timeout=None)
    for item in (AnswerButton, HintsButton, RubricButton):
        view.add_item(item(offer.prompt.id))
    if offer.left > 1:
        view.add_item(AnotherButton(offer.position + 1, kind, difficulty))
    return practice_embed(offer), view


async def archive_message(interaction: discord.Interaction, kind: str | None,
                          page: int) -> tuple[discord.Embed, BaseView | None]:
    result = await _service(interaction).archive(_guild(interaction), kind=kind, page=page,
                                                 user_id=interaction.user.id)
    moderator = (any(entry.switched_off_deck or entry.removed_title for entry in result.entries)
                 and await is_moderator(interaction))  # asked only when the page has something to tell one
    embed = archive_embed(result, kind, _guild(interaction), moderator=moderator)
    if result.pages == 1:
        return embed, None
    view = BaseView(timeout=None)
    if result.page > 1:
        view.add_item(ArchivePageButton(result.page - 1, kind, "prev"))
    if result.page < result.pages:
        view.add_item(ArchivePageButton(result.page + 1, kind, "next"))
    return embed, view
