"""A moderator changes the mock schedule while a round is open: the reply names what then happens.

The open round keeps the end its members were told; the new schedule starts with the first of its
occurrences that round leaves room for, and that is the date the reply names and the round that starts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember
from tests.cogs.test_mock import join_all, threads

ROUND_2 = "🎙️ **Mock interview round 2**"


@pytest.fixture
def room(guild: SimGuild) -> SimChannel:
    return guild.create_text_channel("mock-interviews")


def stamps(text: str) -> list[datetime]:
    """Every full-date Discord timestamp in ``text``, in order."""
    return [datetime.fromtimestamp(int(seconds), UTC) for seconds in re.findall(r"<t:(\d+):F>", text)]


def announced(room: SimChannel, heading: str) -> bool:
    return any(m.content.startswith(heading) for m in room.messages)


async def set_schedule(mod: SimMember, room: SimChannel, cadence: str, weekday: str, time: str) -> str:
    reply = await mod.slash("mock-admin schedule", cadence=cadence, weekday=weekday, time=time, timezone="UTC",
                            channel=room)
    return reply.text


async def round_one(harness: BotHarness, mod: SimMember, room: SimChannel, members: list[SimMember],
                    cadence: str) -> None:
    """Round 1 starts on Friday 6 March 2026 at 10:00 UTC with ``members``."""
    await set_schedule(mod, room, cadence, "fri", "10:00")
    await join_all(members)
    await harness.advance_to(datetime(2026, 3, 6, 10, 30, tzinfo=UTC))
    assert announced(room, "🎙️ **Mock interview round 1**")


async def the_named_round_starts(harness: BotHarness, room: SimChannel, reply: str,
                                 heading: str = ROUND_2) -> datetime:
    """The first date under "Next rounds" is when the round is announced: not a minute earlier, and not skipped."""
    named = stamps(reply.split("**Next rounds**")[1])[0]
    await harness.advance_to(named - timedelta(minutes=1))
    assert not announced(room, heading)
    await harness.advance_to(named + timedelta(minutes=1))
    assert announced(room, heading), f"the round the reply named ({named:%a %d %b %H:%M}) did not start"
    return named


async def test_a_biweekly_schedule_made_weekly_during_a_round_starts_the_round_its_reply_names(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await round_one(harness, mod, room, [alice, bob], "biweekly")
    [thread] = threads(harness.guild)
    [meet_before] = stamps(thread.messages[0].content)  # what the pair were told: meet before Thursday 19 March
    await harness.advance_to(datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    reply = await set_schedule(mod, room, "weekly", "fri", "10:00")
    assert "Every week on Friday at 10:00 (UTC)" in reply
    # Round 1 keeps the fortnight its members were told, and the reply says so with the same date.
    assert "Round 1 is still open" in reply and stamps(reply.split("**Next rounds**")[0]) == [meet_before]
    named = await the_named_round_starts(harness, room, reply)
    assert named == datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
    assert any(m.content.startswith("Round 1 is ending") for m in thread.messages)  # its check-in came first
    reply = await set_schedule(mod, room, "weekly", "fri", "10:00")
    assert stamps(reply.split("**Next rounds**")[1])[:2] == [named + timedelta(weeks=1), named + timedelta(weeks=2)]


async def test_a_weekday_moved_during_a_round_starts_the_round_its_reply_names(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await round_one(harness, mod, room, [alice, bob], "weekly")
    await harness.advance_to(datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    reply = await set_schedule(mod, room, "weekly", "mon", "10:00")  # Monday 9 March would fall inside round 1
    assert await the_named_round_starts(harness, room, reply) == datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


async def test_a_later_hour_on_the_day_of_a_round_starts_the_round_its_reply_names(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await round_one(harness, mod, room, [alice, bob], "weekly")
    reply = await set_schedule(mod, room, "weekly", "fri", "18:00")  # 18:00 today: round 1 started at 10:00
    assert await the_named_round_starts(harness, room, reply) == datetime(2026, 3, 13, 18, 0, tzinfo=UTC)


async def test_a_day_whose_round_was_cancelled_is_not_named_again(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """A scheduled round is made once per day (its key): moving today's cancelled round later names next week."""
    await round_one(harness, mod, room, [alice, bob], "weekly")
    await mod.slash("mock-admin cancel-round")
    reply = await set_schedule(mod, room, "weekly", "fri", "18:00")
    assert "still open" not in reply
    assert await the_named_round_starts(harness, room, reply) == datetime(2026, 3, 13, 18, 0, tzinfo=UTC)


async def test_a_new_schedule_without_an_open_round_starts_at_its_next_occurrence(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await join_all([alice, bob])
    await set_schedule(mod, room, "biweekly", "fri", "10:00")
    reply = await set_schedule(mod, room, "weekly", "wed", "09:00")  # before any round: nothing to wait for
    assert "still open" not in reply
    first = await the_named_round_starts(harness, room, reply, "🎙️ **Mock interview round 1**")
    assert first == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


async def test_a_round_day_moved_to_an_hour_already_past_starts_todays_round_now(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Today's round was due at 18:00; at 09:00 a moderator moves it to 08:00. Today's round is not lost for a
    week: it starts now, as it would after the bot was down, and the reply says so."""
    await join_all([alice, bob])
    await set_schedule(mod, room, "weekly", "mon", "18:00")  # Monday 2 March: today's round at 18:00
    await harness.advance_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    reply = await set_schedule(mod, room, "weekly", "mon", "08:00")
    assert "Today's round" in reply and "starts now" in reply, reply
    await harness.advance(minutes=5)
    assert announced(room, "🎙️ **Mock interview round 1**")
    [thread] = threads(harness.guild)
    [meet_before] = stamps(thread.messages[0].content)
    assert meet_before == datetime(2026, 3, 8, 20, 0, tzinfo=UTC)  # as a round started at 08:00 would end
    assert stamps(reply.split("**Next rounds**")[1])[0] == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
