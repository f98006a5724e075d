"""Permissions as Discord computes them (topics/permissions.mdx).

Base permissions from @everyone and the member's roles, then the channel's overwrites
in the documented order, then the implicit rules: no View Channel means nothing, no
Send Messages means no Mention Everyone, Attach Files or Embed Links, and threads take
their parent's overwrites with Send Messages in Threads instead of Send Messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.localdiscord.state import SimChannel, SimGuild

# Permission bits (https://discord.com/developers/docs/topics/permissions)
PERMISSIONS = {
    "create_instant_invite": 1 << 0, "kick_members": 1 << 1, "ban_members": 1 << 2, "administrator": 1 << 3,
    "manage_channels": 1 << 4, "manage_guild": 1 << 5, "add_reactions": 1 << 6, "view_channel": 1 << 10,
    "send_messages": 1 << 11, "manage_messages": 1 << 13, "embed_links": 1 << 14, "attach_files": 1 << 15,
    "read_message_history": 1 << 16, "mention_everyone": 1 << 17, "use_external_emojis": 1 << 18,
    "connect": 1 << 20, "mute_members": 1 << 22, "move_members": 1 << 24, "manage_roles": 1 << 28,
    "use_application_commands": 1 << 31, "manage_events": 1 << 33, "manage_threads": 1 << 34,
    "create_events": 1 << 44,
    "create_public_threads": 1 << 35, "create_private_threads": 1 << 36, "send_messages_in_threads": 1 << 38,
}
EVERYONE_DEFAULT = (
    PERMISSIONS["view_channel"] | PERMISSIONS["send_messages"] | PERMISSIONS["read_message_history"]
    | PERMISSIONS["embed_links"] | PERMISSIONS["attach_files"] | PERMISSIONS["add_reactions"]
    | PERMISSIONS["use_application_commands"] | PERMISSIONS["create_public_threads"]
    | PERMISSIONS["create_private_threads"] | PERMISSIONS["send_messages_in_threads"] | PERMISSIONS["connect"]
)
# What the invite link in the README grants.
BOT_DEFAULT = (EVERYONE_DEFAULT | PERMISSIONS["manage_threads"] | PERMISSIONS["mention_everyone"]
               | PERMISSIONS["create_events"])
ALL_PERMISSIONS = (1 << 50) - 1
# topics/permissions.mdx, "Implicit Permissions": denying Send Messages implicitly denies these.
NEEDS_SENDING = (PERMISSIONS["mention_everyone"] | PERMISSIONS["attach_files"] | PERMISSIONS["embed_links"]
                 | (1 << 12))  # SEND_TTS_MESSAGES


def names_to_bits(names: tuple[str, ...] | list[str]) -> int:
    value = 0
    for name in names:
        value |= PERMISSIONS[name]
    return value


def base_permissions(guild: SimGuild, user_id: int) -> int:
    """topics/permissions.mdx, "Permission Overwrites", ``compute_base_permissions``."""
    if user_id == guild.owner_id:
        return ALL_PERMISSIONS
    member = guild.members.get(user_id)
    value = guild.everyone.permissions
    for role_id in (member.role_ids if member else []):
        role = guild.roles.get(role_id)
        value |= role.permissions if role else 0
    if value & PERMISSIONS["administrator"]:
        return ALL_PERMISSIONS
    return value


def _overwrites(guild: SimGuild, user_id: int, channel: SimChannel, value: int) -> int:
    """topics/permissions.mdx, "Permission Overwrites", ``compute_overwrites``: @everyone, roles, member."""
    allow, deny = channel.overwrites.get(guild.id, (0, 0))
    value = (value & ~deny) | allow
    member = guild.members.get(user_id)
    role_allow = role_deny = 0
    for role_id in (member.role_ids if member else []):
        a, d = channel.overwrites.get(role_id, (0, 0))
        role_allow |= a
        role_deny |= d
    value = (value & ~role_deny) | role_allow
    allow, deny = channel.overwrites.get(user_id, (0, 0))
    return (value & ~deny) | allow


def permissions_in(guild: SimGuild, user_id: int, channel: SimChannel) -> int:
    """What ``user_id`` may do in ``channel`` (a thread counts as its parent, with the thread rules)."""
    base = base_permissions(guild, user_id)
    if base == ALL_PERMISSIONS:
        return ALL_PERMISSIONS
    parent = guild.channels.get(channel.parent_id) if channel.is_thread and channel.parent_id else None
    value = _overwrites(guild, user_id, parent or channel, base)
    if not value & PERMISSIONS["view_channel"]:  # "Implicit Permissions": nothing without View Channel
        return 0
    if channel.is_thread:
        # topics/threads.mdx, "Public & Private Threads": a private thread is visible to its members
        # and to moderators (Manage Threads) only.
        if channel.type == 12 and user_id not in channel.member_ids and not value & PERMISSIONS["manage_threads"]:
            return 0
        # topics/permissions.mdx, "Inherited Permissions (Threads)": Send Messages is not inherited.
        sending = PERMISSIONS["send_messages_in_threads"]
    else:
        sending = PERMISSIONS["send_messages"]
    if not value & sending:  # "Implicit Permissions": no sending means none of what sending carries
        value &= ~NEEDS_SENDING
    return value
