"""Mock interviews told by DM in a server that removed the bot: their DM buttons change nothing there."""

from __future__ import annotations

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember
from tests.cogs.test_mock_meetings import paired_by_dm


@pytest.fixture
def room(guild: SimGuild) -> SimChannel:
    return guild.create_text_channel("mock-interviews")


async def test_a_dm_brief_of_a_server_that_removed_the_bot_records_nothing(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """The bot is out of the server: "We met" from a DM copy of the brief credits no streak and records no
    outcome for that server, and says why."""
    await paired_by_dm(harness, mod, room, alice, bob)
    [brief_dm] = [m for m in alice.dms if "We met" in m.button_labels]
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    reply = await alice.click(brief_dm, "We met")
    assert await harness.core.db.fetchval("SELECT outcome FROM mock_groups") is None, reply.text
    assert "no longer in this interview's server" in reply.text
    assert harness.sim.errors == []
