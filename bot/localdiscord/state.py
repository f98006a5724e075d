"""The simulated Discord's world: guilds, channels, roles, members, messages and threads.

Objects serialise to the JSON shapes the Discord API documents, so what the bot
receives is what Discord would send.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

DISCORD_EPOCH_MS = 1420070400000

# Permission bits (https://discord.com/developers/docs/topics/permissions)
PERMISSIONS = {
    "create_instant_invite": 1 << 0, "kick_members": 1 << 1, "ban_members": 1 << 2, "administrator": 1 << 3,
    "manage_channels": 1 << 4, "manage_guild": 1 << 5, "add_reactions": 1 << 6, "view_channel": 1 << 10,
    "send_messages": 1 << 11, "manage_messages": 1 << 13, "embed_links": 1 << 14, "attach_files": 1 << 15,
    "read_message_history": 1 << 16, "mention_everyone": 1 << 17, "use_external_emojis": 1 << 18,
    "manage_roles": 1 << 28, "use_application_commands": 1 << 31, "manage_threads": 1 << 34,
    "create_public_threads": 1 << 35, "create_private_threads": 1 << 36, "send_messages_in_threads": 1 << 38,
}
EVERYONE_DEFAULT = (
    PERMISSIONS["view_channel"] | PERMISSIONS["send_messages"] | PERMISSIONS["read_message_history"]
    | PERMISSIONS["embed_links"] | PERMISSIONS["attach_files"] | PERMISSIONS["add_reactions"]
    | PERMISSIONS["use_application_commands"] | PERMISSIONS["create_public_threads"]
    | PERMISSIONS["create_private_threads"] | PERMISSIONS["send_messages_in_threads"]
)
BOT_DEFAULT = EVERYONE_DEFAULT | PERMISSIONS["manage_threads"] | PERMISSIONS["mention_everyone"]
ALL_PERMISSIONS = (1 << 50) - 1


class Snowflakes:
    """Monotonic snowflakes whose timestamps follow the simulator's clock."""

    def __init__(self, now: Any) -> None:
        self._now = now
        self._counter = itertools.count(1)

    def next(self) -> int:
        ms = int(self._now().timestamp() * 1000)
        return ((ms - DISCORD_EPOCH_MS) << 22) | (next(self._counter) & 0x3FFFFF)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@dataclass
class SimUser:
    id: int
    name: str
    bot: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id), "username": self.name, "global_name": self.name, "discriminator": "0",
            "avatar": None, "bot": self.bot, "public_flags": 0, "flags": 0,
        }


@dataclass
class SimRole:
    id: int
    name: str
    permissions: int = 0
    position: int = 1

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id), "name": self.name, "permissions": str(self.permissions), "position": self.position,
            "color": 0, "colors": {"primary_color": 0}, "hoist": False, "managed": False, "mentionable": True,
            "flags": 0,
        }


@dataclass
class SimMessage:
    """A message as Discord stores it; tests read ``text`` and click its buttons."""

    id: int
    channel_id: int
    author: SimUser
    payload: dict[str, Any]
    created_at: datetime
    guild_id: int | None = None
    webhook_id: int | None = None
    interaction_id: int | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    thread: SimChannel | None = None
    edited_at: datetime | None = None
    deleted: bool = False

    @property
    def author_id(self) -> int:
        return self.author.id

    @property
    def content(self) -> str:
        return self.payload.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.payload.get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.payload.get("components") or [])

    @property
    def flags(self) -> int:
        return int(self.payload.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in iter_components(self.components) if c.get("type") == 2]

    @property
    def button_labels(self) -> list[str]:
        return [b.get("label") or "" for b in self.buttons]

    @property
    def text(self) -> str:
        return message_text(self.payload)

    @property
    def mentions_everyone(self) -> bool:
        return self.payload.get("_mention_everyone", False)

    @property
    def pinged_role_ids(self) -> list[int]:
        return self.payload.get("_pinged_roles", [])

    @property
    def pinged_user_ids(self) -> list[int]:
        return self.payload.get("_pinged_users", [])

    def attachment(self, name: str) -> dict[str, Any]:
        for item in self.attachments:
            if item["filename"] == name:
                return item
        raise KeyError(f"no attachment {name!r}; have {[a['filename'] for a in self.attachments]}")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id), "channel_id": str(self.channel_id), "author": self.author.to_json(),
            "content": self.content, "timestamp": iso(self.created_at),
            "edited_timestamp": iso(self.edited_at) if self.edited_at else None, "tts": False,
            "mention_everyone": self.mentions_everyone, "mentions": [], "mention_roles": [
                str(r) for r in self.pinged_role_ids], "attachments": [
                {k: v for k, v in a.items() if k != "data"} for a in self.attachments],
            "embeds": self.embeds, "components": self.components, "pinned": False, "type": 0,
            "flags": self.flags,
        }
        if self.guild_id:
            data["guild_id"] = str(self.guild_id)
        if self.thread is not None:  # Discord includes the thread started from a message
            data["thread"] = self.thread.to_json()
        if self.webhook_id:
            data["webhook_id"] = str(self.webhook_id)
        if self.thread is not None:
            data["thread"] = self.thread.to_json()
        return data


