"""One post per occurrence when moderators move the schedule, when a crash leaves a day unfinished,
and when yesterday's backup is restored: what members and moderators see in the channel."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_daily import posts, setup_daily
from tests.cogs.test_quiz import quizzes


def restore(backup: Path, db_path: Path) -> None:
    """A plain file copy of the backup over the stopped bot's database."""
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, db_path)


async def answer(member: SimMember, post: object, text: str) -> str:
    opened = await member.click(post, "Submit answer")
    assert opened.modal is not None, opened.text
    return (await member.submit_modal(opened, answer=text)).text


async def test_a_zone_change_after_the_post_neither_repeats_it_nor_skips_the_next_day(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="09:00", zone="Asia/Tokyo")
    await harness.advance_to(datetime(2026, 3, 3, 0, 0, tzinfo=UTC))  # 09:00 on the 3rd in Tokyo
    assert len(posts(daily)) == 1
    await harness.advance(hours=1)
    reply = await setup_daily(mod, daily, time="18:00", zone="America/Los_Angeles")  # 17:00 on the 2nd there
    assert "posting it now" not in reply
    await harness.advance_to(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))  # past 18:00 on the 2nd in Los Angeles
    assert len(posts(daily)) == 1, "the day already served by the Tokyo post got a second one"
    await harness.advance_to(datetime(2026, 3, 5, 3, 0, tzinfo=UTC))  # past 18:00 on the 3rd and the 4th
    shown = posts(daily)
    assert [m.created_at.astimezone(UTC) for m in shown] == [
        datetime(2026, 3, 3, 0, 0, tzinfo=UTC), datetime(2026, 3, 4, 2, 0, tzinfo=UTC),
        datetime(2026, 3, 5, 2, 0, tzinfo=UTC)]
    assert [m.embeds[0]["title"].split(" · ")[0] for m in shown] == ["Day 1", "Day 2", "Day 3"]
    for number, post in enumerate(shown):  # every post's buttons still work after the move
        assert "Saved" in await answer(alice, post, f"answer {number}")


async def test_moving_the_time_earlier_than_now_posts_today_and_says_so(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="18:00", zone="Europe/Berlin")
    harness.clock.set(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # 12:00 in Berlin, before today's 18:00
    reply = await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    assert "today's prompt is not out yet, so I am posting it now" in reply
    await harness.settle()
    assert len(posts(daily)) == 1
    await harness.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1
    await harness.advance_to(datetime(2026, 3, 3, 9, 30, tzinfo=UTC))
    assert len(posts(daily)) == 2


async def test_moving_the_time_earlier_after_todays_post_waits_for_tomorrow(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="09:00", zone="Europe/Berlin")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1
    reply = await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    assert "posting it now" not in reply and "Tue 03 Mar 10:00 CET" in reply
    await harness.advance_to(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1


async def test_a_post_sent_but_not_recorded_before_midnight_is_adopted_after_it(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    harness.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    delivery = harness.bot.get_cog("Daily").service.delivery
    schedule = await delivery.repo.schedule(harness.guild.id)
    now = harness.clock.now()
    record, _ = await delivery._claim(schedule, now.date(), now, now)
    await delivery.publisher.publish(schedule.channel_id, await delivery.render(schedule, record))
    await harness.stop()  # dies before the message id is written; comes back the next local day
    harness.clock.set(datetime(2026, 3, 3, 9, 30, tzinfo=UTC))
    await harness.start()
    first, second = posts(daily)
    assert first.embeds[0]["title"].startswith("Day 1") and second.embeds[0]["title"].startswith("Day 2")
    assert "Saved" in await answer(alice, first, "yesterday's prompt still takes answers")
    rows = await harness.core.db.fetchall("SELECT status FROM daily_posts ORDER BY occurrence_at")
    assert [row[0] for row in rows] == ["sent", "sent"]


async def test_a_claim_that_never_reached_discord_is_marked_failed_and_does_not_take_a_number(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    harness.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    delivery = harness.bot.get_cog("Daily").service.delivery
    schedule = await delivery.repo.schedule(harness.guild.id)
    now = harness.clock.now()
    await delivery._claim(schedule, now.date(), now, now)
    await harness.stop()
    harness.clock.set(datetime(2026, 3, 3, 9, 30, tzinfo=UTC))
    await harness.start()
    [post] = posts(daily)
    assert post.embeds[0]["title"].startswith("Day 1")
    rows = await harness.core.db.fetchall("SELECT status, failure FROM daily_posts ORDER BY occurrence_at")
    assert [row[0] for row in rows] == ["failed", "sent"]
    assert "interrupted" in rows[0][1]


async def test_restoring_a_backup_taken_before_the_post_does_not_post_it_again(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel, tmp_path: Path) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    await mod.slash("quiz setup", channel=daily, time="10:30", timezone="Europe/Berlin")
    backup = await harness.core.db.backup(tmp_path / "backups" / "before.sqlite3")
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1 and len(quizzes(daily)) == 1
    await harness.stop()
    restore(backup, harness.db_path)  # later the same day
    harness.clock.set(harness.clock.now() + timedelta(hours=3))
    await harness.start()
    await harness.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    [post] = posts(daily)
    assert len(quizzes(daily)) == 1, "the quiz was posted again after the restore"
    assert "Saved" in await answer(alice, post, "the restored ledger knows this post")
    await harness.advance_to(datetime(2026, 3, 3, 9, 30, tzinfo=UTC))
    assert [m.embeds[0]["title"].split(" · ")[0] for m in posts(daily)] == ["Day 1", "Day 2"]


async def test_a_post_sent_but_not_recorded_is_adopted_at_start_before_the_next_days_time(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    harness.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    delivery = harness.bot.get_cog("Daily").service.delivery
    schedule = await delivery.repo.schedule(harness.guild.id)
    now = harness.clock.now()
    record, _ = await delivery._claim(schedule, now.date(), now, now)
    await delivery.publisher.publish(schedule.channel_id, await delivery.render(schedule, record))
    await harness.stop()  # dies before the message id is written; comes back early the next morning
    harness.clock.set(datetime(2026, 3, 3, 6, 0, tzinfo=UTC))  # 07:00 in Berlin, before Tuesday's 10:00
    await harness.start()
    # README: "A row left unfinished on an earlier day is finished at start and on every firing: the post is
    # adopted when Discord has it (its buttons work ...)".
    [post] = posts(daily)
    assert "Saved" in await answer(alice, post, "yesterday's prompt takes answers the morning after")
    rows = await harness.core.db.fetchall("SELECT status FROM daily_posts ORDER BY occurrence_at")
    assert [row[0] for row in rows] == ["sent"]
