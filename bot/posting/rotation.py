"""Which prompt a guild gets next: a stored, seeded shuffle with no repeats within a cycle.

The order of a cycle is the guild's eligible prompt ids, sorted, then shuffled with
the cycle's stored seed, so a restart (or a second process) computes the same order.
A prompt posted or skipped in the cycle is used up; when nothing is left, a new cycle
starts with a fresh seed. Prompts added mid-cycle (a moderator's own, a new pack
version) simply take their shuffled place among those not yet used.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from bot.seeds import stable_seed

LOW_WATER = 7  # moderators are warned when fewer than this many prompts remain in a cycle


def cycle_seed(guild_id: int, cycle: int) -> int:
    """A seed that differs per guild and per cycle."""
    return stable_seed("daily", guild_id, cycle)


def cycle_order(eligible: Iterable[str], seed: int) -> list[str]:
    order = sorted(set(eligible))
    random.Random(seed).shuffle(order)
    return order


@dataclass(frozen=True)
class RotationState:
    cycle: int
    seed: int
    order: tuple[str, ...]       # the whole cycle, shuffled
    used: frozenset[str]         # posted or skipped in this cycle

    @property
    def remaining(self) -> list[str]:
        return [prompt_id for prompt_id in self.order if prompt_id not in self.used]

    @property
    def low(self) -> bool:
        return len(self.remaining) < LOW_WATER

    def upcoming(self, count: int) -> list[str]:
        """The next ``count`` prompt ids, continuing into the next cycle's order when needed."""
        ids = self.remaining[:count]
        if len(ids) < count and self.order:
            following = cycle_order(self.order, cycle_seed_after(self))
            ids += following[: count - len(ids)]
        return ids


def cycle_seed_after(state: RotationState) -> int:
    """The seed the guild's next cycle will use (derived, so previews match what is posted)."""
    return state.seed ^ cycle_seed(0, state.cycle + 1)


def seed_of_cycle(guild_id: int, cycle: int) -> int:
    """The seed ``cycle`` has in a guild whose first cycle was seeded with :func:`cycle_seed` (each next one
    with :func:`cycle_seed_after`): a schedule set up again after its removal goes on with its rotation."""
    seed = cycle_seed(guild_id, 1)
    for number in range(2, cycle + 1):
        seed ^= cycle_seed(0, number)
    return seed


def state_of(cycle: int, seed: int, eligible: Iterable[str], used: Iterable[str]) -> RotationState:
    order = cycle_order(eligible, seed)
    used_here = frozenset(used) & frozenset(order)
    return RotationState(cycle, seed, tuple(order), used_here)
