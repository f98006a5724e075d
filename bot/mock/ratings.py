"""What the ratings a member received from interview partners say, as ``/mock status`` shows them.

Practising for interviews is about getting better, so a member sees not only their average ratings
(communication, depth of the design, tradeoffs) but whether their latest interviews rate higher than the
ones before. Only feedback already shared with the member counts: they have seen each rating.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RECENT_RATINGS = 3  # the latest ratings compared with those before them
Scores = tuple[int, int, int]  # communication, depth, tradeoffs, each 1-5
Averages = tuple[float, float, float]


@dataclass(frozen=True)
class RatingsReceived:
    count: int
    average: Averages
    recent: Averages | None = None   # the latest RECENT_RATINGS, once there are earlier ones to compare with
    earlier: Averages | None = None  # every rating before those


def _mean(scores: Sequence[Scores]) -> Averages:
    return (sum(s[0] for s in scores) / len(scores), sum(s[1] for s in scores) / len(scores),
            sum(s[2] for s in scores) / len(scores))


def summarise(scores: Sequence[Scores]) -> RatingsReceived | None:
    """The member's ratings, oldest first, summarised; None when they have none."""
    if not scores:
        return None
    if len(scores) <= RECENT_RATINGS:
        return RatingsReceived(len(scores), _mean(scores))
    return RatingsReceived(len(scores), _mean(scores), _mean(scores[-RECENT_RATINGS:]),
                           _mean(scores[:-RECENT_RATINGS]))
