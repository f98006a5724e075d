"""The Discord side of the quiz: posting with a nonce, finding an earlier copy, editing in the reveal."""

from __future__ import annotations

import logging
from datetime import timedelta

import aiohttp
import discord

from bot.bot import StudyBot
from bot.posting import crash_point
from bot.quiz import QuizDeliveryFailed, QuizPost, QuizResults
from cogs._common import missing_permissions, no_pings, passing_failure
from cogs._common.notices import notify_moderators
from cogs.quiz.embeds import quiz_embed, quiz_title, results_embed
from cogs.quiz.views import quiz_view

log = logging.getLogger(__name__)

# Beside posting, reading the channel back: a quiz an interrupted attempt sent is found there after a restart.
# Without Read Message History Discord answers that search with nothing (resources/message.mdx, "Get Channel
# Messages"), and the quiz would go out a second time once its nonce has expired: the bot does not post where it
# could not look.
QUIZ_NEEDS = ("read_message_history",)
UNKNOWN_MESSAGE = 10008  # topics/opcodes-and-status-codes: the message was deleted


class DiscordQuizPublisher:
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        self.pace = client.core.pacer.acquire

    def _check_available(self, guild_id: int) -> None:
        """During an outage Discord lists the server as unavailable and shows none of its channels: that is no
        deleted channel, so the post or reveal is tried again (within its window) rather than given up."""
        if self.client.in_outage(guild_id):
            raise QuizDeliveryFailed("Discord lists the server as unavailable for now", transient=True)

    async def _channel(self, post: QuizPost) -> discord.TextChannel:
        channel = self.client.get_channel(post.channel_id)
        if channel is None:
            self._check_available(post.guild_id)
        if not isinstance(channel, discord.TextChannel):
            raise QuizDeliveryFailed("the quiz channel no longer exists or is not a text channel; choose one with "
                                     "`/quiz setup`")
        missing = missing_permissions(channel, channel.guild.me, also=QUIZ_NEEDS)
        if missing:
            raise QuizDeliveryFailed(f"I am missing {', '.join(missing)} in #{channel.name}; grant them in the "
                                     "channel's permission settings")
        return channel

    async def find_published(self, post: QuizPost) -> int | None:
        channel = await self._channel(post)
        title = quiz_title(post)
        try:
            await self.pace()
            since = min(post.claimed_at, post.occurrence_at) - timedelta(minutes=1)
            async for message in channel.history(after=since, limit=100):
                if message.author.id == self.client.user_id and any(e.title == title for e in message.embeds):
                    return message.id
        except discord.HTTPException as error:
            if error.status >= 500:  # unknown whether it was sent: try again later rather than guess
                raise QuizDeliveryFailed("Discord could not show the channel's history", transient=True) from error
            log.warning("could not look for an earlier quiz post in #%s", channel.name, exc_info=True)
        except (TimeoutError, aiohttp.ClientError) as error:
            raise QuizDeliveryFailed("Discord did not answer in time", transient=True) from error
        return None

    async def publish(self, post: QuizPost) -> int:
        channel = await self._channel(post)
        await self.pace()
        try:
            message = await channel.send(embed=quiz_embed(post),
                                         view=quiz_view(post.guild_id, post.local_date), nonce=post.nonce,
                                         allowed_mentions=no_pings())
        except discord.Forbidden as error:
            raise QuizDeliveryFailed(f"Discord refused the quiz post in #{channel.name} ({error.text})") from None
        except discord.HTTPException as error:
            raise QuizDeliveryFailed(f"Discord could not take the quiz right now ({error.status})",
                                     transient=passing_failure(error)) from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise QuizDeliveryFailed("Discord did not answer in time", transient=True) from error
        crash_point("quiz.message-sent")
        return message.id

    async def show_results(self, results: QuizResults) -> None:
        post = results.post
        if post.message_id is None:
            return
        # Editing its own post needs the bot to see the channel, nothing more (not Send Messages, which a
        # moderator may have taken away for the afternoon). A permission missing now may be granted again: the
        # reveal is tried again within its window rather than dropped.
        channel = self.client.get_channel(post.channel_id)
        if channel is None:
            self._check_available(post.guild_id)
        if not isinstance(channel, discord.TextChannel):
            raise QuizDeliveryFailed("the quiz channel no longer exists or is not a text channel")
        if not channel.permissions_for(channel.guild.me).view_channel:
            raise QuizDeliveryFailed(f"I cannot see #{channel.name}", transient=True)
        try:
            await self.pace()
            await channel.get_partial_message(post.message_id).edit(embed=results_embed(results))
            return
        except discord.NotFound as error:
            if error.code != UNKNOWN_MESSAGE:
                raise QuizDeliveryFailed(f"Discord refused the reveal ({error.text})") from error
        except discord.HTTPException as error:
            raise QuizDeliveryFailed(f"Discord refused the reveal ({error.text or error.status})",
                                     transient=error.status >= 500 or error.status in (403, 429)) from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise QuizDeliveryFailed("Discord did not answer in time", transient=True) from error
        try:
            await self._post_results_instead(channel, results)
        except discord.HTTPException as error:
            raise QuizDeliveryFailed(f"Discord refused the answer of a deleted quiz post ({error.text or error.status})",
                                     transient=error.status >= 500 or error.status in (403, 429)) from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise QuizDeliveryFailed("Discord did not answer in time", transient=True) from error

    async def _post_results_instead(self, channel: discord.TextChannel, results: QuizResults) -> None:
        """The quiz post was deleted (by a moderator): the answer is posted on its own, so the members who
        answered still learn it. Once: a copy posted before a restart (found among the messages since the
        close) is kept, and the nonce makes Discord return a copy sent moments before instead of a second."""
        post = results.post
        embed = results_embed(results)
        missing = missing_permissions(channel, channel.guild.me)
        if missing:  # may be granted again: tried again within the reveal's window
            raise QuizDeliveryFailed(f"the quiz post was deleted and I am missing {', '.join(missing)} in "
                                     f"#{channel.name} to post its answer", transient=True)
        async for message in channel.history(after=post.closes_at - timedelta(minutes=1), limit=100):
            if message.author.id == self.client.user_id and any(e.title == embed.title for e in message.embeds):
                return
        await self.pace()
        await channel.send(embed=embed, nonce=f"r{post.nonce}", allowed_mentions=no_pings())
        crash_point("quiz.results-posted")

    async def notify_moderators(self, guild_id: int, text: str, look_first: bool = False) -> bool:
        return await notify_moderators(self.client, guild_id, text, self.pace, look_first)
