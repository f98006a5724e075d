"""Planning a round: roles alternate with history, prompts are new to the group, history ages."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

from bot.content import ContentStore
from bot.mock.models import Signup
from bot.mock.rounds import assign_roles, choose_prompt, eligible, gone_from, history_of, plan_round
from bot.settings import SHIPPED_CONTENT_DIR

PROMPTS = ContentStore.load(SHIPPED_CONTENT_DIR).library.prompts


def test_whoever_interviewed_more_is_the_candidate_next() -> None:
    counts = {1: (2, 1, "interviewer"), 2: (1, 2, "candidate")}
    assert assign_roles((1, 2), counts, {}) == ((2, "interviewer"), (1, "candidate"))
    assert assign_roles((1, 2), {}, {1: "candidate", 2: "either"}) == ((2, "interviewer"), (1, "candidate"))
    trio = assign_roles((5, 6, 7), {5: (1, 0, "interviewer")}, {})
    assert [role for _, role in trio] == ["interviewer", "candidate", "observer"] and trio[-1][0] == 5


def test_prompts_are_new_to_everyone_in_the_group() -> None:
    ids = sorted(p.id for p in PROMPTS)
    daily_seen = set(ids[:30])
    mock_seen = {1: dict.fromkeys(ids[30:40], 1), 2: dict.fromkeys(ids[40:45], 2)}
    for seed in range(30):
        chosen = choose_prompt((1, 2), PROMPTS, daily_seen, mock_seen, set(), random.Random(seed))
        assert chosen in ids[45:]
    everything = set(ids)
    fallback = choose_prompt((1, 2), PROMPTS, everything, {1: {}, 2: {}}, set(), random.Random(1))
    assert fallback in ids  # all seen as daily prompts: still a prompt, one not met in a mock


def test_once_every_prompt_was_met_the_one_met_longest_ago_comes_back() -> None:
    ids = sorted(p.id for p in PROMPTS)
    mock_seen = {1: {i: 10 + n for n, i in enumerate(ids)}, 2: {ids[3]: 99}}  # 1 met them all, ids[0] first
    for seed in range(20):
        assert choose_prompt((1, 2), PROMPTS, set(), mock_seen, set(), random.Random(seed)) == ids[0]
        assert choose_prompt((1, 2), PROMPTS, set(), mock_seen, {ids[0]}, random.Random(seed)) == ids[1]


def test_history_counts_rounds_since_a_pair_met() -> None:
    rows = [(30, 300, 1), (30, 300, 2), (20, 200, 1), (20, 200, 3), (20, 201, 2), (20, 201, 4)]
    assert history_of([30, 20], rows) == {(1, 2): 1, (1, 3): 2, (2, 4): 2}


def test_a_plan_is_deterministic_and_places_everyone_once() -> None:
    signups = [Signup(1, uid, "either", "mid", "UTC", "anytime", "active", 0, None) for uid in range(1, 10)]
    kwargs = dict(triad_last=set(), counts={}, prompts=PROMPTS, daily_seen=set(), mock_seen={}, seed=4,
                  reference=datetime(2026, 3, 2, tzinfo=UTC))
    plan = plan_round(signups, {}, **kwargs)
    assert plan == plan_round(list(reversed(signups)), {}, **kwargs)
    placed = sorted(uid for group in plan.groups for uid, _ in group.members)
    assert placed == list(range(1, 10)) and sorted(len(g.members) for g in plan.groups) == [2, 2, 2, 3]
    assert len({g.prompt_id for g in plan.groups}) == 4


def _signup(user_id: int, skip_rounds: int = 0) -> Signup:
    return Signup(1, user_id, "either", "mid", "UTC", "anytime", "active", skip_rounds, None)


def test_a_round_takes_neither_the_pausing_the_busy_nor_the_gone() -> None:
    signups = [_signup(1), _signup(2, skip_rounds=1), _signup(3), _signup(4), _signup(5)]
    assert [s.user_id for s in eligible(signups, {3})] == [1, 4, 5]
    assert [s.user_id for s in eligible(signups, {3}, frozenset({4}))] == [1, 5]
    sat_out = replace(_signup(6), sat_out="scheduled:2026-03-06")  # the round their pause was used on
    assert [s.user_id for s in eligible([*signups, sat_out], set(), key="scheduled:2026-03-06")] == [1, 3, 4, 5]
    assert [s.user_id for s in eligible([*signups, sat_out], set(), key="scheduled:2026-03-13")] == [1, 3, 4, 5, 6]


def test_gone_are_the_candidates_discord_did_not_find_and_nobody_when_it_was_not_asked() -> None:
    assert gone_from([1, 2, 3], {1, 3, 9}) == {2}
    assert gone_from([1, 2, 3], set()) == {1, 2, 3}
    assert gone_from([1, 2, 3], None) == frozenset()
