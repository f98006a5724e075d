"""A cancelled interview between two reported no-shows, through the local Discord."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import agree_first_time, join_all, room, schedule, threads

__all__ = ["room"]  # the fixture


async def test_an_interview_called_off_between_two_absences_does_not_break_the_run(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Bob missed round 1, called round 2's interview off, and missed round 3: nothing happened in round 2, so
    it says nothing about Bob showing up, and his two reported no-shows in a row pause him."""
    await join_all([alice, bob])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")  # round 1, Monday 2 March: Bob does not show
    [thread] = threads(harness.guild)
    await agree_first_time(thread, [alice, bob])
    await harness.advance(days=7)
    await alice.click(next(m for m in thread.messages if "How did it go" in m.content), "They didn't show")
    await mod.slash("mock-admin pair-now")  # round 2: Bob calls the interview off
    [thread] = [t for t in threads(harness.guild) if t.name.startswith("Mock #2 ")]
    await agree_first_time(thread, [alice, bob])
    confirmed = next(m for m in thread.messages if "Cancel interview" in m.button_labels)
    await bob.submit_modal(await bob.click(confirmed, "Cancel interview"), reason="Work trip, sorry")
    # Friday's scheduled round pairs them again, free since the cancellation: Bob does not show there either.
    await harness.advance_to(datetime(2026, 3, 13, 10, 1, tzinfo=UTC))
    [thread] = [t for t in threads(harness.guild) if t.name.startswith("Mock #3 ")]
    await agree_first_time(thread, [alice, bob])
    await harness.advance(days=7)
    checkin = next(m for m in thread.messages if "How did it go" in m.content)
    reported = await alice.click(checkin, "They didn't show")
    assert f"{bob.mention} has missed twice in a row" in reported.text, reported.text
    await harness.settle()
    assert any("so I have paused you" in m.content for m in bob.dms)
    assert "paused after two missed" in (await bob.slash("mock status")).text
