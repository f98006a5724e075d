"""How good a pairing of two members is, as a small integer.

Matching maximises the sum of these weights, so everything a good round needs is
folded into one integer per pair, in tiers that never trade against each other:

0. **Left out last time.** A member nobody they may meet was free for last round
   was told they come first, so each such member a pairing places earns the
   ``cover`` tier, larger than everything below adds up to over a whole round:
   among pairings that place as many members, one that places them wins, even
   at the cost of a repeat (being left out twice is worse than meeting again).
1. **Fresh or repeat.** A pair that was never grouped before earns the ``fresh``
   tier. It is larger than everything the other terms can add up to over a whole
   round, so the matcher repeats a pair only when no pairing without that repeat
   exists (a cooldown as a penalty, not a ban: small groups are never left
   unmatched).
2. **How long ago** a repeated pair last met (``age``, capped at :data:`AGE_LEVELS`
   rounds): among unavoidable repeats, the least recent one is chosen. It too
   outweighs every quality difference a round can produce.
3. **Quality** (0 … :data:`QUALITY_MAX`): shared free time in UTC, close levels,
   compatible role preferences, and a bonus for members who sat out or were in the
   triad last time (the bonus decides who is left over when the count is odd).

Only a handful of distinct values appear (the quality scale has 26 steps and each
tier adds a constant). That matters: networkx's blossom runs an order of magnitude
faster on a few integer weight levels than on varied floats, and integers keep the
result exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from bot.mock.availability import ALL_SLOTS, SLOT_MINUTES


class Role(StrEnum):
    """What a member would like to do in a mock interview."""

    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"
    EITHER = "either"


class Level(IntEnum):
    JUNIOR = 0
    MID = 1
    SENIOR = 2
    STAFF = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level:
        return cls[text.strip().upper()]


@dataclass(frozen=True, slots=True)
class Participant:
    """One member taking part in a round, as matching sees them."""

    user_id: int
    role: Role = Role.EITHER
    level: Level = Level.MID
    slots: int = ALL_SLOTS  # free time as a UTC quarter-hour mask (see availability.py)
    priority: bool = False  # sat out or was in the triad last round
    left_out: bool = False  # the last round could not place them: placed before anyone else is left out


# (low user id, high user id) -> rounds since that pair was last grouped (1 = the previous round).
History = Mapping[tuple[int, int], int]


def pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


# Shared free time: at least 4 h → 9, 2 h → 8, 1 h (one interview) → 6, 30 min → 3, else 0.
OVERLAP_STEPS: tuple[tuple[int, int], ...] = (
    (240 // SLOT_MINUTES, 9),
    (120 // SLOT_MINUTES, 8),
    (60 // SLOT_MINUTES, 6),
    (30 // SLOT_MINUTES, 3),
)
OVERLAP_MAX = 9
LEVEL_SCORE = (3, 2, 1, 0)  # by |level difference|
ROLE_MAX = 3
PRIORITY_BONUS = 5  # per member who sat out or was in the triad last time
QUALITY_MAX = OVERLAP_MAX + LEVEL_SCORE[0] + ROLE_MAX + 2 * PRIORITY_BONUS
AGE_LEVELS = 12  # repeats older than this many rounds all count as "least recent"


def overlap_score(shared_slots: int) -> int:
    for threshold, score in OVERLAP_STEPS:
        if shared_slots >= threshold:
            return score
    return 0


def role_score(a: Role, b: Role) -> int:
    """Interviewer with candidate is ideal; "either" fits anyone; two of a kind fit poorly."""
    if Role.EITHER in (a, b):
        return 2
    return ROLE_MAX if a != b else 0


def quality(a: Participant, b: Participant) -> int:
    """The third tier: 0 … QUALITY_MAX."""
    score = overlap_score((a.slots & b.slots).bit_count())
    score += LEVEL_SCORE[abs(a.level - b.level)]
    score += role_score(a.role, b.role)
    score += PRIORITY_BONUS * (a.priority + b.priority)
    return score


# Lookup tables for the hot loop of large rounds (same values as the functions above).
OVERLAP_TABLE: tuple[int, ...] = tuple(overlap_score(n) for n in range(OVERLAP_STEPS[0][0] + 1))


def kind_of(p: Participant) -> int:
    """A small integer standing for (level, role, priority): what quality needs besides time."""
    return (int(p.level) * 3 + list(Role).index(p.role)) * 2 + int(p.priority)


def _kind_table() -> tuple[tuple[int, ...], ...]:
    kinds = [Participant(0, role, level, 0, prio) for level in Level for role in Role for prio in (False, True)]
    assert [kind_of(k) for k in kinds] == list(range(len(kinds)))
    return tuple(tuple(quality(a, b) for b in kinds) for a in kinds)


@dataclass(frozen=True, slots=True)
class Scale:
    """Tier multipliers for a round of ``size`` members (they grow with the round)."""

    age: int
    fresh: int
    cover: int

    @classmethod
    def for_size(cls, size: int) -> Scale:
        edges = size // 2 + 2  # the pairs, plus the two extra edges of a triad
        # Any two matchings' quality sums differ by less than `age`...
        age = edges * QUALITY_MAX + 1
        # ...and their age sums (times `age`) plus quality by less than `fresh`.
        fresh = (edges * AGE_LEVELS + 1) * age
        # ...and everything below, over a whole round, by less than `cover`.
        cover = (edges + 1) * (fresh + age * (AGE_LEVELS + 1) + QUALITY_MAX) + 1
        return cls(age=age, fresh=fresh, cover=cover)


KIND_TABLE = _kind_table()  # quality of two members with no shared time, by kind


def _base_weight(a: Participant, b: Participant, history: History, scale: Scale) -> int:
    """Fresh-or-repeat, age and quality: every tier but ``cover``."""
    ago = history.get(pair_key(a.user_id, b.user_id))
    if ago is None:
        return scale.fresh + scale.age * (AGE_LEVELS + 1) + quality(a, b)
    return scale.age * max(1, min(ago, AGE_LEVELS)) + quality(a, b)


def edge_weight(a: Participant, b: Participant, history: History, scale: Scale) -> int:
    """The blossom weight of pairing ``a`` with ``b``: tiers, then quality."""
    return scale.cover * (a.left_out + b.left_out) + _base_weight(a, b, history, scale)


def join_weight(x: Participant, a: Participant, b: Participant, history: History, scale: Scale) -> int:
    """What ``x`` adds by joining the pair ``a``-``b`` as the third member of the triad.

    Priority bonuses reward being in a proper *pair*: ``x`` earns none for joining,
    and a pair that takes in a third member gives its own bonuses back, so members
    who sat out or were in the triad last time are kept out of this one. The ``cover``
    tier only asks that a member left out last time is placed, so ``x`` earns it once
    for joining, and ``a`` and ``b`` keep theirs (counted with their pair).
    """
    bonus = PRIORITY_BONUS * (2 * x.priority + 2 * a.priority + 2 * b.priority)
    return (_base_weight(x, a, history, scale) + _base_weight(x, b, history, scale) - bonus
            + scale.cover * x.left_out)


def round_weight(groups: tuple[tuple[int, ...], ...] | list[tuple[int, ...]], participants: list[Participant],
                 history: History, scale: Scale | None = None) -> int:
    """The objective of a whole round: pair weights, and for the triad its best pair plus the join."""
    by_id = {p.user_id: p for p in participants}
    scale = scale or Scale.for_size(len(participants))
    total = 0
    for group in groups:
        members = [by_id[i] for i in group]
        if len(members) == 2:
            total += edge_weight(members[0], members[1], history, scale)
        else:
            total += max(
                edge_weight(members[i], members[j], history, scale)
                + join_weight(members[3 - i - j], members[i], members[j], history, scale)
                for i, j in ((0, 1), (0, 2), (1, 2))
            )
    return total


@dataclass(frozen=True)
class Score:
    """What a set of groups achieved; compare ``repeats`` first, then ``age``, then ``quality``.

    Every pair inside a group counts (a triad has three). ``weight`` is the sum of
    :func:`edge_weight` over the same pairs, the quantity matching maximises.
    """

    pairs: int
    repeats: int
    age: int
    quality: int
    weight: int


def evaluate(groups: list[tuple[int, ...]] | tuple[tuple[int, ...], ...], participants: list[Participant],
             history: History, scale: Scale | None = None) -> Score:
    """Score ``groups`` of user ids (used by tests and benchmarks)."""
    by_id = {p.user_id: p for p in participants}
    scale = scale or Scale.for_size(len(participants))
    pairs = repeats = age = total_quality = weight = 0
    for group in groups:
        for i, left in enumerate(group):
            for right in group[i + 1:]:
                a, b = by_id[left], by_id[right]
                pairs += 1
                ago = history.get(pair_key(left, right))
                if ago is not None:
                    repeats += 1
                    age += max(1, min(ago, AGE_LEVELS))
                total_quality += quality(a, b)
                weight += edge_weight(a, b, history, scale)
    return Score(pairs=pairs, repeats=repeats, age=age, quality=total_quality, weight=weight)
