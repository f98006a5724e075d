"""Study-session buttons. Their custom ids carry the card and repetition, so they work after restarts
and long pauses, and a second click on the same repetition records nothing. When only cards still being
learned remain, due within minutes, the session offers Continue (study them now) and Finish (a summary)
instead of ending on a countdown."""

from __future__ import annotations

from typing import Any

import discord

from bot.cards import Grade, NothingToStudy, StudyCard, StudyService
from cogs._common import BaseView, RoutedItem
from cogs._common.access import service_of
from cogs._common.authority import Audience
from cogs._common.ids import NUMBER, SLUG, CustomId, digit
from cogs.cards.embeds import (
    GRADE_LABELS,
    back_embed,
    done_embed,
    finished_embed,
    front_embed,
    interval,
    waiting_embed,
)

GRADE_STYLES = {Grade.AGAIN: discord.ButtonStyle.danger, Grade.HARD: discord.ButtonStyle.secondary,
                Grade.GOOD: discord.ButtonStyle.success, Grade.EASY: discord.ButtonStyle.primary}


REVEAL = CustomId("studybot:cards:reveal", card=SLUG, rep=NUMBER)
GRADE = CustomId("studybot:cards:grade", card=SLUG, rep=NUMBER, grade=digit(1, 4, Grade))
CONTINUE = CustomId("studybot:cards:continue")
EYES = discord.PartialEmoji(name="👀")  # parsed once: every card shown in a session builds the Reveal button
FINISH = CustomId("studybot:cards:finish")


GONE = "That card is no longer in this server's decks (a moderator removed it or switched its deck off)."


def _service(interaction: discord.Interaction) -> StudyService:
    return service_of(interaction, StudyService)


class RevealButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=REVEAL.template):
    audience = Audience.MEMBER
    custom_ids = REVEAL

    def __init__(self, card_id: str, rep: int) -> None:
        super().__init__(discord.ui.Button(label="Reveal", style=discord.ButtonStyle.primary, emoji=EYES,
                                           custom_id=REVEAL(card_id, rep)))
        self.card_id, self.rep = card_id, rep


    async def handle(self, interaction: discord.Interaction) -> None:
        service = _service(interaction)
        study = await service.shown_card(interaction.guild_id, interaction.user.id, self.card_id, self.rep)
        if study is None:
            gone = not await service.in_play(interaction.guild_id, self.card_id)
            await show_next(interaction, GONE if gone else "That card was already reviewed; here is where you are now.")
            return
        previews = service.preview_of(study, interaction.user.id)
        await interaction.response.edit_message(embed=back_embed(study), view=grade_view(study, previews))


class GradeButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                  template=GRADE.template):
    audience = Audience.MEMBER
    custom_ids = GRADE

    def __init__(self, card_id: str, rep: int, grade: Grade, label: str | None = None) -> None:
        super().__init__(discord.ui.Button(label=label or GRADE_LABELS[grade], style=GRADE_STYLES[grade],
                                           custom_id=GRADE(card_id, rep, grade)))
        self.card_id, self.rep, self.grade = card_id, rep, grade


    async def handle(self, interaction: discord.Interaction) -> None:
        graded = await _service(interaction).grade(interaction.guild_id, interaction.user.id, self.card_id,
                                                   self.rep, self.grade)
        if not graded.recorded and graded.card is None:
            await show_next(interaction, GONE + " Nothing was recorded.")
            return
        if not graded.recorded:
            await show_stale(interaction)
            return
        assert graded.memory is not None
        note = (f"{GRADE_LABELS[self.grade]} · back in {interval(graded.memory.due - interaction.created_at)}")
        await show_next(interaction, note, study=graded.next)


class ContinueButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                     template=CONTINUE.template):
    audience = Audience.MEMBER
    custom_ids = CONTINUE

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Continue", style=discord.ButtonStyle.primary, emoji="▶️",
                                           custom_id=CONTINUE()))


    async def handle(self, interaction: discord.Interaction) -> None:
        await show_next(interaction, None, learn_ahead=True)


class FinishButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=FINISH.template):
    audience = Audience.MEMBER
    custom_ids = FINISH

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Finish", style=discord.ButtonStyle.secondary, emoji="🏁",
                                           custom_id=FINISH()))


    async def handle(self, interaction: discord.Interaction) -> None:
        summary = await _service(interaction).day_summary(interaction.guild_id, interaction.user.id)
        await interaction.response.edit_message(content=None, embed=finished_embed(summary), view=None)


DYNAMIC_ITEMS = (RevealButton, GradeButton, ContinueButton, FinishButton)


def front_view(study: StudyCard) -> BaseView:
    view = BaseView(timeout=None)
    view.add_item(RevealButton(study.card.id, study.rep))
    return view


def grade_view(study: StudyCard, previews: dict[Grade, Any]) -> BaseView:
    view = BaseView(timeout=None)
    for grade in Grade:
        label = f"{GRADE_LABELS[grade]} · {interval(previews[grade])}"
        view.add_item(GradeButton(study.card.id, study.rep, grade, label))
    return view


def continue_view(*, finish: bool = False) -> BaseView:
    view = BaseView(timeout=None)
    view.add_item(ContinueButton())
    if finish:
        view.add_item(FinishButton())
    return view


async def session_message(service: StudyService, guild_id: int | None, user_id: int, note: str | None, *,
                          learn_ahead: bool = False,
                          study: StudyCard | NothingToStudy | None = None) -> tuple[discord.Embed, BaseView | None]:
    """The session's next screen; ``study`` when the caller already read what comes next (a grade does)."""
    if study is None:
        study = await service.next_card(guild_id, user_id, learn_ahead=learn_ahead)
    if isinstance(study, NothingToStudy):
        if study.coming_soon:
            return waiting_embed(study, note), continue_view(finish=True)
        return done_embed(study, await service.day_summary(guild_id, user_id), note), None
    return front_embed(study, note), front_view(study)


async def show_next(interaction: discord.Interaction, note: str | None, *, learn_ahead: bool = False,
                    study: StudyCard | NothingToStudy | None = None) -> None:
    """Edit the session message in place to the next card, the keep-going choice, or the day's summary."""
    embed, view = await session_message(_service(interaction), interaction.guild_id, interaction.user.id, note,
                                        learn_ahead=learn_ahead, study=study)
    await interaction.response.edit_message(content=None, embed=embed, view=view)


async def show_stale(interaction: discord.Interaction) -> None:
    await interaction.response.edit_message(
        content="That card was already graded (a second click, or an old session). Nothing was recorded twice.",
        embed=None, view=continue_view())
