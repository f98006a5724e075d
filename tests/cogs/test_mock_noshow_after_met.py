"""A "didn't show" made after "We met", through the local Discord: "We met" says only that those who came met."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import room
from tests.cogs.test_mock_trio_noshow import _trio_checkin

__all__ = ["room"]  # the fixture


async def _mock_credits(harness: BotHarness) -> set[int]:
    rows = await harness.core.db.fetchall("SELECT user_id FROM activity WHERE kind = 'mock' AND count > 0")
    return {row[0] for row in rows}


async def test_a_trio_member_reported_absent_after_we_met_loses_the_credit(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    """Carol presses "We met" first; Alice then says Bob never came: the report stands and Bob's day goes."""
    checkin = await _trio_checkin(harness, mod, room, [alice, bob, carol])
    await carol.click(checkin, "We met")
    assert await _mock_credits(harness) == {alice.id, bob.id, carol.id}
    reported = await alice.select(await alice.click(checkin, "They didn't show"), [str(bob.id)])
    assert f"Sorry {bob.mention} did not show" in reported.text, reported.text
    assert [row[0] for row in await harness.core.db.fetchall("SELECT user_id FROM mock_noshows")] == [bob.id]
    assert await _mock_credits(harness) == {alice.id, carol.id}
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM activity WHERE user_id = ?", (bob.id,)) == 0
    assert await harness.core.db.fetchval("SELECT current FROM streaks WHERE user_id = ?", (bob.id,)) == 0
    again = await carol.click(checkin, "We met")  # pressed again, it credits nobody reported absent
    assert bob.mention in again.text and await _mock_credits(harness) == {alice.id, carol.id}


async def test_a_pair_member_who_pressed_we_met_first_is_disputed_not_credited(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Bob presses "We met" though he never came; Alice's "didn't show" is recorded as disputed, Bob's credit
    goes, and Alice's own "We met" clears it as it clears any dispute."""
    checkin = await _trio_checkin(harness, mod, room, [alice, bob])
    await bob.click(checkin, "We met")
    reported = await alice.click(checkin, "They didn't show")
    assert "did not show" in reported.text and f"{bob.mention} pressed **We met**" in reported.text, reported.text
    rows = await harness.core.db.fetchall("SELECT user_id, reported_by, disputed_at IS NOT NULL, dispute_asked "
                                          "FROM mock_noshows")
    assert [tuple(row) for row in rows] == [(bob.id, alice.id, 1, 1)]
    assert await _mock_credits(harness) == {alice.id}
    refused = await bob.click(checkin, "We met")  # his word against hers: nothing but the dispute
    assert f"{alice.mention} reported that you did not show" in refused.text, refused.text
    assert await _mock_credits(harness) == {alice.id}
    await alice.click(checkin, "We met")
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_noshows") == 0
    assert await _mock_credits(harness) == {alice.id, bob.id}


async def test_a_trio_report_about_the_member_who_pressed_we_met_is_a_dispute(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    """Bob pressed "We met"; Alice says he never came: disputed, and Carol (who came) keeps her credit."""
    checkin = await _trio_checkin(harness, mod, room, [alice, bob, carol])
    await bob.click(checkin, "We met")
    reported = await alice.select(await alice.click(checkin, "They didn't show"), [str(bob.id)])
    assert f"{bob.mention} pressed **We met**" in reported.text, reported.text
    assert await _mock_credits(harness) == {alice.id, carol.id}
    met = await alice.click(checkin, "We met")
    assert f"report about {bob.mention} is withdrawn" in met.text, met.text
    assert await _mock_credits(harness) == {alice.id, bob.id, carol.id}


async def test_a_pair_member_who_said_we_met_cannot_then_report_the_partner(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Alice's own "We met" said Bob came: her later "didn't show" records nothing."""
    checkin = await _trio_checkin(harness, mod, room, [alice, bob])
    await alice.click(checkin, "We met")
    refused = await alice.click(checkin, "They didn't show")
    assert "already reported as met" in refused.text, refused.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_noshows") == 0
    assert await _mock_credits(harness) == {alice.id, bob.id}
