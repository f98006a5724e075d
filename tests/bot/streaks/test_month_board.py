"""The month leaderboard when members and the server are on different calendar days.

The month shown is the server's current month; each member counts their own local dates
that fall in it. A member whose day is already in the next month keeps the days of the
month shown; a member whose day is still in the previous month counts that day there, and
joins the new month on their own first day of it.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.activity import ActivityKind
from bot.storage import Database, load_migrations
from bot.streaks import LeaderboardPage
from bot.timezones import all_zone_names

from .conftest import Streaks, build

GUILD = 1


async def act(s: Streaks, user: int, at: datetime) -> None:
    """The member does something that counts at ``at`` (the clock moves there first)."""
    s.clock.set(at)
    await s.activity.record(GUILD, user, ActivityKind.ANSWER)
    await asyncio.gather(*s.service._tasks)


async def server_zone(s: Streaks, zone: str) -> None:
    await s.db.execute("INSERT INTO guild_settings (guild_id, timezone, joined_at) VALUES (?, ?, 0)", (GUILD, zone))


def board(page: LeaderboardPage) -> list[tuple[int, int, int]]:
    return [(e.rank, e.user_id, e.score) for e in page.entries]


async def test_a_member_already_in_the_next_month_keeps_their_days_of_the_month_shown(streaks: Streaks) -> None:
    s = streaks
    await server_zone(s, "America/Los_Angeles")
    await s.service.set_timezone(10, "Asia/Tokyo")
    for day in (28, 29, 30):  # 09:00 in Tokyo on the 28th-30th of March
        await act(s, 10, datetime(2026, 3, day, 0, tzinfo=UTC))
    await act(s, 11, datetime(2026, 3, 30, 18, tzinfo=UTC))  # Los Angeles days: the 30th and 31st
    await act(s, 11, datetime(2026, 3, 31, 18, tzinfo=UTC))
    # 31 March 11:00 in Los Angeles, already 1 April 03:00 in Tokyo: the member studies in their new month.
    await act(s, 10, datetime(2026, 3, 31, 18, 0, 1, tzinfo=UTC))

    march = await s.service.leaderboard(GUILD, "month", caller_id=10)
    assert march.month == "2026-03"
    assert board(march) == [(1, 10, 3), (2, 11, 2)]
    assert (march.caller_rank, march.caller_score) == (1, 3)

    s.clock.set(datetime(2026, 4, 1, 9, tzinfo=UTC))  # 1 April 02:00 in Los Angeles
    april = await s.service.leaderboard(GUILD, "month", caller_id=11)
    assert april.month == "2026-04"
    assert board(april) == [(1, 10, 1)]
    assert (april.caller_rank, april.caller_score) == (None, 0)


async def test_a_member_still_in_the_previous_month_joins_the_new_month_on_their_own_first_day(
        streaks: Streaks) -> None:
    s = streaks
    await server_zone(s, "Asia/Tokyo")
    await s.service.set_timezone(20, "America/Los_Angeles")
    for day in (29, 30):  # 11:00 in Los Angeles on the 29th and 30th of March
        await act(s, 20, datetime(2026, 3, day, 18, tzinfo=UTC))
    await act(s, 21, datetime(2026, 3, 31, 3, tzinfo=UTC))  # 31 March in Tokyo
    # 1 April 03:00 in Tokyo, still 31 March 11:00 in Los Angeles: the member's day is March's.
    await act(s, 20, datetime(2026, 3, 31, 18, tzinfo=UTC))
    await act(s, 21, datetime(2026, 3, 31, 18, 0, 1, tzinfo=UTC))  # 1 April in Tokyo

    april = await s.service.leaderboard(GUILD, "month", caller_id=20)
    assert april.month == "2026-04"
    assert board(april) == [(1, 21, 1)]
    assert (april.caller_rank, april.caller_score) == (None, 0)

    await act(s, 20, datetime(2026, 4, 1, 18, tzinfo=UTC))  # 1 April 11:00 in Los Angeles
    april = await s.service.leaderboard(GUILD, "month", caller_id=20)
    assert board(april) == [(1, 20, 1), (1, 21, 1)]
    assert (april.caller_rank, april.caller_score) == (1, 1)


async def test_summaries_written_before_the_previous_month_was_counted_get_its_count(tmp_path: Path) -> None:
    """Migration 0025 counts, for every existing summary, the member's days in the month before its own."""
    db = Database(tmp_path / "old.sqlite3")
    await db.open(migrate=False)
    try:
        await db.migrate([m for m in load_migrations() if m.version < 25])
        for day in ("2026-01-30", "2026-01-31", "2026-02-01"):
            await db.execute("INSERT INTO activity (guild_id, user_id, local_date, kind, first_at) "
                             "VALUES (?, ?, ?, 'answer', 0)", (GUILD, 30, day))
        await db.execute("INSERT INTO streaks (guild_id, user_id, current, best, freezes, last_active, breaks_at, "
                         "month, month_days, total_days, updated_at) VALUES (?, ?, 3, 3, 0, '2026-02-01', 0, "
                         "'2026-02', 1, 3, 0)", (GUILD, 30))
        await db.migrate()
        row = await db.fetchone("SELECT month, month_days, prev_month_days FROM streaks WHERE user_id = 30")
        assert row is not None and tuple(row) == ("2026-02", 1, 2)
    finally:
        await db.close()


