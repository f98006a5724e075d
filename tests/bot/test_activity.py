from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from bot.activity import ActivityKind, ActivityReads, ActivityRecorded, ActivityService
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


async def test_a_credits_hooks_commit_with_it_and_a_failing_hook_loses_nothing(tmp_path: Path) -> None:
    """Hooks run inside the crediting transaction; one that fails is rolled back alone, and logged."""
    db = Database(tmp_path / "h.sqlite3")
    await db.open()
    clock = ManualClock(datetime(2026, 3, 2, 12, tzinfo=UTC))
    service = ActivityService(db, clock, TimezoneResolver(db))
    await db.execute("CREATE TABLE derived (user_id INTEGER, first INTEGER)")

    def derive(conn: sqlite3.Connection, event: ActivityRecorded) -> None:
        conn.execute("INSERT INTO derived VALUES (?, ?)", (event.user_id, event.first_of_day))

    def broken(conn: sqlite3.Connection, event: ActivityRecorded) -> None:
        conn.execute("INSERT INTO derived VALUES (?, ?)", (-1, -1))
        raise RuntimeError("a derived summary is never worth a member's action")

    service.add_hook(broken)
    service.add_hook(derive)
    try:
        events = [await db.run_transaction(service.credit_in, 1, 5, kind, clock.now())
                  for kind in (ActivityKind.REVIEW, ActivityKind.QUIZ)]
        assert [e.first_of_day for e in events if e is not None] == [True, False]
        # Hooks see a member's first activity of the day only: a later credit derives nothing new.
        assert [tuple(r) for r in await db.fetchall("SELECT user_id, first FROM derived")] == [(5, 1)]
        assert await db.fetchval("SELECT COUNT(*) FROM activity WHERE user_id = 5") == 2
        assert await service.underived() == [(1, 5)]  # one hook failed: owed, in the same transaction
        service.remove_hook(derive)
        await db.run_transaction(service.credit_in, 1, 6, ActivityKind.REVIEW, clock.now())
        assert await db.fetchval("SELECT COUNT(*) FROM derived") == 1
    finally:
        await db.close()


async def test_a_first_credit_no_hook_derived_is_marked_and_one_every_hook_derived_is_not(tmp_path: Path) -> None:
    """Start-up mends summaries from these marks alone, so every way a first credit goes underived leaves one:
    no hook attached (the bot stopping), through either door (a click's transaction or a batch), and a repair."""
    db = Database(tmp_path / "u.sqlite3")
    await db.open()
    clock = ManualClock(datetime(2026, 3, 2, 12, tzinfo=UTC))
    service = ActivityService(db, clock, TimezoneResolver(db))

    def derive(conn: sqlite3.Connection, event: ActivityRecorded) -> None:
        conn.execute("SELECT 1")

    try:
        await db.run_transaction(service.credit_in, 1, 5, ActivityKind.REVIEW, clock.now())
        await service.record(1, 6, ActivityKind.QUIZ)
        async with db.transaction() as conn:
            assert await service.record_day(conn, 2, 7, ActivityKind.REPAIR, date(2026, 3, 1))
            assert await service.record_day(conn, 2, 8, ActivityKind.REPAIR, date(2026, 3, 1))
        assert await service.underived() == [(1, 5), (1, 6), (2, 7), (2, 8)]
        await db.execute("DELETE FROM activity_underived")
        service.add_hook(derive)
        await db.run_transaction(service.credit_in, 1, 9, ActivityKind.REVIEW, clock.now())
        await service.record(1, 10, ActivityKind.QUIZ)
        service.remove_hook(derive)
        await service.record(1, 9, ActivityKind.ANSWER)  # not a first credit of the day: nothing to derive
        async with db.transaction() as conn:  # a day already repaired: nothing added, nothing owed
            assert not await service.record_day(conn, 2, 7, ActivityKind.REPAIR, date(2026, 3, 1))
        assert await service.underived() == []
    finally:
        await db.close()


# -- what other features read: ActivityReads ---------------------------------------------------------------

