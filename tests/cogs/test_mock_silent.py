"""A member who never answers their pairings is paused before they strand another partner, told once, and
starts afresh when they rejoin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember
from bot.mock.models import Round, StartedRound
from cogs.mock.embeds import PAUSED_LISTED, round_started_text
from tests.cogs.test_mock_meetings import join, pick, room, thread_of

__all__ = ["room"]  # the fixture

FIRST_ROUND = datetime(2026, 3, 6, 10, 30, tzinfo=UTC)  # a Friday, just after the round starts


async def weekly_pair(mod: SimMember, room: SimChannel, *members: SimMember) -> None:
    """The members sign up, and rounds start every Friday at 10:00 UTC."""
    for member in members:
        await join(member, "UTC")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC", channel=room)


def paused_dms(member: SimMember) -> list[str]:
    return [m.content for m in member.dms if m.content.startswith("Your last three mock-interview pairings")]


async def three_rounds_bob_never_answers(harness: BotHarness, guild: SimGuild, alice: SimMember,
                                        bob: SimMember) -> None:
    for number in (1, 2, 3):  # Alice ticks a time each round; Bob never says a word
        await harness.advance_to(FIRST_ROUND + timedelta(weeks=number - 1))
        await pick(alice, thread_of(guild, alice, number), 0)
        assert paused_dms(bob) == []


async def test_three_silent_pairings_pause_a_member_once_and_rejoining_starts_afresh(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember,
        bob: SimMember) -> None:
    await weekly_pair(mod, room, alice, bob)
    await three_rounds_bob_never_answers(harness, guild, alice, bob)
    await harness.advance_to(FIRST_ROUND + timedelta(weeks=3))
    assert not any(t.name.startswith("Mock #4 ") for t in guild.threads)  # Alice alone: nobody to pair her with
    assert len(paused_dms(bob)) == 1 and "/mock join" in paused_dms(bob)[0]
    assert paused_dms(alice) == []  # she answered
    assert "paused after three pairings with no answer from you" in (await bob.slash("mock status")).text
    assert "Paused by the bot\n0 after two no-shows · 1 who never answered" in (await mod.slash("mock-admin stats")).text
    await harness.restart()  # told once: a start finds him told
    assert len(paused_dms(bob)) == 1

    await join(bob, "UTC")  # back, with a clean slate: his old silent rounds no longer count
    await harness.advance_to(FIRST_ROUND + timedelta(weeks=4))
    assert bob.id in thread_of(guild, alice, 4).member_ids  # the week before made no round: this is round 4
    assert len(paused_dms(bob)) == 1


async def test_a_group_that_met_counts_as_an_answer_for_all_its_members(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember,
        bob: SimMember) -> None:
    await weekly_pair(mod, room, alice, bob)
    for number in (1, 2, 3):
        await harness.advance_to(FIRST_ROUND + timedelta(weeks=number - 1))
        if number == 2:  # round 1 has ended: Alice says they met, which speaks for Bob too
            thread = thread_of(guild, alice, 1)
            await alice.click(next(m for m in thread.messages if "We met" in m.button_labels), "We met")
        else:
            await pick(alice, thread_of(guild, alice, number), 0)
    await harness.advance_to(FIRST_ROUND + timedelta(weeks=3))
    assert {alice.id, bob.id} <= thread_of(guild, alice, 4).member_ids
    assert paused_dms(bob) == []


async def test_a_moderators_round_names_whom_it_paused(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember,
        bob: SimMember, carol: SimMember) -> None:
    await weekly_pair(mod, room, alice, bob)
    await three_rounds_bob_never_answers(harness, guild, alice, bob)
    await harness.advance_to(FIRST_ROUND + timedelta(weeks=3, minutes=-90))  # round 3 has ended; 4 is not due
    refused = await mod.slash("mock-admin pair-now")
    assert refused.ephemeral and "Fewer than two members are taking part" in refused.text
    assert "1 member was just paused for not answering their last 3 pairings" in refused.text
    assert len(paused_dms(bob)) == 1  # the pause stands, and he was told

    await join(carol, "UTC")
    started = await mod.slash("mock-admin pair-now")
    assert started.text.startswith("Round 4 started: 1 group.") and "Paused for not" not in started.text
    assert {alice.id, carol.id} <= thread_of(guild, alice, 4).member_ids and len(paused_dms(bob)) == 1


async def test_a_moderators_round_that_pauses_members_names_them(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember,
        bob: SimMember, carol: SimMember) -> None:
    await weekly_pair(mod, room, alice, bob)
    await three_rounds_bob_never_answers(harness, guild, alice, bob)
    await harness.advance_to(FIRST_ROUND + timedelta(weeks=3, minutes=-90))
    await join(carol, "UTC")
    started = await mod.slash("mock-admin pair-now")
    assert started.ephemeral and started.text.startswith("Round 4 started: 1 group.")
    assert (f"Paused for not answering their last 3 pairings: <@{bob.id}>. Each was told by DM and can rejoin "
            "with `/mock join`.") in started.text
    assert started.message is not None and started.message.pinged_user_ids == []  # a list of names, never a ping
    assert bob.id not in thread_of(guild, alice, 4).member_ids and len(paused_dms(bob)) == 1


def test_a_round_pausing_more_members_than_a_reply_can_name_counts_the_rest() -> None:
    """Past twenty names, the moderator's reply counts the others, and stays well inside one message."""
    start = datetime(2026, 3, 6, 10, tzinfo=UTC)
    round_ = Round(1, 7, 4, "manual:1", 9, start, start + timedelta(days=5), start + timedelta(days=7), "active", 1,
                   "greedy", None)
    paused = tuple(10**18 + n for n in range(PAUSED_LISTED + 3))
    text = round_started_text(StartedRound(round_, paused), 12)
    assert text.startswith("Round 4 started: 12 groups.")
    assert all(f"<@{user_id}>" in text for user_id in paused[:PAUSED_LISTED])
    assert f"<@{paused[PAUSED_LISTED]}>" not in text and "and 3 more. Each was told by DM" in text
    assert len(text) < 2000
