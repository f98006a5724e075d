"""SQL for flashcard memory, reviews and members' study settings, and the quiz answers that feed them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import aiosqlite

from bot.cards.srs import Memory
from bot.storage import Database, epoch, from_epoch

DEFAULT_NEW_PER_DAY = 10
MISSED_QUIZ_LIMIT = 50  # the latest quiz misses looked through for a new-card slot: months of them, bounded

# The member's own answers through their index, not every answer of the server (see the quiz's record).
MISSED_IN_QUIZ = (
    "SELECT p.card_id, a.local_date FROM quiz_answers a INDEXED BY quiz_answers_by_member JOIN quiz_posts p "
    "ON p.guild_id = a.guild_id AND p.local_date = a.local_date WHERE a.guild_id = ? AND a.user_id = ? "
    "AND a.choice != p.correct AND (p.status = 'closed' OR a.told = 1) ORDER BY a.local_date DESC LIMIT ?")


def _memory(row: aiosqlite.Row) -> Memory:
    return Memory(row["user_id"], row["card_id"], row["state"], row["step"], row["stability"], row["difficulty"],
                  datetime.fromtimestamp(row["due"], UTC), from_epoch(row["last_review"]), row["reps"], row["lapses"],
                  datetime.fromtimestamp(row["introduced_at"], UTC), from_epoch(row["set_aside_at"]))


class CardRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def memory(self, user_id: int, card_id: str, conn: aiosqlite.Connection | None = None) -> Memory | None:
        sql = "SELECT * FROM card_states WHERE user_id = ? AND card_id = ?"
        row = await self.db.reader(conn).fetchone(sql, (user_id, card_id))
        return _memory(row) if row else None

    async def all_memories(self, user_id: int) -> list[Memory]:
        rows = await self.db.fetchall("SELECT * FROM card_states WHERE user_id = ?", (user_id,))
        return [_memory(row) for row in rows]

    async def set_aside(self, user_id: int, card_id: str, now: datetime) -> bool:
        """Take a started card out of the member's reviews; False if it was not started or is already aside
        (a second click keeps the first time). Its last grade can no longer be undone, even once it is brought
        back: an undo is for a misclick just made, and the card has been set aside since."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute("UPDATE card_states SET set_aside_at = ? WHERE user_id = ? AND card_id = ? "
                                        "AND set_aside_at IS NULL", (epoch(now), user_id, card_id))
            if cursor.rowcount > 0:
                await conn.execute("DELETE FROM card_undo WHERE user_id = ? AND card_id = ?", (user_id, card_id))
            return cursor.rowcount > 0

    async def bring_back(self, user_id: int, card_ids: list[str]) -> int:
        """Put set-aside cards back in the member's reviews, their memory as it was; how many came back."""
        if not card_ids:
            return 0
        marks = ", ".join("?" * len(card_ids))
        return await self.db.execute(  # only "?" marks are joined into the statement
            f"UPDATE card_states SET set_aside_at = NULL WHERE user_id = ? AND card_id IN ({marks}) "  # noqa: S608
            "AND set_aside_at IS NOT NULL", (user_id, *card_ids))

    async def review_counts(self, user_id: int, *, since: datetime) -> tuple[int, int]:
        """(reviews since ``since``, all reviews ever)."""
        row = await self.db.fetchone(
            "SELECT COALESCE(SUM(reviewed_at >= ?), 0), COUNT(*) FROM card_reviews WHERE user_id = ?",
            (epoch(since), user_id))
        assert row is not None
        return int(row[0]), int(row[1])

    async def day_counts(self, user_id: int, *, since: datetime) -> tuple[int, int]:
        """(reviews, of which graded Again) since ``since``."""
        row = await self.db.fetchone(
            "SELECT COUNT(*), COALESCE(SUM(rating = 1), 0) FROM card_reviews WHERE user_id = ? AND reviewed_at >= ?",
            (user_id, epoch(since)))
        assert row is not None
        return int(row[0]), int(row[1])

    async def retention(self, user_id: int, *, since: datetime) -> tuple[int, int]:
        """(recalled, asked) over reviews of cards that were in review (not learning) since ``since``."""
        row = await self.db.fetchone(
            "SELECT COALESCE(SUM(rating > 1), 0), COUNT(*) FROM card_reviews WHERE user_id = ? AND reviewed_at >= ? "
            "AND state_before = 2", (user_id, epoch(since)))
        assert row is not None
        return int(row[0]), int(row[1])

    async def retention_by_card(self, user_id: int, *, since: datetime) -> dict[str, tuple[int, int]]:
        """:meth:`retention` card by card: {card: (recalled, asked)} over the cards asked since ``since``."""
        rows = await self.db.fetchall(
            "SELECT card_id, SUM(rating > 1), COUNT(*) FROM card_reviews WHERE user_id = ? AND reviewed_at >= ? "
            "AND state_before = 2 GROUP BY card_id", (user_id, epoch(since)))
        return {row[0]: (int(row[1]), int(row[2])) for row in rows}

    async def reviews_since(self, user_id: int, *, since: datetime) -> list[tuple[int, int, int | None]]:
        """(reviewed at in epoch seconds, rating, the card's state before) of every review the member made at
        or after ``since``, in every server.

        The progress charts (``bot.stats``) count reviews and retention per week from these."""
        rows = await self.db.fetchall(
            "SELECT reviewed_at, rating, state_before FROM card_reviews WHERE user_id = ? AND reviewed_at >= ?",
            (user_id, epoch(since)))
        return [(int(r[0]), int(r[1]), r[2]) for r in rows]

    async def settings(self, user_id: int) -> tuple[int, float | None]:
        """(new cards a day, desired retention 0.75-0.97 or None for the default), in one read."""
        return await self.db.read(self.settings_in, user_id)

    async def set_desired_retention(self, user_id: int, percent: int) -> None:
        await self.db.execute(
            "INSERT INTO card_settings (user_id, retention_percent) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET retention_percent = excluded.retention_percent", (user_id, percent))

    async def set_new_per_day(self, user_id: int, value: int) -> None:
        await self.db.execute(
            "INSERT INTO card_settings (user_id, new_per_day) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET new_per_day = excluded.new_per_day", (user_id, value))

    async def set_deck_choice(self, guild_id: int, user_id: int, deck: str | None) -> None:
        if deck is None:
            await self.db.execute("DELETE FROM card_deck_choice WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
            return
        await self.db.execute(
            "INSERT INTO card_deck_choice (guild_id, user_id, deck) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET deck = excluded.deck", (guild_id, user_id, deck))

    async def set_topic_choice(self, guild_id: int, user_id: int, topic: str | None) -> None:
        if topic is None:
            await self.db.execute("DELETE FROM card_topic_choice WHERE guild_id = ? AND user_id = ?",
                                  (guild_id, user_id))
            return
        await self.db.execute(
            "INSERT INTO card_topic_choice (guild_id, user_id, topic) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET topic = excluded.topic", (guild_id, user_id, topic))

    # -- one trip: statements run on the connection's thread (Database.read / run_transaction) ------------
    @staticmethod
    def memory_in(conn: sqlite3.Connection, user_id: int, card_id: str) -> Memory | None:
        row = conn.execute("SELECT * FROM card_states WHERE user_id = ? AND card_id = ?", (user_id, card_id)).fetchone()
        return _memory(row) if row else None

    @staticmethod
    def memories_in(conn: sqlite3.Connection, user_id: int) -> list[Memory]:
        return [_memory(row) for row in conn.execute("SELECT * FROM card_states WHERE user_id = ?", (user_id,))]

    @staticmethod
    def due_in(conn: sqlite3.Connection, user_id: int, now: datetime) -> list[Memory]:
        """The member's cards due by ``now`` and not set aside, soonest first (an index range: only these rows
        are read)."""
        rows = conn.execute("SELECT * FROM card_states WHERE user_id = ? AND due <= ? AND set_aside_at IS NULL "
                            "ORDER BY due, card_id", (user_id, epoch(now)))
        return [_memory(row) for row in rows]

    @staticmethod
    def card_ids_in(conn: sqlite3.Connection, user_id: int) -> set[str]:
        """Every card the member has started (from the primary key alone)."""
        return {row[0] for row in conn.execute("SELECT card_id FROM card_states WHERE user_id = ?", (user_id,))}

    @staticmethod
    def missed_in_quiz_in(conn: sqlite3.Connection, guild_id: int, user_id: int) -> list[tuple[str, date]]:
        """(card, the quiz's local day) for this server's quizzes the member answered wrong and has been shown
        the answer of (closed, or told at once), latest first: the cards a new-card slot goes to first."""
        rows = conn.execute(MISSED_IN_QUIZ, (guild_id, user_id, MISSED_QUIZ_LIMIT)).fetchall()
        return [(row[0], date.fromisoformat(row[1])) for row in rows]

    @staticmethod
    def introduced_since_in(conn: sqlite3.Connection, user_id: int, since: datetime) -> int:
        """How many cards the member started at or after ``since`` (against the new-cards-per-day cap)."""
        row = conn.execute("SELECT COUNT(*) FROM card_states WHERE user_id = ? AND introduced_at >= ?",
                           (user_id, epoch(since))).fetchone()
        return int(row[0])

    @staticmethod
    def settings_in(conn: sqlite3.Connection, user_id: int) -> tuple[int, float | None]:
        """(new cards a day, desired retention or None for the default), in one read."""
        row = conn.execute("SELECT new_per_day, retention_percent FROM card_settings WHERE user_id = ?",
                           (user_id,)).fetchone()
        if row is None:
            return DEFAULT_NEW_PER_DAY, None
        return int(row[0]), row[1] / 100 if row[1] is not None else None

    @staticmethod
    def focus_in(conn: sqlite3.Connection, guild_id: int, user_id: int) -> tuple[str | None, str | None]:
        """The member's chosen (deck, topic) in a server, in one read; None where they chose every one."""
        row = conn.execute(
            "SELECT (SELECT deck FROM card_deck_choice WHERE guild_id = ?1 AND user_id = ?2), "
            "(SELECT topic FROM card_topic_choice WHERE guild_id = ?1 AND user_id = ?2)",
            (guild_id, user_id)).fetchone()
        return row[0], row[1]

    @staticmethod
    def save_review_in(conn: sqlite3.Connection, memory: Memory, *, guild_id: int | None, grade: int,
                       state_before: int | None, now: datetime) -> int:
        """Store a grade: the review log row and the card's new memory (inside a one-trip transaction); the
        review row's id."""
        review = conn.execute(
            "INSERT INTO card_reviews (user_id, guild_id, card_id, rating, state_before, rep, reviewed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (memory.user_id, guild_id, memory.card_id, grade, state_before, memory.reps, epoch(now)))
        conn.execute(
            "INSERT INTO card_states (user_id, card_id, state, step, stability, difficulty, due, last_review, reps, "
            "lapses, introduced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, card_id) DO UPDATE "
            "SET state = excluded.state, step = excluded.step, stability = excluded.stability, "
            "difficulty = excluded.difficulty, due = excluded.due, last_review = excluded.last_review, "
            "reps = excluded.reps, lapses = excluded.lapses",
            (memory.user_id, memory.card_id, memory.state, memory.step, memory.stability, memory.difficulty,
             epoch(memory.due), epoch(memory.last_review) if memory.last_review else None, memory.reps,
             memory.lapses, epoch(memory.introduced_at)))
        assert review.lastrowid is not None
        return review.lastrowid

    @staticmethod
    def remember_undo_in(conn: sqlite3.Connection, before: Memory | None, after: Memory, review_id: int,
                         now: datetime, credited_on: date | None) -> None:
        """Keep what a grade replaced, so the member can undo it: their one undo row, replacing the last, with
        the local date its review was credited on (None: not credited, a grade outside a server)."""
        conn.execute(
            "INSERT OR REPLACE INTO card_undo (user_id, card_id, rep, review_id, state, step, stability, difficulty, "
            "due, last_review, reps, lapses, graded_at, credited_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (after.user_id, after.card_id, after.reps, review_id,
             *((before.state, before.step, before.stability, before.difficulty, epoch(before.due),
                epoch(before.last_review) if before.last_review else None, before.reps, before.lapses)
               if before is not None else (None,) * 8), epoch(now),
             credited_on.isoformat() if credited_on is not None else None))

    @staticmethod
    def undoable_in(conn: sqlite3.Connection, user_id: int, card_id: str, rep: int) -> bool:
        """Whether the member's last grade is the one that gave ``card_id`` ``rep`` repetitions (it can be undone)."""
        return conn.execute("SELECT 1 FROM card_undo WHERE user_id = ? AND card_id = ? AND rep = ?",
                            (user_id, card_id, rep)).fetchone() is not None

    @staticmethod
    def undo_in(conn: sqlite3.Connection, user_id: int, card_id: str,
                rep: int) -> tuple[int | None, datetime | None, date | None] | None:
        """Take back the member's last grade, if it was of ``card_id`` and gave it ``rep`` repetitions and the card
        still has them: its review row goes and its memory is what it was (a new card is new again); the server
        and time of the review taken back, and the local date it was credited on (None when not kept). None,
        changing nothing, for any other grade, or for a card set aside since (its memory stays as it was set
        aside: an undo would make a new card new, and offered, again)."""
        row = conn.execute("SELECT * FROM card_undo WHERE user_id = ? AND card_id = ? AND rep = ?",
                           (user_id, card_id, rep)).fetchone()
        if row is None:
            return None
        conn.execute("DELETE FROM card_undo WHERE user_id = ?", (user_id,))
        current = conn.execute("SELECT reps, set_aside_at FROM card_states WHERE user_id = ? AND card_id = ?",
                               (user_id, card_id)).fetchone()
        if current is None or current[0] != rep or current[1] is not None:
            return None
        review = conn.execute("SELECT guild_id, reviewed_at FROM card_reviews WHERE id = ?",
                              (row["review_id"],)).fetchone() or (None, None)
        conn.execute("DELETE FROM card_reviews WHERE id = ?", (row["review_id"],))
        if row["state"] is None:
            conn.execute("DELETE FROM card_states WHERE user_id = ? AND card_id = ?", (user_id, card_id))
        else:
            conn.execute("UPDATE card_states SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
                         "last_review = ?, reps = ?, lapses = ? WHERE user_id = ? AND card_id = ?",
                         (row["state"], row["step"], row["stability"], row["difficulty"], row["due"],
                          row["last_review"], row["reps"], row["lapses"], user_id, card_id))
        credited_on = date.fromisoformat(row["credited_on"]) if row["credited_on"] is not None else None
        return review[0], from_epoch(review[1]), credited_on
