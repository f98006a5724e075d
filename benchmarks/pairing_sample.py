"""Plausible synthetic rounds for tests, the demo and benchmarks.

Members of a real study group live in a few dozen zones and are free on weekday
evenings, weekend days or lunch breaks; level and role preferences are skewed
(most say "either"). A round built from such members exercises the matcher the way
production does: many good partners for most, few for people in lonely zones.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.mock.availability import Availability, Window, utc_slots
from bot.mock.weights import History, Level, Participant, Role, pair_key

REFERENCE = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

ZONES = (
    ("America/Los_Angeles", 8), ("America/Denver", 2), ("America/Chicago", 5), ("America/New_York", 10),
    ("America/Sao_Paulo", 3), ("Europe/London", 6), ("Europe/Berlin", 8), ("Europe/Warsaw", 3),
    ("Africa/Lagos", 2), ("Asia/Dubai", 2), ("Asia/Kolkata", 8), ("Asia/Kathmandu", 1), ("Asia/Singapore", 3),
    ("Asia/Shanghai", 3), ("Asia/Tokyo", 2), ("Australia/Sydney", 2), ("UTC", 1),
)
_PATTERNS: tuple[tuple[tuple[int, ...], int, int], ...] = (
    ((0, 1, 2, 3, 4), 18 * 60, 21 * 60),  # weekday evenings
    ((0, 1, 2, 3, 4), 19 * 60, 22 * 60),
    ((0, 2, 4), 17 * 60 + 30, 20 * 60),
    ((1, 3), 20 * 60, 23 * 60),
    ((0, 1, 2, 3, 4), 12 * 60, 13 * 60),  # lunch
    ((0, 1, 2, 3, 4), 7 * 60, 9 * 60),  # early mornings
    ((5,), 10 * 60, 14 * 60),  # weekends
    ((6,), 14 * 60, 18 * 60),
    ((5, 6), 9 * 60, 12 * 60),
)


def random_availability(rng: random.Random) -> Availability:
    """One to three typical weekly patterns, or (rarely) anytime."""
    if rng.random() < 0.03:
        return Availability.anytime()
    windows: set[Window] = set()
    for days, start, end in rng.sample(_PATTERNS, rng.choice((1, 1, 2, 2, 3))):
        shift = rng.choice((-60, 0, 0, 60))
        windows.update(Window(day, start + shift, end + shift) for day in days)
    return Availability(tuple(sorted(windows)))


def random_participants(count: int, seed: int = 0, *, reference: datetime = REFERENCE,
                        priority_share: float = 0.05) -> list[Participant]:
    """``count`` members with realistic zones, availability, levels and role preferences."""
    rng = random.Random(seed)
    zones = [name for name, _ in ZONES]
    zone_weights = [weight for _, weight in ZONES]
    members = []
    for index in range(count):
        zone = ZoneInfo(rng.choices(zones, zone_weights)[0])
        members.append(
            Participant(
                user_id=1_000 + index,
                role=rng.choices(list(Role), (2, 3, 5))[0],
                level=rng.choices(list(Level), (3, 4, 3, 1))[0],
                slots=utc_slots(random_availability(rng), zone, reference),
                priority=rng.random() < priority_share,
            )
        )
    return members


def history_from_rounds(rounds: list[tuple[tuple[int, ...], ...]]) -> dict[tuple[int, int], int]:
    """History as matching wants it from past rounds' groups, oldest round first."""
    history: dict[tuple[int, int], int] = {}
    for ago, groups in enumerate(reversed(rounds), start=1):
        for group in groups:
            for i, left in enumerate(group):
                for right in group[i + 1:]:
                    history.setdefault(pair_key(left, right), ago)
    return history


def random_history(participants: list[Participant], rounds: int, seed: int = 0) -> History:
    """History of ``rounds`` past rounds of random pairs among ``participants``."""
    rng = random.Random(seed)
    ids = [p.user_id for p in participants]
    past = []
    for _ in range(rounds):
        rng.shuffle(ids)
        past.append(tuple(tuple(ids[i:i + 2]) for i in range(0, len(ids) - 1, 2)))
    return history_from_rounds(past)
