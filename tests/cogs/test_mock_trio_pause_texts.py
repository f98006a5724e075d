"""What a trio's check-in says about pauses, when only one of the reported members was paused."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import agree_first_time, join_all, room, schedule, threads  # noqa: F401  # the fixture


async def test_a_trio_check_in_names_only_the_member_a_second_no_show_paused(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,  # noqa: F811
        carol: SimMember) -> None:
    await join_all([alice, bob])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [first] = threads(harness.guild)
    await agree_first_time(first, [alice, bob])
    await harness.advance(days=7)
    await alice.click(next(m for m in first.messages if "How did it go" in m.content), "They didn't show")
    await join_all([carol])
    await mod.slash("mock-admin pair-now")
    [second] = [t for t in threads(harness.guild) if t.name.startswith("Mock #2 ")]
    await agree_first_time(second, [alice, bob, carol])
    await harness.advance(days=7)
    checkin = next(m for m in second.messages if "How did it go" in m.content)
    asked = await alice.click(checkin, "They didn't show")
    reported = await alice.select(asked, [str(bob.id), str(carol.id)])  # Bob's second in a row, Carol's first
    assert reported.text.endswith(f"did not show. {bob.mention} has missed twice in a row and is paused until they "
                                  "rejoin."), reported.text
    met = await alice.click(checkin, "We met")
    assert f"{bob.mention} had been paused for missing twice" in met.text
    assert f"{carol.mention} had been paused" not in met.text
