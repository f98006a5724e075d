"""/rewards: moderators map streak milestones and monthly leaders to roles."""

from bot.bot import StudyBot
from cogs.rewards.cog import Rewards
from cogs.rewards.publisher import DiscordRolePublisher

__all__ = ["DiscordRolePublisher", "setup"]


async def setup(client: StudyBot) -> None:
    await client.add_cog(Rewards(client))
