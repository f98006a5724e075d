"""A "didn't show" pressed again after the member it paused came back, through the local Discord."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import absent_two_rounds_in_a_row, join_all, room

__all__ = ["room"]  # the fixture


async def test_pressing_didnt_show_again_does_not_pause_a_member_who_rejoined(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    checkin = await absent_two_rounds_in_a_row(harness, mod, room, alice, bob)
    await harness.settle()
    assert "paused after two missed" in (await bob.slash("mock status")).text
    await join_all([bob])  # he comes back, as the pause DM told him
    again = await alice.click(checkin, "They didn't show")  # the same report, pressed once more
    await harness.settle()
    assert "paused" not in again.text
    assert "paused" not in (await bob.slash("mock status")).text
    assert len([m for m in bob.dms if "so I have paused you" in m.content]) == 1
