"""Who may do what, decided by the bot itself at run time.

Discord's ``default_member_permissions`` only decides who *sees* a command in the client, and a
server's own command permission settings can widen it to any role or member. So every command,
button, menu and form declares an :class:`Audience`, and the bot checks it on every interaction:

- ``member``: anyone in the server (their own data, read-only information);
- ``moderator``: Manage Server (or Administrator), or the role the server named with
  ``/studybot settings moderator-role``;
- ``owner``: the bot's owner (``STUDYBOT_OWNER_IDS`` or the application's owner).

Something without a declared audience is refused: forgetting the declaration fails closed.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

import discord
from discord import app_commands

from bot.pacing import members_first
from bot.storage import bounded_writes
from cogs._common.access import client_of, core_of, payload_of

log = logging.getLogger(__name__)

AUDIENCE_KEY = "audience"


class Audience(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    OWNER = "owner"


def declared(audience: Audience) -> dict[str, Any]:
    """The ``extras`` (or ``group_extras``) that declare a command's audience."""
    return {AUDIENCE_KEY: audience}


def audience_of(command: Any) -> Audience | None:
    """The audience a command declares, or inherits from the group it is in."""
    node = command
    while node is not None:
        value = (getattr(node, "extras", None) or {}).get(AUDIENCE_KEY)
        if value is not None:
            return Audience(value)
        node = getattr(node, "parent", None)
    return None


async def is_moderator(interaction: discord.Interaction) -> bool:
    """Manage Server (Discord computed it for this interaction), or the server's moderator role."""
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    permissions = interaction.permissions
    if permissions.administrator or permissions.manage_guild:
        return True
    role_id = await core_of(interaction).moderators.role_of(interaction.guild_id)
    return role_id is not None and any(role.id == role_id for role in interaction.user.roles)


async def is_owner(interaction: discord.Interaction) -> bool:
    """Listed in ``STUDYBOT_OWNER_IDS``, or the application's owner (a team's admins and developers). The
    application is the one discord.py fetched at login: asking Discord again (``Bot.is_owner``) would put a
    request before the interaction's answer, the first time after each start."""
    client = client_of(interaction)
    if interaction.user.id in client.core.settings.owner_ids:
        return True
    app = client.application
    if app is None:  # not fetched at login (never the case once connected): ask, as discord.py would
        return await client.is_owner(interaction.user)
    if app.team is not None:
        deciders = (discord.TeamMemberRole.admin, discord.TeamMemberRole.developer)
        return any(member.id == interaction.user.id and member.role in deciders for member in app.team.members)
    return app.owner.id == interaction.user.id


async def refusal(interaction: discord.Interaction, audience: Audience | None) -> str | None:
    """Why this member may not do this (``None`` when they may)."""
    if audience is Audience.MEMBER:
        return None
    if audience is Audience.MODERATOR:
        if interaction.guild_id is None:
            return "This only works inside a server."
        if await is_moderator(interaction):
            return None
        role_id = await core_of(interaction).moderators.role_of(interaction.guild_id)
        role = f" or the <@&{role_id}> role" if role_id else ""
        return (f"Only moderators can do that: it needs the **Manage Server** permission{role}. "
                "A server admin can name a moderator role with `/studybot settings moderator-role`.")
    if audience is Audience.OWNER:
        return None if await is_owner(interaction) else (
            "Only the bot's owner can do that. Owners are listed in STUDYBOT_OWNER_IDS.")
    log.error("refused an interaction with no declared audience (custom_id=%s command=%s)",
              payload_of(interaction).get("custom_id"),
              interaction.command.qualified_name if interaction.command else None)
    return "This action is not available."


async def authorize(interaction: discord.Interaction, audience: Audience | None) -> bool:
    """True when allowed; otherwise the member is told why, privately, and nothing else happens.

    Every interaction passes here first, so it is also where its database writes are bounded
    (a member waits for a busy database at most a second or two, never past Discord's 3 seconds)
    and where the requests it causes take the member lane, ahead of a fan-out's queued posts.
    """
    bounded_writes()
    members_first()
    reason = await refusal(interaction, audience)
    if reason is None:
        return True
    await refuse(interaction, reason)
    return False


async def refuse(interaction: discord.Interaction, reason: str) -> None:
    """Tell the member, privately, why nothing happened."""
    if interaction.type is discord.InteractionType.autocomplete:
        return  # an autocomplete cannot carry a message; the command itself will refuse
    try:
        if interaction.response.is_done():
            await interaction.followup.send(reason, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
        else:
            await interaction.response.send_message(reason, ephemeral=True,
                                                    allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException:
        log.warning("could not tell user %s they were refused", interaction.user.id, exc_info=True)


def other_server(interaction: discord.Interaction, guild_id: int | None) -> bool:
    """Whether a server named in a custom id is not the one Discord says the interaction is in."""
    return guild_id is not None and guild_id != interaction.guild_id


OTHER_SERVER = "This belongs to another server, so it does nothing here; nothing was changed."


def command_audience(interaction: discord.Interaction) -> Audience | None:
    command = interaction.command
    return audience_of(command) if isinstance(command, app_commands.Command | app_commands.ContextMenu) else None
