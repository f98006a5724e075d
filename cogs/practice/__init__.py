"""Practice on demand and the archive of past prompts, for members."""

from __future__ import annotations

from bot.bot import StudyBot
from cogs.practice.cog import Practice


async def setup(client: StudyBot) -> None:
    await client.add_cog(Practice(client))
