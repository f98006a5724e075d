"""SQL for members' answers to a day's post; every statement is parameterised. :class:`DailyRepository` (the
rest of the daily feature's SQL) includes these, so both sides of the feature use one repository.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from typing import Any

from bot.daily.models import StoredAnswer
from bot.storage import IN_PRESENT_GUILD, Database, epoch, from_epoch


def _answer(row: Any) -> StoredAnswer:
    return StoredAnswer(
        guild_id=row["guild_id"], local_date=date.fromisoformat(row["local_date"]), user_id=row["user_id"],
        body=row["body"], submitted_at=datetime.fromtimestamp(row["submitted_at"], UTC),
        edited_at=from_epoch(row["edited_at"]), thread_message_id=row["thread_message_id"],
    )



class AnswerRepository:
    db: Database

    async def answered_prompts(self, guild_id: int, user_id: int) -> set[str]:
        """The prompts of the days the member answered here (practice offers the others)."""
        rows = await self.db.fetchall(  # the member's own answers, not every answer of the server
            "SELECT p.prompt_id FROM daily_answers a INDEXED BY daily_answers_by_user JOIN daily_posts p "
            "ON p.guild_id = a.guild_id AND p.local_date = a.local_date WHERE a.guild_id = ? AND a.user_id = ?",
            (guild_id, user_id))
        return {row[0] for row in rows}

    async def answer(self, guild_id: int, day: date, user_id: int) -> StoredAnswer | None:
        row = await self.db.fetchone(
            "SELECT * FROM daily_answers WHERE guild_id = ? AND local_date = ? AND user_id = ?",
            (guild_id, day.isoformat(), user_id),
        )
        return _answer(row) if row else None

    @staticmethod
    def save_answer_in(conn: sqlite3.Connection, guild_id: int, day: date, user_id: int, body: str,
                       now: datetime) -> tuple[StoredAnswer, bool]:
        """Insert or replace the member's answer inside a one-trip transaction (see
        :meth:`bot.storage.Database.run_transaction`); return it and whether it replaced an earlier one."""
        key = (guild_id, day.isoformat(), user_id)
        existed = conn.execute(
            "SELECT 1 FROM daily_answers WHERE guild_id = ? AND local_date = ? AND user_id = ?", key).fetchone()
        conn.execute(
            "INSERT INTO daily_answers (guild_id, local_date, user_id, body, submitted_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, local_date, user_id) DO UPDATE SET "
            "body = excluded.body, edited_at = excluded.submitted_at, shown = 0",
            (*key, body, epoch(now)),
        )
        row = conn.execute(
            "SELECT * FROM daily_answers WHERE guild_id = ? AND local_date = ? AND user_id = ?", key).fetchone()
        return _answer(row), existed is not None

    async def unshown_answers(self, since: datetime) -> list[tuple[StoredAnswer, int | None]]:
        """Answers submitted or edited since ``since`` whose text is not the one shown in their post's thread,
        with that thread: a process that died between storing an answer (or its edit) and showing it, or
        Discord refusing for the moment, left them. A sent post still without its thread (None) is among them:
        the process may have died before the answer started the thread, or before it recorded it. Servers the bot
        left are passed over: one that adds it back has its answers shown then."""
        rows = await self.db.fetchall(
            "SELECT a.*, p.thread_id AS post_thread FROM daily_answers a JOIN daily_posts p "  # noqa: S608
            "ON p.guild_id = a.guild_id AND p.local_date = a.local_date "
            "WHERE a.shown = 0 AND p.status = 'sent' AND COALESCE(a.edited_at, a.submitted_at) >= ? "
            f"AND a.{IN_PRESENT_GUILD} ORDER BY a.submitted_at", (epoch(since),))
        return [(_answer(row), row["post_thread"]) for row in rows]

    async def unshown_answer(self, guild_id: int, day: date, user_id: int) -> StoredAnswer | None:
        """The member's answer of ``day`` while its current text is not shown in the thread (for a retry)."""
        row = await self.db.fetchone(
            "SELECT * FROM daily_answers WHERE guild_id = ? AND local_date = ? AND user_id = ? AND shown = 0",
            (guild_id, day.isoformat(), user_id))
        return _answer(row) if row else None

    async def mark_answer_shown(self, answer: StoredAnswer, message_id: int) -> None:
        """The answer's text is shown in ``message_id``; a newer edit saved meanwhile stays unshown."""
        await self.db.execute(
            "UPDATE daily_answers SET thread_message_id = ?, shown = 1 WHERE guild_id = ? AND local_date = ? "
            "AND user_id = ? AND body = ?",
            (message_id, answer.guild_id, answer.local_date.isoformat(), answer.user_id, answer.body),
        )

    async def answers(self, guild_id: int, day: date) -> list[StoredAnswer]:
        rows = await self.db.fetchall(
            "SELECT * FROM daily_answers WHERE guild_id = ? AND local_date = ? ORDER BY submitted_at, user_id",
            (guild_id, day.isoformat()),
        )
        return [_answer(row) for row in rows]
