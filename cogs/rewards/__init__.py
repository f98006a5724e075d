"""/rewards: moderators map streak milestones and monthly leaders to roles."""

from bot.bot import StudyBot
from cogs.rewards.cog import Rewards


async def setup(client: StudyBot) -> None:
    await client.add_cog(Rewards(client))
