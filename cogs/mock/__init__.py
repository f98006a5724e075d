"""Mock-interview pairings."""

from bot.bot import StudyBot
from cogs.mock.cog import Mock, MockAdmin, round_channel_lines

__all__ = ["round_channel_lines", "setup"]


async def setup(client: StudyBot) -> None:
    mock = Mock(client)
    await client.add_cog(mock)
    await client.add_cog(MockAdmin(client, mock))
