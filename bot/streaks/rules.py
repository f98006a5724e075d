"""The streak rules, as pure functions of a member's active days and "today".

Kept free of storage and time sources so the rules can be checked against a
brute-force reference on thousands of random histories (see the tests).

* A day is *active* when the member did anything that counts that local day.
* The *current* streak is the number of active days in the run that ends today or
  yesterday; today not yet active never breaks it.
* Every 7 active days within a run earn a *freeze*; a member holds at most 2 and
  keeps them across runs.
* A single missed day between two active days is covered by a freeze if one is
  held: the day is shown as frozen (not active) and the run goes on. Two missed
  days in a row end the run. While today is still open, a missed yesterday is
  provisionally frozen: being active today spends the freeze.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

FREEZE_EVERY = 7
MAX_FREEZES = 2
MILESTONES = (7, 30, 100, 365)


class DayStatus(StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"
    MISSED = "missed"
    OPEN = "open"  # today, not active yet
    NONE = "none"  # before the member's first activity, or in the future


@dataclass(frozen=True)
class StreakState:
    current: int
    best: int
    freezes: int
    today_active: bool
    last_active: date | None
    run_start: date | None  # first day of the current run (None when there is none)
    frozen_days: frozenset[date] = field(default_factory=frozenset)
    pending_freeze: date | None = None  # yesterday, covered if the member is active today

    @property
    def alive_until(self) -> date | None:
        """The last local day on which the current streak can still be kept alive."""
        if self.current == 0 or self.last_active is None:
            return None
        return self.last_active + timedelta(days=2 if self.freezes > 0 else 1)


def evaluate(active_days: Iterable[date], today: date) -> StreakState:
    """Streak state on ``today`` from the set of active days (days after today are ignored)."""
    days = sorted({d for d in active_days if d <= today})
    freezes = earned_in_run = run = best = 0
    run_start: date | None = None
    frozen: set[date] = set()
    previous: date | None = None
    for day in days:
        if previous is None or (day - previous).days > 2:
            run, earned_in_run, run_start = 1, 0, day
        elif (day - previous).days == 1:
            run += 1
        elif freezes > 0:  # exactly one missed day, and a freeze to cover it
            freezes -= 1
            frozen.add(previous + timedelta(days=1))
            run += 1
        else:
            run, earned_in_run, run_start = 1, 0, day
        earned_in_run += 1
        if earned_in_run % FREEZE_EVERY == 0:
            freezes = min(MAX_FREEZES, freezes + 1)
        best = max(best, run)
        previous = day

    if previous is None:
        return StreakState(0, 0, 0, False, None, None)
    missed_since = (today - previous).days - 1  # whole days missed between the last active day and today
    pending: date | None = None
    if missed_since <= 0:
        current = run
    elif missed_since == 1 and freezes > 0:
        current = run
        pending = today - timedelta(days=1)
    else:
        current, run_start = 0, None
    return StreakState(
        current=current,
        best=best,
        freezes=freezes,
        today_active=previous == today,
        last_active=previous,
        run_start=run_start,
        frozen_days=frozenset(frozen),
        pending_freeze=pending,
    )


def day_statuses(state: StreakState, active_days: Iterable[date], start: date, end: date,
                 today: date) -> dict[date, DayStatus]:
    """Status of every day from ``start`` to ``end`` inclusive, for the heatmap."""
    active = set(active_days)
    first = min(active) if active else None
    statuses: dict[date, DayStatus] = {}
    day = start
    while day <= end:
        if day in active and day <= today:
            status = DayStatus.ACTIVE
        elif day in state.frozen_days or day == state.pending_freeze:
            status = DayStatus.FROZEN
        elif day == today:
            status = DayStatus.OPEN
        elif day > today or first is None or day < first:
            status = DayStatus.NONE
        else:
            status = DayStatus.MISSED
        statuses[day] = status
        day += timedelta(days=1)
    return statuses


def month_after(month: str) -> str:
    """``2026-12`` → ``2027-01``: the calendar month after a ``YYYY-MM`` month."""
    year, number = divmod(int(month[:4]) * 12 + int(month[5:7]), 12)
    return f"{year:04d}-{number + 1:02d}"


def month_before(month: str) -> str:
    """``2027-01`` → ``2026-12``: the calendar month before a ``YYYY-MM`` month."""
    year, number = divmod(int(month[:4]) * 12 + int(month[5:7]) - 2, 12)
    return f"{year:04d}-{number + 1:02d}"


def crossed_milestones(before: int, after: int) -> list[int]:
    """Milestones newly reached when a streak grows from ``before`` to ``after``."""
    return [m for m in MILESTONES if before < m <= after]
