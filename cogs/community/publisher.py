"""The Discord side of the review queue and of telling a decision.

The queue: send a suggestion's message with a fixed nonce, find one an earlier attempt sent, and show a
decision on it. What to post, when, and what a restart does with an unfinished claim are the service's
rules (``bot/community/review_queue.py``). A decision: show it on the queue message and DM the author;
which decisions a start finishes and when one counts as told are the service's rules too
(``bot/community/decisions.py``)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import aiohttp
import discord

from bot.bot import StudyBot
from bot.community import DecisionNoticeUnknown, QueuePostUnknown, Suggestion
from cogs._common import missing_permissions, no_pings, passing_failure, server_name
from cogs.community.embeds import author_notice, suggestion_embed
from cogs.community.messages import dm, update_queue_message
from cogs.community.messages import warnings as warning_note
from cogs.community.views import APPROVE, review_view

log = logging.getLogger(__name__)

SEARCH_LIMIT = 100  # messages read after the claim: the review channel rarely holds more in that time
# Beside posting, reading the channel back: a message an interrupted attempt sent is found there after a restart.
# Without Read Message History Discord answers that search with an empty page (resources/message.mdx, "Get Channel
# Messages"), and the message would be sent a second time once its nonce has expired.
QUEUE_NEEDS = ("read_message_history",)
TITLE = re.compile(r"(?:Card|Prompt) suggestion #(\d+)(?::|$)")


def missing_for_queue(channel: discord.TextChannel, me: discord.Member | None) -> list[str]:
    """What the bot lacks in ``channel`` to keep the review queue there, as Discord's client names it."""
    return missing_permissions(channel, me, also=QUEUE_NEEDS)


def queue_nonce(suggestion_id: int) -> str:
    """The same nonce for every attempt at one suggestion's message (Discord allows 25 characters)."""
    return f"rq{suggestion_id}"


class DiscordReviewQueuePublisher:
    def __init__(self, client: StudyBot) -> None:
        self.client = client

    def _channel(self, channel_id: int) -> discord.TextChannel | None:
        channel = self.client.get_channel(channel_id)
        return channel if isinstance(channel, discord.TextChannel) else None

    def in_outage(self, guild_id: int) -> bool:
        return self.client.in_outage(guild_id)

    def has_channel(self, channel_id: int) -> bool:
        """The channel exists and the bot may post the message there and find it again, by its own permissions: a
        refusal would count against Discord's invalid-request limit, a message it cannot look for could be posted
        twice, and the suggestion waits in ``/review queue`` either way."""
        channel = self._channel(channel_id)
        return channel is not None and not missing_for_queue(channel, channel.guild.me)

    async def send(self, channel_id: int, suggestion: Suggestion, warnings: list[str]) -> int | None:
        """The message with its buttons; None when Discord refused it for good (the claim is then dropped)."""
        channel = self._channel(channel_id)
        if channel is None:
            return None
        try:
            message = await channel.send(embed=suggestion_embed(suggestion, note=warning_note(warnings)),
                                         view=review_view(suggestion), nonce=queue_nonce(suggestion.id),
                                         allowed_mentions=no_pings())
        except discord.HTTPException as error:
            if passing_failure(error):
                raise QueuePostUnknown(f"Discord could not take the queue message ({error.status})") from error
            log.warning("could not post suggestion %s to the review channel: %s", suggestion.id, error.text)
            return None
        except (TimeoutError, aiohttp.ClientError) as error:
            raise QueuePostUnknown("Discord did not answer in time") from error
        return message.id

    async def find(self, channel_id: int, suggestion: Suggestion) -> int | None:
        """The bot's queue message of ``suggestion`` among those sent since its claim (by its title, or its
        Approve button's id), if there is one."""
        channel = self._channel(channel_id)
        me = self.client.user
        if channel is None or me is None:
            return None
        since = suggestion.queue_claimed_at or suggestion.created_at
        wanted = APPROVE(suggestion.id)
        try:
            async for message in channel.history(after=since - timedelta(minutes=1), limit=SEARCH_LIMIT):
                if message.author.id != me.id:
                    continue
                titled = any((m := TITLE.match(embed.title or "")) and int(m.group(1)) == suggestion.id
                             for embed in message.embeds)
                buttoned = any(getattr(child, "custom_id", None) == wanted
                               for row in message.components for child in getattr(row, "children", ()))
                if titled or buttoned:
                    return message.id
        except discord.HTTPException as error:
            if passing_failure(error):
                raise QueuePostUnknown("Discord could not show the review channel's history") from error
            log.info("could not look for the queue message of suggestion %s: %s", suggestion.id, error.text)
        except (TimeoutError, aiohttp.ClientError) as error:
            raise QueuePostUnknown("Discord did not answer in time") from error
        return None

    async def show_decided(self, channel_id: int, message_id: int, suggestion: Suggestion) -> None:
        """A found message of a suggestion decided meanwhile shows the decision, without buttons."""
        channel = self._channel(channel_id)
        if channel is None:
            return
        try:
            await channel.get_partial_message(message_id).edit(embed=suggestion_embed(suggestion), view=None)
        except discord.HTTPException as error:
            log.info("could not show the decision of suggestion %s on its queue message: %s", suggestion.id,
                     error.text)


class DiscordDecisionPublisher:
    """Shows a decision on its queue message and DMs the author; a Discord refusal is an answer (the
    message is left as it is, the DM counts as refused); no answer at all, or a DM Discord could not take for
    now (a server error, a rate limit), is :class:`DecisionNoticeUnknown`."""

    def __init__(self, client: StudyBot) -> None:
        self.client = client

    async def show_decision(self, suggestion: Suggestion) -> None:
        try:
            await update_queue_message(self.client, suggestion, suggestion_embed(suggestion))
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DecisionNoticeUnknown("Discord did not answer in time") from error

    async def tell_author(self, suggestion: Suggestion, *, edited: bool, unless_sent: bool) -> bool:
        notice = author_notice(suggestion, server_name(self.client.get_guild(suggestion.guild_id)) or "the server",
                               edited=edited)
        try:
            return await dm(self.client, suggestion.author_id, notice, unless_sent=unless_sent)
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DecisionNoticeUnknown("Discord did not answer in time") from error
        except discord.HTTPException as error:  # a server error or rate limit: the DM may go through later
            raise DecisionNoticeUnknown(f"Discord could not take the DM ({error.status})") from error
