"""A mock group's direct messages: what members are told one by one when the round's channel allows no
private thread (and reminders, which always go by DM).

Every request waits for the pacer, as the thread's do. A DM that Discord refuses (closed DMs, no
shared server) is logged and skipped: the others in the group are still told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import discord

from bot.bot import StudyBot
from cogs._common import no_pings, passing_failure

log = logging.getLogger(__name__)

# One page of history (Discord returns at most 100 messages a request).
PAGE = 100


class MemberDMs:
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        self.pace = client.core.pacer.acquire

    async def channel(self, user_id: int, *, passing_raises: bool = False) -> discord.DMChannel | None:
        """The member's DM channel, opened when the client does not hold it yet; None when Discord refuses (with
        ``passing_raises``, Discord failing for a moment is raised, as in :meth:`send`)."""
        try:
            await self.pace()
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            if user.dm_channel is not None:
                return user.dm_channel
            await self.pace()
            return await user.create_dm()
        except discord.HTTPException as error:
            if passing_raises and passing_failure(error):
                raise
            log.info("could not DM %s: %s", user_id, error.text)
            return None

    async def send(self, user_id: int, content: str, *, passing_raises: bool = False,
                   **extra: Any) -> discord.Message | None:
        """Send ``content`` to the member; the message, or None when it could not be sent. With
        ``passing_raises``, for a caller that tries again later, Discord failing for a moment (a server error,
        a rate limit) is raised rather than taken for a refusal: the DM may well go through then."""
        try:
            await self.pace()
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            await self.pace()
            return await user.send(content, allowed_mentions=no_pings(), **extra)
        except discord.HTTPException as error:
            if passing_raises and passing_failure(error):
                raise
            log.info("could not DM %s: %s", user_id, error.text)
            return None

    async def send_once(self, user_id: int, content: str, sent_before: Callable[[str], bool], *,
                        passing_raises: bool = False, **extra: Any) -> discord.Message | None:
        """DM the member unless their latest DMs already hold this message from an interrupted attempt; the
        message (sent now or found), or None when it could not be sent.

        A thread can be searched once for the whole group; DMs are one conversation per member, and
        a crash may fall between two members' messages, so each member's DMs are read before sending
        to them. DMs are the fallback when private threads are not allowed, so the extra read is rare.
        """
        channel = await self.channel(user_id, passing_raises=passing_raises)
        if channel is None:
            return None
        try:
            earlier = await self._latest(channel, lambda message: sent_before(message.content), limit=20)
            if earlier is not None:
                return earlier
        except discord.HTTPException as error:  # sending twice is better than never asking
            log.info("could not read the DMs of %s before sending: %s", user_id, error.text)
        try:
            await self.pace()
            return await channel.send(content, allowed_mentions=no_pings(), **extra)
        except discord.HTTPException as error:
            if passing_raises and passing_failure(error):
                raise
            log.info("could not DM %s: %s", user_id, error.text)
            return None

    async def find(self, user_id: int, wanted: Callable[[discord.Message], bool]) -> discord.Message | None:
        """The latest of the bot's messages in the member's DMs that is ``wanted``, among one page of history."""
        channel = await self.channel(user_id)
        if channel is None:
            return None
        try:
            return await self._latest(channel, wanted, limit=PAGE)
        except discord.HTTPException as error:
            log.info("could not read the DMs of %s: %s", user_id, error.text)
            return None

    async def copy(self, user_id: int, message_id: int | None,
                   wanted: Callable[[discord.Message], bool]) -> discord.Message | None:
        """The member's copy of a message sent to each member: read by its stored id, however many DMs followed
        it; without an id (sent before ids were recorded), the latest ``wanted`` one among one page of history.
        None when it was deleted or cannot be read."""
        if message_id is None:
            return await self.find(user_id, wanted)
        channel = await self.channel(user_id)
        if channel is None:
            return None
        try:
            await self.pace()
            return await channel.fetch_message(message_id)
        except discord.HTTPException as error:
            log.info("could not read message %s in the DMs of %s: %s", message_id, user_id, error.text)
            return None

    async def _latest(self, channel: discord.DMChannel, wanted: Callable[[discord.Message], bool], *,
                      limit: int) -> discord.Message | None:
        await self.pace()
        async for message in channel.history(limit=limit):
            if message.author.id == self.client.user_id and wanted(message):
                return message
        return None

