"""Mock-interview pairings."""

from bot.bot import StudyBot
from cogs.mock.cog import Mock


async def setup(client: StudyBot) -> None:
    await client.add_cog(Mock(client))
