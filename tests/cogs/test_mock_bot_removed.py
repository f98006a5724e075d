"""Mock interviews in a server that removed the bot: nothing of its rounds comes while it is out, and added
back within the 30 days its data is kept, the round carries on where it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember
from tests.cogs.test_mock import met_after_a_round
from tests.cogs.test_mock_meetings import agreed_on_thursday_evening

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