async def _credited(tmp_path: Path) -> tuple[Database, ActivityReads]:
    """Server 1: member 5 (Tokyo) and member 6 (UTC) on either side of 1 March; server 2: member 5 once."""
    db = Database(tmp_path / "reads.sqlite3")
    await db.open()
    clock = ManualClock(datetime(2026, 2, 27, 12, tzinfo=UTC))
    timezones = TimezoneResolver(db)
    service = ActivityService(db, clock, timezones)
    await timezones.set_user_zone(5, "Asia/Tokyo")
    for at, guild_id, user_id, kind in (
            (datetime(2026, 2, 27, 12, tzinfo=UTC), 1, 5, ActivityKind.ANSWER),   # Tokyo 27 Feb
            (datetime(2026, 2, 28, 16, tzinfo=UTC), 1, 5, ActivityKind.REVIEW),   # Tokyo 1 Mar
            (datetime(2026, 2, 28, 17, tzinfo=UTC), 1, 5, ActivityKind.REVIEW),   # Tokyo 1 Mar, again
            (datetime(2026, 3, 2, 9, tzinfo=UTC), 1, 5, ActivityKind.QUIZ),       # Tokyo 2 Mar
            (datetime(2026, 2, 28, 16, tzinfo=UTC), 1, 6, ActivityKind.REVIEW),   # UTC 28 Feb
            (datetime(2026, 3, 2, 9, tzinfo=UTC), 1, 6, ActivityKind.ANSWER),     # UTC 2 Mar
            (datetime(2026, 3, 2, 10, tzinfo=UTC), 1, 6, ActivityKind.QUIZ),      # UTC 2 Mar, another kind
            (datetime(2026, 3, 2, 9, tzinfo=UTC), 2, 5, ActivityKind.MOCK)):      # another server
        await service.record(guild_id, user_id, kind, at)
    return db, ActivityReads(db)


async def test_a_members_active_dates_from_a_day_on_in_one_server(tmp_path: Path) -> None:
    db, reads = await _credited(tmp_path)
    try:
        assert sorted(await reads.active_dates_since(1, 5, date(2026, 2, 28))) == [date(2026, 3, 1), date(2026, 3, 2)]
        assert sorted(await reads.active_dates_since(1, 5, date(2026, 2, 27))) == [
            date(2026, 2, 27), date(2026, 3, 1), date(2026, 3, 2)]
        assert await reads.active_dates_since(2, 5, date(2026, 3, 3)) == []
        assert await reads.active_dates_since(1, 7, date(2026, 1, 1)) == []
    finally:
        await db.close()


async def test_the_servers_actions_per_day_and_kind_from_a_day_on(tmp_path: Path) -> None:
    db, reads = await _credited(tmp_path)
    try:
        assert sorted(await reads.actions_per_day(1, date(2026, 2, 28))) == [
            (date(2026, 2, 28), "review", 1), (date(2026, 3, 1), "review", 2),
            (date(2026, 3, 2), "answer", 1), (date(2026, 3, 2), "quiz", 2)]
        assert await reads.actions_per_day(2, date(2026, 3, 2)) == [(date(2026, 3, 2), "mock", 1)]
    finally:
        await db.close()


async def test_each_members_active_days_in_a_month_on_their_own_dates(tmp_path: Path) -> None:
    db, reads = await _credited(tmp_path)
    try:
        assert await reads.active_days_in_month(1, "2026-03") == {5: 2, 6: 1}  # two kinds on 2 March: one day
        assert await reads.active_days_in_month(1, "2026-02") == {5: 1, 6: 1}  # 28 Feb is the month's last day
        assert await reads.active_days_in_month(2, "2026-03") == {5: 1}
        assert await reads.active_days_in_month(1, "2026-04") == {}
    finally:
        await db.close()


async def test_each_members_credited_actions_in_one_server(tmp_path: Path) -> None:
    db, reads = await _credited(tmp_path)
    try:
        assert await reads.credited_actions(1, [6, 5, 7]) == {5: 4, 6: 3, 7: 0}  # 7 never acted here
        assert await reads.credited_actions(2, {5}) == {5: 1}
        assert await reads.credited_actions(1, []) == {}
    finally:
        await db.close()


async def test_a_withdrawn_credit_takes_the_day_only_when_nothing_else_made_it_active(tmp_path: Path) -> None:
    """A member credited for an interview they missed loses that day, unless they studied then as well."""
    db = Database(tmp_path / "w.sqlite3")
    await db.open()
    clock = ManualClock(datetime(2026, 3, 2, 12, tzinfo=UTC))
    service = ActivityService(db, clock, TimezoneResolver(db))
    try:
        for user_id in (5, 6):
            await db.run_transaction(service.credit_in, 1, user_id, ActivityKind.MOCK, clock.now())
        await db.run_transaction(service.credit_in, 1, 6, ActivityKind.REVIEW, clock.now())
        gone = await db.run_transaction(service.withdraw_in, 1, 5, ActivityKind.MOCK, clock.now())
        kept = await db.run_transaction(service.withdraw_in, 1, 6, ActivityKind.MOCK, clock.now())
        assert gone is not None and gone.local_date == date(2026, 3, 2) and kept is None
        assert await service.active_dates(1, 5) == [] and await service.active_dates(1, 6) == [date(2026, 3, 2)]
        assert await db.fetchval("SELECT count FROM activity WHERE user_id = 6 AND kind = 'mock'") == 0
    finally:
        await db.close()
