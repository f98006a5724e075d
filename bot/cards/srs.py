"""FSRS scheduling through the ``fsrs`` package, and the row a member's memory of a card is kept in.

fsrs only accepts ``datetime.timezone.utc`` datetimes and, without a ``card_id``, sleeps
a millisecond to invent one; both are handled here so nothing else touches fsrs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from random import Random

import fsrs
from fsrs.scheduler import FUZZ_RANGES

_FSRS_CARD_ID = 1  # fsrs wants an id; ours is the (member, card) key in SQLite


class Grade(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


@dataclass(frozen=True)
class Memory:
    """What FSRS knows about one member and one card (times in UTC)."""

    user_id: int
    card_id: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int
    introduced_at: datetime
    set_aside_at: datetime | None = None  # set aside by the member: out of their reviews until brought back


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


DEFAULT_RETENTION = 0.9  # FSRS's default: the share of reviews a member should recall when a card falls due
RETENTION_RANGE = (0.75, 0.97)  # beyond these, FSRS's authors warn of too many reviews or too much forgetting


@functools.cache
def _fsrs_for(retention: float) -> fsrs.Scheduler:
    """One fsrs scheduler per retention members chose (a handful: the setting takes whole percents)."""
    return fsrs.Scheduler(desired_retention=retention, enable_fuzzing=False)


class Scheduler:
    def __init__(self, *, fuzzing: bool = True, desired_retention: float = DEFAULT_RETENTION) -> None:
        # fsrs draws its fuzz from the global random generator, so the preview on a button and the grade
        # would get different draws: it is applied here instead, from a seed (see :meth:`_fuzz`).
        self._default = desired_retention
        self._fsrs = _fsrs_for(desired_retention)
        self._fuzzing = fuzzing

    def _card(self, memory: Memory | None) -> fsrs.Card:
        if memory is None:
            return fsrs.Card(card_id=_FSRS_CARD_ID)
        return fsrs.Card(card_id=_FSRS_CARD_ID, state=fsrs.State(memory.state), step=memory.step,
                         stability=memory.stability, difficulty=memory.difficulty, due=_utc(memory.due),
                         last_review=_utc(memory.last_review) if memory.last_review else None)

    def review(self, memory: Memory | None, user_id: int, card_id: str, grade: Grade, now: datetime,
               retention: float | None = None) -> Memory:
        """The memory after ``grade``, scheduled for the member's ``retention`` (else the default)."""
        scheduler = _fsrs_for(retention or self._default)
        card, _log = scheduler.review_card(self._card(memory), fsrs.Rating(int(grade)), review_datetime=_utc(now))
        if self._fuzzing and card.state == fsrs.State.Review:
            seed = f"{user_id}:{card_id}:{memory.reps if memory else 0}"
            card.due = _utc(now) + self._fuzz(card.due - _utc(now), seed)
        lapsed = memory is not None and memory.state == fsrs.State.Review and grade is Grade.AGAIN
        base = memory or Memory(user_id, card_id, 0, None, None, None, now, None, 0, 0, now)
        return replace(base, state=int(card.state), step=card.step, stability=card.stability,
                       difficulty=card.difficulty, due=card.due, last_review=card.last_review,
                       reps=base.reps + 1, lapses=base.lapses + int(lapsed))

    def _fuzz(self, interval: timedelta, seed: str) -> timedelta:
        """fsrs's fuzz, drawn from a generator seeded by the member, card and repetition (as Anki seeds it),
        so the interval a button shows is the one the grade then schedules."""
        days = interval.days
        if days < 2.5:
            return interval
        delta = 1.0 + sum(r["factor"] * max(min(float(days), r["end"]) - r["start"], 0.0) for r in FUZZ_RANGES)
        high = min(round(days + delta), self._fsrs.maximum_interval)
        low = min(max(2, round(days - delta)), high)
        drawn = round(Random(seed).random() * (high - low + 1) + low)
        return timedelta(days=min(drawn, self._fsrs.maximum_interval))

    def preview(self, memory: Memory | None, now: datetime, user_id: int = 0,
                card_id: str = "", retention: float | None = None) -> dict[Grade, timedelta]:
        """How long until the card comes back for each grade (shown on the buttons): the very review a grade
        makes, so the fuzz drawn for this member, card and repetition is the one the grade then gets."""
        if memory is not None:
            user_id, card_id = memory.user_id, memory.card_id
        return {grade: self.review(memory, user_id, card_id, grade, now, retention).due - now for grade in Grade}

    def recall_chance(self, memory: Memory, now: datetime) -> float | None:
        """FSRS's estimate of the chance the member recalls the card now (its retrievability); None before
        the card has a stability (never reviewed)."""
        if memory.stability is None or memory.last_review is None:
            return None
        return float(self._fsrs.get_card_retrievability(self._card(memory), current_datetime=_utc(now)))
