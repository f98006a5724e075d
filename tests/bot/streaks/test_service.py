"""Streak service on a real SQLite file: timezones, leaderboards, repairs, milestones, reminders."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.activity import ActivityKind
from bot.errors import InvalidInput
from bot.shards import ShardLayout
from bot.storage import Database, load_migrations
from bot.streaks import StreakService
from bot.streaks.rules import evaluate

from .conftest import Streaks, build

GUILD = 1
ZONES = ["UTC", "Pacific/Kiritimati", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "Pacific/Pago_Pago"]


async def act(s: Streaks, user: int, at: datetime | None = None, kind: ActivityKind = ActivityKind.ANSWER) -> None:
    await s.activity.record(GUILD, user, kind, at)
    await asyncio.gather(*s.service._tasks)


async def test_one_activity_a_day_builds_a_streak(streaks: Streaks) -> None:
    for _ in range(3):
        await act(streaks, 10)
        streaks.clock.advance(days=1)
    profile = await streaks.service.profile(GUILD, 10)
    assert profile.state.current == 3 and not profile.state.today_active


events = st.lists(st.tuples(st.integers(min_value=0, max_value=60 * 24 * 40),
                            st.sampled_from(ZONES)), min_size=1, max_size=25)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events, st.integers(min_value=0, max_value=60 * 24 * 3))
@example(moves=[(0, "UTC"), (1, "America/Los_Angeles")], tail=479)  # moved west: the day recorded stays today
@example(moves=[(0, "UTC"), (1, "America/Los_Angeles")], tail=0)
def test_streaks_match_the_reference_across_timezone_changes(moves: list[tuple[int, str]], tail: int) -> None:
    """Each event: the member switches zone, then acts. Past days never move when the zone changes."""
    start = datetime(2026, 3, 1, tzinfo=UTC)

    async def scenario() -> None:
        with tempfile.TemporaryDirectory() as folder:
            s = await build(Path(folder) / "p.sqlite3", start)
            try:
                expected: set[date] = set()
                for minutes, zone in sorted(moves):
                    s.clock.set(start + timedelta(minutes=minutes))
                    await s.service.set_timezone(10, zone)
                    await act(s, 10)
                    expected.add(s.clock.now().astimezone(ZoneInfo(zone)).date())
                    assert set(await s.activity.active_dates(GUILD, 10)) == expected
                s.clock.advance(minutes=tail)
                final_zone = ZoneInfo(sorted(moves)[-1][1])
                # A day already recorded is never in the member's future (see streak_today).
                today = max(s.clock.now().astimezone(final_zone).date(), max(expected))
                profile = await s.service.profile(GUILD, 10)
                reference = evaluate(expected, today)
                assert (profile.state.current, profile.state.best, profile.state.freezes) == (
                    reference.current, reference.best, reference.freezes)
                row = await s.service.repo.get(GUILD, 10)
                assert row is not None and row.best == reference.best and row.total_days == len(expected)
            finally:
                await s.db.close()

    asyncio.run(scenario())


async def test_leaderboard_ties_share_a_rank_and_month_favours_this_month(streaks: Streaks) -> None:
    s = streaks
    s.clock.set(datetime(2026, 3, 4, 18, tzinfo=UTC))
    for day in range(12):  # member 1: a long February streak that has ended
        await act(s, 1, datetime(2026, 2, 10, 12, tzinfo=UTC) + timedelta(days=day))
    for day in range(4):
        for user in (2, 3):
            await act(s, user, datetime(2026, 3, 1, 12, tzinfo=UTC) + timedelta(days=day))
    await act(s, 4)
    current = await s.service.leaderboard(GUILD, "current", caller_id=4)
    assert [(e.rank, e.user_id, e.score) for e in current.entries] == [(1, 2, 4), (1, 3, 4), (3, 4, 1)]
    assert current.caller_rank == 3
    best = await s.service.leaderboard(GUILD, "best", caller_id=2)
    assert [(e.rank, e.user_id) for e in best.entries][:1] == [(1, 1)] and best.caller_rank == 2
    month = await s.service.leaderboard(GUILD, "month", caller_id=1)
    assert month.month == "2026-03" and {e.user_id for e in month.entries} == {2, 3, 4}
    assert month.caller_rank is None  # nothing this month yet


async def test_leaderboard_pages(streaks: Streaks) -> None:
    for user in range(100, 125):
        await act(streaks, user)
    first = await streaks.service.leaderboard(GUILD, "current", caller_id=124)
    assert first.pages == 3 and len(first.entries) == 10 and first.caller_rank == 1
    last = await streaks.service.leaderboard(GUILD, "current", caller_id=124, page=9)
    assert last.page == 2 and len(last.entries) == 5
    with pytest.raises(InvalidInput):
        await streaks.service.leaderboard(GUILD, "weekly", caller_id=1)


async def test_repair_fills_a_day_and_is_audited(streaks: Streaks) -> None:
    s = streaks
    await act(s, 10, datetime(2026, 2, 27, 12, tzinfo=UTC))
    await act(s, 10, datetime(2026, 3, 1, 12, tzinfo=UTC))
    await act(s, 10)
    assert (await s.service.profile(GUILD, 10)).state.current == 2
    state = (await s.service.repair(GUILD, 99, 10, "2026-02-28", "the bot was down")).state
    assert state.current == 4
    row = await s.db.fetchone("SELECT actor_id, action, target_id, new_value, reason FROM audit_log")
    assert tuple(row) == (99, "streak.repair", 10, '2026-02-28', "the bot was down")
    for bad, message in [("2026-03-05", "has not happened yet"), ("yesterday", "is not a date"),
                         ("2024-01-01", "more than a year")]:
        with pytest.raises(InvalidInput, match=message):
            await s.service.repair(GUILD, 99, 10, bad, "reason")
    with pytest.raises(InvalidInput, match="reason is empty"):
        await s.service.repair(GUILD, 99, 10, "2026-02-26", "  ")
    assert await s.db.fetchval("SELECT COUNT(*) FROM audit_log") == 1


async def test_milestones_are_announced_once_in_the_daily_channel(streaks: Streaks) -> None:
    s = streaks
    await s.db.execute(
        "INSERT INTO daily_schedule (guild_id, channel_id, local_time, timezone, enabled, cycle_seed, updated_by, "
        "updated_at) "
        "VALUES (?, 555, '09:00', 'UTC', 1, 7, 1, 0)", (GUILD,))
    for _ in range(8):
        await act(s, 10)
        await act(s, 10, kind=ActivityKind.REVIEW)  # a second kind the same day changes nothing
        s.clock.advance(days=1)
    assert s.discord.announcements == [(555, 10, 7)]
    await s.service.repair(GUILD, 99, 10, "2026-03-01", "late answer")  # earlier day: same run, no repeat
    await asyncio.gather(*s.service._tasks)
    assert s.discord.announcements == [(555, 10, 7)]


async def test_a_milestone_a_crash_left_unclaimed_or_unposted_is_celebrated_once_after_a_restart(
        streaks: Streaks) -> None:
    s = streaks
    await s.db.execute(
        "INSERT INTO daily_schedule (guild_id, channel_id, local_time, timezone, enabled, cycle_seed, updated_by, "
        "updated_at) VALUES (?, 555, '09:00', 'UTC', 1, 7, 1, 0)", (GUILD,))
    s.service.detach()  # the process dies after each day is credited, before the listener runs
    for _ in range(7):
        await act(s, 10)
        await act(s, 20)
        s.clock.advance(days=1)
    for user in (10, 20):
        await s.service.recompute(GUILD, user)  # the start-up pass rebuilds the summaries
    assert await s.db.fetchval("SELECT COUNT(*) FROM streak_milestones") == 0 and s.discord.announcements == []
    # Member 20's celebration reached Discord before a crash that lost its row's message id.
    s.discord.announcements.append((555, 20, 7))
    await s.db.execute("INSERT INTO streak_milestones (guild_id, user_id, milestone, run_start, reached_at, "
                       "channel_id) VALUES (?, 20, 7, '2026-03-02', 0, 555)", (GUILD,))
    await s.db.execute("UPDATE streak_milestones SET reached_at = ?", (int(s.clock.now().timestamp()),))
    s.service._scheduler.shards = ShardLayout(shard_count=2, shard_ids=(1,))  # a process serving other servers
    assert await s.service.catch_up_milestones() == 0 and s.discord.announcements == [(555, 20, 7)]
    assert await s.db.fetchval("SELECT COUNT(*) FROM streak_milestones") == 1  # member 10's left unclaimed
    s.service._scheduler.shards = ShardLayout(shard_count=2, shard_ids=(0,))  # the one serving this server
    assert await s.service.catch_up_milestones() == 2
    assert sorted(s.discord.announcements) == [(555, 10, 7), (555, 20, 7)]
    assert await s.db.fetchval("SELECT COUNT(*) FROM streak_milestones WHERE message_id IS NULL") == 0
    assert await s.service.catch_up_milestones() == 0  # nothing left: a second restart changes nothing
    s.clock.advance(days=30)
    await s.db.execute("UPDATE streak_milestones SET message_id = NULL")
    assert await s.service.catch_up_milestones() == 0  # a month late is not worth a celebration


async def test_milestones_can_be_switched_off(streaks: Streaks) -> None:
    await streaks.service.set_announcements(GUILD, 99, announce=False, channel_id=None)
    for _ in range(7):
        await act(streaks, 10)
        streaks.clock.advance(days=1)
    assert streaks.discord.announcements == []


async def test_reminders_once_a_day_only_when_not_active_and_off_when_dms_closed(streaks: Streaks) -> None:
    s = streaks
    await s.service.set_timezone(10, "Asia/Kolkata")  # +05:30: the hour starts at :30 UTC
    await s.service.set_timezone(11, "Asia/Kolkata")
    for user in (10, 11, 12):
        await s.reminders.set(GUILD, user, enabled=True, hour=20)
    for _ in range(2):
        for user in (10, 11, 12):
            await act(s, user)
        s.clock.advance(days=1)
    s.discord.closed_dms.add(11)
    await act(s, 12)  # 12 already studied today
    s.clock.set(datetime(2026, 3, 4, 14, 15, tzinfo=UTC))  # 19:45 in Kolkata
    assert await s.reminders.run_due() == 0
    s.clock.set(datetime(2026, 3, 4, 14, 30, tzinfo=UTC))  # 20:00 in Kolkata
    assert await s.reminders.run_due() == 1
    s.clock.set(datetime(2026, 3, 4, 14, 45, tzinfo=UTC))
    assert await s.reminders.run_due() == 0  # at most one a day
    assert s.discord.reminders == [(GUILD, 10, 2)]
    closed = await s.service.repo.reminder(GUILD, 11)
    assert closed is not None and not closed.enabled and closed.off_reason == "dms_closed"
    with pytest.raises(InvalidInput):
        await s.reminders.set(GUILD, 10, enabled=True, hour=24)


async def test_a_member_without_a_zone_is_reminded_at_their_hour_in_the_guild_zone(streaks: Streaks) -> None:
    s = streaks
    await s.db.execute("INSERT INTO guild_settings (guild_id, timezone, joined_at) VALUES (?, ?, 0)",
                       (GUILD, "America/New_York"))
    await s.reminders.set(GUILD, 13, enabled=True, hour=20)
    await act(s, 13, datetime(2026, 3, 2, 15, tzinfo=UTC))  # active the 2nd and 3rd, New York days
    await act(s, 13, datetime(2026, 3, 3, 15, tzinfo=UTC))
    s.clock.set(datetime(2026, 3, 5, 0, 45, tzinfo=UTC))  # 19:45 on the 4th in New York (EST), not yet active
    assert await s.reminders.run_due() == 0
    s.clock.set(datetime(2026, 3, 5, 1, 0, tzinfo=UTC))  # 20:00 in New York; already the 5th in UTC
    assert await s.reminders.run_due() == 1
    assert s.discord.reminders == [(GUILD, 13, 2)]


async def test_a_first_activity_moves_the_summary_in_its_own_transaction(streaks: Streaks) -> None:
    """The summary a leaderboard reads is committed with the credit, not in a second transaction after it."""
    for day in range(2):
        event = await streaks.db.run_transaction(streaks.activity.credit_in, GUILD, 10, ActivityKind.REVIEW,
                                                 streaks.clock.now())
        row = await streaks.service.repo.get(GUILD, 10)
        assert row is not None and row.current == day + 1 and row.total_days == day + 1
        await streaks.activity.announce(event)  # the listener celebrates from what the transaction computed
        streaks.clock.advance(days=1)
    assert await streaks.activity.underived() == []  # nothing for start-up to mend


def _summary_fails_once(service: StreakService, monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    """The next summary raises (a bug in it); the ones after it run as written. Returns the real one."""
    real = service._recompute_in
    failures = iter([RuntimeError("a bug in the summary")])

    def flaky(*args: object) -> object:
        error = next(failures, None)
        if error is not None:
            raise error
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "_recompute_in", flaky)
    return real


async def test_a_summary_the_hook_could_not_write_is_recomputed_after_the_commit(
        streaks: Streaks, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing summary never costs the member their action; the listener derives it the slow way."""
    service = streaks.service
    _summary_fails_once(service, monkeypatch)
    event = await streaks.db.run_transaction(streaks.activity.credit_in, GUILD, 10, ActivityKind.REVIEW,
                                             streaks.clock.now())
    assert event is not None and event.first_of_day
    assert await streaks.db.fetchval("SELECT COUNT(*) FROM activity WHERE user_id = 10") == 1
    assert await service.repo.get(GUILD, 10) is None  # the hook's work was rolled back alone
    assert await streaks.activity.underived() == [(GUILD, 10)]  # committed with the credit
    await streaks.activity.announce(event)
    row = await service.repo.get(GUILD, 10)
    assert row is not None and row.current == 1
    assert await streaks.activity.underived() == []


