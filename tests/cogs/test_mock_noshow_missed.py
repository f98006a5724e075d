"""**We couldn't make it** after a "didn't show" report in the same group, through the local Discord."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import absent_two_rounds_in_a_row, room

__all__ = ["room"]  # the fixture


async def test_we_couldnt_make_it_from_the_reporter_withdraws_the_report_and_lifts_its_pause(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Nobody is to blame for an interview neither could make: Alice's second "didn't show" about Bob, and the
    pause it brought, are taken back as a **We met** would take them back."""
    checkin = await absent_two_rounds_in_a_row(harness, mod, room, alice, bob)
    assert "paused after two missed" in (await bob.slash("mock status")).text
    missed = await alice.click(checkin, "We couldn't make it")
    assert "could not make it" in missed.text
    assert f'The earlier "didn\'t show" report about {bob.mention} is withdrawn' in missed.text
    assert "that pause is lifted and they have been told" in missed.text
    await harness.settle()
    assert len([m for m in bob.dms if "no longer paused" in m.content]) == 1
    assert "paused" not in (await bob.slash("mock status")).text
    assert "No-shows reported\n1" in (await mod.slash("mock-admin stats")).text  # round 1's report still stands
    history = await mod.slash("mock-admin history", member=bob)
    assert history.text.count("no-show") == 1 and "could not make it" in history.text
    assert "Round 3 started" in (await mod.slash("mock-admin pair-now")).text  # bob takes part again


async def test_we_couldnt_make_it_from_the_member_reported_absent_is_refused(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Bob's word against Alice's: he cannot clear her report of him, nor the pause it brought, this way."""
    checkin = await absent_two_rounds_in_a_row(harness, mod, room, alice, bob)
    refused = await bob.click(checkin, "We couldn't make it")
    assert f"{alice.mention} reported that you did not show" in refused.text and "nothing was recorded" in refused.text
    assert "paused after two missed" in (await bob.slash("mock status")).text
    assert "No-shows reported\n2" in (await mod.slash("mock-admin stats")).text
    assert (await mod.slash("mock-admin history", member=bob)).text.count("no-show") == 2
