"""Telling a server's moderators something only they can fix: in the channel they chose for the bot's
notices (``/studybot settings notices-channel``), else where Discord shows server notices."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from bot.bot import StudyBot
from cogs._common.permissions import missing_permissions, passing_failure
from cogs._common.render import no_pings

log = logging.getLogger(__name__)

# Posting a notice, and reading the channel back so that a notice is not repeated after a restart.
NOTICE_PERMISSIONS = ("view_channel", "send_messages", "read_message_history")
# One page of the notices channel: a notice told just before a restart is in it, whatever members said since.
NOTICE_SEARCH_LIMIT = 100
# The system channel is the server's own choice, so it is used whenever the bot may post there at all.
FALLBACK_PERMISSIONS = ("view_channel", "send_messages")


def missing_for_notices(channel: discord.abc.GuildChannel, me: discord.Member | None) -> list[str]:
    """What the bot lacks in ``channel`` to post notices there, as Discord's client names it (nothing can
    be judged while the bot's own member is not known yet: Discord then judges the post itself)."""
    return missing_permissions(channel, me, needs=NOTICE_PERMISSIONS)


async def notices_channel(client: StudyBot, guild_id: int) -> discord.TextChannel | None:
    """Where the moderators of a server this process serves are told things, if the bot may post there.

    The chosen channel comes first, while the bot keeps what choosing it required; when it is gone or
    the bot lost one of those, the system channel still reaches the moderators (and ``/studybot settings
    show`` says what broke the choice, by the same rule).
    """
    return (await notice_places(client, guild_id))[0]


async def notice_places(client: StudyBot, guild_id: int) -> tuple[discord.TextChannel | None,
                                                                  list[discord.TextChannel]]:
    """Where a notice goes now (None: nowhere the bot may post), and every place one may have gone before:
    the chosen channel and the system channel, each once."""
    guild = client.get_guild(guild_id)
    if guild is None or guild.me is None:
        return None, []
    chosen_id = await client.core.moderators.notices_channel_of(guild_id)
    chosen = guild.get_channel(chosen_id) if chosen_id else None
    candidates = [(channel, needs) for channel, needs in ((chosen, NOTICE_PERMISSIONS),
                                                          (guild.system_channel, FALLBACK_PERMISSIONS))
                  if isinstance(channel, discord.TextChannel)]
    now = next((channel for channel, needs in candidates
                if not missing_permissions(channel, guild.me, needs=needs)), None)
    if now is None and chosen_id:
        log.warning("guild %s chose channel %s for notices, but I may not post there (or it is gone)",
                    guild_id, chosen_id)
    return now, list({channel.id: channel for channel, _ in candidates}.values())


async def notify_moderators(client: StudyBot, guild_id: int, text: str,
                            pace: Callable[[], Awaitable[None]], look_first: bool = False) -> bool:
    """Post ``text`` where the server's moderators read the bot's notices; whether it is there.

    With ``look_first`` the bot was stopped after storing the notice and perhaps after posting it: it is
    looked for among the latest messages of the chosen channel and of the system channel first (the one
    it went to may not be the one it would go to now, if the chosen channel was closed to the bot or
    opened again in between), and not posted twice.
    Without such a channel (none chosen and no system channel, or no Send Messages there) the caller's
    status command still holds what went wrong, so a refusal is reported as False, not raised. Discord failing
    for a moment (a server error, a rate limit) is raised: the notice is told at the caller's next attempt.
    """
    channel, places = await notice_places(client, guild_id)
    if channel is None:
        return False
    if look_first:
        for place in places:
            if await told_before(client, place, text, pace):
                return True
    try:
        await pace()
        await channel.send(text, allowed_mentions=no_pings())
    except discord.HTTPException as error:
        if passing_failure(error):
            raise
        log.warning("could not tell the moderators of guild %s: %s", guild_id, error.text or error.status)
        return False
    return True


async def told_before(client: discord.Client, channel: discord.abc.Messageable, wanted: str,
                      pace: Callable[[], Awaitable[None]]) -> bool:
    """Whether a notice holding ``wanted`` is among the bot's latest messages in a notices channel (one page of
    history, read only where the bot may: a refusal counts against Discord's invalid-request limit). Used
    after a restart, for a notice the bot may have posted just before it stopped."""
    if isinstance(channel, discord.TextChannel) and \
            not channel.permissions_for(channel.guild.me).read_message_history:
        return False
    try:
        await pace()
        async for message in channel.history(limit=NOTICE_SEARCH_LIMIT):
            if client.user is not None and message.author.id == client.user.id and wanted in message.content:
                return True
    except discord.HTTPException as error:
        log.warning("could not read a notices channel for an earlier notice: %s", error.text)
    return False
