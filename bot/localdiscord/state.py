"""The simulated Discord's world: guilds, channels, roles, members, messages and threads.

Objects serialise to the JSON shapes the Discord API documents, so what the bot
receives is what Discord would send.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.localdiscord import permissions as perms
from bot.localdiscord.messages import SimMessage, iter_components, message_text
from bot.localdiscord.permissions import (
    ALL_PERMISSIONS,
    BOT_DEFAULT,
    EVERYONE_DEFAULT,
    PERMISSIONS,
    names_to_bits,
)
from bot.localdiscord.users import DISCORD_EPOCH_MS, SimUser, Snowflakes, iso

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

__all__ = [
    "ALL_PERMISSIONS", "BOT_DEFAULT", "DISCORD_EPOCH_MS", "EVERYONE_DEFAULT", "PERMISSIONS", "SimChannel", "SimGuild",
    "SimMessage", "SimRole", "SimUser", "Snowflakes", "iso", "iter_components", "message_text",
]


@dataclass
class SimRole:
    id: int
    name: str
    permissions: int = 0
    position: int = 1
    mentionable: bool = False  # Discord's default for a new role: "Allow anyone to @mention this role" is off

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id), "name": self.name, "permissions": str(self.permissions), "position": self.position,
            "color": 0, "colors": {"primary_color": 0}, "hoist": False, "managed": False,
            "mentionable": self.mentionable, "flags": 0,
        }


@dataclass
class SimChannel:
    id: int
    name: str
    type: int  # 0 text, 1 DM, 11 public thread, 12 private thread
    guild: SimGuild | None
    parent_id: int | None = None
    owner_id: int | None = None
    messages: list[SimMessage] = field(default_factory=list)
    member_ids: set[int] = field(default_factory=set)
    overwrites: dict[int, tuple[int, int]] = field(default_factory=dict)  # target id -> (allow, deny)
    recipient: SimUser | None = None
    # thread metadata (resources/channel.mdx, "Thread Metadata Object")
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 1440  # minutes
    archive_timestamp: datetime | None = None
    last_activity: datetime | None = None  # a message, an unarchive or a duration change (topics/threads.mdx)
    voice: dict[str, Any] = field(default_factory=dict)  # bitrate, user_limit, rtc_region of a voice channel
    # forum channels (type 15) and their posts (resources/channel.mdx, "Forum Tag Object", "Channel Flags")
    available_tags: list[dict[str, Any]] = field(default_factory=list)
    applied_tags: list[int] = field(default_factory=list)
    flags: int = 0
    last_message_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def last_message(self) -> SimMessage | None:
        live = [m for m in self.messages if not m.deleted]
        return live[-1] if live else None

    @property
    def threads(self) -> list[SimChannel]:
        if self.guild is None:
            return []
        return [t for t in self.guild.threads if t.parent_id == self.id]

    @property
    def is_thread(self) -> bool:
        return self.type in (10, 11, 12)

    @property
    def is_forum(self) -> bool:
        """A forum or a media channel (type 15 or 16): it holds only posts, each started with its first message
        (resources/channel.mdx, "Start Thread in Forum or Media Channel")."""
        return self.type in (15, 16)

    @property
    def in_forum(self) -> bool:
        """A forum post: a thread whose parent is a forum channel (its first message has the thread's id)."""
        parent = self.guild.channels.get(self.parent_id) if self.guild and self.parent_id else None
        return parent is not None and parent.is_forum

    @property
    def starter(self) -> SimMessage | None:
        """A forum post's first message, which holds the post's text and buttons."""
        return next((m for m in self.messages if m.id == self.id), None) if self.in_forum else None

    def tag_names(self) -> list[str]:
        """The names of the tags applied to this forum post, as members see them on it."""
        parent = self.guild.channels.get(self.parent_id) if self.guild and self.parent_id else None
        names = {int(t["id"]): t["name"] for t in parent.available_tags} if parent else {}
        return [names[t] for t in self.applied_tags if t in names]

    def member_json(self, user_id: int) -> dict[str, Any]:
        """"Thread Member Object" for ``user_id`` in this thread."""
        return {"id": str(self.id), "user_id": str(user_id), "join_timestamp": iso(self.archive_timestamp
                                                                                  or datetime.now(UTC)), "flags": 0}

    def archives_at(self) -> datetime | None:
        """When an active thread archives if nobody is active in it (topics/threads.mdx, "Active & Archived")."""
        if not self.is_thread or self.archived or self.last_activity is None:
            return None
        return self.last_activity + timedelta(minutes=self.auto_archive_duration)

    def set_permissions(self, target: SimRole | Any, *, allow: tuple[str, ...] = (), deny: tuple[str, ...] = ()) -> None:
        """Set the channel's overwrite for a role or member, as a server admin does in Channel Settings."""
        self.overwrites[target.id] = (names_to_bits(allow), names_to_bits(deny))
        self._updated()

    def allow(self, target_id: int, *names: str) -> None:
        """Add a permission overwrite allowing ``names`` to a role or member in this channel."""
        allow, deny = self.overwrites.get(target_id, (0, 0))
        bits = names_to_bits(names)
        self.overwrites[target_id] = (allow | bits, deny & ~bits)
        self._updated()

    def deny(self, target_id: int, *names: str) -> None:
        """Add a permission overwrite denying ``names`` to a role or member in this channel."""
        allow, deny = self.overwrites.get(target_id, (0, 0))
        bits = names_to_bits(names)
        self.overwrites[target_id] = (allow & ~bits, deny | bits)
        self._updated()

    def clear_overwrite(self, target_id: int) -> None:
        """Remove the overwrite for a role or member (a moderator fixing the permissions)."""
        self.overwrites.pop(target_id, None)
        self._updated()

    def _updated(self) -> None:
        if self.guild is not None:
            self.guild.sim.dispatch_if_connected("CHANNEL_UPDATE", self.to_json())

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(self.id), "type": self.type, "name": self.name, "flags": self.flags}
        if self.type == 1:
            data = {"id": str(self.id), "type": 1, "recipients": [self.recipient.to_json()] if self.recipient else [],
                    "last_message_id": None}
            return data
        data["guild_id"] = str(self.guild.id) if self.guild else None
        data["position"] = 0
        data["permission_overwrites"] = [
            {"id": str(target), "type": 0 if self.guild and target in self.guild.roles else 1,
             "allow": str(allow), "deny": str(deny)}
            for target, (allow, deny) in self.overwrites.items()
        ]
        if self.is_thread:
            # message_count leaves out a forum post's first message ("not including the initial message")
            counted = len([m for m in self.messages if not m.deleted and m.id != self.id])
            data.update({
                "parent_id": str(self.parent_id), "owner_id": str(self.owner_id or 0),
                "message_count": counted, "member_count": len(self.member_ids),
                "rate_limit_per_user": 0,
                "thread_metadata": {"archived": self.archived, "auto_archive_duration": self.auto_archive_duration,
                                    "archive_timestamp": iso(self.archive_timestamp or datetime.now(UTC)),
                                    "locked": self.locked, **({"invitable": self.invitable} if self.type == 12 else {})},
                "total_message_sent": len(self.messages),
            })
            if self.in_forum:
                data["applied_tags"] = [str(t) for t in self.applied_tags]
                data["last_message_id"] = str(self.messages[-1].id) if self.messages else None
        else:
            data.update({"topic": None, "nsfw": False, "last_message_id": None, "rate_limit_per_user": 0,
                         "parent_id": None})
            data.update(self.voice)
            if self.is_forum:
                data.update({"last_message_id": str(self.last_message_id) if self.last_message_id else None,
                             "available_tags": [dict(t) for t in self.available_tags],
                             "default_reaction_emoji": None, "default_sort_order": None,
                             "default_thread_rate_limit_per_user": 0, "default_auto_archive_duration": 1440})
                if self.type == 15:  # "default_forum_layout": the layout of GUILD_FORUM channels
                    data["default_forum_layout"] = 0
        return data


