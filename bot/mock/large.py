"""Pairing for big rounds: candidate lists, a scarcity-aware greedy, then improving chains.

networkx's blossom is exact, but in pure Python it needs about 1 s for 150 members
and 10 s for 400 with our weights, and even on a sparse graph seconds for a
thousand; rounds above :data:`bot.mock.matching.EXACT_LIMIT` use this instead.
The objective is the same integer weight (:mod:`bot.mock.weights`):

1. **Candidates.** Up to :data:`EXHAUSTIVE_LIMIT` members every pair is weighed
   (about 0.4 µs a pair) and each member keeps its best :data:`CANDIDATES`.
   Beyond that, members are indexed by (level, 3-hour block of the UTC week they
   are free in); each member draws :data:`DRAWS` candidates, mostly of its own
   level sharing its free blocks, some of adjacent levels, a few uniformly, and
   keeps the best of those. The lists are then made symmetric.
2. **Greedy.** Candidate edges are taken heaviest first; among equal weights the
   edge whose end has the fewest equally good options goes first, so members with
   rare good partners are served before those with many (the Karp-Sipser idea).
   Anyone left over is paired by weight among themselves.
3. **Improving chains.** From each member that could fit better (its partner's
   priority bonus aside), try alternating chains over the candidate lists: ``a``
   takes ``c``, ``c``'s partner ``d`` takes ``e``, ..., and the last one left pairs
   with ``a``'s old partner (or becomes the odd one out). A chain is applied only
   if it raises the total weight. A queue re-examines only members whose
   neighbourhood changed; a move budget (a count, never a clock) bounds the work,
   so the result is deterministic.

Every step keeps each member in exactly one pair, and every change strictly raises
the total weight, so the weight tiers still rule: a repeat is created only to
remove a worse one.

Measured on realistic synthetic rounds (:mod:`benchmarks.pairing_sample`, 8 rounds of
history): quality 0.99-1.0 of the exact optimum at 50, 200 and 400 members with the
same number of repeats, and 5,000 members in about 1.3 s on one core.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterable, Sequence, Set

from bot.mock.weights import (
    AGE_LEVELS,
    KIND_TABLE,
    OVERLAP_TABLE,
    PRIORITY_BONUS,
    History,
    Participant,
    Scale,
    kind_of,
    pair_key,
)

CANDIDATES = 12  # best candidates kept per member
DRAWS = 48  # candidates drawn and weighed per member
MOVES_PER_MEMBER = 4  # local-search moves at most, per member
EXHAUSTIVE_LIMIT = 1000  # up to this many members: weigh every pair, search deeper
# (steps of an improving chain, candidates tried per step after the first): 1 step is a
# 2-opt swap, 2 a three-pair rotation. Deeper for rounds that can afford it.
DEEP_SEARCH = (4, 6)
FAST_SEARCH = (3, 4)
BLOCK_SLOTS = 12  # 3-hour blocks for the candidate index
RUN = 4  # candidates taken together from one shuffled pool (fewer random draws)

WeightFn = Callable[[int, int], int]


def weight_function(ordered: Sequence[Participant], history: History, scale: Scale,
                    forbidden: Set[tuple[int, int]] = frozenset()) -> WeightFn:
    """``edge_weight`` on indices into ``ordered``, with lookups precomputed for speed.

    A ``forbidden`` pair (user ids) weighs far below any allowed one, so the search only
    keeps it when nothing else is left; :func:`bot.mock.matching._finish` then undoes it.
    """
    slots = [p.slots for p in ordered]
    kinds = [kind_of(p) for p in ordered]
    position = {p.user_id: i for i, p in enumerate(ordered)}
    met: list[dict[int, int]] = [{} for _ in ordered]
    for (a, b), ago in history.items():
        i, j = position.get(a), position.get(b)
        if i is not None and j is not None:
            level = scale.age * max(1, min(ago, AGE_LEVELS))
            met[i][j] = met[j][i] = level
    fresh = scale.fresh + scale.age * (AGE_LEVELS + 1)
    top = len(OVERLAP_TABLE) - 1
    overlap, table = OVERLAP_TABLE, KIND_TABLE

    def weight(i: int, j: int) -> int:
        shared = (slots[i] & slots[j]).bit_count()
        quality = overlap[shared if shared < top else top] + table[kinds[i]][kinds[j]]
        return quality + met[i].get(j, fresh)

    if any(p.left_out for p in ordered):  # rare, so the common round keeps the lean function
        cover = [scale.cover * p.left_out for p in ordered]
        base = weight

        def weight(i: int, j: int) -> int:
            return cover[i] + cover[j] + base(i, j)

    if not forbidden:
        return weight
    banned = {(position[a], position[b]) for a, b in forbidden if a in position and b in position}
    banned |= {(j, i) for i, j in banned}
    penalty = -4 * fresh

    def constrained(i: int, j: int) -> int:
        return penalty if (i, j) in banned else weight(i, j)

    return constrained


def _blocks(slots: int) -> list[int]:
    mask = (1 << BLOCK_SLOTS) - 1
    return [b for b in range(slots.bit_length() // BLOCK_SLOTS + 1) if slots >> (b * BLOCK_SLOTS) & mask]


def _best(i: int, others: Iterable[int], weight: WeightFn, keep: int) -> list[tuple[int, int]]:
    """The ``keep`` heaviest ``(weight, j)``, best first (ties: higher index first, deterministic)."""
    weighed = [(weight(i, j), j) for j in others if j != i]
    weighed.sort(reverse=True)
    return weighed[:keep]


def _drawn(ordered: Sequence[Participant], rng: random.Random, draws: int) -> list[set[int]]:
    """For each member, ``draws`` candidates likely to fit: same or near level, shared UTC blocks."""
    n = len(ordered)
    member_blocks = [_blocks(p.slots) for p in ordered]
    index: dict[tuple[int, int], list[int]] = {}
    for i, blocks in enumerate(member_blocks):
        for block in blocks:
            index.setdefault((int(ordered[i].level), block), []).append(i)
    for pool in index.values():  # shuffled once, so any run of neighbours is a random sample
        rng.shuffle(pool)
    same, near = draws * 3 // 5 // RUN, draws // 4 // RUN
    draw = rng.random
    result: list[set[int]] = []
    for i, member in enumerate(ordered):
        level = int(member.level)
        drawn: set[int] = set()
        for levels, runs in (((level,), same), ((level - 1, level + 1), near)):
            pools = [index[(lv, b)] for lv in levels for b in member_blocks[i] if (lv, b) in index]
            for _ in range(runs if pools else 0):
                pool = pools[int(draw() * len(pools))]
                start = int(draw() * len(pool))
                drawn.update(pool[start:start + RUN])
        while len(drawn) < draws and len(drawn) < n - 1:  # the rest uniformly (also covers "no time given")
            drawn.add(int(draw() * n))
        drawn.discard(i)
        result.append(drawn)
    return result


def candidate_lists(
    ordered: Sequence[Participant], weight: WeightFn, rng: random.Random, *, keep: int, draws: int
) -> list[list[tuple[int, int]]]:
    """For each member, their best ``keep`` candidates as ``(weight, index)``, best first.

    Up to :data:`EXHAUSTIVE_LIMIT` members every pair is weighed (cheap; it is the
    blossom that is slow), so the lists are the true best; beyond, ``draws``
    targeted candidates per member are weighed.
    """
    n = len(ordered)
    if n <= EXHAUSTIVE_LIMIT:
        everyone = range(n)
        lists = [_best(i, everyone, weight, keep) for i in range(n)]
    else:
        lists = [_best(i, drawn, weight, keep) for i, drawn in enumerate(_drawn(ordered, rng, draws))]
    # Make the lists symmetric: if j is among i's best, i is a candidate of j too.
    extra: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for i, best in enumerate(lists):
        for w, j in best:
            extra[j].append((w, i))
    for j in range(n):
        have = {k for _, k in lists[j]}
        lists[j].extend(item for item in extra[j] if item[1] not in have)
        lists[j].sort(reverse=True)
    return lists


def _greedy(n: int, lists: list[list[tuple[int, int]]], weight: WeightFn) -> list[int]:
    """Heaviest edges first; among equals, members with fewer equally good options first."""
    options = [sum(1 for w, _ in best if w == best[0][0]) if best else 0 for best in lists]
    order = []
    for i, best in enumerate(lists):  # the lists are symmetric: take each edge from its lower end
        scarce_i = options[i]
        for w, j in best:
            if i < j:
                order.append((-w, scarce_i if scarce_i < options[j] else options[j], i, j))
    order.sort()
    mate = [-1] * n
    for _, _, i, j in order:
        if mate[i] < 0 and mate[j] < 0:
            mate[i], mate[j] = j, i
    free = [i for i in range(n) if mate[i] < 0]
    # Few are left; pair them by weight among themselves (at most a few hundred pairs weighed).
    if len(free) > 1:
        pool = sorted((-weight(a, b), a, b) for x, a in enumerate(free) for b in free[x + 1:])
        for _, a, b in pool:
            if mate[a] < 0 and mate[b] < 0:
                mate[a], mate[b] = b, a
    return mate


class _Search:
    """Improving alternating chains over the candidate lists, applied in place to ``mate``.

    From a member ``a`` paired with ``b`` (or unmatched, in an odd round): ``a`` takes
    a candidate ``c``, whose partner ``d`` now needs someone; ``d`` takes ``e``,
    whose partner ``f`` needs someone, and so on for up to ``depth`` steps; the
    last member left alone pairs with ``b`` (or stays the odd one out). A chain is
    applied when it increases the total weight. Depth 1 is the classic 2-opt swap.
    """

    def __init__(
        self, mate: list[int], lists: list[list[tuple[int, int]]], weight: WeightFn, bonus: list[int],
        search: tuple[int, int],
    ) -> None:
        self.mate, self.lists, self.weight = mate, lists, weight
        self.depth, self.breadth = search
        self.current = [weight(i, m) if m >= 0 else 0 for i, m in enumerate(mate)]
        # A partner's priority bonus is theirs wherever they go: it says nothing about fit.
        self.bonus = bonus
        self.best = [max((w - bonus[j] for w, j in best), default=0) for best in lists]

    def deficient(self, a: int) -> bool:
        """Could ``a`` fit better with one of its candidates (or is it unmatched)?"""
        b = self.mate[a]
        return b < 0 or self.best[a] > self.current[a] - self.bonus[b]

    def improve(self, a: int) -> tuple[int, ...]:
        """Try chains from ``a``; return the members whose partner changed (empty if none)."""
        b = self.mate[a]
        if b >= 0:
            b_best = max(self.lists[b][0][0], self.current[a]) if self.lists[b] else self.current[a]
        else:
            b_best = 0
        path: list[tuple[int, int]] = []
        visited = {a, b}
        end = self._extend(a, b, -self.current[a] if b >= 0 else 0, b_best, path, visited, 1)
        if end is None:
            return ()
        last, closing, w_close = end
        changed = [a] + ([b] if b >= 0 else [])
        for x, y in path:
            self.mate[x], self.mate[y] = y, x
            self.current[x] = self.current[y] = self.weight(x, y)
            changed.extend((x, y))
        if b >= 0:
            self.mate[last], self.mate[b] = b, last
            self.current[last] = self.current[b] = w_close
        else:
            self.mate[last], self.current[last] = -1, 0
        changed.append(last)
        return tuple(dict.fromkeys(changed))

    def _extend(
        self, x: int, b: int, gain: int, b_best: int, path: list[tuple[int, int]], visited: set[int], depth: int
    ) -> tuple[int, int, int] | None:
        mate, current = self.mate, self.current
        options = self.lists[x][: 2 * CANDIDATES if depth == 1 else self.breadth]
        for w_xy, y in options:
            z = mate[y]
            if z < 0 or y in visited or z in visited:
                continue
            g = gain + w_xy - current[y]
            if g + b_best <= 0:
                continue  # even b's best partner could not make this chain pay
            path.append((x, y))
            if b >= 0:
                w_zb = self.weight(z, b)
                if g + w_zb > 0:
                    return z, b, w_zb
            elif g > 0:
                return z, -1, 0
            if depth < self.depth:
                visited.update((y, z))
                found = self._extend(z, b, g, b_best, path, visited, depth + 1)
                if found is not None:
                    return found
                visited.difference_update((y, z))
            path.pop()
        return None


def _improve(
    n: int, mate: list[int], lists: list[list[tuple[int, int]]], weight: WeightFn, bonus: list[int],
    *, search: tuple[int, int], budget: int,
) -> int:
    """Apply improving chains until none is found (or ``budget`` moves); return the moves made.

    Members are examined from a queue ("don't look" bits): a member is examined
    again only when its own pair or a candidate's pair changed. The budget is a
    count, not a time, so results stay deterministic.
    """
    chains = _Search(mate, lists, weight, bonus, search)
    queue = deque(i for i in range(n) if chains.deficient(i))
    queued = set(queue)
    moves = 0
    while queue and moves < budget:
        a = queue.popleft()
        queued.discard(a)
        if not chains.deficient(a):
            continue
        changed = chains.improve(a)
        if not changed:
            continue
        moves += 1
        for member in changed:
            for other in (member, *(j for _, j in lists[member])):
                if other not in queued and chains.deficient(other):
                    queued.add(other)
                    queue.append(other)
    return moves


def match_large(
    ordered: Sequence[Participant], history: History, scale: Scale, seed: int,
    *, keep: int = CANDIDATES, draws: int = DRAWS, moves_per_member: int = MOVES_PER_MEMBER,
    forbidden: Set[tuple[int, int]] = frozenset(),
) -> set[tuple[int, int]]:
    """Index pairs of a near-optimal maximum-cardinality matching of ``ordered``."""
    n = len(ordered)
    weight = weight_function(ordered, history, scale, forbidden)
    lists = candidate_lists(ordered, weight, random.Random(seed), keep=keep, draws=draws)
    mate = _greedy(n, lists, weight)
    # Both bonuses are the member's own wherever they go; neither says how well a pair fits.
    bonus = [PRIORITY_BONUS * p.priority + scale.cover * p.left_out for p in ordered]
    search = DEEP_SEARCH if n <= EXHAUSTIVE_LIMIT else FAST_SEARCH
    _improve(n, mate, lists, weight, bonus, search=search, budget=moves_per_member * n)
    return {pair_key(i, mate[i]) for i in range(n) if mate[i] > i}
