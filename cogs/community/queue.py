"""The suggestion's message in the moderators' review channel, posted exactly once.

The steps are: claim (the channel and the time are written), send, record the message id.
A process can die between any two. A claim left without a message id is finished by the next
start: it looks in the channel for the message (by its title, or its Approve button's id) and
records it, or sends it only when it is not there; the re-send carries the first attempt's
nonce too, so Discord itself answers with a message it did take. A suggestion decided meanwhile
gets its found message updated and is never posted afresh.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import aiohttp
import discord

from bot.bot import StudyBot
from bot.community import Status, Suggestion, SuggestionService
from bot.posting import crash_point, publish_once
from cogs._common import no_pings
from cogs.community.embeds import suggestion_embed
from cogs.community.messages import warnings
from cogs.community.views import APPROVE, review_view

log = logging.getLogger(__name__)

SEARCH_LIMIT = 100  # messages read after the claim: the review channel rarely holds more in that time
TITLE = re.compile(r"(?:Card|Prompt) suggestion #(\d+)(?::|$)")


class Unknown(Exception):
    """Discord did not answer (5xx, a timeout): whether the message went out is unknown, so the claim stays."""


def queue_nonce(suggestion_id: int) -> str:
    """The same nonce for every attempt at one suggestion's message (Discord allows 25 characters)."""
    return f"rq{suggestion_id}"


async def post_to_queue(client: StudyBot, service: SuggestionService, suggestion: Suggestion) -> bool:
    """Put a new suggestion in the moderators' channel, if the server chose one; False if it could not."""
    channel = client.get_channel(await service.review_channel(suggestion.guild_id) or 0)
    if not isinstance(channel, discord.TextChannel):
        return False
    if not await service.claim_queue_post(suggestion.id, channel.id):
        return True  # posted already, or being posted
    return await _finish(client, service, suggestion, channel, fresh=True)


async def finish_queue_posts(client: StudyBot, service: SuggestionService) -> int:
    """After a restart: finish every queue message a stopped process claimed (this process's servers only)."""
    finished = 0
    for suggestion in await service.queue_claims():
        if not client.core.scheduler.owns(suggestion.guild_id):
            continue
        channel = client.get_channel(suggestion.queue_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            log.info("the review channel of suggestion %s is gone; its queue message is not posted", suggestion.id)
            await service.drop_queue_claim(suggestion.id)
            continue
        if await _finish(client, service, suggestion, channel, fresh=False):
            finished += 1
    return finished


async def _finish(client: StudyBot, service: SuggestionService, suggestion: Suggestion, channel: discord.TextChannel,
                  *, fresh: bool) -> bool:
    """Send the claimed message (or adopt the copy an earlier attempt sent) and record it."""
    async def find() -> int | None:
        return await _find(client, suggestion, channel)

    async def send() -> int | None:
        if suggestion.status is not Status.PENDING:
            return None  # decided while the message was unposted: the decision already said everything
        return await _send(service, suggestion, channel)

    try:
        message_id = await publish_once(fresh=fresh, find_earlier=find, publish=send)
    except Unknown as error:
        log.warning("suggestion %s: %s; the next start looks for its queue message", suggestion.id, error)
        return False
    if message_id is None:
        await service.drop_queue_claim(suggestion.id)
        return False
    if not fresh and suggestion.status is not Status.PENDING:
        await _show_decided(channel, message_id, suggestion)
    await service.set_queue_message(suggestion.id, channel.id, message_id)
    return True


async def _send(service: SuggestionService, suggestion: Suggestion, channel: discord.TextChannel) -> int | None:
    """The message with its buttons; None when Discord refused it for good (the claim is then dropped)."""
    try:
        note = warnings(await service.alike(suggestion))
        message = await channel.send(embed=suggestion_embed(suggestion, note=note), view=review_view(suggestion),
                                     nonce=queue_nonce(suggestion.id), allowed_mentions=no_pings())
    except discord.HTTPException as error:
        if error.status >= 500 or error.status == 429:
            raise Unknown(f"Discord could not take the queue message ({error.status})") from error
        log.warning("could not post suggestion %s to the review channel: %s", suggestion.id, error.text)
        return None
    except (TimeoutError, aiohttp.ClientError) as error:
        raise Unknown("Discord did not answer in time") from error
    crash_point("review.queue-posted")
    return message.id


async def _find(client: StudyBot, suggestion: Suggestion, channel: discord.TextChannel) -> int | None:
    """The bot's queue message of ``suggestion`` among those sent since its claim, if there is one."""
    me = client.user
    since = suggestion.queue_claimed_at or suggestion.created_at
    wanted = APPROVE(suggestion.id)
    try:
        async for message in channel.history(after=since - timedelta(minutes=1), limit=SEARCH_LIMIT):
            if me is None or message.author.id != me.id:
                continue
            titled = any((m := TITLE.match(embed.title or "")) and int(m.group(1)) == suggestion.id
                         for embed in message.embeds)
            buttoned = any(getattr(child, "custom_id", None) == wanted
                           for row in message.components for child in getattr(row, "children", ()))
            if titled or buttoned:
                return message.id
    except discord.HTTPException as error:
        if error.status >= 500 or error.status == 429:
            raise Unknown("Discord could not show the review channel's history") from error
        log.info("could not look for the queue message of suggestion %s: %s", suggestion.id, error.text)
    except (TimeoutError, aiohttp.ClientError) as error:
        raise Unknown("Discord did not answer in time") from error
    return None


async def _show_decided(channel: discord.TextChannel, message_id: int, suggestion: Suggestion) -> None:
    """A found message of a suggestion decided meanwhile shows the decision, without buttons."""
    try:
        await channel.get_partial_message(message_id).edit(embed=suggestion_embed(suggestion), view=None)
    except discord.HTTPException as error:
        log.info("could not show the decision of suggestion %s on its queue message: %s", suggestion.id, error.text)
