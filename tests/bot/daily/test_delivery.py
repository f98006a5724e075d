"""Exactly one post per guild per local date, whatever crashes, restarts or races happen."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.daily import DailyPost, DailyService, Outcome, PostStatus, Published
from bot.storage import Database
from tests.bot.daily.conftest import GUILD, MOD, FakeDiscord, build_service


async def test_not_due_before_the_local_time_then_posted_once(service: DailyService, clock: ManualClock,
                                                              discord_stub: FakeDiscord) -> None:
    assert (await service.delivery.deliver_due(GUILD)).outcome is Outcome.NOT_DUE
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # 09:00 in Berlin
    assert (await service.delivery.deliver_due(GUILD)).outcome is Outcome.POSTED
    assert (await service.delivery.deliver_due(GUILD)).outcome is Outcome.ALREADY_POSTED
    assert len(discord_stub.sent) == 1


async def test_a_crash_between_claim_and_send_still_yields_one_post(
        db: Database, service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    schedule = await service.repo.schedule(GUILD)
    assert schedule is not None
    record, fresh = await service.delivery._claim(schedule, clock.now().date(), clock.now(), clock.now())
    assert fresh and record.status is PostStatus.CLAIMED  # ...and the process dies here
    restarted = build_service(db, clock, discord_stub)
    [result] = await restarted.delivery.catch_up()
    assert result.outcome is Outcome.POSTED and len(discord_stub.sent) == 1
    assert result.record is not None and result.record.prompt_id == record.prompt_id


async def test_a_crash_after_send_before_the_ledger_update_does_not_post_twice(
        db: Database, service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    clock.set(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
    schedule = await service.repo.schedule(GUILD)
    assert schedule is not None
    record, _ = await service.delivery._claim(schedule, clock.now().date(), clock.now(), clock.now())
    await discord_stub.publish(schedule.channel_id, await service.delivery.render(schedule, record))
    # ...the process dies before writing the message id
    restarted = build_service(db, clock, discord_stub)
    [result] = await restarted.delivery.catch_up()
    assert result.outcome is Outcome.POSTED and len(discord_stub.sent) == 1
    assert result.record is not None and result.record.message_id == discord_stub.by_nonce[record.nonce]


async def test_two_processes_racing_post_once(tmp_path: Path, clock: ManualClock, service: DailyService,
                                              discord_stub: FakeDiscord) -> None:
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    other_db = Database(service.repo.db.path)
    await other_db.open()
    try:
        other = build_service(other_db, clock, discord_stub)
        results = await asyncio.gather(*(s.delivery.deliver_due(GUILD) for s in [service, other] * 3))
    finally:
        await other_db.close()
    assert len(discord_stub.sent) == 1
    assert sum(r.outcome is Outcome.POSTED for r in results) >= 1
    assert {r.outcome for r in results} <= {Outcome.POSTED, Outcome.ALREADY_POSTED}


async def test_catch_up_delivers_a_post_missed_today_but_not_yesterday(
        service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    clock.set(datetime(2026, 3, 3, 20, 0, tzinfo=UTC))  # down all of 2 March and the morning of 3 March
    results = await service.delivery.catch_up()
    assert [r.outcome for r in results] == [Outcome.POSTED]
    assert [p.local_date.isoformat() for p in discord_stub.sent] == ["2026-03-03"]
    assert [p.day_number for p in discord_stub.sent] == [1]


async def test_a_refused_post_is_recorded_with_its_reason_and_retried_by_post_now(
        service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    discord_stub.refuse = "I am missing Send Messages in #daily"
    result = await service.delivery.deliver_due(GUILD)
    assert result.outcome is Outcome.FAILED and result.record is not None
    assert result.record.failure == "I am missing Send Messages in #daily"
    status = await service.status(GUILD)
    assert status.problems == ["I am missing Send Messages in #daily"]
    discord_stub.refuse = None
    retried = await service.post_now(GUILD, MOD)
    assert retried.outcome is Outcome.POSTED and len(discord_stub.sent) == 1
    assert (await service.status(GUILD)).problems == []


async def test_a_notice_stored_before_a_crash_is_told_at_the_next_start_even_when_nothing_is_due(
        db: Database, service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    """The bot stopped after storing the moderators' notice and before telling them, and starts again in the
    next morning, before the post is due: its catch-up tells them, once, and a later start does not tell them
    again."""
    await service.repo.set_failure_notice(GUILD, "I am missing Send Messages in #daily")  # ...and the process dies
    clock.set(datetime(2026, 3, 3, 6, 0, tzinfo=UTC))  # 07:00 in Berlin
    for _ in range(2):
        await build_service(db, clock, discord_stub).delivery.catch_up()
    assert discord_stub.sent == []  # nothing was due
    assert len(discord_stub.notices) == 1 and "I am missing Send Messages in #daily" in discord_stub.notices[0]
    schedule = await service.repo.schedule(GUILD)
    assert schedule is not None and schedule.failure_notice_told
    assert (await service.status(GUILD)).problems == ["I am missing Send Messages in #daily"]


async def test_a_notice_stored_before_a_crash_is_told_even_when_the_feature_was_paused_meanwhile(
        db: Database, service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    """A moderator paused the daily post while the bot was down with a notice untold: the post was missed all
    the same, so the next start tells them why, once, and posts nothing."""
    await service.repo.set_failure_notice(GUILD, "I am missing Send Messages in #daily")  # ...and the process dies
    await service.set_enabled(GUILD, MOD, False)
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # 09:00 in Berlin, when the post would be due
    for _ in range(2):
        await build_service(db, clock, discord_stub).delivery.catch_up()
    assert discord_stub.sent == []
    assert len(discord_stub.notices) == 1 and "I am missing Send Messages in #daily" in discord_stub.notices[0]


async def test_a_whole_cycle_without_repeats_then_a_new_order(service: DailyService, clock: ManualClock,
                                                               discord_stub: FakeDiscord) -> None:
    size = (await service.status(GUILD)).cycle_size
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    for _ in range(size + 3):
        assert (await service.delivery.deliver_due(GUILD)).outcome is Outcome.POSTED
        clock.advance(timedelta(days=1))
    first_cycle = [p.prompt.id for p in discord_stub.sent[:size]]
    assert len(set(first_cycle)) == size
    assert [p.day_number for p in discord_stub.sent] == list(range(1, size + 4))
    second = [p.prompt.id for p in discord_stub.sent[size:]]
    assert second != first_cycle[:3]
    assert discord_stub.sent[size - 7].low_warning and not discord_stub.sent[size - 8].low_warning


async def test_skip_and_preview_agree_with_what_is_posted(service: DailyService, clock: ManualClock,
                                                          discord_stub: FakeDiscord) -> None:
    before = await service.preview(GUILD)
    skipped, following = await service.skip(GUILD, MOD)
    assert skipped.id == before.prompt.id and following is not None
    assert (await service.preview(GUILD)).prompt.id == following.id
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    await service.delivery.deliver_due(GUILD)
    assert discord_stub.sent[0].prompt.id == following.id


async def test_answers_count_once_and_replace(service: DailyService, clock: ManualClock,
                                              discord_stub: FakeDiscord) -> None:
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    record = (await service.delivery.deliver_due(GUILD)).record
    assert record is not None
    first = await service.submit_answer(GUILD, record.local_date, 42, "  first  ")
    second = await service.submit_answer(GUILD, record.local_date, 42, "second")
    assert not first.edited and second.edited and first.answer.body == "first"
    assert list(discord_stub.answers.values()) == ["second"]
    rows = await service.repo.db.fetchall("SELECT count FROM activity WHERE user_id = 42")
    assert [r[0] for r in rows] == [1]


async def test_a_passing_fault_is_retried_until_it_clears_without_telling_moderators(
        service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    discord_stub.down = True
    scheduler = service.delivery.scheduler
    await scheduler.advance_to(datetime(2026, 3, 2, 8, 10, tzinfo=UTC))  # 09:10 in Berlin: a few retries
    assert discord_stub.sent == [] and scheduler.has(f"daily:retry:{GUILD}")
    discord_stub.down = False
    await scheduler.advance_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert len(discord_stub.sent) == 1 and not discord_stub.notices
    assert not scheduler.has(f"daily:retry:{GUILD}")


async def test_a_fault_lasting_all_day_is_reported_to_moderators_once(
        service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    discord_stub.down = True
    await service.delivery.scheduler.advance_to(datetime(2026, 3, 3, 7, 59, tzinfo=UTC))
    assert discord_stub.sent == []
    assert len(discord_stub.notices) == 1 and "kept failing" in discord_stub.notices[0]
    discord_stub.down = False
    await service.delivery.scheduler.advance_to(datetime(2026, 3, 3, 8, 1, tzinfo=UTC))
    assert [p.day_number for p in discord_stub.sent] == [1]


class BrokenForOneServer(FakeDiscord):
    """Posting to one server's channel fails in a way nobody foresaw (a bug, a corrupt row)."""

    async def publish(self, channel_id: int, post: DailyPost) -> Published:
        if post.guild_id == GUILD:
            raise RuntimeError("unforeseen")
        return await super().publish(channel_id, post)


async def test_one_servers_unforeseen_failure_does_not_stop_the_others_catch_up(
        db: Database, clock: ManualClock) -> None:
    """At start, a server whose post fails unexpectedly is logged and passed over: the servers after it still get
    today's post, and a notice stored for their moderators before the stop is still told."""
    discord = BrokenForOneServer()
    service = build_service(db, clock, discord)
    for guild_id, channel_id in ((GUILD, 55), (GUILD + 1, 56), (GUILD + 2, 57)):
        await service.setup(guild_id, MOD, channel_id=channel_id, time_text="09:00", zone_text="Europe/Berlin",
                            role_id=None)
    await service.repo.set_failure_notice(GUILD + 2, "I am missing Send Messages in #daily")  # ...and a stop
    await service.set_enabled(GUILD + 2, MOD, False)
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # 10:00 in Berlin
    await build_service(db, clock, discord).delivery.catch_up()
    assert [post.guild_id for post in discord.sent] == [GUILD + 1]
    assert len(discord.notices) == 1 and "I am missing Send Messages in #daily" in discord.notices[0]
