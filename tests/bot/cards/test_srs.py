"""The interval a grade button shows is the interval that grade then schedules, fuzz included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cards.srs import Grade, Scheduler

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@settings(max_examples=60, deadline=None)
@given(grades=st.lists(st.sampled_from(list(Grade)), min_size=1, max_size=8), user_id=st.integers(1, 10**18),
       card_id=st.sampled_from(["rag-chunking", "kv-cache", "eval-drift"]),
       retention=st.sampled_from([None, 0.75, 0.85, 0.97]))
def test_the_preview_is_what_the_grade_schedules(grades: list[Grade], user_id: int, card_id: str,
                                                 retention: float | None) -> None:
    scheduler = Scheduler(fuzzing=True)
    memory, now = None, START
    for grade in grades:
        shown = scheduler.preview(memory, now, user_id, card_id, retention)[grade]
        memory = scheduler.review(memory, user_id, card_id, grade, now, retention)
        assert memory.due - now == shown
        now = memory.due + timedelta(hours=1)


def test_fuzz_spreads_long_intervals_across_members_but_not_within_one() -> None:
    scheduler = Scheduler(fuzzing=True)
    first = {uid: scheduler.review(None, uid, "kv-cache", Grade.EASY, START) for uid in range(1, 40)}
    later = {uid: scheduler.review(m, uid, "kv-cache", Grade.EASY, m.due) for uid, m in first.items()}
    assert len({m.due - first[uid].due for uid, m in later.items()}) > 1  # members do not all come back together
    again = {uid: scheduler.review(first[uid], uid, "kv-cache", Grade.EASY, first[uid].due) for uid in first}
    assert all(again[uid].due == later[uid].due for uid in first)  # the same member, card and repetition: the same


def test_a_higher_desired_retention_brings_a_learned_card_back_sooner() -> None:
    scheduler = Scheduler(fuzzing=False)
    learned = scheduler.review(None, 1, "kv-cache", Grade.EASY, START)
    due = learned.due + timedelta(days=1)
    good = {retention: scheduler.review(learned, 1, "kv-cache", Grade.GOOD, due, retention).due - due
            for retention in (0.75, 0.9, 0.97)}
    assert good[0.97] < good[0.9] < good[0.75]
    assert scheduler.review(learned, 1, "kv-cache", Grade.GOOD, due).due - due == good[0.9]  # the default is 90%
