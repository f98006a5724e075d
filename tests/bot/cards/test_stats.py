"""A member's card stats: the cards they forget most (lapsed at least twice, worst first, three at most), the
recall they chose to aim for, and the cards due on each of their next days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.activity import ActivityService
from bot.cards.models import HARD_LAPSES
from bot.cards.service import StudyService
from bot.cards.stats import HARDEST_SHOWN
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.errors import InvalidInput
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from bot.timezones import TimezoneResolver

USER = 42
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
CONTENT = ContentStore.load(SHIPPED_CONTENT_DIR)
CARD_IDS = sorted(card.id for card in CONTENT.library.flashcards)


def _service(db: Database, now: datetime = NOW) -> StudyService:
    clock = ManualClock(now)
    timezones = TimezoneResolver(db)
    return StudyService(db, clock, CONTENT, timezones, ActivityService(db, clock, timezones))


async def _started(db: Database, card_id: str, *, due: datetime, lapses: int = 0) -> None:
    """A card in review, learned a month ago and last seen a day before it falls due."""
    await db.execute(
        "INSERT INTO card_states (user_id, card_id, state, step, stability, difficulty, due, last_review, reps, "
        "lapses, introduced_at) VALUES (?, ?, 2, NULL, 3.0, 6.0, ?, ?, 9, ?, ?)",
        (USER, card_id, int(due.timestamp()), int(due.timestamp()) - 86400, lapses, int(NOW.timestamp()) - 30 * 86400))


async def test_the_cards_forgotten_most_come_worst_first_and_ties_by_card(db: Database) -> None:
    lapses = {CARD_IDS[0]: 1, CARD_IDS[1]: 2, CARD_IDS[2]: 5, CARD_IDS[3]: 2, CARD_IDS[4]: 3, CARD_IDS[5]: 0}
    for card_id, count in lapses.items():
        await _started(db, card_id, due=datetime(2026, 3, 3, 12, tzinfo=UTC), lapses=count)
    stats = await _service(db).stats(None, USER)
    assert [(hard.card.id, hard.lapses) for hard in stats.hardest] == [
        (CARD_IDS[2], 5), (CARD_IDS[4], 3), (CARD_IDS[1], 2)][:HARDEST_SHOWN]
    assert all(hard.lapses >= HARD_LAPSES for hard in stats.hardest)


async def test_the_desired_retention_is_kept_per_member_within_its_range(db: Database) -> None:
    service = _service(db)
    assert (await service.stats(None, USER)).retention_target == 0.9
    await service.set_new_per_day(USER, 4)
    await service.set_desired_retention(USER, 85)
    stats = await service.stats(None, USER)
    assert (stats.retention_target, stats.new_per_day) == (0.85, 4)  # one setting leaves the other
    for wrong in (74, 98):
        with pytest.raises(InvalidInput, match="out of range"):
            await service.set_desired_retention(USER, wrong)
    assert (await service.stats(None, USER)).retention_target == 0.85
    assert (await service.stats(None, USER + 1)).retention_target == 0.9


async def test_the_forecast_counts_the_members_calendar_days_across_a_clock_change(db: Database) -> None:
    """New York springs forward on Sunday 8 March 2026: the days are still whole local days, not 24-hour steps."""
    dues = {CARD_IDS[0]: datetime(2026, 3, 5, 12, tzinfo=UTC),    # overdue: today
            CARD_IDS[1]: datetime(2026, 3, 8, 4, 30, tzinfo=UTC),  # Saturday 23:30 EST: today
            CARD_IDS[2]: datetime(2026, 3, 9, 4, 30, tzinfo=UTC),  # Monday 00:30 EDT
            CARD_IDS[3]: datetime(2026, 3, 14, 3, 30, tzinfo=UTC),  # Friday 23:30 EDT: the seventh day
            CARD_IDS[4]: datetime(2026, 3, 14, 4, 30, tzinfo=UTC)}  # Saturday 00:30 EDT: a week out
    for card_id, due in dues.items():
        await _started(db, card_id, due=due)
    await TimezoneResolver(db).set_user_zone(USER, "America/New_York")
    stats = await _service(db, datetime(2026, 3, 7, 12, tzinfo=UTC)).stats(None, USER)  # Saturday 07:00 EST
    assert stats.today == date(2026, 3, 7)
    assert stats.forecast == (2, 0, 1, 0, 0, 0, 1)
    assert (stats.due_today, stats.due_week) == (2, 4)


async def _reviewed(db: Database, card_id: str, *, state: int, interval_days: float) -> None:
    """A card last reviewed yesterday and scheduled ``interval_days`` after that review."""
    last = NOW - timedelta(days=1)
    await db.execute(
        "INSERT INTO card_states (user_id, card_id, state, step, stability, difficulty, due, last_review, reps, "
        "lapses, introduced_at) VALUES (?, ?, ?, NULL, 3.0, 6.0, ?, ?, 4, 0, ?)",
        (USER, card_id, state, int((last + timedelta(days=interval_days)).timestamp()), int(last.timestamp()),
         int(NOW.timestamp()) - 30 * 86400))


async def test_started_cards_count_as_learning_young_or_mature_by_their_interval(db: Database) -> None:
    await _reviewed(db, CARD_IDS[0], state=1, interval_days=0.01)   # a learning step
    await _reviewed(db, CARD_IDS[1], state=3, interval_days=0.01)   # relearning after a lapse
    await _reviewed(db, CARD_IDS[2], state=2, interval_days=20.9)   # young: just under three weeks
    await _reviewed(db, CARD_IDS[3], state=2, interval_days=21)     # mature from 21 days
    await _reviewed(db, CARD_IDS[4], state=2, interval_days=90)
    await _reviewed(db, CARD_IDS[5], state=2, interval_days=90)
    service = _service(db)
    await service.set_aside(USER, CARD_IDS[5])  # counted apart
    stats = await service.stats(None, USER)
    assert (stats.learning, stats.young, stats.mature, stats.set_aside) == (2, 1, 2, 1)
    assert stats.learned == 6 and stats.total_cards - stats.learned == len(CARD_IDS) - 6


async def _asked(db: Database, card_id: str, ratings: list[int], *, days_ago: int = 3) -> None:
    """Reviews of ``card_id`` made while it was in review (due, not learning), ``days_ago`` days back."""
    for rep, rating in enumerate(ratings, start=1):
        await db.execute("INSERT INTO card_reviews (user_id, guild_id, card_id, rating, state_before, rep, "
                         "reviewed_at) VALUES (?, NULL, ?, ?, 2, ?, ?)",
                         (USER, card_id, rating, rep, int(NOW.timestamp()) - days_ago * 86400))


async def test_topics_recalled_below_the_members_aim_are_named_weakest_first(db: Database) -> None:
    by_tag = {tag: [c.id for c in CONTENT.library.flashcards if tag in c.tags] for tag in ("memory", "cost")}
    memory_cards = [c for c in by_tag["memory"] if c not in by_tag["cost"]]
    cost_cards = [c for c in by_tag["cost"] if c not in by_tag["memory"]]
    await _asked(db, memory_cards[0], [1, 1, 3])      # memory: 2 of 6 recalled
    await _asked(db, memory_cards[1], [3, 1, 1])
    await _asked(db, cost_cards[0], [3, 3, 3, 1])     # cost: 4 of 5
    await _asked(db, cost_cards[1], [3])
    await _asked(db, cost_cards[2], [1, 1, 1, 1], days_ago=31)  # older than 30 days: not counted
    stats = await _service(db).stats(None, USER)
    shown = {weak.topic: (weak.recalled, weak.asked) for weak in stats.weak_topics}
    assert stats.weak_topics[0].topic == "memory" and shown["memory"] == (2, 6)
    assert shown.get("cost") == (4, 5)  # 80%: below the default aim of 90%
    assert (stats.retention, stats.retention_sample) == (6 / 11, 11)  # the same reviews, in every topic

    await _service(db).set_desired_retention(USER, 80)
    assert "cost" not in {weak.topic for weak in (await _service(db).stats(None, USER)).weak_topics}
