"""Mock interviews in a round that runs up to a daylight-saving change: times offered as members wrote them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.localdiscord import BotHarness, SimMember

# Friday 27 February 2026: Los Angeles moves to summer time on Sunday 8 March, after the round's first Sunday.
BEFORE_THE_CHANGE = datetime(2026, 2, 27, 18, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(BEFORE_THE_CHANGE)


async def test_a_sunday_evening_before_the_clocks_change_is_offered_at_the_hour_the_member_wrote(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    room = harness.guild.create_text_channel("mock-interviews")
    await alice.slash("mock join", role="either", level="mid", timezone="America/Los_Angeles",
                      availability="Sun 17-20")
    await bob.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="18:00", timezone="UTC", channel=room)
    assert "Round 1 started" in (await mod.slash("mock-admin pair-now")).text
    thread = next(t for t in harness.guild.threads if alice.id in t.member_ids)
    brief = next(m for m in thread.messages if "Pick times" in m.button_labels)
    picker = await alice.click(brief, "Pick times")
    labels = [o["label"] for o in picker.message.components[0]["components"][0]["options"]]
    # Sunday 1 March is still winter time (UTC-8): 17:00 there is 01:00 UTC on Monday, not 00:00.
    assert labels == ["Sun 1 Mar, 17:00 (America/Los_Angeles)"]


async def test_a_round_just_after_midnight_starts_in_the_week_the_clocks_change(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    """New York springs forward on Sunday 8 March; Monday's 00:30 exists as on every other Monday, and its round
    starts then instead of the schedule going quiet for a week."""
    room = harness.guild.create_text_channel("mock-interviews")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="mon", time="00:30",
                    timezone="America/New_York", channel=room)
    for member in (alice, bob):
        await member.slash("mock join", role="either", level="mid", timezone="America/New_York",
                           availability="anytime")
    await harness.advance_to(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))  # Monday 2 March, 01:00 in New York
    assert any(m.content.startswith("🎙️ **Mock interview round 1**") for m in room.messages)
    status = (await alice.slash("mock status")).embeds[0]
    next_round = next(f["value"] for f in status["fields"] if f["name"] == "Next round")
    monday_after_the_change = datetime(2026, 3, 9, 4, 30, tzinfo=UTC)  # 00:30 EDT
    assert f"<t:{int(monday_after_the_change.timestamp())}:F>" in next_round
    await harness.advance_to(monday_after_the_change + timedelta(minutes=5))
    assert any(m.content.startswith("🎙️ **Mock interview round 2**") for m in room.messages)
