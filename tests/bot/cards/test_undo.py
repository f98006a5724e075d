"""Undoing the last grade: the card exactly as it was, its review gone, and only the last grade ever."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.activity import ActivityService
from bot.cards import Grade, NothingToStudy, StudyCard
from bot.cards.service import StudyService
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from bot.timezones import TimezoneResolver

USER = 42
GUILD = 7
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
CONTENT = ContentStore.load(SHIPPED_CONTENT_DIR)


def _service(db: Database, clock: ManualClock) -> StudyService:
    timezones = TimezoneResolver(db)
    return StudyService(db, clock, CONTENT, timezones, ActivityService(db, clock, timezones), fuzzing=False)


async def _first(service: StudyService) -> StudyCard:
    study = await service.next_card(None, USER, learn_ahead=True)
    assert isinstance(study, StudyCard)
    return study


async def _reviews(db: Database, card_id: str) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE user_id = ? AND card_id = ?",
                                 (USER, card_id)))


async def test_undoing_a_new_cards_first_grade_makes_it_new_again(db: Database) -> None:
    service = _service(db, ManualClock(NOW))
    await service.set_new_per_day(USER, 1)
    first = await _first(service)
    graded = await service.grade(None, USER, first.card.id, 0, Grade.GOOD)
    assert graded.memory is not None and graded.memory.reps == 1
    assert isinstance(await service.next_card(None, USER), NothingToStudy)  # today's one new card is used

    undone = await service.undo(None, USER, first.card.id, 1)
    assert undone.undone and undone.study is not None
    assert (undone.study.card.id, undone.study.rep, undone.study.memory, undone.study.new_left) == (
        first.card.id, 0, None, 1)  # new again, and today's new card is free again
    assert await service.repo.memory(USER, first.card.id) is None and await _reviews(db, first.card.id) == 0
    assert not (await service.undo(None, USER, first.card.id, 1)).undone  # a second click: nothing left to undo
    regraded = await service.grade(None, USER, first.card.id, 0, Grade.EASY)  # the same repetition, graded anew
    assert regraded.recorded and await _reviews(db, first.card.id) == 1


@pytest.mark.parametrize("grade", list(Grade))
async def test_undoing_a_review_restores_the_memory_exactly(db: Database, grade: Grade) -> None:
    clock = ManualClock(NOW)
    service = _service(db, clock)
    await service.set_new_per_day(USER, 1)
    card = (await _first(service)).card
    for rep in range(3):  # learned over a few weeks
        await service.grade(None, USER, card.id, rep, Grade.GOOD)
        clock.set(max(clock.now(), (await service.repo.memory(USER, card.id)).due))  # type: ignore[union-attr]
    before = await service.repo.memory(USER, card.id)
    assert before is not None and before.reps == 3
    clock.advance(timedelta(days=1))
    await service.grade(None, USER, card.id, 3, grade)
    undone = await service.undo(None, USER, card.id, 4)
    assert undone.undone and await service.repo.memory(USER, card.id) == before
    assert await _reviews(db, card.id) == 3


async def test_only_the_last_grade_can_be_undone(db: Database) -> None:
    clock = ManualClock(NOW)
    service = _service(db, clock)
    await service.set_new_per_day(USER, 2)
    first = await _first(service)
    await service.grade(None, USER, first.card.id, 0, Grade.EASY)
    second = await _first(service)
    assert second.card.id != first.card.id
    await service.grade(None, USER, second.card.id, 0, Grade.GOOD)
    assert not (await service.undo(None, USER, first.card.id, 1)).undone  # another card was graded since
    assert (await service.repo.memory(USER, first.card.id)) is not None and await _reviews(db, first.card.id) == 1

    clock.advance(timedelta(minutes=15))
    await service.grade(None, USER, second.card.id, 1, Grade.GOOD)
    assert not (await service.undo(None, USER, second.card.id, 1)).undone  # that card was graded again since
    assert (await service.repo.memory(USER, second.card.id)).reps == 2  # type: ignore[union-attr]
    assert (await service.undo(None, USER, second.card.id, 2)).undone
    assert (await service.repo.memory(USER, second.card.id)).reps == 1  # type: ignore[union-attr]


async def test_an_undone_grade_keeps_the_days_streak_credit(db: Database) -> None:
    service = _service(db, ManualClock(NOW))
    await service.set_new_per_day(USER, 1)
    card = (await _first(service)).card
    await service.grade(GUILD, USER, card.id, 0, Grade.GOOD)
    assert (await service.undo(GUILD, USER, card.id, 1)).undone
    assert await db.fetchval("SELECT COUNT(*) FROM activity WHERE user_id = ?", (USER,)) == 1  # they did study


async def test_a_card_set_aside_since_its_grade_cannot_have_the_grade_undone(db: Database) -> None:
    service = _service(db, ManualClock(NOW))
    await service.set_new_per_day(USER, 1)
    card = (await _first(service)).card
    await service.grade(None, USER, card.id, 0, Grade.GOOD)
    await service.set_aside(USER, card.id)
    assert not (await service.undo(None, USER, card.id, 1)).undone
    memory = await service.repo.memory(USER, card.id)
    assert memory is not None and memory.set_aside_at is not None and await _reviews(db, card.id) == 1


async def test_nor_once_the_card_set_aside_is_brought_back(db: Database) -> None:
    """Undo is for a misclick just made: "before the card is graded again or set aside", brought back or not."""
    service = _service(db, ManualClock(NOW))
    card = (await _first(service)).card
    await service.grade(None, USER, card.id, 0, Grade.GOOD)
    await service.set_aside(USER, card.id)
    assert await service.bring_back(USER, [card.id]) == 1
    assert not (await service.undo(None, USER, card.id, 1)).undone
    memory = await service.repo.memory(USER, card.id)
    assert memory is not None and memory.reps == 1 and await _reviews(db, card.id) == 1
