"""Week-old threads: Discord archives them and the client forgets them, and the bot still writes in them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember


@pytest.fixture
def room(guild: SimGuild) -> SimChannel:
    return guild.create_text_channel("mock-interviews")


async def test_eight_days_later_the_bot_still_posts_in_the_mock_and_daily_threads(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel,
        room: SimChannel) -> None:
    assert harness.bot is not None
    await mod.slash("daily setup", channel=daily, time="10:00", timezone="Europe/Berlin")
    for member in (alice, bob):
        await member.slash("mock join", role="either", level="mid", timezone="Europe/Berlin", availability="anytime")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="sun", time="10:00", timezone="UTC",
                    channel=room)
    await harness.advance_to(datetime(2026, 3, 2, 9, tzinfo=UTC))
    post = next(m for m in daily.messages if m.embeds and m.embeds[0]["title"].startswith("Day 1 "))
    assert post.thread is not None
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard by tenant first")
    assert "(round started" not in (await mod.slash("mock-admin pair-now")).text
    [mock_thread] = [t for t in harness.guild.threads if t.name.startswith("Mock #1 ")]
    brief = next(m for m in mock_thread.messages if m.embeds)
    interviewer = alice if f"Interviewer: {alice.mention}" in brief.content else bob
    await harness.advance(days=6, hours=12)
    # No time was agreed in the thread, so the check-in records "no time found" and offers We met.
    checkin = next(m for m in mock_thread.messages if "no time found" in m.content)

    await harness.advance(days=8)
    assert post.thread.archived and mock_thread.archived
    assert harness.bot.get_channel(post.thread.id) is None  # the client dropped both on THREAD_UPDATE
    assert harness.bot.get_channel(mock_thread.id) is None

    edited = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard by tenant, then region")
    assert "updated" in edited.text
    fresh = await bob.submit_modal(await bob.click(post, "Submit answer"), answer="Cache the hot tenants")
    assert "Saved" in fresh.text
    answers = [m for m in post.thread.messages if m.content.startswith("Answer from")]
    assert len(answers) == 2 and "then region" in answers[0].text and "hot tenants" in answers[1].text
    assert not post.thread.archived  # writing in it reopened it, as on Discord

    met = await interviewer.click(checkin, "We met")
    form = await interviewer.click(met, "Feedback for your candidate")
    shared = await interviewer.submit_modal(form, communication="4", depth="5", tradeoffs="3", note="Clear")
    assert "shared with your partner" in shared.text
    assert "depth 5/5" in mock_thread.messages[-1].content and not mock_thread.archived
    assert not alice.dms and not bob.dms  # nothing fell back to direct messages
