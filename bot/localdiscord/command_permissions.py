"""Per-command permission overrides, as a server admin sets them in Server Settings › Integrations.

Discord decides in the client who may run a command; the app is never asked. A server can
narrow or widen that decision for every command of the app ("app-level", stored under the
application's id) or for one command ("command-level", stored under the command's id), by
role, by member and by channel. The rules below follow discord/discord-api-docs:

- developers/interactions/application-commands.mdx, "Permissions" and "Application Command
  Permissions Object": entries are ``{id, type, permission}`` with type ROLE (1), USER (2) or
  CHANNEL (3); ``guild_id`` stands for @everyone and ``guild_id - 1`` for all channels; at most
  100 entries per command; channel entries also apply to the channel's threads; members with
  Administrator can use every command.
- developers/change-log.mdx, "Upcoming Application Command Permission Changes" (permissions v2,
  now the behaviour of every server): app-level entries are the base and still require the
  command's ``default_member_permissions``; command-level entries override the app level *and*
  ``default_member_permissions``; without a command-level entry for the context Discord falls
  back to the app level, then to ``default_member_permissions``.
- "Edit Application Command Permissions" needs a Bearer token of a user who manages the guild;
  a bot token gets an error, so the local Discord only reads them over REST and tests set them
  here, the way an admin would. Each change fires APPLICATION_COMMAND_PERMISSIONS_UPDATE.

Within one level, a member entry decides over role entries, and an allowing role wins over a
denying one (as with channel overwrites); @everyone applies when no role or member entry does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localdiscord.restkit import Rejected, fail, json_reply, sim_of
from bot.localdiscord.state import ALL_PERMISSIONS, PERMISSIONS
from bot.localdiscord.validation import form_error

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord
    from bot.localdiscord.state import SimChannel, SimGuild

ROLE, USER, CHANNEL = 1, 2, 3
MAX_ENTRIES = 100


@dataclass(frozen=True)
class CommandPermission:
    """One entry: allow (``permission=True``) or deny a role, member or channel."""

    id: int
    type: int
    permission: bool

    def to_json(self) -> dict[str, Any]:
        return {"id": str(self.id), "type": self.type, "permission": self.permission}


def _store(sim: LocalDiscord) -> dict[tuple[int, int], list[CommandPermission]]:
    """(guild id, command id or application id) -> entries, kept on the simulator."""
    return sim.command_permissions


def command_id(sim: LocalDiscord, guild: SimGuild, name: str) -> int:
    """The id of the synced top-level command ``name`` (guild commands first, as Discord resolves them)."""
    for definition in [*sim.guild_commands.get(guild.id, []), *sim.global_commands]:
        if definition["name"] == name:
            return int(definition["id"])
    raise AssertionError(f"no synced command /{name}")


def set_permissions(sim: LocalDiscord, guild: SimGuild, target_id: int,
                    entries: list[CommandPermission]) -> None:
    """Replace the entries for a command (or, with the application id, for the whole app), as
    "Edit Application Command Permissions" does, and tell the bot over the gateway."""
    if len(entries) > MAX_ENTRIES:
        raise Rejected(400, form_error({"permissions": {"_errors": [
            {"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {MAX_ENTRIES} or fewer in length."}]}}))
    for entry in entries:
        if entry.type not in (ROLE, USER, CHANNEL):
            raise Rejected(400, form_error({"permissions": {"_errors": [
                {"code": "BASE_TYPE_CHOICES", "message": "Value must be one of {1, 2, 3}."}]}}))
    key = (guild.id, target_id)
    if entries:
        _store(sim)[key] = list(entries)
    else:
        _store(sim).pop(key, None)
    sim.dispatch_if_connected("APPLICATION_COMMAND_PERMISSIONS_UPDATE", _guild_permissions_json(
        sim, guild.id, target_id, entries))


def allow_command(sim: LocalDiscord, guild: SimGuild, name: str, *, users: tuple[int, ...] = (),
                  roles: tuple[int, ...] = (), channels: tuple[int, ...] = (), allow: bool = True) -> None:
    """Add command-level entries for ``/name`` (keeping the existing ones), like an admin's toggles."""
    target = command_id(sim, guild, name)
    current = {(e.id, e.type): e for e in _store(sim).get((guild.id, target), [])}
    for ids, kind in ((users, USER), (roles, ROLE), (channels, CHANNEL)):
        for entry_id in ids:
            current[(entry_id, kind)] = CommandPermission(entry_id, kind, allow)
    set_permissions(sim, guild, target, list(current.values()))


def forget_commands(sim: LocalDiscord, guild_id: int | None, kept_ids: set[int]) -> None:
    """Deleting or renaming a command permanently deletes its permissions (the docs' warning)."""
    store = _store(sim)
    for key in list(store):
        gid, target = key
        if target == sim.application_id or (guild_id is not None and gid != guild_id):
            continue
        if target not in kept_ids and not _still_synced(sim, target):
            del store[key]


