"""The Discord side of role rewards: adding and removing one role of one member."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.bot import StudyBot
from bot.rewards import MemberGone, RoleFacts, RoleRefused, setup_problems

UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_ROLE = 10011
MEMBERS_PER_REQUEST = 100  # "Request Guild Members": at most 100 user ids


def role_facts(guild: discord.Guild, role: discord.Role) -> RoleFacts:
    """What Discord's cached view of the server says about giving ``role``."""
    me = guild.me
    return RoleFacts(bot_can_manage_roles=me.guild_permissions.manage_roles, role_position=role.position,
                     bot_top_position=me.top_role.position, role_is_managed=role.managed,
                     role_is_everyone=role.is_default(), role_name=role.name, bot_top_name=me.top_role.name)


class DiscordRolePublisher:
    """Checks the permission hierarchy from the cached roles first, so a call Discord would refuse is never made."""

    def __init__(self, client: StudyBot) -> None:
        self.client = client
        self.pace = client.core.pacer.acquire

    def present_in(self, guild_id: int) -> bool:
        """Whether the server's roles and members can be read here. Not while Discord lists it as unavailable (an
        outage): it then shows no roles at all, and a pass would take every reward role for deleted and forget
        who holds it, so a role no longer earned once the server is back would never be taken back."""
        return self.client.get_guild(guild_id) is not None and not self.client.in_outage(guild_id)

    def role_exists(self, guild_id: int, role_id: int) -> bool:
        guild = self.client.get_guild(guild_id)
        return guild is None or guild.get_role(role_id) is not None

    async def _call(self, action: str, guild_id: int, user_id: int, role_id: int, reason: str) -> None:
        guild = self.client.get_guild(guild_id)
        if guild is not None:
            role = guild.get_role(role_id)
            if role is None and action == "remove":
                return  # a deleted role is held by nobody: nothing to take back
            if role is None:
                raise RoleRefused("the role was deleted; map the reward to another role")
            problems = setup_problems(role_facts(guild, role))
            if problems:
                raise RoleRefused(" ".join(problems))
        await self.pace()
        try:
            if action == "add":
                await self.client.http.add_role(guild_id, user_id, role_id, reason=reason)
            else:
                await self.client.http.remove_role(guild_id, user_id, role_id, reason=reason)
        except discord.NotFound as error:
            if error.code == UNKNOWN_MEMBER:
                raise MemberGone from error
            if error.code == UNKNOWN_ROLE and action == "remove":
                return
            if error.code == UNKNOWN_ROLE:
                raise RoleRefused("the role was deleted; map the reward to another role") from error
            if error.code == UNKNOWN_GUILD:  # a server that removed the bot (its data is kept for 30 days)
                raise RoleRefused("I was removed from that server") from error
            raise
        except discord.Forbidden as error:
            raise RoleRefused("Discord refused: I need Manage Roles and a role above this one") from error

    async def add_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> None:
        await self._call("add", guild_id, user_id, role_id, reason)

    async def remove_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> None:
        await self._call("remove", guild_id, user_id, role_id, reason)

    async def roles_held(self, guild_id: int, user_ids: Sequence[int]) -> dict[int, set[int]]:
        """Ask the gateway (Request Guild Members by id, which needs no privileged intent), 100 ids a request;
        ``cache=False`` keeps the holders of a large server out of the member cache."""
        guild = self.client.get_guild(guild_id)
        if guild is None:
            raise LookupError(f"guild {guild_id} is not available to this process")
        ids, held = sorted(set(user_ids)), dict[int, set[int]]()
        for start in range(0, len(ids), MEMBERS_PER_REQUEST):
            found = await guild.query_members(user_ids=ids[start:start + MEMBERS_PER_REQUEST],
                                              limit=MEMBERS_PER_REQUEST, cache=False)
            held |= {member.id: {role.id for role in member.roles} for member in found}
        return held
