"""What a reminder says about freezes, as a pure rule of the member's stored summary and their day,
checked against the streak rules themselves (``evaluate``) on random histories."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.streaks import FreezeCover, ProvisionalFreeze
from bot.streaks.models import StreakRow
from bot.streaks.reminders import end_of_day, reminder_cover
from bot.streaks.rules import evaluate

D0 = date(2026, 3, 1)
ZONE = ZoneInfo("Europe/Berlin")


def summary(days: set[date], zone: ZoneInfo = ZONE) -> StreakRow:
    """The summary as the service writes it at the member's last activity (and keeps until the next one)."""
    last = max(days)
    state = evaluate(days, last)
    assert state.alive_until is not None
    return StreakRow(1, 2, state.current, state.best, state.freezes, state.last_active, state.run_start,
                     int(end_of_day(state.alive_until, zone).timestamp()), last.strftime("%Y-%m"), 0, len(days), 0,
                     zone.key)


def run(first: int, last: int) -> set[date]:
    return {D0 + timedelta(days=n) for n in range(first, last + 1)}


def test_a_missed_yesterday_a_freeze_holds_is_told_as_such() -> None:
    row = summary(run(0, 6))  # seven days in a row earn a freeze; then the 8th is missed
    today = D0 + timedelta(days=8)
    assert reminder_cover(row, today, ZONE) == ProvisionalFreeze(
        freezes=1, missed=D0 + timedelta(days=7), today_ends=datetime(2026, 3, 9, 23, tzinfo=UTC))


def test_active_yesterday_with_a_freeze_is_the_freeze_cover_of_today() -> None:
    row = summary(run(0, 6))
    cover = reminder_cover(row, D0 + timedelta(days=7), ZONE)
    assert isinstance(cover, FreezeCover) and cover.freezes == 1


def test_no_freeze_or_a_streak_already_over_says_nothing_of_freezes() -> None:
    assert reminder_cover(summary(run(0, 3)), D0 + timedelta(days=5), ZONE) is None  # no freeze: it ended
    assert reminder_cover(summary(run(0, 3)), D0 + timedelta(days=4), ZONE) is None  # no freeze to spend
    assert reminder_cover(summary(run(0, 6)), D0 + timedelta(days=9), ZONE) is None  # two days missed


@given(st.sets(st.integers(0, 45), min_size=1), st.integers(1, 3))
def test_the_reminder_says_what_the_streak_rules_do(offsets: set[int], gap: int) -> None:
    """On a day the member has not studied yet, the reminder speaks of a held freeze exactly when the rules
    hold one over yesterday, and what it promises is what the rules do: studying today spends that freeze on
    yesterday and keeps the streak; missing today ends the streak and spends nothing."""
    days = {D0 + timedelta(days=n) for n in offsets}
    last = max(days)
    today = last + timedelta(days=gap)
    row = summary(days)
    cover = reminder_cover(row, today, ZONE)
    state = evaluate(days, today)
    yesterday = today - timedelta(days=1)
    assert isinstance(cover, ProvisionalFreeze) == (state.pending_freeze == yesterday)
    assert isinstance(cover, FreezeCover) == (last == yesterday and state.freezes > 0)
    if isinstance(cover, ProvisionalFreeze):
        assert (cover.freezes, cover.missed, row.current) == (state.freezes, yesterday, state.current)
        assert cover.today_ends.timestamp() == row.breaks_at  # the streak's end is today's end
        studied = evaluate(days | {today}, today)
        assert yesterday in studied.frozen_days and studied.current == row.current + 1
        missed = evaluate(days, today + timedelta(days=1))
        assert missed.current == 0 and missed.freezes == cover.freezes
