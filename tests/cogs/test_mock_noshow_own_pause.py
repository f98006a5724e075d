"""A second "didn't show" reported about a member who had paused themselves, and its withdrawal."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import absent_two_rounds_in_a_row, room

__all__ = ["room"]  # the fixture


async def test_a_member_who_paused_themselves_stays_paused_after_a_late_report_and_its_withdrawal(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Alice reports Bob absent two rounds in a row, the second time after Bob paused until he rejoins; then she
    takes that report back with **We met**. Bob's own pause holds throughout: it is his to lift with `/mock join`."""
    async def pause_himself() -> None:
        assert "until you `/mock join` again" in (await bob.slash("mock pause")).text

    checkin = await absent_two_rounds_in_a_row(harness, mod, room, alice, bob, before_the_second_report=pause_himself)
    await alice.click(checkin, "We met")
    await harness.settle()
    assert not any("no longer paused" in m.content or "You are paired again" in m.content for m in bob.dms)
    status = (await bob.slash("mock status")).text
    assert "paused" in status and "missed" not in status
    assert "Fewer than two members" in (await mod.slash("mock-admin pair-now")).text
