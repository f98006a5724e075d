"""Setting a card aside: out of every queue and count, its memory kept, until the member brings it back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.activity import ActivityService
from bot.cards import Grade, NothingToStudy, StudyCard
from bot.cards.service import StudyService
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


async def _started(db: Database, card_id: str, *, due: datetime, state: int = 2, lapses: int = 2) -> None:
    await db.execute(
        "INSERT INTO card_states (user_id, card_id, state, step, stability, difficulty, due, last_review, reps, "
        "lapses, introduced_at) VALUES (?, ?, ?, 0, 3.0, 6.0, ?, ?, 9, ?, ?)",
        (USER, card_id, state, int(due.timestamp()), int((NOW - timedelta(days=9)).timestamp()), lapses,
         int((NOW - timedelta(days=30)).timestamp())))


def _service(db: Database, clock: ManualClock) -> StudyService:
    timezones = TimezoneResolver(db)
    return StudyService(db, clock, CONTENT, timezones, ActivityService(db, clock, timezones), fuzzing=False)


async def test_a_card_set_aside_is_neither_due_nor_new_nor_counted_and_comes_back_as_it_was(db: Database) -> None:
    clock = ManualClock(NOW)
    service = _service(db, clock)
    await service.set_new_per_day(USER, 0)
    await _started(db, CARD_IDS[0], due=NOW - timedelta(days=2))
    await _started(db, CARD_IDS[1], due=NOW - timedelta(days=1))
    assert (await service.next_card(None, USER)).card.id == CARD_IDS[0]  # type: ignore[union-attr]

    await service.set_aside(USER, CARD_IDS[0])
    clock.advance(timedelta(hours=1))
    await service.set_aside(USER, CARD_IDS[0])  # a second click keeps the first time
    study = await service.next_card(None, USER)
    assert isinstance(study, StudyCard) and study.card.id == CARD_IDS[1] and study.due_left == 1
    stats = await service.stats(None, USER)
    assert (stats.due_today, stats.set_aside, stats.learned) == (1, 1, 2)
    assert [hard.card.id for hard in stats.hardest] == [CARD_IDS[1]]  # the card set aside is dealt with
    [aside] = await service.set_aside_cards(None, USER)
    assert (aside.card.id, aside.lapses, aside.since) == (CARD_IDS[0], 2, NOW)

    assert await service.bring_back(USER, [CARD_IDS[0], CARD_IDS[0]]) == 1
    assert await service.bring_back(USER, [CARD_IDS[0]]) == 0  # already back
    study = await service.next_card(None, USER)
    assert isinstance(study, StudyCard) and study.card.id == CARD_IDS[0] and study.memory is not None
    assert (study.memory.reps, study.memory.lapses, study.forgotten) == (9, 2, 2)  # its memory, untouched
    assert await service.set_aside_cards(None, USER) == []


async def test_a_learning_card_set_aside_does_not_hold_the_session_open(db: Database) -> None:
    clock = ManualClock(NOW)
    service = _service(db, clock)
    await service.set_new_per_day(USER, 0)
    await _started(db, CARD_IDS[0], due=NOW + timedelta(minutes=5), state=3)
    assert isinstance(study := await service.next_card(None, USER), NothingToStudy) and study.coming_soon == 1
    await service.set_aside(USER, CARD_IDS[0])
    study = await service.next_card(None, USER, learn_ahead=True)
    assert isinstance(study, NothingToStudy) and (study.coming_soon, study.learning_due) == (0, None)
    assert (await service.day_summary(None, USER)).next_due is None


async def test_a_grade_for_a_card_set_aside_records_nothing(db: Database) -> None:
    clock = ManualClock(NOW)
    service = _service(db, clock)
    await _started(db, CARD_IDS[0], due=NOW - timedelta(days=1))
    await service.set_aside(USER, CARD_IDS[0])
    graded = await service.grade(None, USER, CARD_IDS[0], 9, Grade.GOOD)
    assert not graded.recorded and graded.memory is not None and graded.memory.set_aside_at == NOW
    assert await db.fetchval("SELECT COUNT(*) FROM card_reviews") == 0


async def test_only_a_card_the_member_started_can_be_set_aside(db: Database) -> None:
    service = _service(db, ManualClock(NOW))
    with pytest.raises(InvalidInput, match="not one you have started"):
        await service.set_aside(USER, CARD_IDS[0])
    with pytest.raises(InvalidInput):
        await service.set_aside(USER, "no-such-card")
    assert await db.fetchval("SELECT COUNT(*) FROM card_states") == 0


async def test_a_card_only_becomes_a_leech_once_forgotten_twice(db: Database) -> None:
    service = _service(db, ManualClock(NOW))
    await service.set_new_per_day(USER, 0)
    await _started(db, CARD_IDS[0], due=NOW - timedelta(days=1), lapses=1)
    study = await service.next_card(None, USER)
    assert isinstance(study, StudyCard) and study.forgotten == 0
