"""Members of the simulated guilds, and what they do: slash commands, clicks, selects, modals.

Each action sends the INTERACTION_CREATE Discord would send, waits until the bot has
finished reacting (no sleeps: see ``BotHarness.settle``) and returns a :class:`Reply`
describing what the member saw.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.localdiscord.client_rules import check_picks
from bot.localdiscord.command_options import command_data, focused_type
from bot.localdiscord.command_permissions import can_use
from bot.localdiscord.replies import Reply
from bot.localdiscord.state import (
    PERMISSIONS,
    SimChannel,
    SimMessage,
    SimRole,
    SimUser,
    iso,
    iter_components,
)
from bot.localdiscord.threads import set_archived

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord, SimInteraction
    from bot.localdiscord.state import SimGuild


class CommandForbidden(PermissionError):
    """The member lacks the command's default member permissions, so Discord would not run it."""


class InteractionFailed(AssertionError):
    """The bot did not acknowledge the interaction (Discord shows "This interaction failed")."""


OPTION_TYPES = {3: "string", 4: "integer", 5: "boolean", 6: "user", 7: "channel", 8: "role", 10: "number",
                11: "attachment"}


@dataclass
class SimMember:
    sim: LocalDiscord
    user: SimUser
    guild: SimGuild | None
    role_ids: list[int] = field(default_factory=list)
    dms_closed: bool = False
    _upload_channel: int = 0
    joined_at: datetime | None = None  # when they joined the server; the simulator's clock at creation

    def __post_init__(self) -> None:
        if self.joined_at is None:
            self.joined_at = self.sim.clock.now()

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    @property
    def dms(self) -> list[SimMessage]:
        channel = self.sim.dm_channels.get(self.id)
        return [m for m in channel.messages if not m.deleted] if channel else []

    def dm_channel(self) -> SimChannel:
        """The member's DM with the bot, opened as Discord's client opens it (the one the bot gets with Create DM)."""
        channel = self.sim.dm_channels.get(self.id)
        if channel is None:
            channel = SimChannel(self.sim.snowflakes.next(), "", 1, None, recipient=self.user)
            self.sim.dm_channels[self.id] = channel
        return channel

    def add_role(self, role: SimRole) -> None:
        self.role_ids.append(role.id)

    def permissions(self, channel: SimChannel | None = None) -> int:
        if self.guild is None:
            return 0
        return self.guild.permissions_in(self.id, channel) if channel else self.guild.base_permissions(self.id)

    def to_json(self, channel: SimChannel | None = None) -> dict[str, Any]:
        data = {
            "user": self.user.to_json(), "roles": [str(r) for r in self.role_ids], "nick": None, "avatar": None,
            "joined_at": iso(self.joined_at or self.sim.clock.now()), "deaf": False, "mute": False, "flags": 0,
            "pending": False, "premium_since": None, "communication_disabled_until": None,
        }
        if channel is not None:
            data["permissions"] = str(self.permissions(channel))
        return data

    # -- actions ------------------------------------------------------------------------
    async def slash(self, command: str, *, in_channel: SimChannel | None = None, **options: Any) -> Reply:
        """Run ``/command`` (``"group sub"`` for subcommands) with ``options``.

        ``in_channel`` is where the member types the command. ``channel=`` means the same
        unless the command has an option called ``channel``, which it then fills.
        """
        interaction = self.start_slash(command, in_channel=in_channel, **options)
        return await self._finish(interaction)

    def _where(self, definition: dict[str, Any], path: list[str], in_channel: SimChannel | None,
               options: dict[str, Any]) -> SimChannel:
        if "channel" in options and not self._has_option(definition, path, "channel"):
            in_channel = in_channel or options.pop("channel")
        return in_channel or self._default_channel()

    @staticmethod
    def _has_option(definition: dict[str, Any], path: list[str], name: str) -> bool:
        node = definition.get("options") or []
        for word in path:
            node = next((o.get("options") or [] for o in node if o["name"] == word and o["type"] in (1, 2)), [])
        return any(o["name"] == name and o["type"] not in (1, 2) for o in node)

    def start_slash(self, command: str, *, in_channel: SimChannel | None = None, **options: Any) -> SimInteraction:
        """Send ``/command`` without waiting for the bot (for load: many members at once)."""
        definition, path = self._find_command(command)
        channel = self._where(definition, path, in_channel, options)
        if channel.is_thread and channel.archived:  # topics/threads.mdx: no commands in archived threads
            raise AssertionError("Discord does not let members use commands in an archived thread")
        self._check_context(definition, channel)
        self._check_permission(definition, channel)
        self._upload_channel = channel.id
        data = command_data(self, definition, path, options, focused=None)
        return self._dispatch(2, channel, data)

    def start_click(self, target: SimMessage | Reply, label_or_id: str) -> SimInteraction:
        """Press a button without waiting for the bot (for load: many members at once)."""
        message = self._message_of(target)
        for component in iter_components(message.components):
            if component.get("type") == 2 and label_or_id in (component.get("label"), component.get("custom_id")):
                if component.get("disabled"):
                    raise AssertionError(f"button {label_or_id!r} is disabled")
                data = {"custom_id": component["custom_id"], "component_type": 2}
                return self._dispatch(3, self._channel_of(message), data, message=message)
        raise AssertionError(f"no button {label_or_id!r} on the message; buttons: {message.button_labels}")

    async def autocomplete(self, command: str, option: str, typed: str, *,
                           in_channel: SimChannel | None = None, **others: Any) -> list[dict[str, Any]]:
        interaction = self.start_autocomplete(command, option, typed, in_channel=in_channel, **others)
        return (await self._finish(interaction)).choices

    def start_autocomplete(self, command: str, option: str, typed: str, *,
                           in_channel: SimChannel | None = None, **others: Any) -> SimInteraction:
        """Type into an autocomplete option without waiting for the bot: only where the command itself may be run,
        since Discord's client offers neither the command nor its options elsewhere."""
        definition, path = self._find_command(command)
        channel = self._where(definition, path, in_channel, others)
        if channel.is_thread and channel.archived:  # topics/threads.mdx: no commands in archived threads
            raise AssertionError("Discord does not let members use commands in an archived thread")
        self._check_context(definition, channel)
        self._check_permission(definition, channel)
        data = command_data(self, definition, path, {**others, option: typed}, focused=option)
        interaction = self._dispatch(4, channel, data)
        interaction.focused_type = focused_type(data.get("options") or [])
        return interaction

    async def click(self, target: SimMessage | Reply, label_or_id: str) -> Reply:
        message = self._message_of(target)
        for component in iter_components(message.components):
            if component.get("type") == 2 and label_or_id in (component.get("label"), component.get("custom_id")):
                if component.get("disabled"):
                    raise AssertionError(f"button {label_or_id!r} is disabled")
                data = {"custom_id": component["custom_id"], "component_type": 2}
                return await self._send(3, self._channel_of(message), data, message=message)
        raise AssertionError(f"no button {label_or_id!r} on the message; buttons: {message.button_labels}")

    async def select(self, target: SimMessage | Reply, values: list[str], *, custom_id: str | None = None) -> Reply:
        message = self._message_of(target)
        for component in iter_components(message.components):
            if component.get("type") in (3, 5, 6, 7, 8) and custom_id in (None, component.get("custom_id")):
                check_picks(component, values)
                data = {"custom_id": component["custom_id"], "component_type": component["type"], "values": values}
                if component["type"] == 8:  # a channel select carries the picked channels, as Discord sends them
                    data["resolved"] = {"channels": {value: self._resolved_channel(int(value), component)
                                                     for value in values}}
                return await self._send(3, self._channel_of(message), data, message=message)
        raise AssertionError(f"no select menu {custom_id!r} on the message")

    async def submit_modal(self, target: Reply | dict[str, Any], **fields: str) -> Reply:
        return await self._finish(self.start_submit_modal(target, **fields))

    def start_submit_modal(self, target: Reply | dict[str, Any], **fields: str) -> SimInteraction:
        """Submit a form without waiting for the bot (for a bot running in another process)."""
        modal = target.modal if isinstance(target, Reply) else target
        if modal is None:
            raise AssertionError("the bot did not open a modal")
        rows = []
        remaining = dict(fields)
        for row in modal.get("components") or []:
            inner = row.get("components") or ([row["component"]] if row.get("component") else [])
            for item in inner:
                if item.get("type") != 4:
                    continue
                label = item.get("label") or row.get("label")
                key = next((k for k in (item["custom_id"], label) if k in remaining), None)
                value = remaining.pop(key) if key else (item.get("value") or "")
                if item.get("required", True) and not value:
                    raise AssertionError(f"modal field {label!r} is required")
                limit = item.get("max_length")
                if limit and len(value) > int(limit):
                    raise AssertionError(f"Discord's client would not accept {len(value)} chars in {label!r}")
                least = item.get("min_length")
                if value and least and len(value) < int(least):  # an empty optional field is still left empty
                    raise AssertionError(f"Discord's client asks for at least {least} chars in {label!r}, "
                                         f"not {len(value)}")
                text_input = {"type": 4, "custom_id": item["custom_id"], "value": value}
                if row.get("type") == 18:
                    rows.append({"type": 18, "component": text_input})
                else:
                    rows.append({"type": 1, "components": [text_input]})
        if remaining:
            raise AssertionError(f"the modal has no fields {sorted(remaining)}")
        origin = target.interaction if isinstance(target, Reply) else None
        channel = origin.channel if origin else self._default_channel()
        data = {"custom_id": modal["custom_id"], "components": rows}
        return self._dispatch(5, channel, data, message=origin.source_message if origin else None)

    # -- helpers ------------------------------------------------------------------------
    def _resolved_channel(self, channel_id: int, component: dict[str, Any]) -> dict[str, Any]:
        channel = self.sim.channels.get(channel_id)
        if channel is None or channel.guild is not self.guild:
            raise AssertionError(f"the member cannot pick channel {channel_id}: not in their server")
        allowed = component.get("channel_types")
        if allowed and channel.type not in allowed:
            raise AssertionError(f"Discord's client does not offer #{channel.name} in that menu")
        # components/reference.mdx, "Channel Select": options are populated from the channels available to the
        # member, so one they may not view (topics/permissions.mdx, "Implicit Permissions") is never offered.
        if not self.permissions(channel) & PERMISSIONS["view_channel"]:
            raise AssertionError(f"Discord's client does not offer #{channel.name}: {self.name} "
                                 "cannot see it")
        # interactions/receiving-and-responding.mdx, "Resolved Data Structure": a partial channel with the
        # member's permissions, its parent_id and, for a thread, its thread_metadata (as channel options).
        return {**channel.to_json(), "permissions": str(self.permissions(channel))}

    def _default_channel(self) -> SimChannel:
        if self.guild is None or not self.guild.channels:
            raise AssertionError("pass channel=...: the member has no guild channel")
        return next(iter(self.guild.channels.values()))

    def _message_of(self, target: SimMessage | Reply) -> SimMessage:
        if isinstance(target, SimMessage):
            return target
        message = target.message or (target.followups[-1] if target.followups else None)
        if message is None:
            raise AssertionError("that reply has no message to click")
        return message

    def _channel_of(self, message: SimMessage) -> SimChannel:
        return self.sim.channels.get(message.channel_id) or self.sim.dm_channels[self.id]

    def _find_command(self, command: str) -> tuple[dict[str, Any], list[str]]:
        words = command.strip().lstrip("/").split()
        pool = list(self.sim.global_commands)
        if self.guild is not None:
            pool += self.sim.guild_commands.get(self.guild.id, [])
        for definition in pool:
            if definition["name"] == words[0] and definition.get("type", 1) == 1:
                return definition, words[1:]
        known = sorted(d["name"] for d in pool)
        raise AssertionError(f"no synced command /{words[0]}; the bot synced: {known}")

    def _check_context(self, definition: dict[str, Any], channel: SimChannel) -> None:
        """Discord's client offers a command only where it can be run. interactions/application-commands.mdx,
        "Interaction Contexts": a command's ``contexts`` "determines where in the Discord client it can be used"
        (GUILD 0, BOT_DM 1; left unset, the field's default, every context); "Using Default Permissions": "Guild
        commands don't support the BOT_DM interaction context", a guild command is offered in its guild only."""
        context = 0 if channel.guild is not None else 1  # a guild channel or the DM with the bot
        guild_id = definition.get("guild_id")
        if guild_id is not None:
            if channel.guild is None or str(channel.guild.id) != str(guild_id):
                raise AssertionError(f"Discord's client offers /{definition['name']} only in the server it was "
                                     "registered for")
            return
        contexts = definition.get("contexts")
        if contexts is not None and context not in contexts:
            where = "a server channel" if context == 0 else "a DM with the bot"
            raise AssertionError(f"Discord's client does not offer /{definition['name']} in {where}: its contexts "
                                 f"are {contexts}")

    def _check_permission(self, definition: dict[str, Any], channel: SimChannel) -> None:
        """Discord's client hides a command the member may not use (see ``command_permissions``)."""
        if self.guild is None:
            return
        if not can_use(self.sim, definition, self.guild, self.id, self.role_ids, channel):
            raise CommandForbidden(f"{self.name} may not use /{definition['name']} here")

    async def _send(self, kind: int, channel: SimChannel, data: dict[str, Any], *,
                    message: SimMessage | None = None) -> Reply:
        return await self._finish(self._dispatch(kind, channel, data, message=message))

    async def _finish(self, interaction: SimInteraction) -> Reply:
        await self.sim.settle()
        if interaction.response_type is None:
            raise InteractionFailed(f"the bot never answered interaction type {interaction.type}")
        return Reply(interaction)

    def _see_to_press(self, channel: SimChannel, message: SimMessage | None) -> None:
        """A member presses only what their client shows: a message in a channel they may view (topics/permissions.mdx,
        "Implicit Permissions"), or an ephemeral one shown to them alone (resources/message.mdx,
        "Message Flags": EPHEMERAL, "only visible to the user who invoked the Interaction")."""
        if message is not None and message.ephemeral:
            origin = self.sim.interactions.get(message.interaction_id or 0)
            if origin is None or origin.user.id != self.id:
                raise AssertionError(f"{self.name} cannot see an ephemeral message shown to someone else")
            return
        if channel.guild is None:
            return
        if not self.permissions(channel) & PERMISSIONS["view_channel"]:
            raise AssertionError(f"{self.name} cannot see #{channel.name}, so cannot press anything in it")

    def _reopen_to_press(self, channel: SimChannel) -> None:
        """Discord's web and mobile clients reopen an archived thread, as the member, before they send a press
        on a message in it (desktop greys its components out): Send Messages, and Manage Threads when a
        moderator locked it. A member who may not reopen it cannot press anything there."""
        if not (channel.is_thread and channel.archived):
            return
        have = self.permissions(channel)
        moderator = bool(have & PERMISSIONS["manage_threads"])
        if (channel.locked and not moderator) or not (moderator or have & PERMISSIONS["send_messages"]):
            raise AssertionError(f"{self.name} cannot press anything in the archived thread {channel.name!r}: "
                                 "Discord's client would have to reopen it, and they may not")
        set_archived(self.sim, channel, False)

    def _dispatch(self, kind: int, channel: SimChannel, data: dict[str, Any], *,
                  message: SimMessage | None = None) -> SimInteraction:
        from bot.localdiscord.server import SimInteraction

        sim = self.sim
        if kind == 3:
            self._see_to_press(channel, message)
            self._reopen_to_press(channel)
        interaction = SimInteraction(
            id=sim.snowflakes.next(), token="aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48), type=kind, user=self,
            channel=channel, guild=channel.guild, created_monotonic=time.monotonic(), created_at=sim.clock.now(),
            source_message=message,
        )
        sim.interactions[interaction.id] = interaction
        sim.interactions_by_token[interaction.token] = interaction
        payload: dict[str, Any] = {
            "id": str(interaction.id), "application_id": str(sim.application_id), "type": kind, "data": data,
            "channel_id": str(channel.id), "channel": channel.to_json(), "token": interaction.token, "version": 1,
            "locale": "en-US", "entitlements": [], "authorizing_integration_owners": {"0": str(channel.guild.id)}
            if channel.guild else {"1": str(self.id)}, "attachment_size_limit": sim.attachment_size_limit,
            "context": 0 if channel.guild else 1,
        }
        if channel.guild is not None:
            payload["guild_id"] = str(channel.guild.id)
            payload["guild_locale"] = "en-US"
            payload["guild"] = {"id": str(channel.guild.id), "locale": "en-US", "features": []}
            payload["member"] = self.to_json(channel)
            payload["app_permissions"] = str(channel.guild.permissions_in(sim.bot_user.id, channel))
        else:
            payload["user"] = self.user.to_json()
            payload["app_permissions"] = str(PERMISSIONS["send_messages"] | PERMISSIONS["embed_links"])
        if message is not None:
            payload["message"] = message.to_json()
        sim.dispatch("INTERACTION_CREATE", payload)
        return interaction

