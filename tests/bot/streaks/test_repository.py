"""Streak summaries as other features read them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.storage import Database
from bot.streaks import StreakRepository
from bot.streaks.models import StreakRow

NOW = 1_772_452_800  # 2 March 2026, 12:00 UTC


def _summary(guild_id: int, user_id: int, current: int, breaks_at: int) -> StreakRow:
    return StreakRow(guild_id, user_id, current, max(current, 9), 0, date(2026, 3, 2), date(2026, 3, 2), breaks_at,
                     "2026-03", 2, 12, 0)


async def test_live_streaks_are_those_not_yet_past_their_break(tmp_path: Path) -> None:
    db = Database(tmp_path / "streaks.sqlite3")
    await db.open()
    repo = StreakRepository(db)
    try:
        for row in (_summary(1, 5, 8, NOW + 1),      # alive for one more second
                    _summary(1, 6, 30, NOW + 86400),
                    _summary(1, 7, 12, NOW),         # broke at this very second: over
                    _summary(1, 8, 0, NOW + 86400),  # no streak running
                    _summary(2, 9, 4, NOW + 86400)): # another server
            await repo.save(row, NOW)
        assert sorted(await repo.live_streaks(1, NOW)) == [(5, 8), (6, 30)]
        assert sorted(await repo.live_streaks(1, NOW + 1)) == [(6, 30)]
        assert await repo.live_streaks(3, NOW) == []
    finally:
        await db.close()
