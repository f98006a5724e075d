"""The flashcards' review log as other features read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from bot.cards import CardRepository, Memory
from bot.storage import Database

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _memory(user_id: int, card_id: str, reps: int, state: int) -> Memory:
    return Memory(user_id, card_id, state, None, 3.0, 5.0, NOW + timedelta(days=3), NOW, reps, 0, NOW)


async def test_reviews_since_a_moment_are_the_members_in_every_server(tmp_path: Path) -> None:
    db = Database(tmp_path / "cards.sqlite3")
    await db.open()
    repo = CardRepository(db)
    try:
        for memory, guild_id, grade, state_before, at in (
                (_memory(5, "a", 1, 1), 1, 3, None, NOW - timedelta(days=2)),  # before the moment
                (_memory(5, "a", 2, 2), 1, 1, 1, NOW - timedelta(days=1)),     # exactly at it
                (_memory(5, "b", 1, 1), 2, 4, None, NOW - timedelta(hours=1)), # another server
                (_memory(5, "c", 1, 1), None, 2, 2, NOW),                      # no server
                (_memory(6, "a", 1, 1), 1, 3, None, NOW)):                     # another member
            await db.run_transaction(partial(CardRepository.save_review_in, memory=memory, guild_id=guild_id,
                                             grade=grade, state_before=state_before, now=at))
        since = NOW - timedelta(days=1)
        assert sorted(await repo.reviews_since(5, since=since)) == [
            (int(since.timestamp()), 1, 1),
            (int((NOW - timedelta(hours=1)).timestamp()), 4, None),
            (int(NOW.timestamp()), 2, 2)]
        assert await repo.reviews_since(7, since=since) == []
    finally:
        await db.close()
