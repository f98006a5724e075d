"""What a restart still has to tell a group: an agreed version newer than the one it was told of, or a
member's cancellation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.mock.meeting_repository import MeetingRepository
from bot.mock.repository import PairingRepository
from bot.storage import Database, load_migrations

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)
MEET = datetime(2026, 3, 5, 19, tzinfo=UTC)


async def meeting_row(db: Database, group_id: int, status: str, version: int) -> None:
    """Group ``group_id`` of a round, with its meeting as the bot stored it."""
    repo = PairingRepository(db)
    async with db.transaction() as conn:
        round_id = await repo.insert_round(conn, guild_id=7, number=group_id, key=f"k{group_id}", channel_id=5,
                                           starts_at=NOW, reminder_at=NOW, ends_at=MEET, seed=1, method="exact",
                                           created_by=None)
        await repo.insert_group(conn, round_id=round_id, guild_id=7, position=1, prompt_id="p",
                                members=[(1, "interviewer"), (2, "candidate")])
        await conn.execute("INSERT INTO mock_meetings (group_id, guild_id, status, starts_at, version, updated_at) "
                           "VALUES (?, 7, ?, ?, ?, 0)", (group_id, status, int(MEET.timestamp()), version))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "new.sqlite3")
    await database.open()
    try:
        yield database
    finally:
        await database.close()


async def test_meetings_agreed_before_the_column_count_as_told(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.sqlite3")
    await db.open(migrate=False)
    try:
        await db.migrate([m for m in load_migrations() if m.version < 32])
        await meeting_row(db, 1, "agreed", 2)  # moved once, both messages long sent
        await meeting_row(db, 2, "open", 0)
        await meeting_row(db, 3, "cancelled", 1)
        await db.migrate()
        repo = MeetingRepository(db)
        assert await repo.untold() == []
        assert [(m.group_id, m.told_version) for m in [await repo.meeting(1), await repo.meeting(2)] if m] == [
            (1, 2), (2, 0)]
    finally:
        await db.close()


async def test_an_agreed_version_is_untold_until_marked_and_a_later_mark_is_never_undone(db: Database) -> None:
    repo = MeetingRepository(db)
    await meeting_row(db, 1, "open", 0)
    await meeting_row(db, 2, "cancelled", 1)  # cancelled after agreeing: nothing to confirm any more
    async with db.transaction() as conn:
        assert await repo.agree(conn, 1, MEET, NOW) == 1
    assert [m.group_id for m in await repo.untold()] == [1]
    await repo.mark_told(1, 1)
    assert await repo.untold() == []
    async with db.transaction() as conn:
        assert await repo.agree(conn, 1, MEET.replace(hour=20), NOW) == 2  # moved
    assert [m.version for m in await repo.untold()] == [2]
    await repo.mark_told(1, 2)
    await repo.mark_told(1, 1)  # a slower attempt at the first version finishing late
    meeting = await repo.meeting(1)
    assert meeting is not None and meeting.told_version == 2


async def test_a_members_cancellation_is_untold_until_marked_and_others_never_are(db: Database) -> None:
    repo = MeetingRepository(db)
    for group_id in (1, 2):
        await meeting_row(db, group_id, "agreed", 1)
        await repo.mark_told(group_id, 1)
    async with db.transaction() as conn:
        assert await repo.cancel(conn, 1, 5, "Flu", NOW)
        await repo.expect_cancel_told(conn, 1)
        assert await repo.cancel(conn, 2, 5, "Left the server.", NOW)  # told by the departure's own message
    assert [(m.group_id, m.status, m.cancel_told) for m in await repo.untold()] == [(1, "cancelled", False)]
    await repo.mark_cancel_told(1)
    assert await repo.untold() == []