# -- the rule, for any zones and any moment near a month's end ------------------------------------------

# The month boundaries cover a year's end, a leap February, and daylight saving time changing on or
# next to the boundary (the US falls back on 1 November 2026; Europe springs forward on 29 March and
# falls back on 25 October; Chile, New Zealand and Australia change in early April).
BOUNDARIES = [datetime(2027, 1, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC),
              datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)]
EXTREMES = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Pacific/Chatham", "Asia/Kathmandu", "America/St_Johns",
            "America/Los_Angeles", "America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC",
            "America/Santiago", "Pacific/Auckland", "Asia/Tokyo"]
zones = st.one_of(st.sampled_from(EXTREMES), st.sampled_from(all_zone_names()))
HOUR = 60
minutes_near_the_end = st.integers(min_value=-80 * HOUR, max_value=50 * HOUR)
members = st.lists(st.tuples(st.one_of(st.none(), zones), st.lists(minutes_near_the_end, max_size=8)),
                   min_size=1, max_size=3)


def expected_days(instants: list[datetime], zone: ZoneInfo, month: str) -> int:
    local: set[date] = {moment.astimezone(zone).date() for moment in instants}
    return sum(1 for day in local if day.strftime("%Y-%m") == month)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(BOUNDARIES), zones, members, minutes_near_the_end)
@example(BOUNDARIES[0], "America/Los_Angeles", [("Asia/Tokyo", [-30 * HOUR, -HOUR])], -HOUR)
@example(BOUNDARIES[0], "Asia/Tokyo", [("America/Los_Angeles", [-30 * HOUR, -HOUR])], -HOUR)
@example(BOUNDARIES[2], "America/New_York", [("Pacific/Kiritimati", [-20 * HOUR, 3 * HOUR]), (None, [5 * HOUR])],
         6 * HOUR)  # New York falls back at 06:00 UTC on the boundary day
def test_each_member_counts_their_own_local_dates_in_the_servers_month(
        boundary: datetime, guild_zone: str, crowd: list[tuple[str | None, list[int]]], asked: int) -> None:
    """A member's score is the number of their distinct active local dates in the month the server shows."""
    query = boundary + timedelta(minutes=asked)

    async def scenario() -> None:
        with tempfile.TemporaryDirectory() as folder:
            s = await build(Path(folder) / "m.sqlite3", boundary - timedelta(days=5))
            try:
                await server_zone(s, guild_zone)
                moments: list[tuple[datetime, int]] = []
                for user, (zone, offsets) in enumerate(crowd, start=100):
                    if zone is not None:
                        await s.service.set_timezone(user, zone)
                    moments += [(boundary + timedelta(minutes=m), user) for m in set(offsets) if m <= asked]
                for moment, user in sorted(moments):
                    await act(s, user, moment)
                s.clock.set(query)
                month = query.astimezone(ZoneInfo(guild_zone)).strftime("%Y-%m")
                expected = {}
                for user, (zone, _offsets) in enumerate(crowd, start=100):
                    mine = [moment for moment, who in moments if who == user]
                    expected[user] = expected_days(mine, ZoneInfo(zone or guild_zone), month)
                for user, days in expected.items():
                    page = await s.service.leaderboard(GUILD, "month", caller_id=user)
                    assert page.month == month
                    assert page.caller_score == days
                    assert (page.caller_rank is None) == (days == 0)
                    assert {e.user_id: e.score for e in page.entries} == {u: d for u, d in expected.items() if d}
            finally:
                await s.db.close()

    asyncio.run(scenario())
