"""A second "didn't show" reported about a member who had paused themselves, and its withdrawal."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import agree_first_time, join_all, room, schedule, threads

__all__ = ["room"]  # the fixture


async def test_a_member_who_paused_themselves_stays_paused_after_a_late_report_and_its_withdrawal(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Alice reports Bob absent two rounds in a row, the second time after Bob paused until he rejoins; then she
    takes that report back with **We met**. Bob's own pause holds throughout: it is his to lift with `/mock join`."""
    await join_all([alice, bob])
    await schedule(mod, room)
    for number in (1, 2):
        await mod.slash("mock-admin pair-now")
        [thread] = [t for t in threads(harness.guild) if t.name.startswith(f"Mock #{number} ")]
        await agree_first_time(thread, [alice, bob])
        await harness.advance(days=7)
        if number == 2:
            assert "until you `/mock join` again" in (await bob.slash("mock pause")).text
        checkin = next(m for m in thread.messages if "How did it go" in m.content)
        await alice.click(checkin, "They didn't show")
    await alice.click(checkin, "We met")
    await harness.settle()
    assert not any("no longer paused" in m.content or "You are paired again" in m.content for m in bob.dms)
    status = (await bob.slash("mock status")).text
    assert "paused" in status and "missed" not in status
    assert "Fewer than two members" in (await mod.slash("mock-admin pair-now")).text
