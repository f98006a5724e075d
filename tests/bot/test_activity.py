from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.activity import ActivityKind, ActivityRecorded, ActivityService
from bot.clock import ManualClock
from bot.storage import Database
from bot.timezones import TimezoneResolver


async def test_activity_is_keyed_on_the_members_local_day(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.sqlite3")
    await db.open()
    clock = ManualClock(datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    timezones = TimezoneResolver(db)
    service = ActivityService(db, clock, timezones)
    seen: list[ActivityRecorded] = []

    async def listener(event: ActivityRecorded) -> None:
        seen.append(event)

    async def broken_listener(event: ActivityRecorded) -> None:
        raise RuntimeError("listeners never break recording")

    service.add_listener(broken_listener)
    service.add_listener(listener)
    try:
        await timezones.set_user_zone(5, "Asia/Tokyo")
        first = await service.record(1, 5, ActivityKind.ANSWER)
        again = await service.record(1, 5, ActivityKind.REVIEW)
        other = await service.record(1, 6, ActivityKind.QUIZ)
        assert first.local_date == date(2026, 3, 3) and first.first_of_day
        assert not again.first_of_day
        assert other.local_date == date(2026, 3, 2)  # no zone of their own: guild default UTC
        assert [e.kind for e in seen] == [ActivityKind.ANSWER, ActivityKind.REVIEW, ActivityKind.QUIZ]
        assert await service.active_dates(1, 5) == [date(2026, 3, 3)]
    finally:
        await db.close()


async def test_members_acting_at_once_share_a_batch_and_each_day_is_first_once(tmp_path: Path) -> None:
    import asyncio

    db = Database(tmp_path / "b.sqlite3")
    await db.open()
    clock = ManualClock(datetime(2026, 3, 2, 12, tzinfo=UTC))
    service = ActivityService(db, clock, TimezoneResolver(db))
    try:
        events = await asyncio.gather(*(service.record(1, 10 + i % 4, ActivityKind.REVIEW) for i in range(40)))
        assert sum(e.first_of_day for e in events) == 4  # one per member
        assert await db.fetchval("SELECT SUM(count) FROM activity") == 40
        later = await service.record(1, 10, ActivityKind.QUIZ)
        assert not later.first_of_day
    finally:
        await db.close()
