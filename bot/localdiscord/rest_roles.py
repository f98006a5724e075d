"""Guild member roles, as resources/guild.mdx documents "Add Guild Member Role" and "Remove Guild Member Role".

``PUT`` and ``DELETE /guilds/{guild.id}/members/{user.id}/roles/{role.id}`` need the
MANAGE_ROLES permission and answer 204 No Content. Like every role change, they obey the
permission hierarchy (topics/permissions.mdx, "Permission Hierarchy"): a bot can only
assign or remove roles positioned below its own highest role; anything else is 403
Missing Permissions (50013). The documented GUILD_MEMBER_UPDATE event is only sent to
clients with the privileged GUILD_MEMBERS intent, which studybot does not request, so
none is dispatched here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.localdiscord.permissions import PERMISSIONS, base_permissions
from bot.localdiscord.restkit import fail, sim_of

if TYPE_CHECKING:
    from bot.localdiscord.members import SimMember
    from bot.localdiscord.state import SimGuild, SimRole


def add_routes(router: web.UrlDispatcher, api: str) -> None:
    path = api + "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"
    router.add_put(path, add_member_role)
    router.add_delete(path, remove_member_role)


def highest_position(guild: SimGuild, user_id: int) -> int:
    member = guild.members.get(user_id)
    roles = [guild.roles[r] for r in (member.role_ids if member else []) if r in guild.roles]
    return max((role.position for role in roles), default=0)


def _target(request: web.Request) -> tuple[SimGuild, SimMember, SimRole]:
    sim = sim_of(request)
    guild = sim.guilds.get(int(request.match_info["guild_id"]))
    if guild is None or not guild.bot_present:
        raise fail(404, 10004, "Unknown Guild")
    member = guild.members.get(int(request.match_info["user_id"]))
    if member is None:
        raise fail(404, 10007, "Unknown Member")
    role = guild.roles.get(int(request.match_info["role_id"]))
    if role is None or role.id == guild.id:  # @everyone is no role to give or take
        raise fail(404, 10011, "Unknown Role")
    bot_id = sim.bot_user.id
    if guild.owner_id != bot_id:
        if not base_permissions(guild, bot_id) & PERMISSIONS["manage_roles"]:
            raise fail(403, 50013, "Missing Permissions")
        if role.position >= highest_position(guild, bot_id):
            raise fail(403, 50013, "Missing Permissions")
    return guild, member, role


async def add_member_role(request: web.Request) -> web.Response:
    _guild, member, role = _target(request)
    if role.id not in member.role_ids:
        member.role_ids.append(role.id)
    return web.Response(status=204)


async def remove_member_role(request: web.Request) -> web.Response:
    _guild, member, role = _target(request)
    if role.id in member.role_ids:
        member.role_ids.remove(role.id)
    return web.Response(status=204)


__all__ = ["add_routes"]
