"""The daily flashcard quiz."""

from bot.bot import StudyBot
from cogs.quiz.cog import Quiz
from cogs.quiz.publisher import QUIZ_NEEDS

__all__ = ["QUIZ_NEEDS", "setup"]


async def setup(client: StudyBot) -> None:
    await client.add_cog(Quiz(client))
