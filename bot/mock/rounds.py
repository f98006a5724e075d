"""Planning a round: who takes part, the matching, each group's roles and prompt, and suggested times.

Pure functions over what the repository read, so the whole plan is deterministic for a
given seed and can be checked without Discord.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.content.models import Prompt
from bot.mock.availability import ALL_SLOTS, parse_availability, suggested_times, utc_slots, week_start
from bot.mock.matching import pair
from bot.mock.models import Signup
from bot.mock.weights import AGE_LEVELS, History, Level, Participant, Role, pair_key

HISTORY_ROUNDS = AGE_LEVELS


@dataclass(frozen=True)
class PlannedGroup:
    position: int
    members: tuple[tuple[int, str], ...]  # (user id, role), interviewer first
    prompt_id: str


@dataclass(frozen=True)
class Plan:
    groups: tuple[PlannedGroup, ...]
    method: str
    unmatched: tuple[int, ...] = ()  # nobody they may be paired with took part (exclusions)


def eligible(signups: Iterable[Signup], busy: Set[int], gone: Set[int] = frozenset(),
             key: str | None = None) -> list[Signup]:
    """Who the round keyed ``key`` groups: active sign-ups not sitting it out (still pausing, or it is the round
    their pause was used on), not busy in another open round, and not among the members Discord just said are
    ``gone`` from the server."""
    return [s for s in signups if s.skip_rounds == 0 and (key is None or s.sat_out != key)
            and s.user_id not in busy and s.user_id not in gone]


def gone_from(candidates: Iterable[int], present: Set[int] | None) -> frozenset[int]:
    """The candidates Discord did not find in the server; nobody when the check could not be made (``None``)."""
    return frozenset() if present is None else frozenset(c for c in candidates if c not in present)


def participant(signup: Signup, reference: datetime, priority: bool, left_out: bool = False) -> Participant:
    try:
        slots = utc_slots(parse_availability(signup.availability), ZoneInfo(signup.timezone), reference)
    except Exception:  # a stored text that no longer parses should never stop a round
        slots = ALL_SLOTS
    return Participant(signup.user_id, Role(signup.role), Level.parse(signup.level), slots, priority or left_out,
                       left_out)


def history_of(rounds_newest_first: Sequence[int], rows: Iterable[tuple[int, int, int]]) -> History:
    """(round id, group id, user id) rows → rounds since each pair last met (1 = the previous round)."""
    age = {round_id: index + 1 for index, round_id in enumerate(rounds_newest_first)}
    groups: dict[int, tuple[int, list[int]]] = {}
    for round_id, group_id, user_id in rows:
        groups.setdefault(group_id, (round_id, []))[1].append(user_id)
    history: dict[tuple[int, int], int] = {}
    for round_id, members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                key = pair_key(a, b)
                history[key] = min(history.get(key, 10**6), age[round_id])
    return history


def assign_roles(group: Sequence[int], counts: dict[int, tuple[int, int, str | None]],
                 preferences: dict[int, str]) -> tuple[tuple[int, str], ...]:
    """Interviewer first: a member who asked to practise interviewing before one who did not, and one who asked
    to practise answering last; among equal wishes, whoever has interviewed least (net of being interviewed).

    The wish comes first because matching pairs an interviewer's wish with a candidate's for it: weighed against
    history, the second round would swap such a pair into the parts neither asked for. Between equal wishes
    (``either`` with ``either``, say) this alternates each member's role. In a triad the member who has had the
    most turns (as interviewer or candidate) observes, one without a wish before one with: observing is no turn,
    so the part passes round, and a wish to practise a part does not make its member the observer for good.
    """
    wish = {"interviewer": -1, "candidate": 1}

    def wished(user_id: int) -> int:
        return wish.get(preferences.get(user_id, ""), 0)

    def lean(user_id: int) -> tuple[int, int, int, int]:
        asked, answered, last = counts.get(user_id, (0, 0, None))
        return (wished(user_id), asked - answered, int(last == "interviewer"), user_id)

    def turns(user_id: int) -> int:
        asked, answered, _last = counts.get(user_id, (0, 0, None))
        return asked + answered

    ordered = sorted(group, key=lean)
    if len(ordered) == 3:
        observer = max(ordered, key=lambda user_id: (turns(user_id), wished(user_id) == 0, lean(user_id)))
        ordered = [user_id for user_id in ordered if user_id != observer] + [observer]
    roles = ("interviewer", "candidate", "observer")
    return tuple((user_id, roles[index]) for index, user_id in enumerate(ordered))


def choose_prompt(members: Sequence[int], prompts: Sequence[Prompt], daily_seen: set[str],
                  mock_seen: Mapping[int, Mapping[str, int]], taken: set[str], rng: random.Random) -> str:
    """A prompt none of the members has met (as a daily prompt or an earlier mock), else the one they met longest
    ago: once a small pool is used up, a member is never handed, at random, the prompt of the round before.

    ``mock_seen``: member -> prompt -> the number of the latest round they met it in."""
    met = {i: max((mock_seen.get(m, {}).get(i, 0) for m in members), default=0) for i in (p.id for p in prompts)}
    theirs = {i for i, number in met.items() if number}
    ids = sorted(met)
    for pool in ([i for i in ids if i not in daily_seen | theirs | taken],
                 [i for i in ids if i not in theirs | taken],
                 [i for i in ids if i not in theirs]):
        if pool:
            return rng.choice(pool)
    fresh = [i for i in ids if i not in taken] or ids  # another group's prompt this round only when none is left
    if not fresh:
        raise ValueError("there are no prompts in the content packs")
    oldest = min(met[i] for i in fresh)
    return rng.choice([i for i in fresh if met[i] == oldest])


def plan_round(signups: Sequence[Signup], history: History, *, triad_last: set[int],
               counts: dict[int, tuple[int, int, str | None]], prompts: Sequence[Prompt], daily_seen: set[str],
               mock_seen: Mapping[int, Mapping[str, int]], seed: int, reference: datetime,
               forbidden: Set[tuple[int, int]] = frozenset(), owed_first: Set[int] = frozenset()) -> Plan:
    """Group ``signups``. Members in last round's triad get the small priority bonus; members an earlier
    round could not place and none has placed since (``owed_first``, who were told they come first) get it
    too, and are placed before anyone else is left out."""
    participants = [participant(s, reference, s.user_id in triad_last, s.user_id in owed_first)
                    for s in signups]
    pairing = pair(participants, history, seed, forbidden=forbidden)
    preferences = {s.user_id: s.role for s in signups}
    rng = random.Random(seed)
    taken: set[str] = set()
    groups = []
    for position, group in enumerate(pairing.groups, start=1):
        prompt_id = choose_prompt(group, prompts, daily_seen, mock_seen, taken, rng)
        taken.add(prompt_id)
        groups.append(PlannedGroup(position, assign_roles(group, counts, preferences), prompt_id))
    return Plan(tuple(groups), pairing.method, pairing.unmatched)


SUGGESTED = 3  # times offered to a group


def shared_times(signups: Sequence[Signup], after: datetime, before: datetime,
                 min_minutes: int = 60) -> list[tuple[datetime, datetime]]:
    """Stretches of at least ``min_minutes`` (the group's interview) when every member of a group is free,
    between ``after`` and ``before``: shorter ones would take the places of those an interview fits in.

    Each week is read with that week's offsets: free from 18:00 in New York is 23:00 UTC before the
    clocks change in March and 22:00 after, so a round across the change is not offered an hour off."""
    found: list[tuple[datetime, datetime]] = []
    week = week_start(after)
    while week < before and len(found) < SUGGESTED:
        mask = ALL_SLOTS
        for signup in signups:
            mask &= participant(signup, max(after, week), False).slots
        found += suggested_times(mask, max(after, week), min(before, week + timedelta(days=7)),
                                 limit=SUGGESTED - len(found), min_minutes=min_minutes)
        week += timedelta(days=7)
    return found
