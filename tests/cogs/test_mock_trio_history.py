"""A trio's history, through the local Discord: a reported absence names who did not show."""

from __future__ import annotations

from bot.localdiscord import BotHarness, Reply, SimChannel, SimMember
from tests.cogs.test_mock import room
from tests.cogs.test_mock_trio_noshow import _trio_checkin

__all__ = ["room"]  # the fixture


def _history(reply: Reply) -> str:
    return {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}["History"]


async def test_a_trios_history_says_who_did_not_show(harness: BotHarness, mod: SimMember, room: SimChannel,
                                                     alice: SimMember, bob: SimMember, carol: SimMember) -> None:
    """Bob did not show: Carol, who came, reads that she met; Bob reads his no-show; a moderator reads whose."""
    checkin = await _trio_checkin(harness, mod, room, [alice, bob, carol])
    await alice.select(await alice.click(checkin, "They didn't show"), [str(bob.id)])
    assert _history(await carol.slash("mock status")).endswith(f"met ✅, no-show: {bob.mention} ❌")
    assert _history(await bob.slash("mock status")).endswith(" · no-show ❌")
    seen = (await mod.slash("mock-admin history")).text
    assert f"no-show: {bob.mention} ❌" in seen and "met ✅" not in seen, seen


async def test_a_pairs_history_names_the_partner_who_did_not_show(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """In a pair nobody met: the reporter reads whose absence it was, not that they met."""
    checkin = await _trio_checkin(harness, mod, room, [alice, bob])
    await alice.click(checkin, "They didn't show")
    assert _history(await alice.slash("mock status")).endswith(f" · no-show: {bob.mention} ❌")
    assert _history(await bob.slash("mock status")).endswith(" · no-show ❌")
