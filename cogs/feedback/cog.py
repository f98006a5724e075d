"""Feedback on daily answers: the Helpful buttons and the job that closes each day."""

from __future__ import annotations

from discord.ext import commands

from bot.bot import StudyBot
from bot.feedback import FeedbackService
from cogs._common.lifecycle import load_service, unload_service
from cogs.feedback.publisher import DiscordFeedbackPublisher
from cogs.feedback.views import DYNAMIC_ITEMS


class Feedback(commands.Cog):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        core = client.core
        self.service = FeedbackService(core.db, core.clock, core.timezones, core.scheduler, core.audit,
                                       DiscordFeedbackPublisher(client))

    async def cog_load(self) -> None:
        self.client.add_dynamic_items(*DYNAMIC_ITEMS)
        await load_service(self.client, self.service)

    async def cog_unload(self) -> None:
        await unload_service(self.client, self.service)
        self.client.remove_dynamic_items(*DYNAMIC_ITEMS)
