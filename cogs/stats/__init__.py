"""/stats: moderators see the server's participation per week."""

from bot.bot import StudyBot
from cogs.stats.cog import Stats


async def setup(client: StudyBot) -> None:
    await client.add_cog(Stats(client))
