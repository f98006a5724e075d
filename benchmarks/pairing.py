"""Pairing: speed on a 5,000-member round, and quality of the large-round method against the exact optimum.

Quality is the total weight of the groups (the same integer weights the matcher
maximises, repeats penalised) found by the large-round method divided by the exact
blossom optimum on the same round, for rounds of 50, 200 and 400 members with a
history of earlier rounds.
"""

from __future__ import annotations

import time
from itertools import combinations

from benchmarks.common import Result
from benchmarks.pairing_sample import random_history, random_participants
from bot.mock.matching import Pairing, pair, pair_exact, pair_large
from bot.mock.weights import History, Participant, Scale, edge_weight


def total_weight(pairing: Pairing, participants: list[Participant], history: History) -> int:
    by_id = {p.user_id: p for p in participants}
    scale = Scale.for_size(len(participants))
    return sum(edge_weight(by_id[a], by_id[b], history, scale)
               for group in pairing.groups for a, b in combinations(group, 2))


def _check(pairing: Pairing, participants: list[Participant]) -> None:
    seen = [member for group in pairing.groups for member in group]
    if sorted(seen) != sorted(p.user_id for p in participants):
        raise AssertionError("a member was dropped or placed twice")
    if sum(len(g) == 3 for g in pairing.groups) != len(participants) % 2:
        raise AssertionError("wrong number of triads")


async def run(quick: bool = False) -> Result:
    sizes = (20, 41) if quick else (50, 200, 400)
    big = 300 if quick else 5000
    ratios = []
    details = []
    for size in sizes:
        members = random_participants(size, seed=size)
        history = random_history(members, rounds=6, seed=size)
        began = time.perf_counter()
        exact = pair_exact(members, history, seed=1)
        exact_seconds = time.perf_counter() - began
        began = time.perf_counter()
        large = pair_large(members, history, seed=1)
        large_seconds = time.perf_counter() - began
        _check(exact, members)
        _check(large, members)
        ratio = total_weight(large, members, history) / max(total_weight(exact, members, history), 1)
        ratios.append(ratio)
        details.append(f"{size} members: large-round method reaches {ratio:.4f} of the optimum "
                       f"({large_seconds * 1000:.0f} ms vs exact {exact_seconds * 1000:.0f} ms).")
    members = random_participants(big, seed=big)
    history = random_history(members, rounds=6, seed=big)
    began = time.perf_counter()
    result = pair(members, history, seed=1)
    seconds = time.perf_counter() - began
    _check(result, members)
    details.append(f"{big:,} members with six earlier rounds of history: {seconds:.2f} s ({result.method}).")
    worst = min(ratios)
    return Result(
        name=f"Pairing ({big:,} members; quality vs exact)",
        figure=f"{seconds:.2f} s; quality ≥ {worst:.4f} of optimum",
        target="< 2 s; ≥ 0.99",
        met=seconds < 2 and worst >= 0.99,
        details=details,
    )