@dataclass
class SimGuild:
    id: int
    name: str
    sim: LocalDiscord
    owner_id: int = 0
    channels: dict[int, SimChannel] = field(default_factory=dict)
    roles: dict[int, SimRole] = field(default_factory=dict)
    members: dict[int, Any] = field(default_factory=dict)  # user id -> SimMember
    threads: list[SimChannel] = field(default_factory=list)
    bot_present: bool = True
    # An outage: READY lists the guild unavailable, then a GUILD_DELETE marked unavailable, no GUILD_CREATE.
    outage: bool = False
    system_channel_id: int | None = None  # where Discord shows join messages; bots may post notices there
    scheduled_events: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> event object

    @property
    def everyone(self) -> SimRole:
        return self.roles[self.id]

    def _created(self, channel: SimChannel) -> SimChannel:
        """A channel a moderator just made: known to the guild and the simulator, announced on the gateway."""
        self.channels[channel.id] = channel
        self.sim.channels[channel.id] = channel
        self.sim.dispatch_if_connected("CHANNEL_CREATE", channel.to_json())
        return channel

    def create_text_channel(self, name: str) -> SimChannel:
        channel = SimChannel(self.sim.snowflakes.next(), name, 0, self)
        return self._created(channel)

    def create_announcement_channel(self, name: str) -> SimChannel:
        """An announcement channel (type 5): public threads from messages, but no private threads."""
        channel = SimChannel(self.sim.snowflakes.next(), name, 5, self)
        return self._created(channel)

    def create_forum_channel(self, name: str, *, tags: tuple[str, ...] = (), require_tag: bool = False,
                             moderated: bool = False) -> SimChannel:
        """A forum channel a moderator made (type 15), optionally with tags of their own already on it;
        ``moderated`` tags only members with Manage Threads may apply (resources/channel.mdx, "Forum Tag Object")."""
        channel = SimChannel(self.sim.snowflakes.next(), name, 15, self, flags=(1 << 4) if require_tag else 0,
                             available_tags=[{"id": str(self.sim.snowflakes.next()), "name": tag, "moderated": moderated,
                                              "emoji_id": None, "emoji_name": None} for tag in tags])
        return self._created(channel)

    def create_media_channel(self, name: str) -> SimChannel:
        """A media channel a moderator made (type 16): like a forum, it holds only posts (made for images and
        videos in Discord's client)."""
        return self._created(SimChannel(self.sim.snowflakes.next(), name, 16, self))

    def create_voice_channel(self, name: str) -> SimChannel:
        """A voice channel a moderator made (type 2), with Discord's default voice settings."""
        channel = SimChannel(self.sim.snowflakes.next(), name, 2, self,
                             voice={"bitrate": 64000, "user_limit": 0, "rtc_region": None})
        return self._created(channel)

    @property
    def bot_role(self) -> SimRole:
        """The role Discord made for the bot when it joined (its permissions come from the invite)."""
        return next(r for r in self.roles.values() if r.name == "studybot")

    def grant(self, role: SimRole, *names: str) -> None:
        """A server admin adds permissions to a role."""
        self.edit_role(role, permissions=role.permissions | names_to_bits(names))

    def revoke(self, role: SimRole, *names: str) -> None:
        self.edit_role(role, permissions=role.permissions & ~names_to_bits(names))

    def delete_channel(self, channel: SimChannel) -> None:
        """A moderator deletes a channel: it is gone for the API and the bot is told."""
        self.channels.pop(channel.id, None)
        self.sim.channels.pop(channel.id, None)
        self.sim.dispatch_if_connected("CHANNEL_DELETE", channel.to_json())

    def create_role(self, name: str, *, permissions: int = 0, mentionable: bool = False) -> SimRole:
        role = SimRole(self.sim.snowflakes.next(), name, permissions, position=len(self.roles),
                       mentionable=mentionable)
        self.roles[role.id] = role
        self.sim.dispatch_if_connected("GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role.to_json()})
        return role

    def edit_role(self, role: SimRole, *, permissions: int | None = None, mentionable: bool | None = None,
                  position: int | None = None) -> None:
        """A server admin edits a role in Server Settings (or drags it in the list); the bot is told with
        GUILD_ROLE_UPDATE."""
        if permissions is not None:
            role.permissions = permissions
        if mentionable is not None:
            role.mentionable = mentionable
        if position is not None:
            role.position = position
        self.sim.dispatch_if_connected("GUILD_ROLE_UPDATE", {"guild_id": str(self.id), "role": role.to_json()})

    def delete_role(self, role: SimRole) -> None:
        """A server admin deletes a role: every member loses it, and the bot is told with GUILD_ROLE_DELETE."""
        self.roles.pop(role.id, None)
        for member in self.members.values():
            if role.id in member.role_ids:
                member.role_ids.remove(role.id)
        self.sim.dispatch_if_connected("GUILD_ROLE_DELETE", {"guild_id": str(self.id), "role_id": str(role.id)})

    def add_member(self, name: str, *, manage_guild: bool = False, administrator: bool = False,
                   roles: list[SimRole] | None = None) -> Any:
        return self.sim.add_member(self, name, manage_guild=manage_guild, administrator=administrator,
                                   roles=roles or [])

    def remove_member(self, member: Any) -> None:
        """``member`` leaves the server."""
        self.sim.remove_member(self, member)

    def readd_member(self, member: Any) -> None:
        """``member``, who left, joins the server again."""
        self.sim.readd_member(self, member)

    def channel(self, name: str) -> SimChannel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(name)

    def base_permissions(self, user_id: int) -> int:
        return perms.base_permissions(self, user_id)

    def permissions_in(self, user_id: int, channel: SimChannel) -> int:
        """Discord's permission algorithm: base, then @everyone, role and member overwrites, then implicit rules."""
        return perms.permissions_in(self, user_id, channel)

    def to_json(self) -> dict[str, Any]:
        bot_member = self.members.get(self.sim.bot_user.id)
        return {
            "id": str(self.id), "name": self.name, "icon": None, "splash": None, "discovery_splash": None,
            "owner_id": str(self.owner_id), "afk_channel_id": None, "afk_timeout": 300, "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "features": [], "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(self.system_channel_id) if self.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None, "vanity_url_code": None, "description": None, "banner": None,
            "premium_tier": 0, "preferred_locale": "en-US", "public_updates_channel_id": None, "nsfw_level": 0,
            "premium_progress_bar_enabled": False, "emojis": [], "stickers": [], "unavailable": False,
            "roles": [role.to_json() for role in self.roles.values()],
            "channels": [c.to_json() for c in self.channels.values()],
            # topics/threads.mdx, "Details about Thread Access and Syncing": only active threads the bot can see
            "threads": [t.to_json() for t in self.threads
                        if not t.archived and self.sim.bot_can(t, "view_channel")],
            "members": [bot_member.to_json()] if bot_member else [],
            "member_count": len(self.members), "large": len(self.members) > 250, "joined_at": iso(bot_member.joined_at if bot_member else self.sim.clock.now()),
            "voice_states": [], "presences": [], "stage_instances": [], "guild_scheduled_events": list(self.scheduled_events.values()),
            "soundboard_sounds": [],
        }
