"""`/mock-admin stats` through the local Discord: each group counted under what became of it."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import paired, room

__all__ = ["room"]  # the fixture


async def test_a_group_that_met_without_agreeing_a_time_here_is_not_counted_as_finding_no_time(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Alice and Bob settled their time elsewhere and met: the round ended with no time agreed in the thread, and
    the check-in's **We met** says they met, so the statistics count them as met and not as finding no time."""
    thread = await paired(harness, mod, room, [alice, bob])
    await harness.advance(days=7)
    checkin = next(m for m in thread.messages if "no time found" in m.content)
    await alice.click(checkin, "We met")
    stats = (await mod.slash("mock-admin stats")).text
    assert "Groups that met\n1 of 1" in stats, stats
    assert "No time found\n0" in stats, stats
