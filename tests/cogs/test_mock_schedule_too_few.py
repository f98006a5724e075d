"""A round day's time moved to an hour already past when too few members can be paired: the reply says so."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import join_all, threads
from tests.cogs.test_mock_schedule_change import room, set_schedule
from tests.cogs.test_welcome import channel, invite_bot

__all__ = ["room"]  # the fixture


async def test_moving_todays_round_earlier_with_one_member_taking_part_does_not_promise_a_round(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Today's round was due at 18:00; Bob sits it out, so at 09:00, when a moderator moves it to 08:00, Alice is
    the only member taking part. The reply does not say a round starts now: it says why none does, and Alice is
    told there was nobody to pair her with, as at 18:00 she would have been."""
    await join_all([alice, bob])
    await bob.slash("mock pause", rounds=1)
    await set_schedule(mod, room, "weekly", "mon", "18:00")  # Monday 2 March: today's round at 18:00
    await harness.advance_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    reply = await set_schedule(mod, room, "weekly", "mon", "08:00")
    assert "starts now" not in reply, reply
    assert "fewer than two members" in reply, reply
    await harness.settle()
    assert threads(harness.guild) == []
    assert len([m for m in alice.dms if "nobody to pair you with" in m.content]) == 1


async def test_the_setup_form_moving_todays_round_earlier_with_one_member_says_no_round_starts(
        harness: BotHarness) -> None:
    """The same through the welcome message's setup form: only the moderator has joined mock interviews."""
    guild, mod, _member = await invite_bot(harness)
    general, study = channel(guild, "general"), channel(guild, "study")
    step = await mod.click(general.messages[0], "Set up studybot")
    form = await mod.select(step, [str(study.id)])
    await mod.submit_modal(form, daily_time="18:00", timezone="Europe/Berlin", quiz_time="", mock="weekly Monday 18:00")
    await mod.slash("mock join", role="either", level="mid", timezone="Europe/Berlin", availability="anytime")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # 12:00 in Berlin
    step = await mod.click(general.messages[0], "Set up studybot")
    form = await mod.select(step, [str(study.id)])
    done = await mod.submit_modal(form, daily_time="18:00", timezone="Europe/Berlin", quiz_time="",
                                  mock="weekly Monday 10:00")
    assert "starts now" not in done.text and "fewer than two members" in done.text, done.text
