"""A member paused for two no-shows in a row: coming back starts a fresh run, and their own pause does not end it."""

from __future__ import annotations

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import absent_two_rounds_in_a_row, agree_first_time, join_all, room, threads

__all__ = ["room"]  # the fixture


@pytest.mark.parametrize("left_first", [False, True])
async def test_one_absence_after_rejoining_from_a_no_show_pause_does_not_pause_again(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        left_first: bool) -> None:
    """Bob, paused for missing rounds 1 and 2, comes back with `/mock join` (straight away, or after leaving) and
    misses round 3: one absence in a fresh run, so he stays in (a second one in a row would pause him again)."""
    await absent_two_rounds_in_a_row(harness, mod, room, alice, bob)
    await harness.settle()
    assert "paused after two missed" in (await bob.slash("mock status")).text
    if left_first:
        await bob.slash("mock leave")
    await join_all([bob])
    assert "Round 3 started" in (await mod.slash("mock-admin pair-now")).text
    [thread] = [t for t in threads(harness.guild) if t.name.startswith("Mock #3 ")]
    await agree_first_time(thread, [alice, bob])
    await harness.advance(days=7)
    checkin = next(m for m in thread.messages if "How did it go" in m.content)
    reported = await alice.click(checkin, "They didn't show")
    await harness.settle()
    assert "paused" not in reported.text, reported.text
    assert "paused" not in (await bob.slash("mock status")).text
    assert len([m for m in bob.dms if "so I have paused you" in m.content]) == 1


@pytest.mark.parametrize("rounds", [1, None])
async def test_pausing_oneself_does_not_end_a_no_show_pause(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        rounds: int | None) -> None:
    """Bob, paused for two no-shows, runs `/mock pause` (for one round, or until he rejoins): he is told his pause
    holds until he rejoins, and it does, past the round after next."""
    await absent_two_rounds_in_a_row(harness, mod, room, alice, bob)
    await harness.settle()
    reply = await bob.slash("mock pause", **({"rounds": rounds} if rounds else {}))
    assert "already paused after two missed interviews until you `/mock join`" in reply.text, reply.text
    assert "Fewer than two members" in (await mod.slash("mock-admin pair-now")).text
    assert "paused after two missed" in (await bob.slash("mock status")).text
    assert "Fewer than two members" in (await mod.slash("mock-admin pair-now")).text
