"""`/mock-admin cancel-round` with a pair-now round open beside a scheduled one, through the local Discord."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember
from tests.cogs.test_mock import join_all, room, schedule, threads

__all__ = ["room"]  # the fixture


async def _two_open_rounds(harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel,
                           alice: SimMember, bob: SimMember) -> None:
    """Round 1 is Monday's scheduled round (Alice and Bob); round 2 a pair-now round for two who joined later."""
    await join_all([alice, bob])
    await schedule(mod, room, "mon")
    await harness.advance_to(datetime(2026, 3, 2, 10, tzinfo=UTC))
    await join_all([guild.add_member("dana"), guild.add_member("erin")])
    assert "Round 2 started" in (await mod.slash("mock-admin pair-now")).text
    assert len(threads(harness.guild)) == 2


async def _statuses(harness: BotHarness) -> dict[int, str]:
    return dict(await harness.core.db.fetchall("SELECT number, status FROM mock_rounds"))


async def test_a_moderator_picks_which_open_round_to_cancel(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember,
        bob: SimMember) -> None:
    """The scheduled round is the one to call off: the moderator finds it offered and cancels it, not the newer
    pair-now round, and the reply says which was cancelled."""
    await _two_open_rounds(harness, guild, mod, room, alice, bob)
    choices = await mod.autocomplete("mock-admin cancel-round", "round", "")
    assert [c["value"] for c in choices] == [1, 2], choices
    assert "scheduled" in choices[0]["name"] and "pair-now" in choices[1]["name"], choices
    reply = await mod.slash("mock-admin cancel-round", round=1)
    assert "Round 1 is cancelled (scheduled)" in reply.text and "Still open: round 2 (pair-now)" in reply.text, reply.text
    assert await _statuses(harness) == {1: "cancelled", 2: "open"}


async def test_without_a_pick_two_open_rounds_are_named_and_neither_is_cancelled(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember,
        bob: SimMember) -> None:
    await _two_open_rounds(harness, guild, mod, room, alice, bob)
    refused = await mod.slash("mock-admin cancel-round")
    assert refused.ephemeral and "nothing was cancelled" in refused.text, refused.text
    assert "round 1 (scheduled" in refused.text and "round 2 (pair-now" in refused.text, refused.text
    assert await _statuses(harness) == {1: "open", 2: "open"}
    missing = await mod.slash("mock-admin cancel-round", round=7)
    assert "Round 7 is not open" in missing.text and await _statuses(harness) == {1: "open", 2: "open"}
