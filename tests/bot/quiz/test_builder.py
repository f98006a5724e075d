from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.content import ContentStore
from bot.content.models import Flashcard
from bot.quiz import build_question
from bot.settings import SHIPPED_CONTENT_DIR

DECK = ContentStore.load(SHIPPED_CONTENT_DIR).library.flashcards


@given(st.sampled_from(DECK), st.integers(min_value=0, max_value=2**40))
def test_every_card_makes_four_distinct_options_with_the_back_right(card: Flashcard, seed: int) -> None:
    question = build_question(card, DECK, seed)
    assert len(question.options) == 4
    assert len({o.strip().lower() for o in question.options}) == 4
    assert question.options[question.correct] == card.back
    assert question == build_question(card, DECK, seed)  # a retry builds the same question


def test_own_wrong_answers_are_preferred() -> None:
    card = next(c for c in DECK if len(c.wrong_answers) >= 3)
    question = build_question(card, DECK, 1)
    assert set(question.options) - {card.back} <= set(card.wrong_answers)
