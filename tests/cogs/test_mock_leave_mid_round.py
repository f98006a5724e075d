"""`/mock leave` and `/mock pause` while paired in a round under way, through the local Discord."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import paired, room

__all__ = ["room"]  # the fixture


async def test_leaving_mid_round_says_the_interview_stands_and_can_call_it_off(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Alice leaves while Bob still expects her this round: she is told so, and one press calls it off, which
    tells Bob in their thread and frees him to be paired again."""
    thread = await paired(harness, mod, room, [alice, bob])
    left = await alice.slash("mock leave")
    assert "You have left mock interviews" in left.text
    assert f"Your round 1 interview with {bob.mention} in <#{thread.id}> still stands" in left.text, left.text
    assert left.button_labels == ["Cancel interview"]
    form = await alice.click(left, "Cancel interview")
    await alice.submit_modal(form, reason="Stepping back from interviews")
    assert any(f"{alice.mention} cancelled this interview" in m.content and "Stepping back" in m.content
               for m in thread.messages)
    again = await alice.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
    assert "You are in" in again.text
    assert "still stands" not in (await alice.slash("mock leave")).text  # nothing left standing to call off


async def test_pausing_mid_round_says_the_interview_stands(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    thread = await paired(harness, mod, room, [alice, bob])
    paused = await bob.slash("mock pause", rounds=2)
    assert "You will sit out the next 2 round(s)." in paused.text
    assert f"Your round 1 interview with {alice.mention} in <#{thread.id}> still stands" in paused.text, paused.text
    assert paused.button_labels == ["Cancel interview"]
