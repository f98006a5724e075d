""""We couldn't make it" pressed after the group reported meeting, through the local Discord."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import room
from tests.cogs.test_mock_trio_noshow import _trio_checkin

__all__ = ["room"]  # the fixture


async def test_we_could_not_make_it_after_we_met_keeps_the_report_about_who_did_not_come(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    """Alice and Carol met without Bob; a late "We couldn't make it" changes nothing, so Bob stays reported."""
    checkin = await _trio_checkin(harness, mod, room, [alice, bob, carol])
    await alice.select(await alice.click(checkin, "They didn't show"), [str(bob.id)])
    await carol.click(checkin, "We met")
    late = await alice.click(checkin, "We couldn't make it")
    assert "already reported as met" in late.text and "withdrawn" not in late.text, late.text
    assert [row[0] for row in await harness.core.db.fetchall("SELECT user_id FROM mock_noshows")] == [bob.id]
    assert await harness.core.db.fetchval("SELECT outcome FROM mock_groups") == "met"
    assert "No-shows reported\n1" in (await mod.slash("mock-admin stats")).text
