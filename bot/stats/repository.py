"""SQL behind the progress charts: flashcard reviews and activity rows since a date (read only)."""

from __future__ import annotations

from datetime import date

from bot.stats.models import Review
from bot.storage import Database


class ProgressRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def reviews_since(self, user_id: int, since: int) -> list[Review]:
        """Every review ``user_id`` made at or after ``since`` (epoch seconds), in every server."""
        rows = await self.db.fetchall(
            "SELECT reviewed_at, rating, state_before FROM card_reviews WHERE user_id = ? AND reviewed_at >= ?",
            (user_id, since))
        return [Review(int(r[0]), int(r[1]), r[2]) for r in rows]

    async def active_dates(self, guild_id: int, user_id: int, since: date) -> list[date]:
        """The member's distinct local dates with any activity here, from ``since`` on."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT local_date FROM activity WHERE guild_id = ? AND user_id = ? AND local_date >= ?",
            (guild_id, user_id, since.isoformat()))
        return [date.fromisoformat(r[0]) for r in rows]

    async def actions_per_day(self, guild_id: int, since: date) -> list[tuple[date, str, int]]:
        """(local date, kind, actions) summed over the server's members, from ``since`` on."""
        rows = await self.db.fetchall(
            "SELECT local_date, kind, SUM(count) FROM activity WHERE guild_id = ? AND local_date >= ? "
            "GROUP BY local_date, kind", (guild_id, since.isoformat()))
        return [(date.fromisoformat(r[0]), r[1], int(r[2])) for r in rows]
