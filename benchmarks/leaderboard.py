"""Leaderboard: one guild of 100,000 members with a year of activity, queried through the real service.

History is generated the way big servers look: most members drop by rarely, a few
study almost daily (each member's daily chance is drawn from a skewed distribution,
about 8% on average, so the activity table holds roughly three million rows). The
summary rows are computed with the same rules the bot uses. The figure is the slowest
median over the three boards (current, best, this month), each query being the top
page plus the caller's own rank, through aiosqlite on a WAL database.
"""

from __future__ import annotations

import math
import random
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.common import Result, percentile
from benchmarks.offline import OfflinePublisher
from bot.activity import ActivityService
from bot.audit import AuditLog
from bot.clock import ManualClock
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.streaks import StreakService
from bot.streaks.rules import evaluate, month_before
from bot.timezones import TimezoneResolver

GUILD = 1
TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 18, tzinfo=UTC)
TARGET_MS = 50.0


def _history(members: int, seed: int) -> tuple[list[tuple], list[tuple]]:
    rng = random.Random(seed)
    first = TODAY - timedelta(days=364)
    activity, streaks = [], []
    for user_id in range(1, members + 1):
        chance = min(0.97, max(1e-4, rng.betavariate(0.35, 4)))
        days, offset = [], -1
        while True:  # geometric gaps: the same days as a coin per day, in a fraction of the draws
            offset += 1 + int(math.log(1.0 - rng.random()) / math.log(1.0 - chance))
            if offset >= 365:
                break
            days.append(first + timedelta(days=offset))
        if not days:
            continue
        activity.extend((GUILD, user_id, d.isoformat(), "answer", 0, 1) for d in days)
        state = evaluate(days, TODAY)
        breaks_at = 0
        if state.alive_until is not None:
            breaks_at = int(datetime.combine(state.alive_until + timedelta(days=1), datetime.min.time(),
                                             tzinfo=UTC).timestamp())
        month = state.last_active.strftime("%Y-%m") if state.last_active else ""
        month_days = sum(1 for d in days if d.strftime("%Y-%m") == month)
        prev_month_days = sum(1 for d in days if month and d.strftime("%Y-%m") == month_before(month))
        streaks.append((GUILD, user_id, state.current, state.best, state.freezes,
                        state.last_active.isoformat() if state.last_active else None, breaks_at, month,
                        month_days, prev_month_days, len(days), 0))
    return activity, streaks


async def _build(path: Path, members: int) -> tuple[int, int]:
    db = Database(path)
    await db.open()
    await db.close()
    activity, streaks = _history(members, seed=members)
    with sqlite3.connect(path) as raw:
        raw.executemany("INSERT INTO activity (guild_id, user_id, local_date, kind, first_at, count) "
                        "VALUES (?, ?, ?, ?, ?, ?)", activity)
        raw.executemany("INSERT INTO streaks (guild_id, user_id, current, best, freezes, last_active, breaks_at, "
                        "month, month_days, prev_month_days, total_days, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        streaks)
        raw.execute("ANALYZE")
    return len(activity), len(streaks)


async def run(quick: bool = False) -> Result:
    members = 2_000 if quick else 100_000
    repeats = 5 if quick else 40
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "leaderboard.sqlite3"
        began = time.perf_counter()
        rows, ranked = await _build(path, members)
        build_seconds = time.perf_counter() - began
        db = Database(path)
        await db.open()
        try:
            clock = ManualClock(NOW)
            timezones = TimezoneResolver(db)
            service = StreakService(db, clock, timezones, ActivityService(db, clock, timezones), AuditLog(db, clock),
                                    JobScheduler(clock, manual=True), OfflinePublisher())
            caller = members // 2
            medians, details = [], []
            for board in ("current", "best", "month"):
                timings = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    page = await service.leaderboard(GUILD, board, caller)
                    timings.append((time.perf_counter() - start) * 1000)
                if len(page.entries) != min(10, page.pages * 10) or page.entries != sorted(
                        page.entries, key=lambda e: (-e.score, e.user_id)):
                    raise AssertionError(f"the {board} board is not a sorted top page")
                median = percentile(timings, 0.5)
                medians.append(median)
                details.append(f"{board}: median {median:.1f} ms, p99 {percentile(timings, 0.99):.1f} ms; leader "
                               f"scores {page.entries[0].score if page.entries else 0}, {page.pages} pages.")
            start = time.perf_counter()
            profile = await service.profile(GUILD, caller)
            profile_ms = (time.perf_counter() - start) * 1000
        finally:
            await db.close()
    worst = max(medians)
    details = [f"{members:,} members, {ranked:,} with any activity, {rows:,} activity rows over 365 days "
               f"(built in {build_seconds:.0f} s).", *details,
               f"One member's /streak profile (history and heatmap statuses): {profile_ms:.1f} ms "
               f"({profile.total_days} active days).",
               "Each board is one indexed range scan for the top page plus one COUNT for the caller's rank; "
               "the month board merges two (members whose latest day is in the server's month, and members "
               "already in the next month, by their days of the month shown)."]
    return Result("Leaderboard (100k members)", f"{worst:.1f} ms", f"< {TARGET_MS:.0f} ms", worst < TARGET_MS,
                  details)
