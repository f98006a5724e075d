"""SQL for the daily quiz: the guild's schedule, the per-day ledger and members' picks."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime

import aiosqlite

from bot.quiz.builder import Question
from bot.quiz.models import RECORD_LATEST, QuizPost, QuizRecord, QuizSchedule
from bot.storage import IN_PRESENT_GUILD, Database, epoch

# The member's own rows through their index: without statistics SQLite would read every answer the
# server's quizzes ever had (its primary key starts with the server too, and holds the row).
MEMBER_RECORD = (
    "SELECT a.choice = p.correct FROM quiz_answers a INDEXED BY quiz_answers_by_member JOIN quiz_posts p "
    "ON p.guild_id = a.guild_id AND p.local_date = a.local_date WHERE a.guild_id = ? AND a.user_id = ? "
    "AND (p.status = 'closed' OR a.told = 1) ORDER BY a.local_date DESC")


class QuizRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def schedule(self, guild_id: int, conn: aiosqlite.Connection | None = None) -> QuizSchedule | None:
        sql, params = "SELECT * FROM quiz_schedule WHERE guild_id = ?", (guild_id,)
        row = await self.db.reader(conn).fetchone(sql, params)
        return QuizSchedule.of(row) if row else None

    async def schedules(self) -> list[QuizSchedule]:
        """The schedules to run: enabled, in a guild the bot has not left."""
        sql = f"SELECT * FROM quiz_schedule WHERE enabled = 1 AND {IN_PRESENT_GUILD}"  # noqa: S608
        return [QuizSchedule.of(r) for r in await self.db.fetchall(sql)]

    async def untold_notices(self) -> list[QuizSchedule]:
        """The schedules whose notice for moderators was stored and not marked told (a stop came between).

        Paused ones too: the notice is about a quiz already missed, which a pause does not explain."""
        sql = (f"SELECT * FROM quiz_schedule WHERE failure_notice IS NOT NULL AND failure_notice_told = 0 "  # noqa: S608
               f"AND {IN_PRESENT_GUILD} ORDER BY guild_id")
        return [QuizSchedule.of(r) for r in await self.db.fetchall(sql)]

    async def delete_schedule(self, conn: aiosqlite.Connection, guild_id: int) -> None:
        await conn.execute("DELETE FROM quiz_schedule WHERE guild_id = ?", (guild_id,))

    async def last_cycle(self, conn: aiosqlite.Connection, guild_id: int) -> int:
        """The latest rotation cycle a quiz of this server used (1 before any): its history outlives a removal."""
        cursor = await conn.execute("SELECT MAX(cycle) FROM quiz_posts WHERE guild_id = ?", (guild_id,))
        row = await cursor.fetchone()
        return int(row[0]) if row is not None and row[0] is not None else 1

    async def upsert_schedule(self, conn: aiosqlite.Connection, *, guild_id: int, channel_id: int, local_time: str,
                              zone: str, close_hours: int, reveal_now: bool, cycle: int, seed: int, actor_id: int,
                              now: datetime, starts_at: datetime) -> None:
        """Create or change the schedule; ``starts_at`` is kept from its first setup (see ``starts_from``), and
        a changed schedule keeps its rotation (``cycle`` and ``seed`` are a new one's)."""
        await conn.execute(
            "INSERT INTO quiz_schedule (guild_id, channel_id, local_time, timezone, close_hours, reveal_now, "
            "enabled, cycle, cycle_seed, updated_by, updated_at, starts_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, local_time = excluded.local_time, "
            "timezone = excluded.timezone, close_hours = excluded.close_hours, reveal_now = excluded.reveal_now, "
            "enabled = 1, failure_notice = NULL, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (guild_id, channel_id, local_time, zone, close_hours, int(reveal_now), cycle, seed, actor_id, epoch(now),
             epoch(starts_at)))

    async def set_enabled(self, conn: aiosqlite.Connection, guild_id: int, enabled: bool, actor_id: int,
                          now: datetime) -> None:
        await conn.execute("UPDATE quiz_schedule SET enabled = ?, updated_by = ?, updated_at = ? WHERE guild_id = ?",
                           (int(enabled), actor_id, epoch(now), guild_id))

    async def new_cycle(self, conn: aiosqlite.Connection, guild_id: int, cycle: int, seed: int) -> None:
        await conn.execute("UPDATE quiz_schedule SET cycle = ?, cycle_seed = ? WHERE guild_id = ?",
                           (cycle, seed, guild_id))

    async def set_failure_notice(self, guild_id: int, notice: str | None) -> None:
        """Store the problem the moderators are about to be told (untold until :meth:`mark_notice_told`)."""
        await self.db.execute("UPDATE quiz_schedule SET failure_notice = ?, failure_notice_told = 0 WHERE guild_id = ?",
                              (notice, guild_id))

    async def mark_notice_told(self, guild_id: int, notice: str) -> None:
        await self.db.execute("UPDATE quiz_schedule SET failure_notice_told = 1 WHERE guild_id = ? AND failure_notice = ?",
                              (guild_id, notice))

    async def post(self, guild_id: int, day: date, conn: aiosqlite.Connection | None = None) -> QuizPost | None:
        sql, params = "SELECT * FROM quiz_posts WHERE guild_id = ? AND local_date = ?", (guild_id, day.isoformat())
        row = await self.db.reader(conn).fetchone(sql, params)
        return QuizPost.of(row) if row else None

    async def latest(self, guild_id: int) -> QuizPost | None:
        row = await self.db.fetchone("SELECT * FROM quiz_posts WHERE guild_id = ? ORDER BY occurrence_at DESC LIMIT 1",
                                     (guild_id,))
        return QuizPost.of(row) if row else None

    async def used_in_cycle(self, conn: aiosqlite.Connection, guild_id: int, cycle: int) -> set[str]:
        """The cards asked (or being asked) in ``cycle``: a day that failed for good asked nothing, so its card
        stays owed to the cycle, as a failed daily post's prompt does."""
        cursor = await conn.execute("SELECT card_id FROM quiz_posts WHERE guild_id = ? AND cycle = ? "
                                    "AND status != 'failed'", (guild_id, cycle))
        return {row[0] for row in await cursor.fetchall()}

    async def post_between(self, conn: aiosqlite.Connection, guild_id: int, start: datetime,
                           end: datetime) -> QuizPost | None:
        """The quiz that served an occurrence in [start, end): one local day of the current schedule."""
        cursor = await conn.execute(
            "SELECT * FROM quiz_posts WHERE guild_id = ? AND occurrence_at >= ? AND occurrence_at < ? "
            "ORDER BY status IN ('sent', 'closed') DESC, occurrence_at DESC LIMIT 1",
            (guild_id, epoch(start), epoch(end)))
        row = await cursor.fetchone()
        return QuizPost.of(row) if row else None

    async def labels(self, conn: aiosqlite.Connection, guild_id: int, up_to: date) -> set[date]:
        cursor = await conn.execute("SELECT local_date FROM quiz_posts WHERE guild_id = ? AND local_date <= ?",
                                    (guild_id, up_to.isoformat()))
        return {date.fromisoformat(row[0]) for row in await cursor.fetchall()}

    async def unfinished_before(self, guild_id: int, before: datetime) -> list[QuizPost]:
        rows = await self.db.fetchall(
            "SELECT * FROM quiz_posts WHERE guild_id = ? AND status = 'claimed' AND occurrence_at < ? "
            "ORDER BY occurrence_at", (guild_id, epoch(before)))
        return [QuizPost.of(row) for row in rows]

    async def unrevealed(self) -> list[QuizPost]:
        """Closed quizzes whose results were never edited in (a crash or Discord between the two), in servers the
        bot has not left: one that adds it back has them revealed then."""
        rows = await self.db.fetchall(
            f"SELECT * FROM quiz_posts WHERE status = 'closed' AND revealed_at IS NULL AND {IN_PRESENT_GUILD} "  # noqa: S608
            "ORDER BY closes_at")
        return [QuizPost.of(row) for row in rows]

    async def mark_revealed(self, guild_id: int, day: date, now: datetime) -> None:
        await self.db.execute("UPDATE quiz_posts SET revealed_at = ? WHERE guild_id = ? AND local_date = ?",
                              (epoch(now), guild_id, day.isoformat()))

    async def count(self, conn: aiosqlite.Connection, guild_id: int) -> int:
        """Quizzes posted or being posted (one that failed for good does not take a number)."""
        cursor = await conn.execute("SELECT COUNT(*) FROM quiz_posts WHERE guild_id = ? AND status != 'failed'",
                                    (guild_id,))
        row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def insert_claim(self, conn: aiosqlite.Connection, *, guild_id: int, day: date, number: int, cycle: int,
                           question: Question, channel_id: int, nonce: str, now: datetime,
                           closes_at: datetime, occurrence_at: datetime, reveal_now: bool) -> None:
        await conn.execute(
            "INSERT INTO quiz_posts (guild_id, local_date, number, cycle, card_id, question, options, correct, "
            "status, nonce, channel_id, claimed_at, closes_at, occurrence_at, reveal_now) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'claimed', ?, ?, ?, ?, ?, ?)",
            (guild_id, day.isoformat(), number, cycle, question.card_id, question.text, json.dumps(question.options),
             question.correct, nonce, channel_id, epoch(now), epoch(closes_at), epoch(occurrence_at),
             int(reveal_now)))

    async def reclaim(self, conn: aiosqlite.Connection, guild_id: int, day: date, channel_id: int) -> None:
        """Take over an unfinished day, in the channel the schedule names now (a moderator may have moved
        the quiz after a failed post, so the retry goes where they asked, as the daily post's does)."""
        await conn.execute("UPDATE quiz_posts SET attempts = attempts + 1, status = 'claimed', failure = NULL, "
                           "channel_id = ? WHERE guild_id = ? AND local_date = ? AND status IN ('claimed', 'failed')",
                           (channel_id, guild_id, day.isoformat()))

    async def reopen(self, guild_id: int, day: date, closes_at: datetime, reveal_now: bool) -> None:
        """An unposted day about to be posted by a retry: closing no sooner than ``closes_at`` (the hours its
        post promises, not what is left of the window the first claim set), with the reveal rule the schedule
        holds now (its post, not yet on Discord, will say that one)."""
        await self.db.execute("UPDATE quiz_posts SET closes_at = MAX(closes_at, ?), reveal_now = ? WHERE "
                              "guild_id = ? AND local_date = ? AND status = 'claimed'",
                              (epoch(closes_at), int(reveal_now), guild_id, day.isoformat()))

    async def mark_sent(self, guild_id: int, day: date, message_id: int) -> None:
        await self.db.execute("UPDATE quiz_posts SET status = 'sent', message_id = ?, failure = NULL "
                              "WHERE guild_id = ? AND local_date = ? AND status = 'claimed'",
                              (message_id, guild_id, day.isoformat()))

    async def mark_failed(self, guild_id: int, day: date, reason: str) -> None:
        await self.db.execute("UPDATE quiz_posts SET status = 'failed', failure = ? WHERE guild_id = ? "
                              "AND local_date = ? AND status = 'claimed'", (reason, guild_id, day.isoformat()))

    async def open_posts(self) -> list[QuizPost]:
        """Quizzes not closed yet, in servers the bot has not left (as :meth:`unrevealed`)."""
        rows = await self.db.fetchall(
            f"SELECT * FROM quiz_posts WHERE status = 'sent' AND {IN_PRESENT_GUILD} ORDER BY closes_at")  # noqa: S608
        return [QuizPost.of(row) for row in rows]

    async def close(self, guild_id: int, day: date, now: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE quiz_posts SET status = 'closed', closed_at = ? WHERE guild_id = ? AND local_date = ? "
            "AND status = 'sent'", (epoch(now), guild_id, day.isoformat()))
        return changed > 0

    async def add_pick(self, conn: aiosqlite.Connection, guild_id: int, day: date, user_id: int, choice: int,
                       now: datetime) -> bool:
        cursor = await conn.execute(
            "INSERT INTO quiz_answers (guild_id, local_date, user_id, choice, answered_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING", (guild_id, day.isoformat(), user_id, choice, epoch(now)))
        return cursor.rowcount > 0

    async def pick_row(self, guild_id: int, day: date, user_id: int) -> tuple[int, datetime] | None:
        row = await self.db.fetchone("SELECT choice, answered_at FROM quiz_answers WHERE guild_id = ? AND "
                                     "local_date = ? AND user_id = ?", (guild_id, day.isoformat(), user_id))
        return (row[0], datetime.fromtimestamp(row[1], UTC)) if row else None

    async def pick_of(self, guild_id: int, day: date, user_id: int) -> int | None:
        return await self.db.fetchval("SELECT choice FROM quiz_answers WHERE guild_id = ? AND local_date = ? "
                                      "AND user_id = ?", (guild_id, day.isoformat(), user_id))

    async def counts(self, guild_id: int, day: date, options: int) -> tuple[int, ...]:
        rows = await self.db.fetchall("SELECT choice, COUNT(*) FROM quiz_answers WHERE guild_id = ? AND local_date = ? "
                                      "GROUP BY choice", (guild_id, day.isoformat()))
        found = {row[0]: row[1] for row in rows}
        return tuple(found.get(i, 0) for i in range(options))

    async def results_by_card(self, guild_id: int, since: date) -> dict[str, tuple[int, int]]:
        """{card: (answers right, answers)} over the server's closed quizzes from ``since`` (a local date)."""
        rows = await self.db.fetchall(
            "SELECT p.card_id, SUM(a.choice = p.correct), COUNT(*) FROM quiz_posts p JOIN quiz_answers a "
            "ON a.guild_id = p.guild_id AND a.local_date = p.local_date WHERE p.guild_id = ? AND p.local_date >= ? "
            "AND p.status = 'closed' GROUP BY p.card_id", (guild_id, since.isoformat()))
        return {row[0]: (int(row[1]), int(row[2])) for row in rows}

    async def record_of(self, guild_id: int, user_id: int) -> QuizRecord:
        """The quizzes the member answered here, how many right, and whether each of the latest
        :data:`RECORD_LATEST` was. An open quiz counts only when the member was told at once whether their
        pick was right (the server told right or wrong when they answered); otherwise it is not revealed yet,
        whatever the server's setting is now."""
        rows = await self.db.fetchall(MEMBER_RECORD, (guild_id, user_id))
        right = [bool(row[0]) for row in rows]
        return QuizRecord(len(right), sum(right), tuple(reversed(right[:RECORD_LATEST])))

    # -- one trip: statements run on the connection's thread (see Database.run_transaction) --------------
    @staticmethod
    def post_in(conn: sqlite3.Connection, guild_id: int, day: date) -> QuizPost | None:
        row = conn.execute("SELECT * FROM quiz_posts WHERE guild_id = ? AND local_date = ?",
                           (guild_id, day.isoformat())).fetchone()
        return QuizPost.of(row) if row else None

    @staticmethod
    def pick_row_in(conn: sqlite3.Connection, guild_id: int, day: date, user_id: int) -> tuple[int, datetime] | None:
        row = conn.execute("SELECT choice, answered_at FROM quiz_answers WHERE guild_id = ? AND local_date = ? "
                           "AND user_id = ?", (guild_id, day.isoformat(), user_id)).fetchone()
        return (row[0], datetime.fromtimestamp(row[1], UTC)) if row else None

    @staticmethod
    def add_pick_in(conn: sqlite3.Connection, guild_id: int, day: date, user_id: int, choice: int,
                    now: datetime, told: bool) -> bool:
        """Store the pick (``told``: the member is told at once whether it is right); False if one was."""
        return conn.execute(
            "INSERT INTO quiz_answers (guild_id, local_date, user_id, choice, answered_at, told) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, day.isoformat(), user_id, choice, epoch(now), int(told))).rowcount > 0
