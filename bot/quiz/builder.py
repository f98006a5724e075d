"""Turning a flashcard into a four-option question.

Wrong options are the card's own wrong answers when it has three, else backs of other
cards that share a tag (plausible: same topic), else any other backs. The choice and
the shuffle are seeded by the guild and day, so a retry after a crash builds the very
same question.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from bot.content.models import Flashcard
from bot.seeds import stable_seed

OPTIONS = 4
OPTION_LIMIT = 900
LETTERS = "ABCD"


class TooFewOptions(ValueError):
    """The decks in play hold too few different answers to give a card three wrong options."""


@dataclass(frozen=True)
class Question:
    card_id: str
    text: str
    options: tuple[str, ...]
    correct: int


def question_seed(guild_id: int, day_key: str) -> int:
    return stable_seed("quiz", guild_id, day_key)


def _clip(text: str) -> str:
    return text if len(text) <= OPTION_LIMIT else text[: OPTION_LIMIT - 1] + "…"


def _key(text: str) -> str:
    """What a member reads an option as: "Sharding" and "sharding." are one answer, shown twice they would be
    one right and one wrong (the content check compares a card's wrong answers with its back the same way)."""
    return re.sub(r"\W+", " ", _clip(text).lower()).strip()


def build_question(card: Flashcard, deck: tuple[Flashcard, ...], seed: int) -> Question:
    rng = random.Random(seed)
    right = _clip(card.back)
    own: dict[str, str] = {}
    for answer in card.wrong_answers:
        own.setdefault(_key(answer), answer)
    own.pop(_key(card.back), None)
    if len(own) >= OPTIONS - 1:
        wrong = rng.sample(list(own.values()), OPTIONS - 1)
    else:
        wrong = list(own.values())
        others = [c for c in deck if c.id != card.id]
        related = [c for c in others if set(c.tags) & set(card.tags)]
        unrelated = [c for c in others if c not in related]
        rng.shuffle(related)
        rng.shuffle(unrelated)
        for other in related + unrelated:
            if len(wrong) == OPTIONS - 1:
                break
            if _key(other.back) not in {_key(w) for w in [*wrong, card.back]}:
                wrong.append(other.back)
    if len(wrong) < OPTIONS - 1:
        raise TooFewOptions(f"card {card.id} cannot make a {OPTIONS}-option question: too few other answers")
    options = [right, *(_clip(w) for w in wrong)]
    rng.shuffle(options)
    return Question(card.id, card.front, tuple(options), options.index(right))
