"""What the community extension says outside an interaction's reply: the near-duplicate warnings on a
queue message, a refreshed queue message and the author's DM (the decision's publisher uses them too)."""

from __future__ import annotations

import logging

import discord

from bot.community import Suggestion
from cogs._common import no_pings, passing_failure

log = logging.getLogger(__name__)


def warnings(messages: list[str]) -> str | None:
    return "\n".join(f"⚠️ {m}" for m in messages[:3]) if messages else None


async def update_queue_message(client: discord.Client, suggestion: Suggestion, embed: discord.Embed,
                               view: discord.ui.View | None = None) -> None:
    """Show ``embed`` on the suggestion's queue message: without buttons once decided, with ``view`` while waiting."""
    channel = client.get_channel(suggestion.queue_channel_id or 0)
    if not isinstance(channel, discord.TextChannel):
        return
    me = channel.guild.me
    if me is not None and not channel.permissions_for(me).view_channel:
        # Editing its own message needs only the sight of the channel; without it Discord refuses the edit, and a
        # refusal counts against its invalid-request limit. The decision stands either way (`/review queue`).
        return
    try:
        await channel.get_partial_message(suggestion.queue_message_id or 0).edit(embed=embed, view=view)
    except discord.HTTPException as error:
        log.info("could not refresh the queue message of suggestion %s: %s", suggestion.id, error.text)


async def dm(client: discord.Client, user_id: int, text: str, *, unless_sent: bool = False) -> bool:
    """DM ``text``; with ``unless_sent`` (finishing a decision a restart cut off) not when the member's
    latest DMs already hold it: the process may have died after sending it, before recording that.

    False when Discord refused it for good (DMs closed, no such user); a server error or rate limit raises
    :class:`discord.HTTPException`, since the DM may go through when tried again."""
    try:
        user = client.get_user(user_id) or await client.fetch_user(user_id)
        if unless_sent:
            channel = user.dm_channel or await user.create_dm()
            async for message in channel.history(limit=20):
                if message.author.id == getattr(client.user, "id", None) and message.content == text:
                    return True
        await user.send(text, allowed_mentions=no_pings())
    except discord.HTTPException as error:
        if passing_failure(error):
            raise  # Discord did not take it for now: whether the member has it is unknown, so not "refused"
        log.info("could not DM %s: %s", user_id, error.text)
        return False
    return True
