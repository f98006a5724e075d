"""A mock-interview round whose channel is gone or closed to the bot still pairs its members (by DM), and its
moderators hear why, once a round, where they read the bot's notices."""

from __future__ import annotations

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember

from .test_mock import join_all, schedule, threads


@pytest.fixture
async def notices(harness: BotHarness) -> SimChannel:
    """The moderators' notices channel is #general, the server's system channel."""
    general = harness.guild.channel("general")
    harness.guild.system_channel_id = general.id
    await harness.restart()
    return general


@pytest.fixture
def room(guild: SimGuild) -> SimChannel:
    return guild.create_text_channel("mock-interviews")


def round_notices(channel: SimChannel) -> list[str]:
    return [m.content for m in channel.messages if m.content.startswith("Mock-interview round")]


def briefs_by_dm(member: SimMember) -> list:
    return [m for m in member.dms if "mock interview round" in m.content]


async def paired_now(harness: BotHarness, mod: SimMember, members: list[SimMember], room: SimChannel,
                     *denied: str) -> None:
    """``members`` signed up for rounds in ``room``, where the bot is then denied ``denied``; a round now."""
    await join_all(members)
    await schedule(mod, room)
    if denied:
        room.deny(harness.sim.bot_user.id, *denied)
        await harness.settle()
    await mod.slash("mock-admin pair-now")


async def test_a_round_whose_channel_was_deleted_pairs_by_dm_and_tells_the_moderators_once(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, room: SimChannel,
        notices: SimChannel) -> None:
    await join_all([alice, bob])
    await schedule(mod, room)
    harness.guild.delete_channel(room)
    await harness.settle()
    started = await mod.slash("mock-admin pair-now")
    assert "Round" in started.text
    assert briefs_by_dm(alice) and briefs_by_dm(bob) and threads(harness.guild) == []
    [notice] = round_notices(notices)
    assert "round 1" in notice and "no longer exists" in notice and "/mock-admin schedule" in notice
    assert "told by DM" in notice
    await harness.advance(days=3)  # the round's reminder runs its delivery again
    await harness.restart()
    assert len(round_notices(notices)) == 1


async def test_a_round_without_private_threads_says_why_its_groups_were_told_by_dm(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, room: SimChannel,
        notices: SimChannel) -> None:
    await paired_now(harness, mod, [alice, bob], room, "create_private_threads")
    assert briefs_by_dm(alice) and threads(harness.guild) == []
    assert any(m.content.startswith("**Mock interview round 1") or "round 1" in m.content.lower()
               for m in room.messages)  # announced as usual
    [notice] = round_notices(notices)
    assert "Create Private Threads" in notice and room.mention in notice and "private thread" in notice


async def test_a_round_in_a_working_channel_tells_the_moderators_nothing(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, room: SimChannel,
        notices: SimChannel) -> None:
    await paired_now(harness, mod, [alice, bob], room)
    assert len(threads(harness.guild)) == 1
    assert round_notices(notices) == []


async def test_a_round_in_a_channel_closed_to_the_bot_still_reaches_its_groups_and_tells_the_moderators(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, room: SimChannel,
        notices: SimChannel) -> None:
    await paired_now(harness, mod, [alice, bob], room, "send_messages")
    [notice] = round_notices(notices)
    assert "Send Messages" in notice and room.mention in notice and "not announced" in notice
    [thread] = threads(harness.guild)  # private threads need only Create Private Threads and Send in Threads
    assert any("mock interview round" in m.content for m in thread.messages)
