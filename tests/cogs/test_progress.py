"""Progress charts through the local Discord: the weekly totals a member and a moderator see."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from bot.localdiscord import BotHarness, CommandForbidden, Reply, SimMember
from bot.stats.charts import PALETTE, WEEKS, Series, axis_top, bar_box


def attachment(reply: Reply, filename: str) -> Image.Image:
    [found] = [a for a in reply.attachments if a["filename"] == filename]
    return Image.open(io.BytesIO(found["data"])).convert("RGB")


def described_as(reply: Reply, filename: str) -> str:
    """The picture's alt text, as Discord stores it with the attachment."""
    [found] = [a for a in reply.attachments if a["filename"] == filename]
    return str(found["description"])


def bar_height(image: Image.Image, week: int, index: int, count: int, top: int) -> int:
    """How many pixels of the week's bar are drawn, read from the picture."""
    left, _upper, right, bottom = bar_box(week, index, count, top, top)
    x = (left + right) // 2
    height = 0
    while bottom - height >= 0 and image.getpixel((x, bottom - height)) == PALETTE[index]:
        height += 1
    return height


def expected_height(value: int, top: int) -> int:
    left, upper, right, bottom = bar_box(0, 0, 1, value, top)
    return bottom - upper + 1 if value else 0


async def review(member: SimMember, cards: int) -> None:
    screen = await member.slash("cards study")
    for _ in range(cards):
        back = await member.click(screen, "Reveal")
        good = next(label for label in back.button_labels if label.startswith("Easy"))
        screen = await member.click(back, good)


async def test_cards_stats_and_streak_show_chart_the_right_weekly_totals(
        harness: BotHarness, alice: SimMember) -> None:
    await review(alice, 3)           # this week: 3 reviews, active on 2 days
    await harness.advance(days=1)
    await review(alice, 2)
    await harness.advance(days=7)    # next week: 4 reviews on 1 day
    await review(alice, 4)
    stats = await alice.slash("cards stats")
    assert stats.embeds[0]["image"]["url"] == "attachment://reviews.png"
    image = attachment(stats, "reviews.png")
    totals = [0] * (WEEKS - 2) + [5, 4]
    top = axis_top([Series("reviews", totals)])
    for week, value in enumerate(totals):
        assert bar_height(image, week, 0, 1, top) == expected_height(value, top), week
    described = described_as(stats, "reviews.png")  # what a screen reader reads out instead of the picture
    assert described.startswith("Bar chart: alice · flashcard reviews, last 12 weeks, the weeks of ")
    assert f"Reviews per week: {', '.join(map(str, totals))} (9 in all)." in described
    assert "Retention per week: " in described

    shown = await alice.slash("streak show")
    assert [e.get("image", {}).get("url") for e in shown.embeds] == ["attachment://heatmap.png",
                                                                    "attachment://activity.png"]
    days = [0] * (WEEKS - 2) + [2, 1]
    chart = attachment(shown, "activity.png")
    for week, value in enumerate(days):
        assert bar_height(chart, week, 0, 1, 7) == expected_height(value, 7), week
    assert f"Active days per week: {', '.join(map(str, days))} (3 in all)." in described_as(shown, "activity.png")
    calendar = described_as(shown, "heatmap.png")
    assert calendar.startswith("Activity calendar: alice · 1-day streak · best 2. From ")
    assert "3 days active, 0 days covered by a freeze, 6 days missed. Today is active." in calendar


async def test_moderators_see_the_servers_participation_per_week(harness: BotHarness, mod: SimMember,
                                                                alice: SimMember, bob: SimMember) -> None:
    await review(alice, 2)
    await review(bob, 1)
    reply = await mod.slash("stats")
    assert reply.ephemeral and "participation" in reply.embeds[0]["title"].lower()
    image = attachment(reply, "participation.png")
    series = [[0] * WEEKS for _ in range(4)]
    series[1][-1] = 3  # three flashcard reviews this week; nothing else yet
    top = axis_top([Series(str(i), s) for i, s in enumerate(series)])
    for index, values in enumerate(series):
        for week, value in enumerate(values):
            assert bar_height(image, week, index, 4, top) == expected_height(value, top), (index, week)
    assert f"Flashcard reviews per week: {', '.join(map(str, series[1]))} (3 in all)." in described_as(
        reply, "participation.png")
    with pytest.raises(CommandForbidden):
        await alice.slash("stats")


