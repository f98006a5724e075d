"""What the progress charts show: weekly numbers, oldest week first (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

KINDS = (("answer", "answers (daily and practice)"), ("review", "flashcard reviews"), ("quiz", "quiz answers"),
         ("mock", "mock interviews"))


@dataclass(frozen=True)
class ReviewWeeks:
    weeks: list[date]
    reviews: list[int]
    retention: list[float | None]   # recalled share of reviews of learned cards, per week


@dataclass(frozen=True)
class ActiveWeeks:
    weeks: list[date]
    active_days: list[int]


@dataclass(frozen=True)
class ParticipationWeeks:
    weeks: list[date]
    counts: dict[str, list[int]]    # activity kind -> actions per week


@dataclass(frozen=True)
class Review:
    """One flashcard review as the retention chart needs it."""

    reviewed_at: int        # epoch seconds
    rating: int
    state_before: int | None  # the card's FSRS state before the review (None: new); 2 is "learned"
