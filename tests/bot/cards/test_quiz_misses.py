"""A quiz answer the member got wrong, once they have been shown the answer, takes their next new-card slot."""

from __future__ import annotations

from datetime import date

import pytest

from bot.cards.models import CardKind, NothingToStudy, StudyCard
from bot.cards.repository import MISSED_IN_QUIZ
from bot.cards.service import StudyService
from bot.storage import Database
from tests.bot.cards.conftest import CONTENT

GUILD, USER = 1001, 42
CARD_IDS = [card.id for card in CONTENT.library.flashcards]


async def quiz(db: Database, day: int, card_id: str, choice: int, *, status: str = "closed", told: int = 0) -> None:
    """The server's quiz of 2026-03-``day`` on ``card_id`` (its answer is C) and the member's pick."""
    local_date = f"2026-03-{day:02d}"
    await db.execute(
        "INSERT INTO quiz_posts (guild_id, local_date, number, cycle, card_id, question, options, correct, status, "
        "nonce, channel_id, claimed_at, closes_at) VALUES (?, ?, ?, 1, ?, 'Q?', '[\"a\",\"b\",\"c\",\"d\"]', 2, ?, ?, "
        "55, 0, 1)", (GUILD, local_date, day, card_id, status, f"n{day}"))
    await db.execute("INSERT INTO quiz_answers (guild_id, local_date, user_id, choice, answered_at, told) "
                     "VALUES (?, ?, ?, ?, 0, ?)", (GUILD, local_date, USER, choice, told))


async def start(db: Database, card_id: str) -> None:
    await db.execute(
        "INSERT INTO card_states (user_id, card_id, state, step, stability, difficulty, due, last_review, reps, "
        "lapses, introduced_at) VALUES (?, ?, 2, 0, 9.0, 5.0, 4102444800, 0, 1, 0, 0)", (USER, card_id))


async def next_new(study: StudyService, guild_id: int | None = GUILD) -> StudyCard:
    card = await study.next_card(guild_id, USER)
    assert isinstance(card, StudyCard) and card.kind is CardKind.NEW
    return card


async def test_the_latest_miss_shown_comes_first_and_says_which_quiz(db: Database, study: StudyService) -> None:
    assert (await next_new(study)).card.id == CARD_IDS[0] and (await next_new(study)).missed_in_quiz is None
    await quiz(db, 1, CARD_IDS[7], choice=0)
    await quiz(db, 2, CARD_IDS[9], choice=3)
    await quiz(db, 3, CARD_IDS[11], choice=2)  # right
    first = await next_new(study)
    assert (first.card.id, first.missed_in_quiz) == (CARD_IDS[9], date(2026, 3, 2))
    await start(db, CARD_IDS[9])  # studied since: the miss before it is next
    first = await next_new(study)
    assert (first.card.id, first.missed_in_quiz) == (CARD_IDS[7], date(2026, 3, 1))


@pytest.mark.parametrize(("status", "told", "counted"), [("sent", 0, False), ("sent", 1, True), ("closed", 0, True)])
async def test_an_open_quiz_counts_only_when_the_member_was_told(db: Database, study: StudyService, status: str,
                                                                told: int, counted: bool) -> None:
    await quiz(db, 2, CARD_IDS[9], choice=0, status=status, told=told)
    assert (await next_new(study)).card.id == (CARD_IDS[9] if counted else CARD_IDS[0])


async def test_a_miss_keeps_to_the_new_card_cap_the_server_and_the_cards_in_play(db: Database,
                                                                                 study: StudyService) -> None:
    await quiz(db, 1, "a-card-removed-since", choice=0)
    await quiz(db, 2, CARD_IDS[9], choice=0)
    assert (await next_new(study, guild_id=None)).card.id == CARD_IDS[0]  # studying in DMs: no server's quiz
    assert (await next_new(study)).card.id == CARD_IDS[9]  # the removed card is passed over
    await db.execute("INSERT INTO card_settings (user_id, new_per_day) VALUES (?, 0)", (USER,))
    assert isinstance(await study.next_card(GUILD, USER), NothingToStudy)


async def test_the_misses_are_read_from_the_members_own_answers(db: Database) -> None:
    plan = await db.fetchall(f"EXPLAIN QUERY PLAN {MISSED_IN_QUIZ}", (GUILD, USER, 50))
    assert [row[3] for row in plan] == ["SEARCH a USING INDEX quiz_answers_by_member (guild_id=? AND user_id=?)",
                                        "SEARCH p USING PRIMARY KEY (guild_id=? AND local_date=?)"]
