"""The Discord side of the quiz: posting with a nonce, finding an earlier copy, editing in the reveal."""

from __future__ import annotations

import logging
from datetime import timedelta

import discord

from bot.bot import StudyBot
from bot.quiz import QuizDeliveryFailed, QuizPost, QuizResults, QuizSchedule
from cogs._common import missing_permissions, no_pings
from cogs.quiz.embeds import quiz_embed, quiz_title, results_embed
from cogs.quiz.views import quiz_view

log = logging.getLogger(__name__)


class QuizDiscordPublisher:
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        self.pace = client.core.pacer.acquire

    async def _channel(self, channel_id: int) -> discord.TextChannel:
        channel = self.client.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise QuizDeliveryFailed("the quiz channel no longer exists or is not a text channel; choose one with "
                                     "`/quiz setup`")
        missing = missing_permissions(channel, channel.guild.me)
        if missing:
            raise QuizDeliveryFailed(f"I am missing {', '.join(missing)} in #{channel.name}; grant them in the "
                                     "channel's permission settings")
        return channel

    async def find_published(self, post: QuizPost) -> int | None:
        channel = await self._channel(post.channel_id)
        title = quiz_title(post)
        try:
            await self.pace()
            async for message in channel.history(after=post.claimed_at - timedelta(minutes=1), limit=100):
                if message.author.id == self.client.user.id and any(e.title == title for e in message.embeds):
                    return message.id
        except discord.HTTPException:
            log.warning("could not look for an earlier quiz post in #%s", channel.name, exc_info=True)
        return None

    async def publish(self, post: QuizPost, schedule: QuizSchedule) -> int:
        channel = await self._channel(post.channel_id)
        await self.pace()
        try:
            message = await channel.send(embed=quiz_embed(post, reveal_now=schedule.reveal_now),
                                         view=quiz_view(post.guild_id, post.local_date), nonce=post.nonce,
                                         allowed_mentions=no_pings())
        except discord.Forbidden as error:
            raise QuizDeliveryFailed(f"Discord refused the quiz post in #{channel.name} ({error.text})") from None
        return message.id

    async def show_results(self, results: QuizResults) -> None:
        post = results.post
        if post.message_id is None:
            return
        channel = await self._channel(post.channel_id)
        await self.pace()
        await channel.get_partial_message(post.message_id).edit(embed=results_embed(results))

    async def notify_moderators(self, guild_id: int, text: str) -> bool:
        guild = self.client.get_guild(guild_id)
        channel = guild.system_channel if guild else None
        if channel is None:
            return False
        await self.pace()
        await channel.send(text, allowed_mentions=no_pings())
        return True
