"""Adding and removing a member's role, with Discord's permission and hierarchy rules (one row each)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.localdiscord import LocalDiscord, SimGuild
from bot.localdiscord.permissions import BOT_DEFAULT, PERMISSIONS


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


async def call(sim: LocalDiscord, session: aiohttp.ClientSession, method: str, path: str) -> tuple[int, object]:
    headers = {"Authorization": f"Bot {sim.token}", "X-Audit-Log-Reason": "streak reward"}
    async with session.request(method, sim.api_base + path, headers=headers) as response:
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body


def arrange(sim: LocalDiscord) -> tuple[SimGuild, int, int, int]:
    """The bot's role at position 5 with Manage Roles; one role just below it and one at its height."""
    guild = next(iter(sim.guilds.values()))
    bot_role = next(r for r in guild.roles.values() if r.name == "studybot")
    guild.edit_role(bot_role, permissions=BOT_DEFAULT | PERMISSIONS["manage_roles"], position=5)
    below = guild.create_role("7-day streak")
    guild.edit_role(below, position=4)
    level = guild.create_role("Same height")
    guild.edit_role(level, position=5)
    alice = next(m for m in guild.members.values() if m.name == "alice")
    return guild, alice.id, below.id, level.id


async def test_a_role_just_below_the_bots_is_given_and_taken(sim: LocalDiscord,
                                                            session: aiohttp.ClientSession) -> None:
    guild, alice, below, _level = arrange(sim)
    path = f"/guilds/{guild.id}/members/{alice}/roles/{below}"
    assert (await call(sim, session, "PUT", path))[0] == 204
    assert below in guild.members[alice].role_ids
    assert (await call(sim, session, "PUT", path))[0] == 204  # idempotent
    assert guild.members[alice].role_ids.count(below) == 1
    assert (await call(sim, session, "DELETE", path))[0] == 204
    assert below not in guild.members[alice].role_ids


@pytest.mark.parametrize(("case", "status", "code"), [
    ("role at the bot's own height", 403, 50013),
    ("bot without Manage Roles", 403, 50013),
    ("unknown role", 404, 10011),
    ("@everyone", 404, 10011),
    ("unknown member", 404, 10007),
])
async def test_what_discord_refuses(sim: LocalDiscord, session: aiohttp.ClientSession, case: str, status: int,
                                    code: int) -> None:
    guild, alice, below, level = arrange(sim)
    member, role = alice, below
    if case == "role at the bot's own height":
        role = level
    elif case == "bot without Manage Roles":
        bot_role = next(r for r in guild.roles.values() if r.name == "studybot")
        guild.edit_role(bot_role, permissions=BOT_DEFAULT)
    elif case == "unknown role":
        role = 1
    elif case == "@everyone":
        role = guild.id
    else:
        member = 1
    for method in ("PUT", "DELETE"):
        answered, body = await call(sim, session, method, f"/guilds/{guild.id}/members/{member}/roles/{role}")
        assert (answered, body["code"]) == (status, code), case  # type: ignore[index]
    assert role not in guild.members[alice].role_ids


async def test_a_member_who_left_is_unknown_until_they_join_again(sim: LocalDiscord,
                                                                 session: aiohttp.ClientSession) -> None:
    """resources/guild.mdx: member routes name a guild member; one who left is 404 Unknown Member (10007)."""
    guild, alice, below, _level = arrange(sim)
    member = guild.members[alice]
    path = f"/guilds/{guild.id}/members/{alice}/roles/{below}"
    guild.remove_member(member)
    for method in ("PUT", "DELETE"):
        answered, body = await call(sim, session, method, path)
        assert (answered, body["code"], body["message"]) == (404, 10007, "Unknown Member")  # type: ignore[index]
    sim.errors.clear()
    guild.readd_member(member)
    assert (await call(sim, session, "PUT", path))[0] == 204
    assert guild.members[alice].role_ids == [below]