def iter_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flatten action rows, containers, sections and labels into their interactive parts."""
    out: list[dict[str, Any]] = []
    for component in components or []:
        out.append(component)
        for key in ("components",):
            out.extend(iter_components(component.get(key) or []))
        if isinstance(component.get("component"), dict):
            out.extend(iter_components([component["component"]]))
        if isinstance(component.get("accessory"), dict):
            out.extend(iter_components([component["accessory"]]))
    return out


def message_text(payload: dict[str, Any]) -> str:
    """Everything a member can read in a message, as plain text (for assertions)."""
    parts: list[str] = []
    if payload.get("content"):
        parts.append(payload["content"])
    for embed in payload.get("embeds") or []:
        for key in ("title", "description"):
            if embed.get(key):
                parts.append(str(embed[key]))
        if (embed.get("author") or {}).get("name"):
            parts.append(embed["author"]["name"])
        for item in embed.get("fields") or []:
            parts.append(f"{item.get('name', '')}\n{item.get('value', '')}")
        if (embed.get("footer") or {}).get("text"):
            parts.append(embed["footer"]["text"])
    for component in iter_components(payload.get("components") or []):
        if component.get("type") == 2 and component.get("label"):
            parts.append(f"[{component['label']}]")
        if component.get("type") == 10 and component.get("content"):
            parts.append(component["content"])
        if component.get("type") == 3:
            parts.extend(f"<{o.get('label')}>" for o in component.get("options") or [])
    return "\n".join(parts)


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
    archived: bool = False

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

    def deny(self, target_id: int, *names: str) -> None:
        """Add a permission overwrite denying ``names`` to a role or member in this channel."""
        allow, deny = self.overwrites.get(target_id, (0, 0))
        for name in names:
            deny |= PERMISSIONS[name]
        self.overwrites[target_id] = (allow, deny)
        self._updated()

    def clear_overwrite(self, target_id: int) -> None:
        """Remove the overwrite for a role or member (a moderator fixing the permissions)."""
        self.overwrites.pop(target_id, None)
        self._updated()

    def _updated(self) -> None:
        if self.guild is not None:
            self.guild.sim.dispatch_if_connected("CHANNEL_UPDATE", self.to_json())

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(self.id), "type": self.type, "name": self.name, "flags": 0}
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
            data.update({
                "parent_id": str(self.parent_id), "owner_id": str(self.owner_id or 0),
                "message_count": len(self.messages), "member_count": len(self.member_ids),
                "rate_limit_per_user": 0,
                "thread_metadata": {"archived": self.archived, "auto_archive_duration": 1440,
                                    "archive_timestamp": iso(datetime.now(UTC)), "locked": False,
                                    "invitable": self.type != 12},
                "total_message_sent": len(self.messages),
            })
        else:
            data.update({"topic": None, "nsfw": False, "last_message_id": None, "rate_limit_per_user": 0,
                         "parent_id": None})
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
    system_channel_id: int | None = None  # where Discord shows join messages; bots may post notices there

    @property
    def everyone(self) -> SimRole:
        return self.roles[self.id]

    def create_text_channel(self, name: str) -> SimChannel:
        channel = SimChannel(self.sim.snowflakes.next(), name, 0, self)
        self.channels[channel.id] = channel
        self.sim.channels[channel.id] = channel
        self.sim.dispatch_if_connected("CHANNEL_CREATE", channel.to_json())
        return channel

    def delete_channel(self, channel: SimChannel) -> None:
        """A moderator deletes a channel: it is gone for the API and the bot is told."""
        self.channels.pop(channel.id, None)
        self.sim.channels.pop(channel.id, None)
        self.sim.dispatch_if_connected("CHANNEL_DELETE", channel.to_json())

    def create_role(self, name: str, *, permissions: int = 0) -> SimRole:
        role = SimRole(self.sim.snowflakes.next(), name, permissions, position=len(self.roles))
        self.roles[role.id] = role
        self.sim.dispatch_if_connected("GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role.to_json()})
        return role

    def add_member(self, name: str, *, manage_guild: bool = False, administrator: bool = False,
                   roles: list[SimRole] | None = None) -> Any:
        return self.sim.add_member(self, name, manage_guild=manage_guild, administrator=administrator,
                                   roles=roles or [])

    def channel(self, name: str) -> SimChannel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(name)

    def base_permissions(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members.get(user_id)
        value = self.everyone.permissions
        for role_id in (member.role_ids if member else []):
            value |= self.roles[role_id].permissions
        if value & PERMISSIONS["administrator"]:
            return ALL_PERMISSIONS
        return value

    def permissions_in(self, user_id: int, channel: SimChannel) -> int:
        """Discord's permission algorithm: base, then @everyone, role and member overwrites."""
        value = self.base_permissions(user_id)
        if value == ALL_PERMISSIONS:
            return value
        target = self.channels.get(channel.parent_id) if channel.is_thread and channel.parent_id else channel
        target = target or channel
        allow, deny = target.overwrites.get(self.id, (0, 0))
        value = (value & ~deny) | allow
        member = self.members.get(user_id)
        role_allow = role_deny = 0
        for role_id in (member.role_ids if member else []):
            a, d = target.overwrites.get(role_id, (0, 0))
            role_allow |= a
            role_deny |= d
        value = (value & ~role_deny) | role_allow
        allow, deny = target.overwrites.get(user_id, (0, 0))
        return (value & ~deny) | allow

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
            "threads": [t.to_json() for t in self.threads if not t.archived],
            "members": [bot_member.to_json()] if bot_member else [],
            "member_count": len(self.members), "large": len(self.members) > 250, "joined_at": iso(datetime.now(UTC)),
            "voice_states": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }
