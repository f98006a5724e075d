"""SQL for Helpful marks, best answers and day closes.

A day's post and its answers are the daily feature's; single reads of them go through
:class:`bot.daily.DailyRepository`. The statements here that name ``daily_posts`` or
``daily_answers`` join them to this feature's own tables in one query (a day's close, its
ranked answers)."""

from __future__ import annotations

from datetime import date

import aiosqlite

from bot.feedback.models import ClosablePost, RankedAnswer
from bot.storage import Database


class FeedbackRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def is_closed(self, guild_id: int, day: date, sent_before: int) -> bool:
        """Whether the day's close is recorded, or its post went out before ``sent_before`` (a day whose close
        fell so long ago that it is past closing, see :data:`bot.feedback.service.CLOSE_LOOKBACK`)."""
        return await self.db.fetchval(
            "SELECT 1 FROM daily_closes WHERE guild_id = ? AND local_date = ? "
            "UNION ALL SELECT 1 FROM daily_posts WHERE guild_id = ? AND local_date = ? AND sent_at < ? LIMIT 1",
            (guild_id, day.isoformat(), guild_id, day.isoformat(), sent_before)) is not None

    async def add_mark(self, guild_id: int, day: date, author_id: int, marker_id: int, month: str,
                       now: int) -> bool:
        """True when the mark is new; False when this member had already marked this answer."""
        return await self.db.execute(
            "INSERT INTO answer_marks (guild_id, local_date, user_id, from_id, month, marked_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, day.isoformat(), author_id, marker_id, month, now)) > 0

    async def marks_on(self, guild_id: int, day: date, author_id: int) -> int:
        return int(await self.db.fetchval(
            "SELECT COUNT(*) FROM answer_marks WHERE guild_id = ? AND local_date = ? AND user_id = ?",
            (guild_id, day.isoformat(), author_id), default=0))

    async def received(self, guild_id: int, user_id: int, month: str) -> tuple[int, int]:
        """(marks received ever, marks received in ``month``) in this server."""
        row = await self.db.fetchone(
            # through the author's index: without statistics SQLite would read every mark of the server
            "SELECT COUNT(*), COALESCE(SUM(month = ?), 0) FROM answer_marks INDEXED BY answer_marks_by_author "
            "WHERE guild_id = ? AND user_id = ?",
            (month, guild_id, user_id))
        assert row is not None
        return int(row[0]), int(row[1])

    async def set_best(self, conn: aiosqlite.Connection, guild_id: int, day: date, author_id: int, actor_id: int,
                       now: int) -> int | None:
        """Record the best answer; return the author it replaced, if any."""
        cursor = await conn.execute("SELECT user_id FROM daily_best WHERE guild_id = ? AND local_date = ?",
                                    (guild_id, day.isoformat()))
        previous = await cursor.fetchone()
        await conn.execute(
            "INSERT INTO daily_best (guild_id, local_date, user_id, actor_id, chosen_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, local_date) DO UPDATE SET user_id = excluded.user_id, "
            "actor_id = excluded.actor_id, chosen_at = excluded.chosen_at",
            (guild_id, day.isoformat(), author_id, actor_id, now))
        return int(previous[0]) if previous else None

    async def best(self, guild_id: int, day: date) -> int | None:
        return await self.db.fetchval("SELECT user_id FROM daily_best WHERE guild_id = ? AND local_date = ?",
                                      (guild_id, day.isoformat()))

    async def ranked_answers(self, guild_id: int, day: date, places: int, limit: int) -> list[RankedAnswer]:
        """The day's answers (at least one mark) as marked as the ``places``-th most marked or more, earliest
        submission first among ties, at most ``limit`` of them.

        Answers with as many marks share a place, so one tied with the last place is in it too: cutting at
        ``places`` rows would leave it out only for having been submitted later."""
        rows = await self.db.fetchall(
            "WITH marked AS (SELECT a.user_id, COUNT(m.from_id) AS marks, a.thread_message_id, a.submitted_at "
            "FROM daily_answers a "
            "JOIN answer_marks m ON m.guild_id = a.guild_id AND m.local_date = a.local_date AND m.user_id = a.user_id "
            "WHERE a.guild_id = ? AND a.local_date = ? GROUP BY a.user_id) "
            "SELECT user_id, marks, thread_message_id FROM marked "
            "WHERE marks >= (SELECT MIN(marks) FROM (SELECT marks FROM marked ORDER BY marks DESC LIMIT ?)) "
            "ORDER BY marks DESC, submitted_at, user_id LIMIT ?", (guild_id, day.isoformat(), places, limit))
        return [RankedAnswer(int(r[0]), int(r[1]), r[2]) for r in rows]

    async def closable(self, sent_before: int, sent_after: int) -> list[ClosablePost]:
        """Sent posts with a thread whose day is over, not yet closed or closed without a recorded highlight, in
        servers the bot has not left: a day of one that removed it closes when it adds the bot back, as after a
        stop (its thread cannot be reached meanwhile, nor perhaps its authors by DM)."""
        rows = await self.db.fetchall(
            "SELECT p.guild_id, p.local_date, p.day_number, p.thread_id, c.message_id, c.claimed_at "
            "FROM daily_posts p LEFT JOIN daily_closes c ON c.guild_id = p.guild_id AND c.local_date = p.local_date "
            "WHERE p.status = 'sent' AND p.thread_id IS NOT NULL AND p.sent_at <= ? AND p.sent_at >= ? "
            "AND (c.message_id IS NULL OR c.authors_told = 0) "
            "AND p.guild_id NOT IN (SELECT guild_id FROM guild_settings WHERE left_at IS NOT NULL) "
            "ORDER BY p.sent_at", (sent_before, sent_after))
        return [ClosablePost(int(r[0]), date.fromisoformat(r[1]), int(r[2]), int(r[3]), r[4], r[5] is not None)
                for r in rows]

    async def claim_close(self, guild_id: int, day: date, now: int) -> bool:
        return await self.db.execute(
            "INSERT INTO daily_closes (guild_id, local_date, claimed_at, authors_told) VALUES (?, ?, ?, 0) "
            "ON CONFLICT DO NOTHING",
            (guild_id, day.isoformat(), now)) > 0

    async def record_close(self, guild_id: int, day: date, message_id: int) -> None:
        await self.db.execute("UPDATE daily_closes SET message_id = ? WHERE guild_id = ? AND local_date = ?",
                              (message_id, guild_id, day.isoformat()))

    async def authors_told(self, guild_id: int, day: date) -> None:
        await self.db.execute("UPDATE daily_closes SET authors_told = 1 WHERE guild_id = ? AND local_date = ?",
                              (guild_id, day.isoformat()))

    async def contributors(self, guild_id: int, month: str, limit: int, offset: int) -> list[tuple[int, int]]:
        rows = await self.db.fetchall(
            "SELECT user_id, COUNT(*) AS score FROM answer_marks WHERE guild_id = ? AND month = ? GROUP BY user_id "
            "ORDER BY score DESC, user_id LIMIT ? OFFSET ?", (guild_id, month, limit, offset))
        return [(int(r[0]), int(r[1])) for r in rows]

    async def contributor_scores(self, guild_id: int, month: str) -> dict[int, int]:
        """Helpful marks each member's answers received in ``month``; members with none are absent.

        The Contributors board ranks members by these, and role rewards (``bot.rewards``) find last
        month's most helpful contributor(s) from them."""
        rows = await self.db.fetchall(
            "SELECT user_id, COUNT(*) FROM answer_marks WHERE guild_id = ? AND month = ? GROUP BY user_id",
            (guild_id, month))
        return {int(r[0]): int(r[1]) for r in rows}