async def test_practice_answers_are_counted_as_answers_not_as_daily_answers(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    for _ in range(3):  # three private practice answers; no daily prompt was ever posted
        screen = await alice.slash("practice")
        await alice.submit_modal(await alice.click(screen, "Submit answer"), answer="My approach is to shard it")
    lines = (await mod.slash("stats")).embeds[0]["description"].splitlines()
    assert not [line for line in lines if line.lower().startswith("**daily answers**")]
    assert any(line.startswith("**Answers (daily and practice)**: 3 this week") for line in lines), lines


async def test_a_grade_taken_back_is_not_counted_as_a_review_and_the_day_stays_active(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    screen = await alice.slash("cards study")
    back = await alice.click(screen, "Reveal")
    graded = await alice.click(back, next(label for label in back.button_labels if label.startswith("Again")))
    undone = await alice.click(graded, "Undo grade")  # a misclick, graded again as meant
    await alice.click(undone, next(label for label in undone.button_labels if label.startswith("Good")))
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE user_id = ?", (alice.id,)) == 1
    lines = (await mod.slash("stats")).embeds[0]["description"].splitlines()
    assert any(line.startswith("**Flashcard reviews**: 1 this week") for line in lines), lines

    again = await alice.slash("cards study")
    again_back = await alice.click(again, "Reveal")
    second = await alice.click(again_back, next(label for label in again_back.button_labels
                                                if label.startswith("Easy")))
    await alice.click(second, "Undo grade")  # taken back and left ungraded
    lines = (await mod.slash("stats")).embeds[0]["description"].splitlines()
    assert any(line.startswith("**Flashcard reviews**: 1 this week") for line in lines), lines
    shown = await alice.slash("streak show")
    assert "✅ Active today." in shown.text  # the day still counts for the streak


async def test_a_grade_taken_back_after_a_timezone_change_is_taken_off_the_day_it_was_counted_on(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """Alice grades on Monday 08:00 UTC, moves to Honolulu (where it is still Sunday) and takes the grade back:
    the review is gone from the day it was counted on, this week, not looked for on her new zone's Sunday."""
    screen = await alice.slash("cards study")
    back = await alice.click(screen, "Reveal")
    graded = await alice.click(back, next(label for label in back.button_labels if label.startswith("Again")))
    await alice.slash("streak timezone", timezone="Pacific/Honolulu")
    undone = await alice.click(graded, "Undo grade")
    await alice.click(undone, next(label for label in undone.button_labels if label.startswith("Good")))
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE user_id = ?", (alice.id,)) == 1
    lines = (await mod.slash("stats")).embeds[0]["description"].splitlines()
    assert "**Flashcard reviews**: 0 this week · 1 last week · 1 in 12 weeks" in lines, lines


async def test_a_pairs_interview_counts_once_among_the_servers_mock_interviews(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    room = harness.guild.create_text_channel("mock-interviews")
    for member in (alice, bob):
        await member.slash("mock join", role="either", level="mid", timezone="Europe/Berlin", availability="anytime")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC", channel=room)
    await mod.slash("mock-admin pair-now")
    [thread] = [t for t in harness.guild.threads if t.name.startswith("Mock #")]
    brief = next(m for m in thread.messages if "We met" in m.button_labels)
    await alice.click(brief, "We met")
    await bob.click(brief, "We met")  # both say so: still the one interview
    lines = (await mod.slash("stats")).embeds[0]["description"].splitlines()
    assert any(line.startswith("**Mock interviews**: 1 this week") for line in lines), lines
    assert "✅ Active today." in (await bob.slash("streak show")).text  # each member's day still counts


async def test_the_active_days_chart_keeps_a_day_a_move_west_put_ahead_of_the_members_clock(
        harness: BotHarness, alice: SimMember) -> None:
    await harness.advance_to(datetime(2026, 3, 8, 16, tzinfo=UTC))  # Sunday; already Monday 01:00 in Tokyo
    await alice.slash("streak timezone", timezone="Asia/Tokyo")
    await review(alice, 1)                                           # active on Monday 9 March, her date then
    await alice.slash("streak timezone", timezone="America/Los_Angeles")  # Sunday 09:00 where she is now
    shown = await alice.slash("streak show")
    assert "to today, 9 Mar 2026: 1 day active" in described_as(shown, "heatmap.png")  # her day stays hers
    days = [0] * (WEEKS - 1) + [1]  # her Monday, the heatmap's today, is in the chart's latest week
    assert f"Active days per week: {', '.join(map(str, days))} (1 in all)." in described_as(shown, "activity.png")


async def test_an_action_on_a_members_date_ahead_of_the_servers_counts_in_this_week(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    await harness.advance_to(datetime(2026, 3, 8, 16, tzinfo=UTC))  # the server's Sunday; Monday 01:00 in Tokyo
    await alice.slash("streak timezone", timezone="Asia/Tokyo")
    await review(alice, 1)                                           # on Monday 9 March, her date
    lines = (await mod.slash("stats")).embeds[0]["description"].splitlines()
    assert any(line.startswith("**Flashcard reviews**: 1 this week · 0 last week · 1 in 12 weeks")
               for line in lines), lines
