"""The Discord side of a day's close: the highlight in the thread, and a word to each author."""

from __future__ import annotations

import logging

import discord

from bot.bot import StudyBot
from bot.feedback import HighlightRefused, TellFailed
from cogs._common import locked_to_me, may_send_in, no_pings, passing_failure, server_name, thread_refused

log = logging.getLogger(__name__)


class DiscordFeedbackPublisher:
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        self.pace = client.core.pacer.acquire

    async def _thread(self, thread_id: int) -> discord.Thread:
        thread = self.client.get_channel(thread_id)
        if isinstance(thread, discord.Thread):
            return thread
        await self.pace()
        fetched = await self.client.fetch_channel(thread_id)
        if not isinstance(fetched, discord.Thread):
            raise LookupError(f"channel {thread_id} is not a thread")
        return fetched

    async def find_highlight(self, thread_id: int, header: str) -> int | None:
        """The highlight an interrupted attempt already sent, if it is among the thread's latest messages
        (none where the bot may not read the thread: Discord would refuse, and the post is refused too)."""
        try:
            thread = await self._thread(thread_id)
        except (discord.Forbidden, discord.NotFound, LookupError):
            return None
        if thread.guild.me is not None and not thread.permissions_for(thread.guild.me).read_message_history:
            return None
        await self.pace()
        async for message in thread.history(limit=100):
            if message.author.id == self.client.user_id and message.content.startswith(header):
                return message.id
        return None

    async def post_highlight(self, thread_id: int, text: str) -> int:
        try:
            thread = await self._thread(thread_id)
        except (discord.Forbidden, discord.NotFound, LookupError) as error:
            raise HighlightRefused(f"the day's thread {thread_id} is gone or hidden from the bot") from error
        if not may_send_in(thread) or locked_to_me(thread):  # asked anyway, refused at every quarter hour's try
            raise HighlightRefused(f"the bot may not send messages in thread {thread_id}")
        try:
            await self.pace()
            message = await thread.send(text, allowed_mentions=no_pings())
        except discord.HTTPException as error:  # e.g. archived and locked since
            if not thread_refused(error):
                raise
            raise HighlightRefused(f"Discord refused the highlight in thread {thread_id} ({error.text})") from error
        return message.id

    async def tell_author(self, guild_id: int, user_id: int, text: str) -> None:
        """DM the author, unless their latest DMs already hold this very message (an attempt that died
        after telling them and before recording it)."""
        name = server_name(self.client.get_guild(guild_id))
        content = f"{text} (**{name}**)" if name else text
        try:
            await self.pace()
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            await self.pace()
            channel = user.dm_channel or await user.create_dm()
            await self.pace()
            async for message in channel.history(limit=20):
                if message.author.id == self.client.user_id and message.content == content:
                    return
            await self.pace()
            await channel.send(content, allowed_mentions=no_pings())
        except discord.HTTPException as error:
            if passing_failure(error):
                raise TellFailed(f"Discord could not take the DM to {user_id} ({error.status})") from error
            raise
        except TimeoutError as error:
            raise TellFailed(f"Discord did not answer in time as {user_id} was told") from error
