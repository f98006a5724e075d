"""A second "didn't show" reported after the member was already paired into the next round."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import agree_first_time, join_all, room, schedule, threads

__all__ = ["room"]  # the fixture


async def test_a_late_second_report_pauses_a_member_already_paired_into_the_next_round(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Bob missed rounds 1 and 2; Alice reports round 2 only once round 3 has paired them again. Round 3 has not
    ended, so it says nothing yet about Bob showing up: two reported no-shows in a row pause him."""
    await join_all([alice, bob])
    await schedule(mod, room)
    checkins = []
    for number in (1, 2):
        await mod.slash("mock-admin pair-now")
        [thread] = [t for t in threads(harness.guild) if t.name.startswith(f"Mock #{number} ")]
        await agree_first_time(thread, [alice, bob])
        await harness.advance(days=7)
        checkins.append(next(m for m in thread.messages if "How did it go" in m.content))
    await alice.click(checkins[0], "They didn't show")
    assert "Round 3 started" in (await mod.slash("mock-admin pair-now")).text
    late = await alice.click(checkins[1], "They didn't show")
    assert f"{bob.mention} has missed twice in a row" in late.text
    await harness.settle()
    assert any("so I have paused you" in m.content for m in bob.dms)
    assert "paused after two missed" in (await bob.slash("mock status")).text
