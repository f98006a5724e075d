"""Moderation, privacy and operations."""

from bot.bot import StudyBot
from cogs.admin.cog import Privacy, StudybotAdmin


async def setup(client: StudyBot) -> None:
    await client.add_cog(StudybotAdmin(client))
    await client.add_cog(Privacy(client))
