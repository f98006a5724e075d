"""The streak rules against a day-by-day brute-force reference on random histories."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.streaks.rules import (
    FREEZE_EVERY,
    MAX_FREEZES,
    DayStatus,
    crossed_milestones,
    day_statuses,
    evaluate,
    month_after,
    month_before,
)

D0 = date(2026, 1, 1)


def days(*offsets: int) -> list[date]:
    return [D0 + timedelta(days=o) for o in offsets]


def reference(active: set[date], today: date) -> tuple[int, int, int, set[date]]:
    """Walk every calendar day, one at a time: (current, best, freezes, frozen days)."""
    active = {d for d in active if d <= today}
    if not active:
        return 0, 0, 0, set()
    freezes = run = best = earned = 0
    missed: list[date] = []
    frozen: set[date] = set()
    day = min(active)
    while day <= today:
        if day in active:
            if len(missed) == 1 and freezes:
                freezes -= 1
                frozen.add(missed[0])
                run += 1
            elif missed:
                run, earned = 1, 0
            else:
                run += 1
            missed = []
            earned += 1
            if earned % FREEZE_EVERY == 0 and freezes < MAX_FREEZES:
                freezes += 1
            best = max(best, run)
        elif day != today:
            missed.append(day)
        day += timedelta(days=1)
    alive = not missed or (len(missed) == 1 and freezes > 0)
    return (run if alive else 0), best, freezes, frozen


def test_no_history_is_no_streak() -> None:
    state = evaluate([], D0)
    assert (state.current, state.best, state.freezes, state.today_active) == (0, 0, 0, False)


def test_today_not_yet_active_does_not_break_the_streak() -> None:
    state = evaluate(days(0, 1, 2), D0 + timedelta(days=3))
    assert state.current == 3 and not state.today_active
    assert evaluate(days(0, 1, 2), D0 + timedelta(days=4)).current == 0


def test_seven_days_earn_a_freeze_that_covers_one_missed_day() -> None:
    history = days(*range(7), 8)  # day 7 missed
    state = evaluate(history, D0 + timedelta(days=8))
    assert state.current == 8 and state.freezes == 0
    assert state.frozen_days == {D0 + timedelta(days=7)}


def test_two_missed_days_end_the_run_but_freezes_are_kept() -> None:
    state = evaluate(days(*range(7), 9), D0 + timedelta(days=9))
    assert state.current == 1 and state.best == 7 and state.freezes == 1 and not state.frozen_days


def test_a_missed_day_without_a_freeze_ends_the_run() -> None:
    state = evaluate(days(0, 1, 3), D0 + timedelta(days=3))
    assert state.current == 1 and state.best == 2


def test_freezes_are_capped() -> None:
    state = evaluate(days(*range(30)), D0 + timedelta(days=29))
    assert state.freezes == MAX_FREEZES and state.current == 30


def test_yesterday_missed_with_a_freeze_is_pending_until_today_ends() -> None:
    today = D0 + timedelta(days=8)
    state = evaluate(days(*range(7)), today)
    assert state.current == 7 and state.pending_freeze == D0 + timedelta(days=7)
    assert state.alive_until == today
    statuses = day_statuses(state, days(*range(7)), D0, today, today)
    assert statuses[D0 + timedelta(days=7)] is DayStatus.FROZEN and statuses[today] is DayStatus.OPEN


def test_milestones_are_crossed_once() -> None:
    assert crossed_milestones(6, 7) == [7]
    assert crossed_milestones(7, 8) == []
    assert crossed_milestones(0, 31) == [7, 30]


histories = st.sets(st.integers(min_value=0, max_value=120), max_size=90)


@settings(max_examples=400, deadline=None)
@given(histories, st.integers(min_value=0, max_value=125))
def test_matches_the_brute_force_reference(offsets: set[int], today_offset: int) -> None:
    active = {D0 + timedelta(days=o) for o in offsets}
    today = D0 + timedelta(days=today_offset)
    state = evaluate(active, today)
    current, best, freezes, frozen = reference(active, today)
    assert (state.current, state.best, state.freezes) == (current, best, freezes)
    assert set(state.frozen_days) == frozen
    assert state.frozen_days.isdisjoint(active)
    assert 0 <= state.freezes <= MAX_FREEZES and state.current <= state.best


@settings(max_examples=200, deadline=None)
@given(histories, st.integers(min_value=0, max_value=125))
def test_heatmap_statuses_agree_with_the_history(offsets: set[int], today_offset: int) -> None:
    active = {D0 + timedelta(days=o) for o in offsets}
    today = D0 + timedelta(days=today_offset)
    state = evaluate(active, today)
    statuses = day_statuses(state, active, D0, today + timedelta(days=3), today)
    for day, status in statuses.items():
        if day in active and day <= today:
            assert status is DayStatus.ACTIVE
        elif day > today:
            assert status is DayStatus.NONE
        elif status is DayStatus.FROZEN:
            assert day in state.frozen_days or day == state.pending_freeze


def _month(day: date) -> str:
    """``YYYY-MM`` with a four-digit year: ``strftime("%Y")`` drops the leading zero of years before 1000 here."""
    return f"{day.year:04d}-{day.month:02d}"


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9998, 12, 1)))
def test_the_month_after_and_before_are_the_neighbouring_calendar_months(day: date) -> None:
    month = _month(day)
    first = day.replace(day=1)
    assert month_after(month) == _month(first + timedelta(days=31))
    assert month_before(month) == _month(first - timedelta(days=1))
    assert month_before(month_after(month)) == month


def test_the_month_before_january_1000_keeps_a_four_digit_year() -> None:
    assert month_before("1000-01") == "0999-12" and month_after("0999-12") == "1000-01"


def test_the_hour_a_spring_clock_change_skips_does_not_exist_that_day() -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    from bot.streaks.reminders import hour_exists

    new_york = ZoneInfo("America/New_York")
    assert not hour_exists(date(2026, 3, 8), 2, new_york)
    assert hour_exists(date(2026, 3, 8), 3, new_york) and hour_exists(date(2026, 3, 9), 2, new_york)
    assert hour_exists(date(2026, 11, 1), 1, new_york)  # autumn repeats 01:00; it still happens