async def test_start_up_recomputes_a_summary_a_crash_left_owed_and_reads_no_other(
        streaks: Streaks, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook failed and the process died before the listener: the next start-up mends that member, from
    the mark the credit left, and leaves a member whose summary is right alone."""
    service = streaks.service
    await streaks.activity.record(GUILD, 11, ActivityKind.ANSWER)  # summarised in its own transaction
    real = _summary_fails_once(service, monkeypatch)
    await streaks.db.run_transaction(streaks.activity.credit_in, GUILD, 10, ActivityKind.REVIEW,
                                     streaks.clock.now())  # ... and no announce: the process died here
    assert await service.repo.get(GUILD, 10) is None
    recomputed: list[tuple[int, int]] = []
    monkeypatch.setattr(service, "_recompute_in",
                        lambda conn, g, u, now: recomputed.append((g, u)) or real(conn, g, u, now))
    assert await service.reconcile() == 1
    assert recomputed == [(GUILD, 10)]
    row = await service.repo.get(GUILD, 10)
    assert row is not None and row.current == 1 and row.total_days == 1
    assert await streaks.activity.underived() == []
    assert await service.reconcile() == 0  # mended once


async def test_a_repair_is_owed_until_its_recompute_and_mended_at_start_up_after_a_crash(
        streaks: Streaks) -> None:
    """The repair's day commits with a mark; the recompute after it clears the mark, and a restart between
    the two recomputes from the mark."""
    s = streaks
    yesterday = (s.clock.now() - timedelta(days=1)).date()
    async with s.db.transaction() as conn:  # the repair's own transaction, then the process died
        assert await s.activity.record_day(conn, GUILD, 12, ActivityKind.REPAIR, yesterday)
    assert await s.activity.underived() == [(GUILD, 12)]
    assert await s.service.reconcile() == 1
    row = await s.service.repo.get(GUILD, 12)
    assert row is not None and row.total_days == 1 and await s.activity.underived() == []
    await s.service.repair(GUILD, 99, 12, (yesterday - timedelta(days=1)).isoformat(), "bot was down")
    assert await s.activity.underived() == []  # the repair recomputed, and the mark went with it
    row = await s.service.repo.get(GUILD, 12)
    assert row is not None and row.total_days == 2


async def test_a_members_zone_change_recomputes_their_streak_in_every_server_they_were_active_in(
        streaks: Streaks) -> None:
    s = streaks
    s.clock.set(datetime(2026, 3, 2, 23, 30, tzinfo=UTC))  # 23:30 in UTC; already 3 March in Berlin
    for guild_id in (GUILD, 2):
        await s.activity.record(guild_id, 10, ActivityKind.ANSWER)
    await s.activity.record(3, 11, ActivityKind.ANSWER)  # another member's server
    await asyncio.gather(*s.service._tasks)
    assert await s.service.repo.guilds_of(10) == [GUILD, 2]
    await s.service.set_timezone(10, "Europe/Berlin")
    for guild_id in (GUILD, 2):
        row = await s.service.repo.get(guild_id, 10)
        assert row is not None and row.zone == "Europe/Berlin"
    other = await s.service.repo.get(3, 11)
    assert other is not None and other.zone == "UTC"


async def test_an_existing_database_marks_once_every_summary_behind_its_history(tmp_path: Path) -> None:
    """Migration 0046: a database a crash left with a summary behind its history (the check start-up made
    until then) has that member marked, and a member whose summary is right is not."""
    db = Database(tmp_path / "old.sqlite3")
    await db.open(migrate=False)
    try:
        await db.migrate([m for m in load_migrations() if m.version < 46])
        for user_id, days in ((30, ("2026-02-27", "2026-02-28")), (31, ("2026-02-28",)), (32, ("2026-02-28",))):
            for day in days:
                await db.execute("INSERT INTO activity (guild_id, user_id, local_date, kind, first_at) "
                                 "VALUES (?, ?, ?, 'answer', 0)", (GUILD, user_id, day))
        for user_id, total in ((30, 1), (31, 1)):  # 30's summary missed a day; 32 has none at all
            await db.execute("INSERT INTO streaks (guild_id, user_id, current, best, freezes, last_active, "
                             "breaks_at, month, month_days, total_days, updated_at) VALUES (?, ?, 1, 1, 0, "
                             "'2026-02-28', 0, '2026-02', ?, ?, 0)", (GUILD, user_id, total, total))
        await db.migrate()
        rows = await db.fetchall("SELECT guild_id, user_id FROM activity_underived ORDER BY user_id")
        assert [tuple(r) for r in rows] == [(GUILD, 30), (GUILD, 32)]
    finally:
        await db.close()


async def test_repairs_that_join_a_run_to_an_earlier_one_do_not_celebrate_its_milestone_again(
        streaks: Streaks) -> None:
    """A 7-day run was celebrated, then the bot was down two days and the streak ended. A moderator repairs
    the day missed before that run (joining it to the three days before) and then the first day of the
    outage: the run is back, now counted from its earlier start, and its 7 days were celebrated already."""
    s = streaks
    await s.db.execute(
        "INSERT INTO daily_schedule (guild_id, channel_id, local_time, timezone, enabled, cycle_seed, updated_by, "
        "updated_at) "
        "VALUES (?, 555, '09:00', 'UTC', 1, 7, 1, 0)", (GUILD,))
    for day in [2, 3, 4, *range(6, 13)]:  # the 5th missed; 6-12 a 7-day run
        s.clock.set(datetime(2026, 3, day, 12, tzinfo=UTC))
        await act(s, 10)
    assert s.discord.announcements == [(555, 10, 7)]
    s.clock.set(datetime(2026, 3, 15, 12, tzinfo=UTC))  # the 13th and 14th missed: the streak ended
    await s.service.repair(GUILD, 99, 10, "2026-03-05", "studied, the answer was lost")
    state = (await s.service.repair(GUILD, 99, 10, "2026-03-13", "the bot was down")).state
    await asyncio.gather(*s.service._tasks)
    assert state.current == 12
    assert s.discord.announcements == [(555, 10, 7)], "the run's 7 days were celebrated twice"
