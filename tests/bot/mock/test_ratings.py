"""The summary of the ratings a member received: averages, and the latest against the ones before."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.mock.ratings import RECENT_RATINGS, RatingsReceived, summarise

score = st.integers(min_value=1, max_value=5)
ratings = st.lists(st.tuples(score, score, score), max_size=30)


def test_no_ratings_no_summary_and_a_few_are_only_averaged() -> None:
    assert summarise([]) is None
    assert summarise([(4, 2, 3), (2, 4, 5)]) == RatingsReceived(2, (3.0, 3.0, 4.0))


def test_the_latest_three_are_compared_with_the_ones_before() -> None:
    summary = summarise([(2, 2, 2), (3, 2, 1), (4, 5, 3), (5, 4, 3), (3, 3, 3)])
    assert summary == RatingsReceived(5, (3.4, 3.2, 2.4), (4.0, 4.0, 3.0), (2.5, 2.0, 1.5))


@given(ratings)
def test_the_parts_add_up_to_the_whole(scores: list[tuple[int, int, int]]) -> None:
    summary = summarise(scores)
    if summary is None:
        assert scores == []
        return
    assert summary.count == len(scores) and all(1 <= value <= 5 for value in summary.average)
    if len(scores) <= RECENT_RATINGS:
        assert summary.recent is None and summary.earlier is None
        return
    assert summary.recent is not None and summary.earlier is not None
    for axis in range(3):
        whole = summary.recent[axis] * RECENT_RATINGS + summary.earlier[axis] * (len(scores) - RECENT_RATINGS)
        assert abs(whole - summary.average[axis] * len(scores)) < 1e-9
