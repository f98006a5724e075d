from __future__ import annotations

import re

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
    assert len({" ".join(re.findall(r"\w+", o.lower())) for o in question.options}) == 4
    assert question.options[question.correct] == card.back
    assert question == build_question(card, DECK, seed)  # a retry builds the same question


def test_own_wrong_answers_are_preferred() -> None:
    card = next(c for c in DECK if len(c.wrong_answers) >= 3)
    question = build_question(card, DECK, 1)
    assert set(question.options) - {card.back} <= set(card.wrong_answers)


def test_answers_that_differ_only_in_case_or_punctuation_are_one_option() -> None:
    """Shown twice, one would be right and one wrong: the member cannot tell them apart."""
    others = tuple(c for c in DECK if c.back.lower().rstrip(".") not in ("sharding", "replication"))[:10]
    card = others[0].model_copy(update={"back": "Partitioning by tenant", "wrong_answers": [
        "Sharding", "sharding.", "Replication"]})
    plain = others[1].model_copy(update={"back": "partitioning by tenant!"})
    for seed in range(50):
        question = build_question(card, (card, plain, *others[2:]), seed)
        keys = [" ".join(re.findall(r"\w+", o.lower())) for o in question.options]
        assert len(set(keys)) == 4, question.options
