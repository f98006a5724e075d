"""Repairs by moderators: a day marked active never costs the member their streak."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.activity import ActivityKind
from bot.errors import InvalidInput

from .conftest import Streaks

GUILD = 1


async def act(s: Streaks, user: int, at: datetime | None = None, kind: ActivityKind = ActivityKind.ANSWER) -> None:
    await s.activity.record(GUILD, user, kind, at)
    await asyncio.gather(*s.service._tasks)


async def test_a_repair_never_shortens_the_members_current_streak(streaks: Streaks) -> None:
    """Rule-level: a moderator marks a day active and the member's current streak drops from 7 to 2, because
    the freeze they held is spent retroactively on a day next to the repaired one, in a run that ends two
    days later anyway; the later single missed day it was covering is then uncovered."""
    s = streaks
    s.clock.set(datetime(2026, 3, 18, 12, tzinfo=UTC))
    days = [*range(1, 8), *range(11, 16), 17, 18]  # 7 days (a freeze), 3 missed, 5 days, the 16th missed
    for day in days:
        await act(s, 10, datetime(2026, 3, day, 12, tzinfo=UTC))
    before = (await s.service.profile(GUILD, 10)).state
    assert (before.current, before.freezes) == (7, 1)
    with pytest.raises(InvalidInput, match="would shorten this member's streak from 7 to 2 days"):
        await s.service.repair(GUILD, 99, 10, "2026-03-09", "the bot was down that day")
    after = (await s.service.profile(GUILD, 10)).state
    assert (after.current, after.freezes) == (7, 1)  # nothing was changed
    assert date(2026, 3, 9) not in await s.activity.active_dates(GUILD, 10)
    # repairing the whole gap, day by day, only ever lengthens it
    for day in ("2026-03-08", "2026-03-09", "2026-03-10"):
        assert (await s.service.repair(GUILD, 99, 10, day, "the bot was down that week")).state.current >= 7
    assert (await s.service.profile(GUILD, 10)).state.current == 17  # 1-18 March, the 16th frozen


async def test_a_repair_never_lowers_the_members_best_streak(streaks: Streaks) -> None:
    """The freeze a member holds across runs can be pulled back into an old run by a repaired day, leaving
    the single missed day inside their best run uncovered: the best streak (and the best board) would
    drop from 20 to 17 days while the current streak stays 3."""
    s = streaks
    s.clock.set(datetime(2026, 3, 7, 12, tzinfo=UTC))
    first = datetime(2026, 2, 1, 12, tzinfo=UTC)
    # 1-7 (a freeze), 8-9 missed, 10-12, 13 frozen, 14-30 (best run: 20 days), 31-32 missed, 33-35 today
    days = [*range(1, 8), 10, 11, 12, *range(14, 31), 33, 34, 35]
    for day in days:
        await act(s, 10, first + timedelta(days=day - 1))
    before = (await s.service.profile(GUILD, 10)).state
    assert (before.current, before.best) == (3, 20)
    with pytest.raises(InvalidInput, match="best streak from 20 to 17 days"):
        await s.service.repair(GUILD, 99, 10, "2026-02-08", "the bot was down that day")
    after = (await s.service.profile(GUILD, 10)).state
    assert (after.current, after.best) == (3, 20)
    assert date(2026, 2, 8) not in await s.activity.active_dates(GUILD, 10)
    board = await s.service.leaderboard(GUILD, "best", 10)
    assert [(e.user_id, e.score) for e in board.entries] == [(10, 20)]


async def test_a_day_before_the_members_latest_active_day_can_be_repaired_after_a_move_west(
        streaks: Streaks) -> None:
    """Active on 2 and 4 March in Kiritimati (UTC+14), the member moves to Pago Pago (UTC-11), where it is still
    2 March; their streak's today is the 4th, so the 3rd the bot missed is a past day to repair, not a future one."""
    s = streaks
    await s.service.set_timezone(10, "Pacific/Kiritimati")
    await act(s, 10, datetime(2026, 3, 1, 12, tzinfo=UTC))  # 02:00 on 2 March in Kiritimati
    await act(s, 10, datetime(2026, 3, 3, 10, 30, tzinfo=UTC))  # 00:30 on 4 March in Kiritimati
    s.clock.set(datetime(2026, 3, 3, 10, 45, tzinfo=UTC))  # 23:45 on 2 March in Pago Pago
    await s.service.set_timezone(10, "Pacific/Pago_Pago")
    assert (await s.service.profile(GUILD, 10)).state.current == 1
    repaired = await s.service.repair(GUILD, 99, 10, "2026-03-03", "the bot was down that day")
    assert repaired.state.current == 3
    with pytest.raises(InvalidInput, match="has not happened yet"):
        await s.service.repair(GUILD, 99, 10, "2026-03-05", "a day ahead of the streak's today")
