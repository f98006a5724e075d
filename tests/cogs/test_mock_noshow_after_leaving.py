"""A second "didn't show" reported about a member who had already left mock interviews."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import absent_two_rounds_in_a_row, room

__all__ = ["room"]  # the fixture


async def reported_after_leaving(harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember,
                                 bob: SimMember) -> None:
    """Alice reports Bob absent in two rounds in a row, the second time after Bob left mock interviews: then she
    takes that report back with **We met**."""
    async def leave() -> None:
        await bob.slash("mock leave")

    checkin = await absent_two_rounds_in_a_row(harness, mod, room, alice, bob, before_the_second_report=leave)
    await harness.settle()
    assert not any("no longer paused" in m.content or "/mock join" in m.content for m in bob.dms), [m.content for m in bob.dms]
    await alice.click(checkin, "We met")
    await harness.settle()
    assert not any("no longer paused" in m.content for m in bob.dms)


async def test_a_member_who_left_stays_out_after_a_late_report_and_its_withdrawal(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await reported_after_leaving(harness, mod, room, alice, bob)
    assert "You have not joined" in (await bob.slash("mock status")).text
    assert "Participants\n1" in (await mod.slash("mock-admin stats")).text