def _still_synced(sim: LocalDiscord, target: int) -> bool:
    every = [*sim.global_commands, *(c for cmds in sim.guild_commands.values() for c in cmds)]
    return any(int(c["id"]) == target for c in every)


def _guild_permissions_json(sim: LocalDiscord, guild_id: int, target_id: int,
                            entries: list[CommandPermission]) -> dict[str, Any]:
    return {"id": str(target_id), "application_id": str(sim.application_id), "guild_id": str(guild_id),
            "permissions": [e.to_json() for e in entries]}


# -- the client-side decision ---------------------------------------------------------------
def _member_decision(entries: list[CommandPermission], guild: SimGuild, user_id: int,
                     role_ids: list[int]) -> bool | None:
    """What one level says about the member: a member entry, else the roles (allow wins), else @everyone."""
    by_user = [e.permission for e in entries if e.type == USER and e.id == user_id]
    if by_user:
        return by_user[0]
    by_roles = [e.permission for e in entries if e.type == ROLE and e.id in role_ids]
    if by_roles:
        return any(by_roles)
    everyone = [e.permission for e in entries if e.type == ROLE and e.id == guild.id]
    return everyone[0] if everyone else None


def _channel_decision(entries: list[CommandPermission], guild: SimGuild, channel: SimChannel) -> bool | None:
    """A channel entry (a thread follows its parent), else the "all channels" constant."""
    where = channel.parent_id if channel.is_thread and channel.parent_id else channel.id
    exact = [e.permission for e in entries if e.type == CHANNEL and e.id == where]
    if exact:
        return exact[0]
    every = [e.permission for e in entries if e.type == CHANNEL and e.id == guild.id - 1]
    return every[0] if every else None


def can_use(sim: LocalDiscord, definition: dict[str, Any], guild: SimGuild, user_id: int, role_ids: list[int],
            channel: SimChannel) -> bool:
    """Whether Discord's client lets this member run the command in ``channel``."""
    base = guild.base_permissions(user_id)
    if base == ALL_PERMISSIONS or base & PERMISSIONS["administrator"]:
        return True  # "Members with the Administrator permission can use all commands."
    store = _store(sim)
    command_entries = store.get((guild.id, int(definition["id"])), [])
    app_entries = store.get((guild.id, sim.application_id), [])
    channel_says = _channel_decision(command_entries, guild, channel)
    if channel_says is None:
        channel_says = _channel_decision(app_entries, guild, channel)
    if channel_says is False:
        return False
    command_says = _member_decision(command_entries, guild, user_id, role_ids)
    if command_says is not None:
        return command_says  # a command-level entry overrides default_member_permissions
    if _member_decision(app_entries, guild, user_id, role_ids) is False:
        return False
    needed = definition.get("default_member_permissions")
    if needed is None:
        return True
    return (base & int(needed)) == int(needed) and int(needed) != 0


# -- REST: reading them with the bot token ----------------------------------------------------
def _guild_of(request: web.Request) -> SimGuild:
    sim = sim_of(request)
    if request.match_info["app_id"] != str(sim.application_id):
        raise fail(404, 10002, "Unknown Application")
    guild = sim.guilds.get(int(request.match_info["guild_id"]))
    if guild is None or not guild.bot_present:
        raise fail(404, 10004, "Unknown Guild")
    return guild


async def get_all(request: web.Request) -> web.Response:
    """GET /applications/{app}/guilds/{guild}/commands/permissions: every configured target."""
    sim = sim_of(request)
    guild = _guild_of(request)
    return json_reply([_guild_permissions_json(sim, guild.id, target, entries)
                       for (gid, target), entries in _store(sim).items() if gid == guild.id])


async def get_one(request: web.Request) -> web.Response:
    """GET /applications/{app}/guilds/{guild}/commands/{command}/permissions (10066 when none are set)."""
    sim = sim_of(request)
    guild = _guild_of(request)
    target = int(request.match_info["command_id"])
    entries = _store(sim).get((guild.id, target))
    if entries is None:
        raise fail(404, 10066, "Unknown application command permissions")
    return json_reply(_guild_permissions_json(sim, guild.id, target, entries))


async def put_one(request: web.Request) -> web.Response:
    """Editing needs a user's Bearer token; with the bot token Discord refuses (JSON error 20001)."""
    _guild_of(request)
    raise fail(403, 20001, "Bots cannot use this endpoint")


def add_routes(router: web.UrlDispatcher, api: str) -> None:
    base = api + "/applications/{app_id}/guilds/{guild_id}/commands"
    router.add_get(base + "/permissions", get_all)
    router.add_get(base + "/{command_id:\\d+}/permissions", get_one)
    router.add_put(base + "/{command_id:\\d+}/permissions", put_one)
