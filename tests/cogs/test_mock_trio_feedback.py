"""Feedback after a trio's **We met**, through the local Discord: only for the members who came."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import agree_first_time, join_all, room, schedule, threads

__all__ = ["room"]  # the fixture


async def test_we_met_in_a_trio_offers_no_feedback_for_the_member_reported_absent(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    """Alice and Carol met without Bob: Carol's **We met** offers feedback for Alice only, and Alice's own
    **We met** after her report offers feedback for Carol only."""
    await join_all([alice, bob, carol])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(harness.guild)
    await agree_first_time(thread, [alice, bob, carol])
    await harness.advance(days=7)
    checkin = next(m for m in thread.messages if "How did it go" in m.content)
    await alice.select(await alice.click(checkin, "They didn't show"), [str(bob.id)])
    roles = dict(await harness.core.db.fetchall("SELECT user_id, role FROM mock_group_members"))
    for presser, partner in ((carol, alice), (alice, carol)):
        met = await presser.click(checkin, "We met")
        assert f"not {bob.mention}, reported absent" in met.text, met.text
        assert met.button_labels == [f"Feedback for your {roles[partner.id]}"], met.button_labels
