"""Shard layouts, ownership of guilds and identify pacing (pure rules, no Discord)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.identify import IDENTIFY_WINDOW, IdentifyPacer
from bot.shards import MAX_SHARDS, ShardLayout, catching_up, parse_shard_ids, ranges, shard_of


@pytest.mark.parametrize(("text", "ids"), [
    ("0-3", (0, 1, 2, 3)), ("4,5,7", (4, 5, 7)), ("0-1, 6", (0, 1, 6)), ("3", (3,)), ("2-2", (2,)),
])
def test_shard_ids_are_parsed(text: str, ids: tuple[int, ...]) -> None:
    assert parse_shard_ids(text) == ids


@pytest.mark.parametrize(("text", "problem"), [
    ("", "No shard ids"), ("a-b", "is not a list"), ("3-1", "runs backwards"), ("-1", "is not a list"), ("²", "is not a list"),
    ("0-1000000000", "past the largest studybot runs"),  # refused before a billion ids are listed
])
def test_bad_shard_ids_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        parse_shard_ids(text)


def test_a_layout_needs_a_count_for_its_ids_and_ids_inside_it() -> None:
    with pytest.raises(InvalidInput, match="need a shard count"):
        ShardLayout(None, (0, 1))
    with pytest.raises(InvalidInput, match=r"\[8\] do not exist with 8 shards"):
        ShardLayout(8, (7, 8))
    with pytest.raises(InvalidInput, match="more than studybot runs"):
        ShardLayout(MAX_SHARDS + 1)
    assert ShardLayout(MAX_SHARDS, (MAX_SHARDS - 1,)).partial


@given(st.integers(min_value=1 << 22, max_value=(1 << 63) - 1), st.integers(min_value=1, max_value=64))
def test_exactly_one_of_the_processes_splitting_the_shards_owns_each_guild(guild_id: int, count: int) -> None:
    half = max(1, count // 2)
    first = ShardLayout(count, tuple(range(half)))
    second = ShardLayout(count, tuple(range(half, count))) if half < count else None
    owners = [first.owns(guild_id)] + ([second.owns(guild_id)] if second else [])
    assert owners.count(True) == 1
    assert first.owns(guild_id) == (shard_of(guild_id, count) < half)


def test_only_the_process_with_shard_zero_runs_global_jobs() -> None:
    assert ShardLayout().runs_global_jobs and ShardLayout(8, (0, 1, 2, 3)).runs_global_jobs
    assert not ShardLayout(8, (4, 5, 6, 7)).runs_global_jobs


def test_a_layout_keeps_its_key_across_restarts_and_differs_from_every_other() -> None:
    """The key names a process in the database, where it holds work: the same shards, the same key."""
    layouts = [ShardLayout(), ShardLayout(4), ShardLayout(4, (0, 1)), ShardLayout(4, (2, 3)), ShardLayout(8, (0, 1))]
    assert ShardLayout(4, (0, 1)).key == ShardLayout(4, (0, 1)).key == "0,1/4"
    assert len({layout.key for layout in layouts}) == len(layouts)


def test_a_catch_up_pass_covers_only_the_shard_that_became_ready() -> None:
    layout = ShardLayout()
    on_zero, on_one = 0 << 22, 1 << 22
    with catching_up(1, 2):
        assert layout.owns(on_one) and not layout.owns(on_zero)
    assert layout.owns(on_zero) and layout.owns(on_one)


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_identify_waits_only_for_its_own_concurrency_bucket() -> None:
    clock = FakeTime()
    pacer = IdentifyPacer(2, monotonic=clock)
    assert pacer.delay(0, initial=True) == 0
    pacer._last[pacer.key(0)] = clock.now
    assert pacer.delay(1, initial=False) == 0  # another bucket starts at once
    assert pacer.delay(2, initial=False) > IDENTIFY_WINDOW  # same bucket as shard 0: after 5 s
    clock.now += 6
    assert pacer.delay(2, initial=False) == 0


def test_without_known_concurrency_identify_waits_five_seconds_as_discord_py_does() -> None:
    pacer = IdentifyPacer(None, monotonic=FakeTime())
    assert pacer.delay(1, initial=False) == IDENTIFY_WINDOW


def test_a_layout_names_runs_of_shards_as_ranges_short_enough_for_an_embed_field_name() -> None:
    assert ShardLayout(8, (0, 1, 2, 3)).describe() == "this process runs 0-3 of 8"
    assert ShardLayout(8, (0, 2, 3, 4, 7)).describe() == "this process runs 0,2-4,7 of 8"
    assert ShardLayout(8, (5,)).describe() == "this process runs 5 of 8"
    assert ShardLayout(300, tuple(range(150))).describe() == "this process runs 0-149 of 300"


@given(st.sets(st.integers(min_value=0, max_value=200), min_size=1))
def test_shard_ranges_read_back_as_the_same_ids(ids: set[int]) -> None:
    assert parse_shard_ids(ranges(tuple(sorted(ids)))) == tuple(sorted(ids))
