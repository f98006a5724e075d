"""Practice answers: one per member and prompt, the latest kept."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.storage import Database, Reader, epoch, from_epoch


class PracticeRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def answered(self, guild_id: int, user_id: int) -> set[str]:
        """Every prompt the member answered here in practice (their daily answers are the daily feature's)."""
        rows = await self.db.fetchall("SELECT prompt_id FROM practice_answers WHERE guild_id = ? AND user_id = ?",
                                      (guild_id, user_id))
        return {row[0] for row in rows}

    async def save_answer(self, conn: aiosqlite.Connection, guild_id: int, user_id: int, prompt_id: str,
                          body: str, now: datetime) -> datetime | None:
        """Store the answer (replacing an earlier one); when the first answer was submitted, None for a first.

        A replacement keeps the first answer's time: the streak credits that day only, so a later rewrite
        must not become the day the next rewrite repairs."""
        earlier = await Reader(conn).fetchone(
            "SELECT submitted_at FROM practice_answers WHERE guild_id = ? AND user_id = ? AND prompt_id = ?",
            (guild_id, user_id, prompt_id))
        await conn.execute(
            "INSERT INTO practice_answers (guild_id, user_id, prompt_id, body, submitted_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id, prompt_id) DO UPDATE SET body = excluded.body",
            (guild_id, user_id, prompt_id, body, epoch(now)))
        return from_epoch(earlier[0]) if earlier is not None else None

    async def answer_of(self, guild_id: int, user_id: int, prompt_id: str) -> str | None:
        return await self.db.fetchval("SELECT body FROM practice_answers WHERE guild_id = ? AND user_id = ? AND "
                                      "prompt_id = ?", (guild_id, user_id, prompt_id))
