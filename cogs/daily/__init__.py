"""Daily AI-systems design prompts: /daily for moderators, buttons and a thread for members."""

from __future__ import annotations

from bot.bot import StudyBot
from cogs.daily.cog import Daily
from cogs.daily.publisher import DAILY_NEEDS

__all__ = ["DAILY_NEEDS", "setup"]


async def setup(client: StudyBot) -> None:
    await client.add_cog(Daily(client))
