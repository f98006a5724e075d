"""A member's action and its streak credit stand or fall together, and a retry repairs a missing credit;
a quiz reveal interrupted by a crash or refused by Discord is made later, never lost."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.cards.srs import Grade
from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_cards import button
from tests.cogs.test_daily import posts, setup_daily
from tests.cogs.test_quiz import correct_letter, quizzes


async def credits(harness: BotHarness, member: SimMember, kind: str) -> int:
    return await harness.core.db.fetchval(
        "SELECT COUNT(*) FROM activity WHERE user_id = ? AND kind = ?", (member.id, kind))


async def forget_credit(harness: BotHarness, member: SimMember) -> None:
    """What a crash between two transactions used to leave: the action stored, the day's credit not."""
    await harness.core.db.execute("DELETE FROM activity WHERE user_id = ?", (member.id,))
    await harness.core.db.execute("DELETE FROM streaks WHERE user_id = ?", (member.id,))


async def streak_days(member: SimMember) -> str:
    return (await member.slash("streak show")).embeds[0]["title"]


async def test_a_resubmitted_answer_repairs_a_missing_credit_without_counting_twice(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    for text in ("first", "second"):
        opened = await alice.click(post, "Submit answer")
        assert "Saved" in (await alice.submit_modal(opened, answer=text)).text
    assert await credits(harness, alice, "answer") == 1
    await forget_credit(harness, alice)
    opened = await alice.click(post, "Submit answer")
    assert "updated" in (await alice.submit_modal(opened, answer="third")).text.lower()
    assert await credits(harness, alice, "answer") == 1
    assert await harness.core.db.fetchval("SELECT current FROM streaks WHERE user_id = ?", (alice.id,)) == 1


async def test_a_repeated_grade_repairs_a_missing_credit(harness: BotHarness, alice: SimMember) -> None:
    first = await alice.slash("cards study")
    back = await alice.click(first, "Reveal")
    good = button(back, "Good")
    await alice.click(back, good)
    assert await credits(harness, alice, "review") == 1
    await forget_credit(harness, alice)
    _, card_id, rep, grade = good.rsplit(":", 3)  # the same press delivered again (a retried interaction)
    retried = await harness.bot.get_cog("Cards").service.grade(harness.guild.id, alice.id, card_id, int(rep),
                                                                Grade(int(grade)))
    assert not retried.recorded
    assert await credits(harness, alice, "review") == 1


async def test_a_repeated_quiz_pick_repairs_a_missing_credit(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC")
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    right = await correct_letter(harness)
    await alice.click(post, right)
    await forget_credit(harness, alice)
    assert "already answered" in (await alice.click(post, right)).text
    assert await credits(harness, alice, "quiz") == 1


async def test_a_crash_between_the_close_and_the_reveal_reveals_after_the_restart(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"close-after": 2})
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    right = await correct_letter(harness)
    await alice.click(post, right)
    quiz = harness.bot.get_cog("Quiz").service
    await quiz.repo.close(harness.guild.id, harness.clock.now().date(), harness.clock.now())
    await harness.stop()  # closed in the ledger, the edit never made
    harness.clock.set(datetime(2026, 3, 2, 13, 0, tzinfo=UTC))
    await harness.start()
    await harness.advance(minutes=1)
    assert post.embeds[0]["title"].endswith("closed")
    assert f"The answer is **{right}**. 1 of 1 got it right." in post.embeds[0]["description"]


async def test_a_reveal_discord_refuses_for_a_while_is_retried(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"close-after": 2})
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    harness.sim.faults.fail_next(503, 4, route_contains=f"/messages/{post.id}")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    assert not post.embeds[0]["title"].endswith("closed")
    await harness.advance_to(datetime(2026, 3, 2, 11, 30, tzinfo=UTC))
    assert post.embeds[0]["title"].endswith("closed")
    row = await harness.core.db.fetchone("SELECT revealed_at FROM quiz_posts")
    assert row[0] is not None
