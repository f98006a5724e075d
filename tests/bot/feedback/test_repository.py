"""Helpful marks as other features read them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from bot.daily import DailyRepository
from bot.feedback import FeedbackRepository
from bot.storage import Database

NOW = datetime(2026, 3, 3, 12, tzinfo=UTC)
MARKS = [  # (server, day, the answer's author, who marked it)
    (1, date(2026, 3, 2), 5, 6), (1, date(2026, 3, 2), 5, 7),  # two marks on one answer
    (1, date(2026, 3, 3), 5, 6),                               # and one on the next day's
    (1, date(2026, 3, 2), 6, 5),
    (1, date(2026, 2, 27), 7, 5),                              # last month
    (2, date(2026, 3, 2), 6, 9),                               # another server
]


async def test_contributor_scores_count_the_marks_each_members_answers_received_in_a_month(tmp_path: Path) -> None:
    db = Database(tmp_path / "feedback.sqlite3")
    await db.open()
    repo = FeedbackRepository(db)
    try:
        # The marked answers and their days' posts, as the daily feature stores them.
        for guild_id, day in sorted({(guild_id, day) for guild_id, day, _, _ in MARKS}):
            await db.run_transaction(partial(DailyRepository.insert_claim_in, guild_id=guild_id, day=day, day_number=1,
                                             cycle=1, prompt_id="p", prompt_kind="design", channel_id=1,
                                             nonce=f"{guild_id}-{day}", now=NOW, occurrence_at=NOW))
        for guild_id, day, author_id in sorted({(guild_id, day, author_id) for guild_id, day, author_id, _ in MARKS}):
            await db.run_transaction(DailyRepository.save_answer_in, guild_id, day, author_id, "an answer", NOW)
        for guild_id, day, author_id, marker_id in MARKS:
            assert await repo.add_mark(guild_id, day, author_id, marker_id, day.strftime("%Y-%m"), 0)
        assert not await repo.add_mark(1, date(2026, 3, 2), 5, 6, "2026-03", 0)  # one mark per member per answer
        assert await repo.contributor_scores(1, "2026-03") == {5: 3, 6: 1}
        assert await repo.contributor_scores(1, "2026-02") == {7: 1}
        assert await repo.contributor_scores(2, "2026-03") == {6: 1}
        assert await repo.contributor_scores(1, "2026-04") == {}
    finally:
        await db.close()
