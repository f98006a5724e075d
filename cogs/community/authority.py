"""Who may decide suggestions and change a server's content, checked when the action happens.

A button in a moderators' channel can be clicked by anyone who can see it, and a command's
default permissions can be changed by a server admin; so every moderator action asks again,
at run time, whether the person acting holds Manage Server here.
"""

from __future__ import annotations

import discord

from bot.errors import UserFacingError


class NotAModerator(UserFacingError):
    """The person acting is not allowed to moderate this server's content."""


def require_moderator(interaction: discord.Interaction) -> int:
    """The guild id of a moderator action, or :class:`NotAModerator`; never trusts a custom id."""
    if interaction.guild_id is None:
        raise NotAModerator("This only works inside a server.")
    permissions = interaction.permissions
    if not (permissions.manage_guild or permissions.administrator):
        raise NotAModerator("Only moderators (the **Manage Server** permission) can do that.",
                            hint="Ask a moderator to review it.")
    return interaction.guild_id
