"""The option buttons on a quiz post; custom ids carry guild, day and option, so they outlive restarts."""

from __future__ import annotations

from datetime import date
from typing import Any

import discord

from bot.quiz import LETTERS, Pick, PickOutcome, QuizService
from cogs._common import BaseView, RoutedItem, discord_timestamp, no_pings, truncate
from cogs._common.access import service_of
from cogs._common.authority import Audience
from cogs._common.ids import DAY, NUMBER, CustomId, digit

PICK = CustomId("studybot:quiz:pick", guild=NUMBER, day=DAY, option=digit(0, 3))


def _service(interaction: discord.Interaction) -> QuizService:
    return service_of(interaction, QuizService)


def pick_text(pick: Pick) -> str:
    text = _verdict(pick)
    if pick.source is not None:  # cut as the closed post cuts it: a reply has 2,000 characters
        text += f"\n📖 Re-read it in the study document: {truncate(pick.source, 300)}."
    return text


def _verdict(pick: Pick) -> str:
    post = pick.post
    answer = f"**{LETTERS[post.correct]}**"
    if pick.outcome is PickOutcome.LOCKED:
        return (f"Your answer **{LETTERS[pick.choice or 0]}** is locked in. The answer is revealed "
                f"{discord_timestamp(post.closes_at, 'R')}.")
    if pick.outcome is PickOutcome.RIGHT:
        return f"✅ **{LETTERS[pick.choice or 0]}** is right!"
    if pick.outcome is PickOutcome.WRONG:
        return f"❌ **{LETTERS[pick.choice or 0]}** is not it; the answer is {answer}."
    if pick.outcome is PickOutcome.ALREADY:  # said again: the first reply may have been dismissed
        first = f"You already answered **{LETTERS[pick.choice or 0]}**; your first answer counts"
        if post.reveal_now and pick.choice is not None:
            verdict = "✅ it is right" if pick.choice == post.correct else f"❌ it is not it; the answer is {answer}"
            return f"{first}, and {verdict}."
        return f"{first}. The answer is revealed {discord_timestamp(post.closes_at, 'R')}."
    if pick.choice is None:
        return f"This quiz has closed. The answer was {answer}."
    verdict = "✅ right" if pick.choice == post.correct else f"❌ not it; the answer was {answer}"
    return f"This quiz has closed. You picked **{LETTERS[pick.choice]}**: {verdict}."


class OptionButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=PICK.template):
    audience = Audience.MEMBER
    custom_ids = PICK
    guild_id: int  # always set: the quiz's server is part of the custom id

    def __init__(self, guild_id: int, day: date, option: int) -> None:
        super().__init__(discord.ui.Button(label=LETTERS[option], style=discord.ButtonStyle.secondary,
                                           custom_id=PICK(guild_id, day, option)))
        self.guild_id, self.day, self.option = guild_id, day, option


    async def handle(self, interaction: discord.Interaction) -> None:
        pick = await _service(interaction).pick(self.guild_id, self.day, interaction.user.id, self.option)
        await interaction.response.send_message(pick_text(pick), ephemeral=True, allowed_mentions=no_pings())


DYNAMIC_ITEMS = (OptionButton,)


def quiz_view(guild_id: int, day: date) -> BaseView:
    view = BaseView(timeout=None)
    for option in range(len(LETTERS)):
        view.add_item(OptionButton(guild_id, day, option))
    return view
