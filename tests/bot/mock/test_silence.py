"""Which members a new round pauses for never answering: silent in each of their last three pairings that
ended, since they last changed their sign-up, with cancelled interviews counting for nobody."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.mock.models import Signup
from bot.mock.repository import PairingRepository
from bot.mock.silence import SILENT_ROUNDS, pause_silent_members
from bot.storage import Database, epoch

START = datetime(2026, 3, 2, 8, tzinfo=UTC)
GUILD = 7


async def rounds_of_pairs(db: Database, count: int, *, first: int = 1, status: str = "closed") -> list[int]:
    """``count`` rounds a week apart, each pairing members 1 and 2 (group ids are the round numbers here)."""
    repo = PairingRepository(db)
    groups = []
    for number in range(first, first + count):
        starts = START + timedelta(weeks=number - 1)
        async with db.transaction() as conn:
            round_id = await repo.insert_round(conn, guild_id=GUILD, number=number, key=f"k{number}", channel_id=5,
                                               starts_at=starts, reminder_at=starts, ends_at=starts, seed=1,
                                               method="exact", created_by=None)
            await repo.insert_group(conn, round_id=round_id, guild_id=GUILD, position=1, prompt_id="p",
                                    members=[(1, "interviewer"), (2, "candidate")])
        if status != "open":
            await repo.set_round_status(round_id, status, starts)
        groups.append(int(await db.fetchval("SELECT MAX(id) FROM mock_groups")))
    return groups


async def signed_up(db: Database, *user_ids: int, at: datetime = START) -> None:
    for user_id in user_ids:
        await PairingRepository(db).save_signup(Signup(GUILD, user_id, "either", "mid", "UTC", "anytime", "active", 0,
                                                       None), at)


async def paused(db: Database, now: datetime) -> list[int]:
    async with db.transaction() as conn:
        return await pause_silent_members(conn, GUILD, now)


async def test_three_silent_pairings_pause_only_the_silent_member(db: Database) -> None:
    await signed_up(db, 1, 2)
    groups = await rounds_of_pairs(db, SILENT_ROUNDS)
    await db.execute("INSERT INTO mock_time_options (group_id, starts_at, proposed_by, created_at) VALUES (?, 0, 1, 0)",
                     (groups[0],))  # member 1 proposed a time once: an answer
    assert await paused(db, START + timedelta(weeks=4)) == [2]
    rows = await db.fetchall("SELECT user_id, status, pause_reason, pause_told FROM mock_participants ORDER BY user_id")
    assert [tuple(r) for r in rows] == [(1, "active", None, 1), (2, "paused", "silent", 0)]
    assert await paused(db, START + timedelta(weeks=4)) == []  # paused already: not again


async def test_each_kind_of_answer_counts_and_a_met_group_answers_for_everyone(db: Database) -> None:
    await signed_up(db, 1, 2)
    groups = await rounds_of_pairs(db, SILENT_ROUNDS)
    answers = [
        ("INSERT INTO mock_time_options (id, group_id, starts_at, created_at) VALUES (90, ?, 0, 0)", (groups[0],)),
        ("INSERT INTO mock_time_votes (option_id, group_id, user_id, created_at) VALUES (90, ?, 2, 0)", (groups[0],)),
        ("INSERT INTO mock_feedback (group_id, from_id, to_id, guild_id, communication, depth, tradeoffs, "
         "created_at) VALUES (?, 1, 2, 7, 3, 3, 3, 0)", (groups[1],)),
        ("UPDATE mock_groups SET outcome = 'met', outcome_by = 1 WHERE id = ?", (groups[2],)),
    ]
    for sql, params in answers:
        await db.execute(sql, params)
    assert await paused(db, START + timedelta(weeks=4)) == []


async def test_open_rounds_cancelled_interviews_and_rounds_before_a_rejoin_do_not_count(db: Database) -> None:
    await signed_up(db, 1, 2)
    closed = await rounds_of_pairs(db, 2)
    await rounds_of_pairs(db, 1, first=3, status="open")  # still running: not over yet
    assert await paused(db, START + timedelta(weeks=3)) == []
    await db.execute("UPDATE mock_rounds SET status = 'closed' WHERE number = 3")
    await db.execute("INSERT INTO mock_meetings (group_id, guild_id, status, updated_at) VALUES (?, 7, 'cancelled', 0)",
                     (closed[0],))  # someone called round 1's interview off: nobody's silence
    assert await paused(db, START + timedelta(weeks=3)) == []
    await db.execute("DELETE FROM mock_meetings")
    await db.execute("UPDATE mock_participants SET updated_at = ? WHERE user_id = 2",
                     (epoch(START + timedelta(days=1)),))  # member 2 edited their sign-up after round 1 began
    assert await paused(db, START + timedelta(weeks=3)) == [1]
