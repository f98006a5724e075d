"""Who may decide suggestions and change a server's content, checked when the action happens.

A button in a moderators' channel can be clicked by anyone who can see it, and a command's
default permissions can be changed by a server admin; so every moderator action asks again,
at run time, whether the person acting is a moderator here (Manage Server, or the server's
moderator role; see :mod:`cogs._common.authority`).
"""

from __future__ import annotations

import discord

from bot.errors import UserFacingError
from cogs._common.authority import Audience, refusal


class NotAModerator(UserFacingError):
    """The person acting is not allowed to moderate this server's content."""


async def require_moderator(interaction: discord.Interaction) -> int:
    """The guild id of a moderator action, or :class:`NotAModerator`; never trusts a custom id."""
    reason = await refusal(interaction, Audience.MODERATOR)
    if reason is not None or interaction.guild_id is None:
        raise NotAModerator(reason or "This only works inside a server.")
    return interaction.guild_id
