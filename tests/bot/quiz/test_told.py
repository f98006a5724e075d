"""Answers given before the record learned who was told at once keep counting as their members were told."""

from __future__ import annotations

from pathlib import Path

from bot.quiz.repository import MEMBER_RECORD, QuizRepository
from bot.storage import Database, load_migrations

TOLD_AT_ONCE, LOCKED_IN = 1001, 1002  # a server with `reveal-now`, one without
ALICE = 7


async def test_answers_given_under_reveal_now_before_the_upgrade_stay_counted_while_open(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.sqlite3")
    await db.open(migrate=False)
    try:
        await db.migrate([m for m in load_migrations() if m.version < 43])
        for guild_id, reveal_now in ((TOLD_AT_ONCE, 1), (LOCKED_IN, 0)):
            await db.execute(
                "INSERT INTO quiz_schedule (guild_id, channel_id, local_time, timezone, reveal_now, cycle_seed, "
                "updated_by, updated_at) VALUES (?, 55, '09:00', 'UTC', ?, 1, 9, 0)", (guild_id, reveal_now))
            await db.execute(
                "INSERT INTO quiz_posts (guild_id, local_date, number, cycle, card_id, question, options, correct, "
                "status, nonce, channel_id, claimed_at, closes_at) "
                "VALUES (?, '2026-03-02', 1, 1, 'c1', 'Q?', '[\"a\",\"b\",\"c\",\"d\"]', 2, 'sent', 'n', 55, 0, 1)",
                (guild_id,))
            await db.execute("INSERT INTO quiz_answers (guild_id, local_date, user_id, choice, answered_at) "
                             "VALUES (?, '2026-03-02', ?, 2, 0)", (guild_id, ALICE))
        await db.migrate()
        repo = QuizRepository(db)
        told = await repo.record_of(TOLD_AT_ONCE, ALICE)
        assert (told.answered, told.right, told.latest) == (1, 1, (True,))
        assert (await repo.record_of(LOCKED_IN, ALICE)).answered == 0  # "locked in": not revealed yet
    finally:
        await db.close()


async def test_the_record_reads_only_the_members_own_answers(tmp_path: Path) -> None:
    db = Database(tmp_path / "studybot.sqlite3")
    await db.open()
    try:
        plan = await db.fetchall(f"EXPLAIN QUERY PLAN {MEMBER_RECORD}", (TOLD_AT_ONCE, ALICE))
        assert [row[3] for row in plan] == ["SEARCH a USING INDEX quiz_answers_by_member (guild_id=? AND user_id=?)",
                                            "SEARCH p USING PRIMARY KEY (guild_id=? AND local_date=?)"]
    finally:
        await db.close()
