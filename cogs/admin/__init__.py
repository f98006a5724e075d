"""Moderation, privacy and operations."""

from bot.bot import StudyBot
from cogs.admin.cog import Privacy, StudybotAdmin, StudybotOwner


async def setup(client: StudyBot) -> None:
    admin = StudybotAdmin(client)
    await client.add_cog(admin)
    await client.add_cog(StudybotOwner(client, admin))
    await client.add_cog(Privacy(client))
