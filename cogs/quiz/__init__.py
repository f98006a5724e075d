"""The daily flashcard quiz."""

from bot.bot import StudyBot
from cogs.quiz.cog import Quiz


async def setup(client: StudyBot) -> None:
    await client.add_cog(Quiz(client))
