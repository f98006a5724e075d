"""The Discord side of delivery: sending the post, starting its thread, showing answers.

Discord's refusals are turned into :class:`~bot.daily.DeliveryFailed` with a reason a
moderator can act on; the service records it in the ledger and tells them once.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import aiohttp
import discord

from bot.bot import StudyBot
from bot.content.models import Prompt
from bot.daily import DailyPost, DeliveryFailed, PostRecord, Published
from bot.posting import crash_point
from cogs._common import locked_to_me, may_send_in, missing_permissions, no_pings, passing_failure
from cogs._common.notices import notify_moderators
from cogs.daily.embeds import (
    answer_embed,
    answer_message,
    post_embed,
    post_title,
    thread_name,
)
from cogs.daily.forum import find_forum_post, post_tags, untaggable_reason
from cogs.daily.views import post_view
from cogs.feedback import current_helpful_view, helpful_custom_id, helpful_view

log = logging.getLogger(__name__)

# Beside posting, reading the channel back: a post an interrupted attempt sent is found there after a restart (in
# a forum, its archived posts are listed only with it). Without Read Message History Discord answers that search
# with nothing (resources/message.mdx, "Get Channel Messages"), and the post would go out a second time once its
# nonce has expired: the bot does not post where it could not look.
DAILY_NEEDS = ("read_message_history",)
ANSWER_SEARCH_LIMIT = 100  # one page of history: the thread's latest messages, or the first after an answer


class DiscordDailyPublisher:
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        self.pace = client.core.pacer.acquire  # every REST call below waits its turn under the global limit

    async def _channel(self, channel_id: int) -> discord.TextChannel | discord.ForumChannel:
        channel = self.client.get_channel(channel_id)
        if channel is None:
            try:
                await self.pace()
                channel = await self.client.fetch_channel(channel_id)
            except (discord.NotFound, discord.Forbidden):
                raise DeliveryFailed("the daily channel no longer exists or I cannot see it; "
                                     "choose one with `/daily setup`") from None
            except discord.HTTPException as error:  # Discord failing for a moment, not the channel gone
                raise DeliveryFailed(f"Discord could not say where the daily channel is right now ({error.status})",
                                     transient=passing_failure(error)) from error
            except (TimeoutError, aiohttp.ClientError) as error:
                raise DeliveryFailed("Discord did not answer in time", transient=True) from error
        if not isinstance(channel, discord.TextChannel | discord.ForumChannel):
            raise DeliveryFailed("the daily channel is not a text or forum channel; choose one with `/daily setup`")
        missing = missing_permissions(channel, channel.guild.me, also=DAILY_NEEDS)
        if missing:
            raise DeliveryFailed(f"I am missing {', '.join(missing)} in #{channel.name}; "
                                 "grant them in the channel's permission settings")
        return channel

    async def publish(self, channel_id: int, post: DailyPost) -> Published:
        channel = await self._channel(channel_id)
        content = f"<@&{post.role_id}> today's study prompt is up." if post.role_id else None
        mentions = discord.AllowedMentions(everyone=False, users=False,
                                           roles=[discord.Object(post.role_id)] if post.role_id else False)
        try:
            await self.pace()
            if isinstance(channel, discord.ForumChannel):
                return await self._forum_post(channel, post, content, mentions)
            message = await channel.send(content=content, embed=post_embed(post),
                                         view=post_view(post.guild_id, post.local_date), nonce=post.nonce,
                                         allowed_mentions=mentions)
        except discord.Forbidden as error:
            raise DeliveryFailed(f"Discord refused the post in #{channel.name} ({error.text}); "
                                 "check my permissions there") from error
        except discord.NotFound:
            raise DeliveryFailed("the daily channel was deleted; choose another with `/daily setup`") from None
        except discord.HTTPException as error:
            raise DeliveryFailed(f"Discord could not take the post right now ({error.status})",
                                 transient=passing_failure(error)) from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DeliveryFailed("Discord did not answer in time", transient=True) from error
        crash_point("daily.message-sent")
        return await self._with_thread(channel, message, post)

    async def _forum_post(self, forum: discord.ForumChannel, post: DailyPost, content: str | None,
                          mentions: discord.AllowedMentions) -> Published:
        """One request: the forum post (a thread) and its first message, tagged with kind and difficulty.

        The first message carries the thread's id, so the post and its discussion are one id.
        """
        tags = post_tags(forum, post)
        if forum.flags.require_tag and not tags:  # Discord would refuse it (40067): say so without asking
            raise DeliveryFailed(untaggable_reason(forum, post))
        try:
            created = await forum.create_thread(
                name=thread_name(post), auto_archive_duration=1440, applied_tags=tags,
                content=content, embed=post_embed(post), view=post_view(post.guild_id, post.local_date),
                allowed_mentions=mentions)
        except discord.HTTPException as error:
            if error.code == 40067:  # the tags went between our cache and Discord
                raise DeliveryFailed(untaggable_reason(forum, post)) from None
            raise
        crash_point("daily.forum-posted")
        return Published(created.message.id, created.thread.id)

    async def find_published(self, channel_id: int, post: DailyPost, since: datetime) -> Published | None:
        """Look for a post an earlier attempt sent before the process stopped."""
        channel = await self._channel(channel_id)
        title = post_title(post.day_number, post.prompt)
        try:
            if isinstance(channel, discord.ForumChannel):
                thread = await find_forum_post(channel, post, since, self.client.user_id, self.pace)
                return Published(thread.id, thread.id) if thread is not None else None
            await self.pace()
            async for message in channel.history(after=since - timedelta(minutes=1), limit=100):
                if message.author.id == self.client.user_id and any(e.title == title for e in message.embeds):
                    return await self._with_thread(channel, message, post)
        except discord.HTTPException as error:
            if error.status >= 500:  # unknown whether it was sent: try again later rather than guess
                raise DeliveryFailed("Discord could not show the channel's history", transient=True) from error
            log.warning("could not read #%s to look for an earlier post", channel.name, exc_info=True)
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DeliveryFailed("Discord did not answer in time", transient=True) from error
        return None

    async def _with_thread(self, channel: discord.TextChannel | discord.ForumChannel, message: discord.Message,
                           post: DailyPost) -> Published:
        if message.thread is not None:
            return Published(message.id, message.thread.id)
        me = channel.guild.me
        if me is not None and not channel.permissions_for(me).create_public_threads:  # Discord would refuse it
            problem = f"I could not start the discussion thread in #{channel.name}: I am missing **Create Public " \
                "Threads** there"
            return Published(message.id, None, (problem,))
        try:
            await self.pace()
            thread = await message.create_thread(name=thread_name(post), auto_archive_duration=1440)
        except discord.HTTPException as error:
            if error.code == 160004:  # already started: a thread on a message shares the message's id
                return Published(message.id, message.id)
            if passing_failure(error):
                # Discord failing for a moment, not a refusal: the retry finds the post and starts its thread then.
                raise DeliveryFailed("Discord could not start the discussion thread right now",
                                     transient=True) from error
            problem = f"I could not start the discussion thread in #{channel.name} ({error.text or error.status}); " \
                "grant me Create Public Threads there"
            return Published(message.id, None, (problem,))
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DeliveryFailed("Discord did not answer in time", transient=True) from error
        crash_point("daily.thread-started")
        return Published(message.id, thread.id)

    async def start_thread(self, record: PostRecord, prompt: Prompt) -> int:
        """Start a post's thread later: the bot lacked Create Public Threads when it was posted."""
        assert record.message_id is not None  # a sent post
        channel, message_id = await self._channel(record.channel_id), record.message_id
        if not isinstance(channel, discord.TextChannel):  # a forum post is its own thread: never without one
            raise DeliveryFailed("the daily channel is a forum now; the post's thread cannot be started")
        started = channel.guild.get_thread(message_id)  # started before a restart but never recorded
        if started is not None:
            return started.id
        me = channel.guild.me
        if me is not None and not channel.permissions_for(me).create_public_threads:  # Discord would refuse it
            raise DeliveryFailed(f"I am missing **Create Public Threads** in #{channel.name}, so the post has no "
                                 "discussion thread yet")
        try:
            await self.pace()
            thread = await channel.get_partial_message(message_id).create_thread(
                name=thread_name((record.day_number, prompt)), auto_archive_duration=1440)
        except discord.HTTPException as error:
            if error.code == 160004:  # started a moment ago: a thread on a message shares the message's id
                return message_id
            raise DeliveryFailed(f"Discord refused the discussion thread ({error.text or error.status})",
                                 transient=passing_failure(error)) from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DeliveryFailed("Discord did not answer in time", transient=True) from error
        return thread.id

    async def notify_moderators(self, guild_id: int, text: str, look_first: bool = False) -> bool:
        return await notify_moderators(self.client, guild_id, text, self.pace, look_first)

    async def post_answer(self, thread_id: int, user_id: int, body: str, *, edited: bool,
                          existing_message_id: int | None, day: date | None = None, look_first: bool = False,
                          since: datetime | None = None) -> int:
        """Show the answer in the day's thread (edit it in place when re-submitted), with its Helpful button."""
        thread = self.client.get_channel(thread_id)
        if not isinstance(thread, discord.Thread):
            try:
                await self.pace()
                fetched = await self.client.fetch_channel(thread_id)
            except discord.HTTPException as error:
                if passing_failure(error):
                    raise DeliveryFailed("Discord could not find the discussion thread right now",
                                         transient=True) from error
                raise DeliveryFailed("the discussion thread was deleted") from None
            except (TimeoutError, aiohttp.ClientError) as error:
                raise DeliveryFailed("Discord did not answer in time", transient=True) from error
            if not isinstance(fetched, discord.Thread):
                raise DeliveryFailed("the discussion thread was deleted")
            thread = fetched
        if not may_send_in(thread):
            raise DeliveryFailed("I am missing **Send Messages in Threads** in the daily channel")
        if locked_to_me(thread):  # Discord refuses a message or an edit there (160005): not asked
            raise DeliveryFailed("the moderators locked the discussion thread")
        content, embed = answer_message(user_id, edited=edited), answer_embed(body)
        view = helpful_view(day, user_id) if day is not None else discord.utils.MISSING
        if existing_message_id is None and (edited or look_first) and day is not None:
            # An earlier version was stored but its message was never recorded (a crash between the send and
            # the record, or a refused send), or an answer is shown after a restart: edit the message if it
            # is there, rather than show it twice.
            existing_message_id = await self._find_answer(thread, user_id, day, since)
        try:
            await self.pace()
            if existing_message_id is not None:
                if thread.archived:  # Discord refuses edits in an archived thread; the bot started it, so reopen
                    thread = await thread.edit(archived=False)
                    await self.pace()
                try:
                    message = await thread.get_partial_message(existing_message_id).edit(
                        content=content, embed=embed, allowed_mentions=no_pings())  # marks so far stay
                    return message.id
                except discord.NotFound:
                    pass  # deleted by someone: post it afresh
            if day is not None and (edited or look_first):  # an earlier version may have been marked already
                view = await current_helpful_view(self.client, thread.guild.id, day, user_id)
            message = await thread.send(content, embed=embed, view=view, allowed_mentions=no_pings())
        except discord.HTTPException as error:
            if passing_failure(error):
                raise DeliveryFailed(f"Discord could not take the message in the thread now ({error.status})",
                                     transient=True) from error
            raise DeliveryFailed(f"Discord refused the message in the thread ({error.text or error.status})") \
                from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DeliveryFailed("Discord did not answer in time", transient=True) from error
        return message.id

    async def _find_answer(self, thread: discord.Thread, user_id: int, day: date,
                           since: datetime | None) -> int | None:
        """The bot's message showing this member's answer of ``day``, found by its Helpful button's id.

        Read from the thread's latest messages, then forwards from ``since`` (when the answer was first
        saved): in a busy thread the discussion may have moved on by more than a page while the bot was down,
        and the message sent just before it stopped is then among the first after the answer. None when it is
        not there or cannot be read."""
        me = self.client.user
        if me is None:
            return None
        wanted = helpful_custom_id(day, user_id)
        pages = [thread.history(limit=ANSWER_SEARCH_LIMIT)]  # each read when its turn comes, one request
        if since is not None:
            pages.append(thread.history(limit=ANSWER_SEARCH_LIMIT, after=since - timedelta(minutes=1),
                                        oldest_first=True))
        try:
            for page in pages:
                await self.pace()
                async for message in page:
                    if message.author.id == me.id and any(
                            getattr(child, "custom_id", None) == wanted
                            for row in message.components for child in getattr(row, "children", ())):
                        return message.id
        except discord.HTTPException as error:
            log.info("could not look for the answer of %s in thread %s: %s", user_id, thread.id, error.text)
        return None
