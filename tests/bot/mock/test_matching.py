"""Matching: pure unit tests and Hypothesis properties (no Discord, no database)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.pairing_sample import REFERENCE, history_from_rounds, random_history, random_participants
from bot.mock.availability import ALL_SLOTS, parse_availability, utc_slots
from bot.mock.matching import EXACT_LIMIT, pair, pair_exact, pair_large
from bot.mock.weights import (
    AGE_LEVELS,
    QUALITY_MAX,
    Level,
    Participant,
    Role,
    Scale,
    edge_weight,
    evaluate,
    pair_key,
    quality,
    round_weight,
)

UTC_ZONE = ZoneInfo("UTC")
# A few distinct weekly patterns in UTC, so shared time varies between pairs.
PATTERNS = [
    ALL_SLOTS,
    utc_slots(parse_availability("Mon-Fri 18-21"), UTC_ZONE, REFERENCE),
    utc_slots(parse_availability("Sat-Sun 9-13"), UTC_ZONE, REFERENCE),
    utc_slots(parse_availability("Mon-Fri 7-8"), UTC_ZONE, REFERENCE),
    0,
]


@st.composite
def rounds(draw: st.DrawFn, min_size: int = 2, max_size: int = 9) -> tuple[list[Participant], dict]:
    size = draw(st.integers(min_size, max_size))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=size, max_size=size, unique=True))
    members = [
        Participant(
            user_id=uid,
            role=draw(st.sampled_from(list(Role))),
            level=draw(st.sampled_from(list(Level))),
            slots=draw(st.sampled_from(PATTERNS)),
            priority=draw(st.booleans()),
        )
        for uid in ids
    ]
    pairs = [pair_key(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    met = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) if pairs else []
    history = {key: draw(st.integers(1, AGE_LEVELS + 3)) for key in met}
    return members, history


def partitions(items: list[int]) -> Iterator[list[tuple[int, ...]]]:
    """Every split of ``items`` into pairs, plus one triad when the count is odd."""
    if not items:
        yield []
        return
    if len(items) % 2 == 1:
        if len(items) == 3:
            yield [tuple(items)]
            return
        first = items[0]
        rest = items[1:]
        # first is in the triad, or first is in a pair and the triad is elsewhere.
        for i in range(len(rest)):
            for j in range(i + 1, len(rest)):
                remaining = [x for k, x in enumerate(rest) if k not in (i, j)]
                for tail in _pairings(remaining):
                    yield [(first, rest[i], rest[j]), *tail]
        for i, partner in enumerate(rest):
            for tail in partitions(rest[:i] + rest[i + 1:]):
                yield [(first, partner), *tail]
        return
    yield from _pairings(items)


def _pairings(items: list[int]) -> Iterator[list[tuple[int, ...]]]:
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for i, partner in enumerate(rest):
        for tail in _pairings(rest[:i] + rest[i + 1:]):
            yield [(first, partner), *tail]


def check_partition(members: list[Participant], groups: tuple[tuple[int, ...], ...]) -> None:
    seen = [uid for group in groups for uid in group]
    assert sorted(seen) == sorted(m.user_id for m in members), "every participant in exactly one group"
    sizes = sorted(len(g) for g in groups)
    triads = sizes.count(3)
    assert set(sizes) <= {2, 3}
    assert triads == (1 if len(members) % 2 else 0), "one triad exactly when the count is odd"


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(rounds(), st.integers(0, 2**32))
def test_every_member_in_exactly_one_group(case: tuple[list[Participant], dict], seed: int) -> None:
    members, history = case
    for result in (pair_exact(members, history, seed), pair_large(members, history, seed)):
        check_partition(members, result.groups)


@PROPERTY
@given(rounds(), st.integers(0, 2**32), st.randoms(use_true_random=False))
def test_same_seed_and_input_give_the_same_groups(
    case: tuple[list[Participant], dict], seed: int, shuffler: random.Random
) -> None:
    members, history = case
    shuffled = list(members)
    shuffler.shuffle(shuffled)
    assert pair_exact(members, history, seed) == pair_exact(shuffled, history, seed)
    assert pair_large(members, history, seed) == pair_large(shuffled, history, seed)


@PROPERTY
@given(rounds(max_size=8).filter(lambda case: len(case[0]) % 2 == 0), st.integers(0, 2**32))
def test_exact_reaches_the_brute_force_optimum_on_even_rounds(case, seed: int) -> None:
    members, history = case
    ids = [m.user_id for m in members]
    best = max(round_weight(groups, members, history) for groups in partitions(ids))
    assert round_weight(pair_exact(members, history, seed).groups, members, history) == best


@PROPERTY
@given(rounds(min_size=3), st.integers(0, 2**32))
def test_no_repeat_while_a_pairing_without_one_exists(case, seed: int) -> None:
    members, history = case
    ids = [m.user_id for m in members]
    fewest = min(evaluate(groups, members, history).repeats for groups in partitions(ids))
    result = pair_exact(members, history, seed)
    assert evaluate(result.groups, members, history).repeats == fewest


@PROPERTY
@given(rounds(min_size=4, max_size=8).filter(lambda case: len(case[0]) % 2 == 0), st.integers(0, 2**32))
def test_unavoidable_repeats_are_the_least_recent(case, seed: int) -> None:
    members, history = case
    ids = [m.user_id for m in members]
    scores = [evaluate(groups, members, history) for groups in partitions(ids)]
    fewest = min(s.repeats for s in scores)
    oldest = max(s.age for s in scores if s.repeats == fewest)
    result = evaluate(pair_exact(members, history, seed).groups, members, history)
    assert (result.repeats, result.age) == (fewest, oldest)


def test_the_penalty_for_a_repeat_outweighs_any_quality_difference() -> None:
    scale = Scale.for_size(10)
    best = Participant(1, Role.INTERVIEWER, Level.MID, ALL_SLOTS, priority=True)
    partner = Participant(2, Role.CANDIDATE, Level.MID, ALL_SLOTS, priority=True)
    worst_a = Participant(3, Role.CANDIDATE, Level.JUNIOR, 0)
    worst_b = Participant(4, Role.CANDIDATE, Level.STAFF, 0)
    assert quality(best, partner) == QUALITY_MAX and quality(worst_a, worst_b) == 0
    met_last_round = {pair_key(1, 2): 1}
    # One fresh pair of the worst quality beats every repeated pairing of the best.
    edges = 10 // 2 + 2
    assert edge_weight(worst_a, worst_b, {}, scale) > edges * edge_weight(best, partner, met_last_round, scale)
    older = {pair_key(1, 2): 5}
    assert edge_weight(best, partner, older, scale) - edge_weight(best, partner, met_last_round, scale) > (
        edges * QUALITY_MAX
    )


def test_a_lonely_odd_member_is_not_dropped_and_joins_where_they_fit() -> None:
    evening = utc_slots(parse_availability("Mon-Fri 18-21"), UTC_ZONE, REFERENCE)
    morning = utc_slots(parse_availability("Mon-Fri 6-9"), UTC_ZONE, REFERENCE)
    members = [
        Participant(1, slots=evening), Participant(2, slots=evening),
        Participant(3, slots=morning), Participant(4, slots=morning), Participant(5, slots=morning),
    ]
    result = pair(members, {}, seed=7)
    assert result.triad == (3, 4, 5)
    assert (1, 2) in result.groups


def test_priority_keeps_last_rounds_triad_members_out_of_the_triad() -> None:
    members = [Participant(uid, priority=uid in (1, 2, 3)) for uid in range(1, 8)]
    for seed in range(20):
        triad = pair(members, {}, seed).triad
        assert triad is not None and not set(triad) & {1, 2, 3}


def test_one_or_no_participant_gives_no_groups() -> None:
    assert pair([], {}, 1).groups == ()
    alone = pair([Participant(5)], {}, 1)
    assert alone.groups == () and alone.unmatched == (5,)


def test_duplicate_participants_are_refused() -> None:
    with pytest.raises(ValueError):
        pair([Participant(1), Participant(1)], {}, 0)


def test_pair_picks_the_method_by_size() -> None:
    assert pair(random_participants(20, 1), {}, 1).method == "exact"
    assert pair(random_participants(EXACT_LIMIT + 1, 1), {}, 1).method == "large"


def test_nine_members_meet_new_partners_round_after_round() -> None:
    """The done-when scenario, at the matching level: 5 rounds of 9 without a repeat.

    Nine members have 36 possible pairs and a round uses six of them (three pairs and
    a triad), so five repeat-free rounds is the most that can be hoped for in general.
    """
    members = random_participants(9, seed=3)
    past: list[tuple[tuple[int, ...], ...]] = []
    for number in range(5):
        history = history_from_rounds(past)
        result = pair(members, history, seed=number)
        check_partition(members, result.groups)
        assert evaluate(result.groups, members, history).repeats == 0, f"round {number + 1} repeated a pair"
        past.append(result.groups)
    # Then repeats are unavoidable, and the matcher still pairs everyone.
    result = pair(members, history_from_rounds(past), seed=9)
    check_partition(members, result.groups)


@pytest.mark.parametrize("size", [50, 120])
def test_large_method_is_within_one_percent_of_the_optimum(size: int) -> None:
    members = random_participants(size, seed=size)
    history = random_history(members, rounds=6, seed=size)
    exact = evaluate(pair_exact(members, history, seed=1).groups, members, history)
    large = evaluate(pair_large(members, history, seed=1).groups, members, history)
    assert large.repeats == exact.repeats
    assert large.quality >= 0.99 * exact.quality


def test_large_method_handles_thousands_without_losing_anyone() -> None:
    members = random_participants(2001, seed=5)
    result = pair_large(members, random_history(members, 3, seed=5), seed=2)
    check_partition(members, result.groups)
