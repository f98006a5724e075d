"""First use in a server: a welcome message with a Setup button for moderators, and /help for everyone."""

from __future__ import annotations

from bot.bot import StudyBot
from cogs.welcome.cog import Welcome


async def setup(client: StudyBot) -> None:
    await client.add_cog(Welcome(client))
