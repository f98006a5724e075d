"""Mock interviews in a server that removed the bot: nothing of its rounds comes while it is out, and added
back within the 30 days its data is kept, the round carries on where it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember
from tests.cogs.test_mock import met_after_a_round
from tests.cogs.test_mock_meetings import (
    BERLIN,
    agreed_on_thursday_evening,
    brief,
    confirmations,
    join,
    start_round,
    thread_of,
)

AGREED = datetime(2026, 3, 5, 18, tzinfo=UTC)  # Thursday; the round (started Monday 08:00) ends Sunday 20:00


@pytest.fixture
def room(guild: SimGuild) -> SimChannel:
    return guild.create_text_channel("mock-interviews")


def reminders(member: SimMember, lead: str = "") -> list:
    return [m for m in member.dms if f"Your mock interview is {lead}" in m.content]


def checkins(thread: SimChannel) -> list:
    return [m for m in thread.messages if "How did it go" in m.content]


async def test_a_round_that_ends_while_the_bot_is_out_asks_its_check_in_once_it_is_added_back(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """The interview's reminders and the round's end fall while the bot is out of the server (and across a
    restart then): nothing is sent or looked up there, and the check-in is not spent on a thread the bot
    cannot reach. Added back, the group is asked how it went."""
    thread = await agreed_on_thursday_evening(harness, mod, room, alice, bob)
    await harness.advance_to(datetime(2026, 3, 3, 12, tzinfo=UTC))
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance_to(datetime(2026, 3, 4, 12, tzinfo=UTC))
    await harness.restart()  # a start rebuilds no timer of the server either
    await harness.advance_to(datetime(2026, 3, 10, 12, tzinfo=UTC))  # past the interview and the round's end
    assert reminders(alice) == reminders(bob) == [] and checkins(thread) == []
    assert harness.sim.errors == []  # no DM, thread or member lookup for a server the bot is not in
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance(seconds=1)
    [checkin] = checkins(thread)
    assert "We met" in checkin.button_labels
    assert reminders(alice) == reminders(bob) == []  # the interview is past: no reminder of it now


async def test_no_reminder_comes_for_a_server_that_removed_the_bot_and_those_still_ahead_come_once_it_is_back(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """The members share another server with the bot, so a DM would reach them: none comes for the server
    that removed it, not after a restart either. Added back before the interview, the reminder still ahead
    comes."""
    other = harness.sim.create_guild("Night Owls")
    for member in (alice, bob):
        other.readd_member(member)
    await agreed_on_thursday_evening(harness, mod, room, alice, bob)
    await harness.advance_to(datetime(2026, 3, 3, 12, tzinfo=UTC))
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.restart()
    await harness.advance_to(AGREED - timedelta(hours=20))  # the 24-hour reminder fell while the bot was out
    assert reminders(alice) == reminders(bob) == []
    assert harness.sim.errors == []
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance_to(AGREED)
    for member in (alice, bob):
        assert len(reminders(member, "in 15 minutes")) == 1


async def test_an_event_discord_failed_to_place_waits_for_the_bot_to_be_added_back(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Discord fails the agreed interview's event for a moment and the server removes the bot: the quarter-hourly
    pass asks nothing of that server, nor does a restart, and does not count the event as placed. Added back,
    the event is placed."""
    await join(alice, BERLIN)
    await join(bob, BERLIN)
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    await alice.submit_modal(await alice.click(brief(thread), "Propose another time"), when="Thu 19:00")
    proposal = next(m for m in thread.messages if "proposes" in m.content)
    harness.sim.faults.fail_next(503, 10, route_contains="/scheduled-events")
    assert "Agreed" in (await bob.click(proposal, "Accept this time")).text
    harness.sim.faults.fail_next_with.clear()
    assert harness.guild.scheduled_events == {}
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance(hours=1)
    await harness.restart()
    await harness.advance(hours=1)
    assert harness.guild.scheduled_events == {} and harness.sim.errors == []
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance(minutes=20)
    assert len(harness.guild.scheduled_events) == 1


async def test_feedback_discord_failed_to_post_waits_for_the_bot_to_be_added_back(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Discord fails the feedback for a moment, and the server removes the bot before the retry: the retry sends
    nothing (not even by DM, though Bob shares another server with the bot), nor does a restart then. Added back,
    it reaches the thread."""
    other = harness.sim.create_guild("Night Owls")
    other.readd_member(bob)
    thread, met, label = await met_after_a_round(harness, mod, room, alice, bob)
    harness.sim.faults.fail_next(503, 1, route_contains=f"/channels/{thread.id}/messages")
    await alice.submit_modal(await alice.click(met, label), communication="5", depth="4", tradeoffs="4",
                             note="Good pacing")
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance(hours=2)
    await harness.restart()
    await harness.advance(hours=1)
    assert not any(m.content.startswith("📝 Feedback for") for m in [*bob.dms, *thread.messages])
    assert harness.sim.errors == []
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance(seconds=1)
    [shared] = [m for m in thread.messages if m.content.startswith("📝 Feedback for")]
    assert "Good pacing" in shared.content and not any(m.content.startswith("📝 Feedback for") for m in bob.dms)


def proposals(thread: SimChannel) -> list:
    return [m for m in thread.messages if "proposes meeting at" in m.content]


async def test_a_proposal_discord_failed_to_post_waits_for_the_bot_to_be_added_back(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Discord fails Alice's proposed time for a moment and the server removes the bot before it is posted: a
    restart posts nothing there. Added back, Bob is shown the proposal, once, and can still accept it."""
    await join_all_in_berlin(alice, bob)
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=room)
    await mod.slash("mock-admin pair-now")
    thread = thread_of(harness.guild, alice)
    harness.sim.faults.fail_next(503, 10, route_contains=f"/channels/{thread.id}/messages")
    await alice.submit_modal(await alice.click(brief(thread), "Propose another time"), when="Thu 19:00")
    harness.sim.faults.fail_next_with.clear()
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.restart()
    await harness.advance(hours=1)
    assert proposals(thread) == [] and harness.sim.errors == []
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance(seconds=1)
    [proposal] = proposals(thread)
    assert "Agreed" in (await bob.click(proposal, "Accept this time")).text


async def test_a_confirmation_discord_failed_to_post_waits_for_the_bot_to_be_added_back(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Discord fails the confirmation of the agreed time for a moment and the server removes the bot before it is
    posted: a restart posts nothing there. Added back, the group is told its time, once."""
    await join_all_in_berlin(alice, bob)
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=room)
    await mod.slash("mock-admin pair-now")
    thread = thread_of(harness.guild, alice)
    await alice.submit_modal(await alice.click(brief(thread), "Propose another time"), when="Thu 19:00")
    [proposal] = proposals(thread)
    harness.sim.faults.fail_next(503, 10, route_contains=f"/channels/{thread.id}/messages")
    assert "Agreed" in (await bob.click(proposal, "Accept this time")).text
    harness.sim.faults.fail_next_with.clear()
    assert confirmations(thread) == []
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.restart()
    await harness.advance(hours=1)
    assert confirmations(thread) == [] and harness.sim.errors == []
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance(seconds=1)
    assert len(confirmations(thread)) == 1


async def join_all_in_berlin(*members: SimMember) -> None:
    for member in members:
        reply = await member.slash("mock join", role="either", level="mid", timezone="Europe/Berlin",
                                   availability="anytime")
        assert "You are in" in reply.text
