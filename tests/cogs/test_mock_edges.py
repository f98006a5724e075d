"""Mock interviews at the edges: a round's last hours, a cancelled round after a meeting, a group with no time."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock_meetings import brief, join, room, start_round, thread_of

__all__ = ["room"]  # the fixture, shared with the meetings tests


async def sunday_evening_pair(mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Round from Mon 2 March 08:00 UTC to Sun 8 March 20:00 UTC; both members are free only Sun 19:30-22 UTC."""
    await join(alice, "UTC", "Sun 19:30-22")
    await join(bob, "UTC", "Sun 19:30-22")
    await start_round(mod, room)


async def test_suggested_time_never_runs_past_the_round_end(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Both are free only in the round's last evening (:func:`sunday_evening_pair`): an hour-long interview at
    19:30 would run past the end, so it must not be suggested in the brief."""
    await sunday_evening_pair(mod, room, alice, bob)
    thread = thread_of(harness.guild, alice)
    text = brief(thread).content + " ".join(str(e) for e in brief(thread).embeds)
    too_late = f"<t:{int(datetime(2026, 3, 8, 19, 30, tzinfo=UTC).timestamp())}"
    assert too_late not in text, "the brief suggests a time whose interview ends after the round"


async def test_brief_suggestion_can_be_picked(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Same setup: whatever the brief suggests, Pick times must offer."""
    await sunday_evening_pair(mod, room, alice, bob)
    thread = thread_of(harness.guild, alice)
    when = brief(thread).embeds[-1]["description"]
    picker = await alice.click(brief(thread), "Pick times")
    suggested = "<t:" in when
    assert not (suggested and "No times are open" in picker.text), \
        f"the brief suggests a time that Pick times does not offer: {when!r} / {picker.text!r}"


async def test_a_group_that_met_before_the_round_was_cancelled_is_not_counted_cancelled(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """A group that pressed **We met** keeps its credit when a moderator cancels the round, and stats count it
    as met: it must not also be counted as a cancelled interview (a held interview cannot be cancelled)."""
    await join(alice, "UTC")
    await join(bob, "UTC")
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    await alice.click(brief(thread), "We met")
    assert "Round 1 is cancelled" in (await mod.slash("mock-admin cancel-round")).text
    stats = {f["name"]: f["value"] for f in (await mod.slash("mock-admin stats")).embeds[0]["fields"]}
    assert stats["Groups that met"] == "1 of 1"
    assert stats["Cancelled"] == "0", stats


async def test_a_pair_that_met_before_the_round_was_cancelled_is_not_repeated_next_round(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    """Alice and Bob (both mid) are the best pair, as are Carol and Dana (both senior). Alice and Bob meet and
    press **We met**; a moderator then cancels the round (their interview still counts: streak, stats, feedback).
    A pair that met is never repeated while another partner is possible, so the next round must not pair them again."""
    dana = harness.guild.add_member("dana")
    for member, level in ((alice, "mid"), (bob, "mid"), (carol, "senior"), (dana, "senior")):
        reply = await member.slash("mock join", role="either", level=level, timezone="UTC", availability="anytime")
        assert "You are in" in reply.text, reply.text
    await start_round(mod, room)
    first = thread_of(harness.guild, alice)
    assert bob.id in first.member_ids
    await alice.click(brief(first), "We met")
    assert "Round 1 is cancelled" in (await mod.slash("mock-admin cancel-round")).text
    stats = {f["name"]: f["value"] for f in (await mod.slash("mock-admin stats")).embeds[0]["fields"]}
    assert stats["Groups that met"] == "1 of 1"  # the product counts their interview as held
    assert "Round 2 started" in (await mod.slash("mock-admin pair-now")).text
    second = thread_of(harness.guild, alice, 2)
    assert bob.id not in second.member_ids, "alice and bob, who just met, were paired again"


async def test_a_group_with_no_time_found_cannot_report_a_no_show(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """README: "no time found ... is not a no-show (its check-in offers only **We met**)". The button's custom id
    is the member's to forge (tests/test_forged_ids.py); the server must refuse a "didn't show" for such a group,
    as it refuses one for a cancelled interview, rather than record the partner absent (two pause them)."""
    from tests.test_forged_ids import forged_button

    await join(alice, "UTC")
    await join(bob, "UTC")
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    await harness.advance(days=7)
    assert await harness.core.db.fetchval("SELECT status FROM mock_meetings") == "no-time"
    group_id = await harness.core.db.fetchval("SELECT id FROM mock_groups")
    reply = await alice.click(forged_button(harness, thread, f"studybot:mock:report:{group_id}:noshow"), "Forged")
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_noshows") == 0, reply.text
