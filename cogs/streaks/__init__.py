"""Streaks, the leaderboard and the heatmap."""

from bot.bot import StudyBot
from cogs.streaks.cog import Leaderboard, StreakAdmin, Streaks
from cogs.streaks.publisher import MILESTONE_NEEDS

__all__ = ["MILESTONE_NEEDS", "setup"]


async def setup(client: StudyBot) -> None:
    streaks = Streaks(client)
    await client.add_cog(streaks)
    await client.add_cog(StreakAdmin(client, streaks))
    await client.add_cog(Leaderboard(client, streaks))
