"""Helpful marks on daily answers, the day's highlight, and the moderators' best answer."""

from bot.bot import StudyBot
from cogs.feedback.cog import Feedback
from cogs.feedback.views import current_helpful_view, helpful_custom_id, helpful_view

__all__ = ["Feedback", "current_helpful_view", "helpful_custom_id", "helpful_view", "setup"]


async def setup(client: StudyBot) -> None:
    await client.add_cog(Feedback(client))
