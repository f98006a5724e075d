"""Community content: /suggest for members; /review and /content for moderators (one service shared)."""

from __future__ import annotations

from bot.bot import StudyBot
from bot.community import SuggestionService
from cogs.community.cog import Content, Review, Suggest
from cogs.community.publisher import QUEUE_NEEDS, DiscordDecisionPublisher, DiscordReviewQueuePublisher

__all__ = ["QUEUE_NEEDS", "setup"]


async def setup(client: StudyBot) -> None:
    core = client.core
    service = SuggestionService(core.db, core.clock, core.audit, core.server_content,
                                DiscordReviewQueuePublisher(client), DiscordDecisionPublisher(client), core.scheduler)
    await client.add_cog(Review(client, service))
    await client.add_cog(Suggest(client, service))
    await client.add_cog(Content(client, service))
