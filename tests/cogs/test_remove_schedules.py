"""/daily remove and /quiz remove: a confirmation first, then nothing more is posted; setup starts it again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_content_uploads import write_own_prompt
from tests.cogs.test_daily import posts, setup_daily
from tests.cogs.test_quiz import quizzes


async def test_daily_remove_asks_first_then_stops_posting(harness: BotHarness, mod: SimMember,
                                                          daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    question = await mod.slash("daily remove")
    assert question.ephemeral and "Remove the daily prompt schedule" in question.text
    kept = await mod.click(question, "Keep it")
    assert "Kept" in kept.text
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1

    question = await mod.slash("daily remove")
    removed = await mod.click(question, "Remove the schedule")
    assert "is removed" in removed.text
    await harness.advance_to(datetime(2026, 3, 5, 12, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1
    status = await mod.slash("daily status")
    assert "not set up" in status.text.lower() or "/daily setup" in status.text
    audit = await mod.slash("studybot audit")
    assert "daily.remove" in audit.text or "remove" in audit.text.lower()


async def test_quiz_remove_and_nothing_to_remove(harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    nothing = await mod.slash("quiz remove")
    assert nothing.ephemeral and "/quiz setup" in nothing.text
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    question = await mod.slash("quiz remove")
    await mod.click(question, "Remove the schedule")
    await harness.advance_to(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
    assert quizzes(daily) == []


async def test_a_member_cannot_confirm_a_removal(harness: BotHarness, mod: SimMember, alice: SimMember,
                                                 daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    question = await mod.slash("daily remove")
    assert question.ephemeral  # shown to the moderator alone: no other member's client shows its button
    with pytest.raises(AssertionError, match="ephemeral"):
        alice.start_click(question, "Remove the schedule")
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1


async def test_daily_setup_reports_every_mistake_in_one_reply(harness: BotHarness, mod: SimMember,
                                                              daily: SimChannel) -> None:
    reply = await mod.slash("daily setup", channel=daily, time="0900", timezone="EST", role=harness.guild.everyone)
    assert reply.ephemeral and "3 things to fix (nothing was saved)" in reply.text
    assert "@everyone" in reply.text and "`0900`" in reply.text and "America/New_York" in reply.text
    await harness.advance_to(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    assert posts(daily) == []


async def test_setting_the_daily_prompt_up_again_after_removing_it_repeats_no_prompt_of_the_current_cycle(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """Removing the schedule keeps the rotation's history: set up again, it goes on where it was, so a prompt
    posted in the cycle under way is not posted a second time."""
    await setup_daily(mod, daily, time="10:00", zone="UTC")
    await mod.select(await mod.slash("daily kinds"), ["behavioral"])  # nine prompts: a cycle is nine days
    await harness.advance_to(datetime(2026, 3, 11, 11, 0, tzinfo=UTC))  # days 1-9, then day 10 opens cycle 2
    assert len(posts(daily)) == 10
    await mod.click(await mod.slash("daily remove"), "Remove the schedule")
    await harness.advance_to(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))
    await setup_daily(mod, daily, time="10:00", zone="UTC")
    await mod.select(await mod.slash("daily kinds"), ["behavioral"])
    await harness.advance_to(datetime(2026, 3, 12, 11, 0, tzinfo=UTC))
    titles = [post.embeds[0]["title"].split(" · ", 1)[1] for post in posts(daily)]
    assert len(titles) == 11
    assert titles[10] not in titles[9:10], titles  # day 10 began cycle 2; day 11 must not repeat it


async def test_setting_the_quiz_up_again_after_removing_it_goes_on_with_its_rotation(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """As the daily prompt's: the quiz's history outlives its removal, so set up again it continues the cycle
    under way rather than starting over at the first (which would ask again what that cycle already asked)."""
    from bot.posting.rotation import seed_of_cycle

    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 13, 0, tzinfo=UTC))
    assert len(quizzes(daily)) == 1
    # a server past its first pass over the cards: its latest quiz belongs to cycle 3
    await harness.core.db.execute("UPDATE quiz_posts SET cycle = 3")
    await mod.click(await mod.slash("quiz remove"), "Remove the schedule")
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    guild_id = harness.guild.id
    assert tuple(await harness.core.db.fetchone("SELECT cycle, cycle_seed FROM quiz_schedule")) == (
        3, seed_of_cycle(guild_id, 3))
    await harness.advance_to(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
    asked = await harness.core.db.fetchall("SELECT cycle, card_id FROM quiz_posts ORDER BY local_date")
    assert [row[0] for row in asked] == [3, 3] and asked[0][1] != asked[1][1], [tuple(row) for row in asked]


async def test_prompts_of_the_servers_own_are_still_written_after_the_daily_schedule_is_removed(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """The server's own prompts serve practice and mock interviews too, and `/archive` and `/content export`
    send moderators to `/daily add`: removing the schedule leaves them a way to write one."""
    await setup_daily(mod, daily)
    await mod.click(await mod.slash("daily remove"), "Remove the schedule")
    await write_own_prompt(mod)
    await mod.slash("content decks", deck="ai-native-careers", on=False)  # only the server's own prompt is left
    practice = await alice.slash("practice", kind="design")
    assert practice.embeds[0]["title"].endswith("Design the study server's flashcard service"), practice.embeds[0]
