"""Flashcard review with FSRS."""

from bot.bot import StudyBot
from cogs.cards.cog import Cards


async def setup(client: StudyBot) -> None:
    await client.add_cog(Cards(client))
