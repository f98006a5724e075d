""""Never pair me with" as a hard constraint of the matcher, and the agreement rules (pure, no Discord)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.mock.agreement import agreed_option, parse_proposal, reminders_for, suggestion_starts
from bot.mock.matching import pair
from bot.mock.meeting_repository import TimeOption
from bot.mock.weights import Participant, pair_key


def _people(n: int) -> list[Participant]:
    return [Participant(user_id) for user_id in range(1, n + 1)]


@st.composite
def rounds_with_exclusions(draw: st.DrawFn) -> tuple[int, set[tuple[int, int]], int]:
    n = draw(st.integers(min_value=2, max_value=24))
    forbidden: set[tuple[int, int]] = set()
    for member in range(1, n + 1):  # each member excludes up to three others
        others = [o for o in range(1, n + 1) if o != member]
        for other in draw(st.lists(st.sampled_from(others), max_size=3, unique=True)):
            forbidden.add(pair_key(member, other))
    return n, forbidden, draw(st.integers(min_value=0, max_value=2**16))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds_with_exclusions())
def test_no_group_ever_holds_an_excluded_pair_and_nobody_else_is_dropped(case) -> None:
    n, forbidden, seed = case
    result = pair(_people(n), {}, seed, forbidden=forbidden)
    placed = [u for group in result.groups for u in group]
    assert sorted(placed + list(result.unmatched)) == list(range(1, n + 1))
    for group in result.groups:
        assert 2 <= len(group) <= 3
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                assert pair_key(a, b) not in forbidden
    if not forbidden:
        assert result.unmatched == ()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**16))
def test_the_large_matcher_honours_exclusions_too(seed: int) -> None:
    n = 160  # above the exact limit
    rng_pairs = {pair_key(1 + (seed + k) % n, 1 + (seed * 7 + 3 * k + 1) % n) for k in range(120)}
    forbidden = {p for p in rng_pairs if p[0] != p[1]}
    result = pair(_people(n), {}, seed, forbidden=forbidden, exact_limit=150)
    assert result.method == "large"
    for group in result.groups:
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                assert pair_key(a, b) not in forbidden


def test_over_many_rounds_an_excluded_pair_never_meets_while_others_rotate() -> None:
    history: dict[tuple[int, int], int] = {}
    met: set[tuple[int, int]] = set()
    for round_number in range(30):
        result = pair(_people(4), history, seed=round_number, forbidden={(1, 2)})
        history = {k: v + 1 for k, v in history.items()}
        for group in result.groups:
            assert not {1, 2} <= set(group)
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    met.add(pair_key(a, b))
                    history[pair_key(a, b)] = 1
    # 3 and 4 could only meet if 1 and 2 did, so the two allowed pairings alternate.
    assert met == {(1, 3), (1, 4), (2, 3), (2, 4)}


# -- agreement ------------------------------------------------------------------------------------
NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)  # a Monday
END = NOW + timedelta(days=6, hours=12)


def option(option_id: int, hours: float) -> TimeOption:
    return TimeOption(option_id, 1, NOW + timedelta(hours=hours), None, "agree", None)


def test_the_earliest_time_everyone_accepted_is_agreed() -> None:
    times = [option(1, 5), option(2, 10), option(3, 20)]
    assert agreed_option(times, {1: {7}, 2: {7, 8}, 3: {7, 8}}, [7, 8]) == times[1]
    assert agreed_option(times, {1: {7}, 3: {8}}, [7, 8]) is None
    assert agreed_option(times, {2: {7, 8}}, [7, 8, 9]) is None  # a trio needs all three


@pytest.mark.parametrize(("text", "zone", "expected"), [
    ("Thu 18:30", "Europe/Berlin", datetime(2026, 3, 5, 17, 30, tzinfo=UTC)),
    ("thursday 18.30", "America/New_York", datetime(2026, 3, 5, 23, 30, tzinfo=UTC)),
    ("tomorrow 07:45", "Asia/Kolkata", datetime(2026, 3, 3, 2, 15, tzinfo=UTC)),
    ("2026-03-08 10:00", "UTC", datetime(2026, 3, 8, 10, tzinfo=UTC)),
    ("Mon 07:00", "UTC", None),  # this Monday's 07:00 has passed and next Monday is after the round
])
def test_proposals_are_read_in_the_members_zone(text: str, zone: str, expected: datetime | None) -> None:
    if expected is None:
        with pytest.raises(InvalidInput):
            parse_proposal(text, ZoneInfo(zone), NOW, END)
        return
    assert parse_proposal(text, ZoneInfo(zone), NOW, END) == expected


def test_a_time_inside_the_spring_forward_gap_is_refused_with_a_reason() -> None:
    now = datetime(2026, 3, 26, 8, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="does not exist"):
        parse_proposal("2026-03-29 02:30", ZoneInfo("Europe/Berlin"), now, now + timedelta(days=6))


def test_reminders_skip_a_lead_that_has_already_passed() -> None:
    start = NOW + timedelta(hours=10)
    kinds = [(r.user_id, r.kind) for r in reminders_for(1, [5, 6], 1, start, NOW)]
    assert kinds == [(5, "soon"), (6, "soon")]
    assert len(reminders_for(1, [5, 6], 1, NOW + timedelta(days=2), NOW)) == 4


def test_a_long_free_stretch_offers_the_same_hour_on_following_days() -> None:
    starts = suggestion_starts([(NOW, NOW + timedelta(days=6))], 60)
    assert starts == [NOW, NOW + timedelta(days=1), NOW + timedelta(days=2)]
