"""Telling a server's moderators something only they can fix, where Discord shows server notices."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from cogs._common.render import no_pings

log = logging.getLogger(__name__)


def system_channel(client: discord.Client, guild_id: int) -> discord.TextChannel | None:
    """The server's system channel, when this process serves the server and the bot may post there."""
    guild = client.get_guild(guild_id)
    channel = guild.system_channel if guild else None
    if guild is None or guild.me is None or channel is None or not channel.permissions_for(guild.me).send_messages:
        return None
    return channel


async def notify_moderators(client: discord.Client, guild_id: int, text: str,
                            pace: Callable[[], Awaitable[None]]) -> bool:
    """Post ``text`` in the server's system channel; whether it was posted.

    The bot has no channel of its own to speak to moderators in, and the system channel is the one
    Discord itself uses for server notices. Without one (or without Send Messages there) the caller's
    status command still holds what went wrong, so a refusal is reported as False, not raised.
    """
    channel = system_channel(client, guild_id)
    if channel is None:
        return False
    try:
        await pace()
        await channel.send(text, allowed_mentions=no_pings())
    except discord.HTTPException as error:
        log.warning("could not tell the moderators of guild %s: %s", guild_id, error.text or error.status)
        return False
    return True
