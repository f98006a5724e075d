"""A schedule changed on its first day, a rotation used up, a skip after a refused post: what gets posted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import ManualClock
from bot.daily import DailyService, Outcome
from bot.storage import Database

from .conftest import GUILD, MOD, FakeDiscord, build_service


async def test_moving_the_time_earlier_on_the_first_day_still_posts_todays_prompt(
        service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    # The fixture set the schedule up at 08:00 Berlin for 09:00: its reply promised a post today at 09:00.
    clock.set(datetime(2026, 3, 2, 7, 30, tzinfo=UTC))  # 08:30 in Berlin
    moved = await service.setup(GUILD, MOD, channel_id=55, time_text="07:30", zone_text="Europe/Berlin",
                                role_id=None)
    # README: "changing the time of a schedule to one already past today posts today's prompt at once if it
    # is not out".
    assert moved.posts_now, "the reply does not say today's prompt is posted now"
    assert (await service.deliver_due(GUILD)).outcome is Outcome.POSTED
    await service.delivery.scheduler.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    assert len(discord_stub.sent) == 1


async def test_the_first_day_is_not_lost_when_the_time_moves_earlier(
        service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    clock.set(datetime(2026, 3, 2, 7, 30, tzinfo=UTC))  # 08:30 in Berlin, before the promised 09:00
    await service.setup(GUILD, MOD, channel_id=55, time_text="07:30", zone_text="Europe/Berlin", role_id=None)
    await service.delivery.scheduler.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    await service.delivery.catch_up()  # even a restart does not bring it
    assert [p.local_date.isoformat() for p in discord_stub.sent] == ["2026-03-02"], "Monday got no prompt at all"


async def test_skip_works_when_the_cycle_is_used_up_and_preview_shows_the_next_cycle(
        service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    size = (await service.status(GUILD)).cycle_size
    first = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    for day in range(size):
        clock.set(first + timedelta(days=day))
        assert (await service.delivery.deliver_due(GUILD)).outcome is Outcome.POSTED
    clock.advance(timedelta(hours=8))  # the evening after the cycle's last post
    preview = await service.preview(GUILD)  # the first prompt of the next cycle
    skipped, following = await service.skip(GUILD, MOD)  # README: "/daily skip moves past it"
    assert skipped.id == preview.prompt.id and following is not None
    clock.set(first + timedelta(days=size))
    await service.delivery.deliver_due(GUILD)
    assert discord_stub.sent[-1].prompt.id == following.id


async def test_a_prompt_skipped_after_a_refused_post_is_not_posted_by_post_now(
        service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # 09:00 in Berlin
    discord_stub.refuse = "I am missing Send Messages in #daily"
    assert (await service.delivery.deliver_due(GUILD)).outcome is Outcome.FAILED
    preview = await service.preview(GUILD)
    skipped, following = await service.skip(GUILD, MOD)  # the moderator skips the prompt preview shows
    assert skipped.id == preview.prompt.id and following is not None
    discord_stub.refuse = None  # the permission is fixed; the notice said to use /daily post-now
    retried = await service.post_now(GUILD, MOD)
    assert retried.outcome is Outcome.POSTED
    assert discord_stub.sent[0].prompt.id != skipped.id, "the prompt the moderator skipped was posted"
    assert discord_stub.sent[0].prompt.id == following.id  # what /daily skip said comes next


async def test_a_setup_within_the_posting_minute_keeps_its_promise_of_tomorrow_across_a_restart(
        db: Database, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    service = build_service(db, clock, discord_stub)
    clock.set(datetime(2026, 3, 2, 8, 0, 0, 400_000, tzinfo=UTC))  # 09:00:00.4 in Berlin
    first = await service.setup(GUILD, MOD, channel_id=55, time_text="09:00", zone_text="Europe/Berlin",
                                role_id=None)
    assert first.next_posts[0] == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)  # the reply: from tomorrow
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    await build_service(db, clock, discord_stub).catch_up()  # a restart an hour later
    assert discord_stub.sent == [], "a restart posted today's prompt the setup reply said would not come"


async def test_the_day_greenlands_spring_change_ends_early_still_gets_its_prompt(
        db: Database, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    service = build_service(db, clock, discord_stub)
    clock.set(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    await service.setup(GUILD, MOD, channel_id=55, time_text="23:30", zone_text="America/Nuuk", role_id=None)
    # Saturday 28 March 2026 in Nuuk runs from midnight to 23:00, when the clocks jump to Sunday's midnight.
    await service.delivery.scheduler.advance_to(datetime(2026, 3, 31, 12, 0, tzinfo=UTC))
    assert [p.local_date.isoformat() for p in discord_stub.sent] == [
        "2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"], "a day without its prompt (or with two)"
