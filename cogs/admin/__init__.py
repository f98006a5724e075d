"""Moderation, privacy and operations."""

from bot.bot import StudyBot
from cogs.admin.cog import StudybotAdmin, StudybotOwner
from cogs.admin.privacy import Privacy


async def setup(client: StudyBot) -> None:
    admin = StudybotAdmin(client)
    await client.add_cog(admin)
    await client.add_cog(StudybotOwner(client, admin))
    await client.add_cog(Privacy(client))
