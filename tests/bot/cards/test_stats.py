"""A member's card stats name the cards they forget most: those lapsed at least twice, worst first, three at most."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.activity import ActivityService
from bot.cards.service import HARD_LAPSES, HARDEST_SHOWN, StudyService
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from bot.timezones import TimezoneResolver

USER = 42
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
CONTENT = ContentStore.load(SHIPPED_CONTENT_DIR)
CARD_IDS = sorted(card.id for card in CONTENT.library.flashcards)


async def test_the_cards_forgotten_most_come_worst_first_and_ties_by_card(tmp_path: Path) -> None:
    db = Database(tmp_path / "stats.sqlite3")
    await db.open()
    try:
        lapses = {CARD_IDS[0]: 1, CARD_IDS[1]: 2, CARD_IDS[2]: 5, CARD_IDS[3]: 2, CARD_IDS[4]: 3, CARD_IDS[5]: 0}
        now = int(NOW.timestamp())
        for card_id, count in lapses.items():
            await db.execute(
                "INSERT INTO card_states (user_id, card_id, state, step, stability, difficulty, due, last_review, "
                "reps, lapses, introduced_at) VALUES (?, ?, 2, NULL, 3.0, 6.0, ?, ?, 9, ?, ?)",
                (USER, card_id, now + 86400, now - 86400, count, now - 30 * 86400))
        clock = ManualClock(NOW)
        timezones = TimezoneResolver(db)
        service = StudyService(db, clock, CONTENT, timezones, ActivityService(db, clock, timezones))
        stats = await service.stats(None, USER)
        assert [(hard.card.id, hard.lapses) for hard in stats.hardest] == [
            (CARD_IDS[2], 5), (CARD_IDS[4], 3), (CARD_IDS[1], 2)][:HARDEST_SHOWN]
        assert all(hard.lapses >= HARD_LAPSES for hard in stats.hardest)
    finally:
        await db.close()
