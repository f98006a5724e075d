"""What streaks are made of: a member's stored streak, reminders, leaderboard rows and pages, a profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.streaks.rules import DayStatus, StreakState


@dataclass(frozen=True)
class StreakRow:
    guild_id: int
    user_id: int
    current: int
    best: int
    freezes: int
    last_active: date | None
    run_start: date | None
    breaks_at: int
    month: str  # 'YYYY-MM' of last_active, in the member's own dates
    month_days: int  # active days in ``month``
    total_days: int
    prev_month_days: int  # active days in the calendar month before ``month`` (see StreakService.leaderboard)
    zone: str = "UTC"  # the zone the summary was computed in (a change of zone recomputes it)


@dataclass(frozen=True)
class ReminderRow:
    guild_id: int
    user_id: int
    hour: int
    enabled: bool
    off_reason: str | None
    last_sent_date: str | None  # the member's local date then, in the zone they had then
    last_sent_at: int | None = None  # epoch seconds; None for a reminder last sent before this was kept


@dataclass(frozen=True)
class DueReminder:
    reminder: ReminderRow
    zone_name: str
    streak: StreakRow | None
    claimed_date: str | None = None  # a day claimed but never marked sent: the process died sending it
    set_at: int = 0  # when the member last switched it on or chose its hour (epoch seconds)


@dataclass(frozen=True)
class FreezeCover:
    """A reminder's day that a freeze would cover: missing it does not end the streak, it spends a freeze.
    The member is told so, rather than only given the later time the streak would end."""

    freezes: int                     # freezes held now; missing today uses one of them
    today_ends: datetime             # the end of the member's day: studying before it keeps every freeze


@dataclass(frozen=True)
class ProvisionalFreeze:
    """A reminder's day after a missed one that a freeze holds for now (the rules' ``pending_freeze``):
    studying today spends the freeze on yesterday and the streak goes on; missing today as well ends the
    streak, and the freeze is not spent (freezes carry over to the next run). Without being told, a member
    sees only "keep it today" and learns neither that yesterday cost a freeze nor that today is the last day."""

    freezes: int                     # freezes held now, the one that would cover yesterday included
    missed: date                     # yesterday, the day the freeze would cover
    today_ends: datetime             # the end of the member's day, and of the streak unless they study


ReminderCover = FreezeCover | ProvisionalFreeze  # what a reminder must say about freezes, when anything


@dataclass(frozen=True)
class Repaired:
    """A moderator's repair as they are told it: the streak now, and the missed days beside the repaired one that
    a freeze covers since (joining two runs spends a freeze the member held, which they would otherwise keep)."""

    state: StreakState
    freezes_spent_on: tuple[date, ...]


@dataclass(frozen=True)
class BoardEntry:
    rank: int
    user_id: int
    score: int


class Board:
    CURRENT = "current"
    BEST = "best"
    MONTH = "month"


@dataclass(frozen=True)
class StreakProfile:
    user_id: int
    zone: ZoneInfo
    today: date
    state: StreakState
    statuses: dict[date, DayStatus]
    total_days: int
    reminder: ReminderRow | None


@dataclass(frozen=True)
class LeaderboardPage:
    board: str
    page: int
    pages: int
    entries: list[BoardEntry]
    caller_rank: int | None
    caller_score: int
    month: str
