"""The Helpful button under each answer in a day's thread.

Its custom id names the day and the answer's author only; the server and the member who
clicks come from the interaction, so a forged id cannot mark anything in another server.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import discord

from bot.bot import StudyBot
from bot.errors import InvalidInput
from bot.feedback import FeedbackService
from cogs._common import BaseView, RoutedItem, locked_to_me
from cogs._common.access import service_of
from cogs._common.authority import Audience
from cogs._common.ids import DAY, NUMBER, CustomId
from cogs.feedback.embeds import helpful_label

HELPFUL = CustomId("studybot:helpful", day=DAY, author=NUMBER)
THUMBS_UP = discord.PartialEmoji(name="👍")  # parsed once: every answer shown in a thread builds this button


def _service(interaction: discord.Interaction) -> FeedbackService:
    return service_of(interaction, FeedbackService)


class HelpfulButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=HELPFUL.template):
    audience = Audience.MEMBER
    custom_ids = HELPFUL

    def __init__(self, day: date, author_id: int, marks: int = 0) -> None:
        super().__init__(discord.ui.Button(label=helpful_label(marks), style=discord.ButtonStyle.secondary,
                                           emoji=THUMBS_UP, custom_id=HELPFUL(day, author_id)))
        self.day, self.author_id = day, author_id


    async def handle(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        if isinstance(interaction.channel, discord.Thread) and locked_to_me(interaction.channel):
            # The count is shown by editing the button's message, which Discord refuses in a thread the moderators
            # locked against the bot: the member would read that something went wrong while the mark was counted.
            # Marks stop there, as they do when the day closes.
            raise InvalidInput("The moderators locked this discussion, so its Helpful marks are final.")
        result = await _service(interaction).mark_helpful(interaction.guild_id, self.day, self.author_id,
                                                          interaction.user.id)
        await interaction.response.edit_message(view=helpful_view(self.day, self.author_id, result.marks))
        await interaction.followup.send("👍 Marked as helpful. Thank you for reading.", ephemeral=True)


DYNAMIC_ITEMS = (HelpfulButton,)


def helpful_custom_id(day: date, author_id: int) -> str:
    """The Helpful button's id on the message showing ``author_id``'s answer of ``day``: that message's mark."""
    return HELPFUL(day, author_id)


def helpful_view(day: date, author_id: int, marks: int = 0) -> BaseView:
    view = BaseView(timeout=None)
    view.add_item(HelpfulButton(day, author_id, marks))
    return view


async def current_helpful_view(client: StudyBot, guild_id: int, day: date, author_id: int) -> BaseView:
    """The Helpful button with the marks the answer already has: an answer posted again (its message was
    deleted, or a restart lost it) keeps its count instead of reading as unmarked until the next mark."""
    service = client.services.find(FeedbackService)
    marks = await service.marks_on(guild_id, day, author_id) if service is not None else 0
    return helpful_view(day, author_id, marks)
