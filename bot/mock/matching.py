"""Who meets whom: a maximum-weight matching over every possible pair, then one triad if needed.

The objective
    Each possible pair gets an integer weight from :mod:`bot.mock.weights`
    (fresh-vs-repeat tier, then how long ago a repeat met, then quality: shared
    free time in UTC, level closeness, role fit, priority). We look for a
    *maximum-cardinality* matching of maximum total weight: everybody is paired
    (one member is left over when the count is odd), no pair repeats while a
    repeat-free pairing exists, then the oldest repeats, then the best quality.

Exact (:func:`pair_exact`, used up to :data:`EXACT_LIMIT` members)
    networkx's ``max_weight_matching(maxcardinality=True)`` (Edmonds' blossom
    algorithm, exact) on the complete graph. Its pure-Python cost grows roughly
    with the cube of the round: measured 0.04 s for 50 members, 0.3 s for 100,
    1 s for 150, 2 s for 200 and 10 s for 400. So the exact path stops at 150,
    and the round is computed in a worker thread so the bot keeps answering.

Large (:func:`pair_large`)
    Candidate lists, a scarcity-aware greedy and improving alternating chains
    (see :mod:`bot.mock.large`): at least 99 % of the exact optimum's quality
    with the same number of repeats on rounds of 50-400, and 5,000 members in
    well under 2 s.

The odd member
    With an odd count the matching leaves exactly one member unmatched (the
    priority bonus, counted only for members in a pair, makes it someone who was
    not left over last time). That member joins the pair where they add the most
    weight, so nobody is ever dropped and there is at most one triad. In small
    odd rounds (up to :data:`TRIAD_SEARCH_LIMIT`) every member is tried as the one
    left over and the best whole round is kept, triad pairs included.

Members who must never meet
    A member may exclude a few others. Such pairs are *hard* constraints: they are not
    edges of the graph at all, a triad never puts them together, and a member nobody
    allowed can be placed with sits the round out (``Pairing.unmatched``) rather than
    being paired against someone's wish. Such a member was told they come first in the
    next round they take part in, so ``Participant.left_out`` earns the top weight tier (``cover``): among
    pairings that place as many members, one that places them wins, and when members
    are left over here, theirs are placed first.

Determinism
    Inputs are sorted by user id, then shuffled with ``random.Random(seed)``; the
    graph is built in that order, so ties between equally good pairings are
    broken by the seed and the same seed and input always give the same groups.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass

import networkx as nx

from bot.mock.large import CANDIDATES, DRAWS, match_large
from bot.mock.weights import History, Participant, Scale, edge_weight, join_weight, pair_key

log = logging.getLogger(__name__)

EXACT_LIMIT = 150
TRIAD_SEARCH_LIMIT = 31


@dataclass(frozen=True)
class Pairing:
    """The groups of a round: pairs, plus one triad when the count was odd."""

    groups: tuple[tuple[int, ...], ...]
    method: str  # "exact" | "large" | "none"
    unmatched: tuple[int, ...] = ()  # fewer than two took part, or nobody allowed was left for them

    @property
    def triad(self) -> tuple[int, ...] | None:
        return next((g for g in self.groups if len(g) == 3), None)


def _ordered(participants: Iterable[Participant], seed: int) -> list[Participant]:
    """Sort by id (input order must not matter), then shuffle by seed (tie-breaking)."""
    ordered = sorted(participants, key=lambda p: p.user_id)
    ids = [p.user_id for p in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("a participant appears twice")
    random.Random(seed).shuffle(ordered)
    return ordered


Forbidden = Set[tuple[int, int]]  # pair_key(user id, user id) of members who must never meet


def _allowed(ordered: Sequence[Participant], forbidden: Forbidden, *indices: int) -> bool:
    ids = [ordered[i].user_id for i in indices]
    return not any(pair_key(a, b) in forbidden for k, a in enumerate(ids) for b in ids[k + 1:])


def _best_pair_for(x: int, pairs: Sequence[tuple[int, int]], ordered: Sequence[Participant],
                   history: History, scale: Scale, forbidden: Forbidden = frozenset(),
                   taken: Set[int] = frozenset()) -> tuple[int | None, int]:
    """Index into ``pairs`` of the allowed pair ``x`` adds most to, and that gain (first of equals)."""
    odd = ordered[x]
    best, gain = None, None
    for g, (a, b) in enumerate(pairs):
        if g in taken or not _allowed(ordered, forbidden, x, a, b):
            continue
        value = join_weight(odd, ordered[a], ordered[b], history, scale)
        if gain is None or value > gain:
            best, gain = g, value
    return best, gain or 0


def _finish(
    ordered: Sequence[Participant], mates: Iterable[tuple[int, int]], history: History, scale: Scale, method: str,
    forbidden: Forbidden = frozenset(),
) -> Pairing:
    """Turn matched index pairs into groups, adding the leftover member to the pair it suits best.

    A forbidden pair (only a heuristic can produce one) is undone; its members are placed
    like leftovers: with each other where allowed, else as a third member of an allowed pair.
    """
    pairs = sorted(pair_key(*pair) for pair in mates)
    pairs = [pair for pair in pairs if _allowed(ordered, forbidden, *pair)]
    matched = {i for pair in pairs for i in pair}
    # Members the last round left out are placed first (stable: seed order otherwise).
    leftover = sorted((i for i in range(len(ordered)) if i not in matched), key=lambda i: not ordered[i].left_out)
    if len(leftover) > 1:  # only exclusions (or a heuristic) leave more than one over
        log.info("matching left %d members over; placing them where allowed", len(leftover))
        while len(leftover) > 1:
            a = leftover[0]
            b = next((b for b in leftover[1:] if _allowed(ordered, forbidden, a, b)), None)
            if b is None:
                break
            pairs.append(pair_key(a, b))
            leftover = [i for i in leftover if i not in (a, b)]
    groups: list[tuple[int, ...]] = list(pairs)
    taken: set[int] = set()
    unmatched: list[int] = []
    for x in leftover:
        best, _ = _best_pair_for(x, pairs, ordered, history, scale, forbidden, taken)
        if best is None:
            unmatched.append(ordered[x].user_id)
            continue
        groups[best] = (*groups[best], x)
        taken.add(best)
    as_ids = sorted(tuple(sorted(ordered[i].user_id for i in group)) for group in groups)
    return Pairing(groups=tuple(as_ids), method=method, unmatched=tuple(sorted(unmatched)))


def _trivial(ordered: list[Participant]) -> Pairing | None:
    if len(ordered) >= 2:
        return None
    return Pairing(groups=(), method="none", unmatched=tuple(p.user_id for p in ordered))


def _blossom(graph: nx.Graph) -> set[tuple[int, int]]:
    return nx.max_weight_matching(graph, maxcardinality=True)


def _pairs_weight(graph: nx.Graph, mates: Iterable[tuple[int, int]]) -> int:
    return sum(graph[a][b]["weight"] for a, b in mates)


def pair_exact(participants: Iterable[Participant], history: History | None = None, seed: int = 0,
               *, forbidden: Forbidden = frozenset()) -> Pairing:
    """The optimal pairing (blossom on the complete graph); cubic, so for small rounds.

    With an odd count in a small round (up to :data:`TRIAD_SEARCH_LIMIT`), every
    member is tried as the one who joins a pair, and the best whole round wins: in
    small groups the triad's two extra pairs are what decides whether a repeat can
    be avoided.
    """
    history = history or {}
    ordered = _ordered(participants, seed)
    trivial = _trivial(ordered)
    if trivial is not None:
        return trivial
    n = len(ordered)
    scale = Scale.for_size(n)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(
        (i, j, edge_weight(a, ordered[j], history, scale)) for i, a in enumerate(ordered) for j in range(i + 1, n)
        if pair_key(a.user_id, ordered[j].user_id) not in forbidden
    )
    if n % 2 == 0 or n > TRIAD_SEARCH_LIMIT:
        return _finish(ordered, _blossom(graph), history, scale, "exact", forbidden)
    best: tuple[tuple[int, int], set[tuple[int, int]]] | None = None
    for x in range(n):  # seed order; the first of equal totals wins
        mates = _blossom(nx.restricted_view(graph, [x], []))
        pairs = sorted(pair_key(*pair) for pair in mates)
        joined, gain = _best_pair_for(x, pairs, ordered, history, scale, forbidden)
        # Most members placed first (exclusions can leave someone out), then the heaviest round.
        placed = 2 * len(pairs) + (joined is not None)
        total = (placed, _pairs_weight(graph, pairs) + gain)
        if best is None or total > best[0]:
            best = (total, mates)
    assert best is not None
    return _finish(ordered, best[1], history, scale, "exact", forbidden)


def pair_large(
    participants: Iterable[Participant], history: History | None = None, seed: int = 0,
    *, keep: int = CANDIDATES, draws: int = DRAWS, forbidden: Forbidden = frozenset(),
) -> Pairing:
    """Near-optimal pairing for big rounds: candidate lists, greedy, local search (see large.py)."""
    history = history or {}
    ordered = _ordered(participants, seed)
    trivial = _trivial(ordered)
    if trivial is not None:
        return trivial
    scale = Scale.for_size(len(ordered))
    mates = match_large(ordered, history, scale, seed, keep=keep, draws=draws, forbidden=forbidden)
    return _finish(ordered, mates, history, scale, "large", forbidden)


def pair(
    participants: Iterable[Participant], history: History | None = None, seed: int = 0,
    *, exact_limit: int = EXACT_LIMIT, forbidden: Forbidden = frozenset(),
) -> Pairing:
    """Pair a round: exact up to ``exact_limit`` members, sparse candidate graph beyond.

    ``forbidden`` pairs (exclusions) are never grouped, whichever method runs.
    """
    members = list(participants)
    if len(members) <= exact_limit:
        return pair_exact(members, history, seed, forbidden=forbidden)
    return pair_large(members, history, seed, forbidden=forbidden)
