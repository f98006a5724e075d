"""Members who left the server are not paired: the round asks Discord who is still here (gateway op 8)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember
from bot.mock import MockService
from tests.cogs.test_mock import join_all, room, schedule, threads

__all__ = ["room"]  # the fixture


def partners(guild: SimGuild, bot_id: int, number: int) -> list[set[int]]:
    """The members of each group's thread in round ``number``."""
    return [t.member_ids - {bot_id} for t in threads(guild) if t.name.startswith(f"Mock #{number} ")]


async def signed_up_then_left(guild: SimGuild, mod: SimMember, room: SimChannel, staying: list[SimMember],
                              gone: SimMember, weekday: str = "fri") -> None:
    """``staying`` and ``gone`` signed up, weekly rounds scheduled, then ``gone`` leaves the server. The bot has no
    GUILD_MEMBERS intent, so it is not told: only asking Discord when a round starts finds out."""
    await join_all([*staying, gone])
    await schedule(mod, room, weekday)
    guild.remove_member(gone)


async def test_a_member_who_left_the_server_is_left_out_until_they_come_back(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    await signed_up_then_left(guild, mod, room, [alice, bob], carol)
    started = await mod.slash("mock-admin pair-now")
    assert "Round 1 started: 1 groups" in started.text
    assert partners(guild, harness.sim.bot_user.id, 1) == [{alice.id, bob.id}]
    [thread] = threads(guild)
    [brief] = [m for m in thread.messages if m.embeds and "mock interview round" in m.content]
    assert carol.mention not in brief.content and "trio" not in room.messages[-1].content
    assert not any("Round 1" in m.content for m in carol.dms)  # not told she was left out either
    stats = await mod.slash("mock-admin stats")
    assert "Participants\n2" in stats.text
    await mod.slash("mock-admin cancel-round")

    guild.readd_member(carol)
    assert "Fewer than two members" not in (await mod.slash("mock-admin pair-now")).text
    assert partners(guild, harness.sim.bot_user.id, 2) == [{alice.id, bob.id}]  # still not active until she says so
    await mod.slash("mock-admin cancel-round")
    reply = await carol.slash("mock join", role="either", level="mid", timezone="Europe/Berlin",
                              availability="anytime")
    assert "You are in" in reply.text
    assert "Participants\n3" in (await mod.slash("mock-admin stats")).text
    await mod.slash("mock-admin pair-now")
    assert partners(guild, harness.sim.bot_user.id, 3) == [{alice.id, bob.id, carol.id}]


async def test_any_mock_command_of_a_member_who_came_back_counts_them_again(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    await signed_up_then_left(guild, mod, room, [alice, bob], carol)
    await mod.slash("mock-admin pair-now")
    await mod.slash("mock-admin cancel-round")
    guild.readd_member(carol)
    status = await carol.slash("mock status")  # her sign-up is as she left it
    assert status.embeds and status.embeds[0]["title"] == "Your mock interviews"
    assert "Participants\n3" in (await mod.slash("mock-admin stats")).text
    await mod.slash("mock-admin pair-now")
    assert partners(guild, harness.sim.bot_user.id, 2) == [{alice.id, bob.id, carol.id}]


async def test_the_scheduled_round_leaves_out_a_member_who_left(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    await signed_up_then_left(guild, mod, room, [alice, bob], carol, "mon")
    await harness.advance_to(datetime(2026, 3, 2, 10, tzinfo=UTC))
    assert partners(guild, harness.sim.bot_user.id, 1) == [{alice.id, bob.id}]
    assert "1 pair" in room.messages[-1].content and "trio" not in room.messages[-1].content


async def test_when_discord_cannot_be_asked_the_round_takes_everyone(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    await join_all([alice, bob, carol])
    await schedule(mod, room)

    async def times_out(*args: Any, **kwargs: Any) -> list[discord.Member]:
        raise TimeoutError

    monkeypatch.setattr(discord.Guild, "query_members", times_out)
    started = await mod.slash("mock-admin pair-now")
    assert "Round 1 started: 1 groups" in started.text
    assert partners(guild, harness.sim.bot_user.id, 1) == [{alice.id, bob.id, carol.id}]
    assert "could not ask Discord which of 3 members are still in the server" in caplog.text


async def test_a_round_of_more_than_100_members_asks_in_requests_of_100(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel) -> None:
    members = [guild.add_member(f"m{n:03}") for n in range(203)]
    service = harness.bot.services.get(MockService)
    for member in members:
        await service.join(guild.id, member.id, role="either", level="mid", timezone="UTC", availability="anytime")
    await schedule(mod, room)
    gone = members[150]
    guild.remove_member(gone)
    answered = harness.sim.gateway.member_requests.answered
    await mod.slash("mock-admin pair-now")
    assert harness.sim.gateway.member_requests.answered - answered == 3  # 202 + 1 ids: 100, 100, 3
    placed = set().union(*partners(guild, harness.sim.bot_user.id, 1))
    assert len(placed) == 202 and gone.id not in placed
