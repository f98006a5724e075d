"""The prompt rotation: a stored seeded shuffle, no repeats in a cycle."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.posting.rotation import LOW_WATER, cycle_order, cycle_seed, cycle_seed_after, state_of

IDS = [f"p-{n:02d}" for n in range(20)]


def test_the_same_seed_gives_the_same_order_whatever_the_input_order() -> None:
    assert cycle_order(IDS, 42) == cycle_order(list(reversed(IDS)), 42)
    assert cycle_order(IDS, 42) != cycle_order(IDS, 43)


def test_seeds_differ_between_guilds_and_cycles() -> None:
    assert len({cycle_seed(g, c) for g in range(20) for c in range(1, 5)}) == 80


@given(st.integers(min_value=0, max_value=2**40))
def test_a_whole_cycle_posts_every_prompt_once(seed: int) -> None:
    used: list[str] = []
    state = state_of(1, seed, IDS, used)
    while state.remaining:
        used.append(state.remaining[0])
        state = state_of(1, seed, IDS, used)
    assert sorted(used) == sorted(IDS)


def test_low_warning_and_preview_into_the_next_cycle() -> None:
    state = state_of(1, 7, IDS, cycle_order(IDS, 7)[: len(IDS) - LOW_WATER + 1])
    assert state.low and len(state.remaining) == LOW_WATER - 1
    upcoming = state.upcoming(LOW_WATER + 2)
    assert upcoming[: LOW_WATER - 1] == state.remaining
    assert upcoming[LOW_WATER - 1:] == cycle_order(IDS, cycle_seed_after(state))[:3]


def test_a_prompt_added_mid_cycle_joins_those_not_yet_used() -> None:
    used = cycle_order(IDS, 3)[:5]
    state = state_of(1, 3, [*IDS, "new-one"], used)
    assert "new-one" in state.remaining and not set(used) & set(state.remaining)
