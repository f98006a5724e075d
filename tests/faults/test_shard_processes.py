"""Several bot processes over one SQLite file, each running a range of shards.

Each process schedules and catches up only the guilds of its own shards; if two processes
wrongly run the same shard, the posting ledger still lets exactly one post out per day.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.localdiscord import BotHarness, LocalDiscord, Reply, SimGuild, SimMember, SimMessage
from bot.localdiscord.process import BotProcess
from tests.conftest import TEST_BUCKETS

pytestmark = [pytest.mark.faults, pytest.mark.slow]

GUILDS = 6
SHARDS = 2


@pytest.fixture
async def configured(clock: ManualClock, tmp_path: Path) -> AsyncIterator[tuple[LocalDiscord, Path]]:
    """Six guilds over two shards, each with the daily prompt at 10:00 UTC, set up by its moderator."""
    async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules=TEST_BUCKETS,
                            max_concurrency=SHARDS) as sim:
        for index in range(GUILDS):
            guild = sim.create_guild(f"Study group {index}")
            guild.create_text_channel("daily")
            guild.add_member("mod", manage_guild=True)
        assert {(g.id >> 22) % SHARDS for g in sim.guilds.values()} == {0, 1}
        db = tmp_path / "shared.sqlite3"
        harness = BotHarness(sim, db, clock)
        await harness.start()
        for guild in sim.guilds.values():
            mod = next(m for m in guild.members.values() if m.name == "mod")
            reply = await mod.slash("daily setup", channel=guild.channel("daily"), time="10:00", timezone="UTC")
            assert "10:00" in reply.text
        await harness.stop()
        clock.set(datetime(2026, 3, 2, 10, 0, 5, tzinfo=UTC))  # the processes start just after the post time
        yield sim, db


def _posts(guild: SimGuild, sim: LocalDiscord) -> int:
    return sum(1 for m in guild.channel("daily").messages
               if m.author_id == sim.bot_user.id and m.embeds and m.embeds[0].get("title", "").startswith("Day "))


def _process(sim: LocalDiscord, clock: ManualClock, db: Path, ids: str, name: str, count: int = SHARDS) -> BotProcess:
    return BotProcess(sim, clock, db, name=name, env={"STUDYBOT_SHARD_COUNT": str(count), "STUDYBOT_SHARD_IDS": ids})


async def _run_until_started(sim: LocalDiscord, processes: list[BotProcess]) -> None:
    for process in processes:
        await process.start()
    try:
        for process in processes:
            await process.wait_for(lambda p=process: "start-up work done" in p.output(),
                                   "every shard of the process to be ready and caught up", 60)
    except BaseException:
        for process in processes:
            if process.alive():
                process.kill()
        raise


async def test_shard_ranges_split_the_guilds_and_each_is_posted_once(
        configured: tuple[LocalDiscord, Path], clock: ManualClock) -> None:
    sim, db = configured
    first, second = _process(sim, clock, db, "0", "shard-0"), _process(sim, clock, db, "1", "shard-1")
    await _run_until_started(sim, [first, second])
    try:
        assert all(_posts(g, sim) == 1 for g in sim.guilds.values())
        # Each process scheduled only its own shard's guilds: together every guild, none twice.
        scheduled = [int(re.search(r"scheduled daily prompts for (\d+) guilds", p.output()).group(1))  # type: ignore[union-attr]
                     for p in (first, second)]
        on_shard = [sum((g.id >> 22) % SHARDS == s for g in sim.guilds.values()) for s in range(SHARDS)]
        assert scheduled == on_shard and sum(scheduled) == GUILDS
        assert sorted(s.shard for s in sim.gateway.live_sessions()) == [(0, 2), (1, 2)]
    finally:
        assert await first.stop() == 0 and await second.stop() == 0
    for process in (first, second):
        assert "database is locked" not in process.output()
        assert "Traceback" not in process.output()
    assert not sim.errors


async def test_two_processes_that_both_run_a_shard_still_post_once_per_day(
        configured: tuple[LocalDiscord, Path], clock: ManualClock) -> None:
    sim, db = configured
    sim.gateway.limits.max_concurrency = 4
    both = _process(sim, clock, db, "0-1", "both-shards")
    # A second process wrongly configured with 4 shards runs shard 2 of 4: its guilds are also on shard 0 of 2.
    # Its identify falls in another max_concurrency bucket, so both catch up the same guilds at once.
    overlapping = _process(sim, clock, db, "2", "shard-2-of-4", count=4)
    shared = [g for g in sim.guilds.values() if (g.id >> 22) % 4 == 2]
    assert shared
    await _run_until_started(sim, [both, overlapping])
    try:
        assert {_posts(g, sim) for g in sim.guilds.values()} == {1}
        assert sorted(s.shard for s in sim.gateway.live_sessions()) == [(0, 2), (1, 2), (2, 4)]
    finally:
        assert await both.stop() == 0 and await overlapping.stop() == 0
    for process in (both, overlapping):
        assert "database is locked" not in process.output()
    assert {_posts(g, sim) for g in sim.guilds.values()} == {1}


async def test_a_members_own_data_is_the_same_whichever_process_serves_them(
        configured: tuple[LocalDiscord, Path], clock: ManualClock) -> None:
    sim, db = configured
    by_shard = {s: next(g for g in sim.guilds.values() if (g.id >> 22) % SHARDS == s) for s in range(SHARDS)}
    alice = by_shard[0].add_member("alice")
    alice_elsewhere = SimMember(sim, alice.user, by_shard[1])  # the same person in a server on the other shard
    by_shard[1].members[alice.id] = alice_elsewhere
    first, second = _process(sim, clock, db, "0", "shard-0"), _process(sim, clock, db, "1", "shard-1")
    await _run_until_started(sim, [first, second])
    try:
        set_zone = alice.start_slash("streak timezone", timezone="Asia/Tokyo")  # served by the shard-0 process
        await first.wait_for(lambda: set_zone.response_type is not None, "the timezone answer")
        assert "Asia/Tokyo" in Reply(set_zone).text
        export = alice_elsewhere.start_slash("privacy export")  # served by the shard-1 process
        # Answered first (the export reads every table), then the file arrives in that answer.
        await second.wait_for(lambda: export.response_message is not None and bool(export.response_message.attachments),
                              "the export")
        assert export.response_message is not None
        data = export.response_message.attachment("studybot-my-data.json")["data"].decode()
        assert "Asia/Tokyo" in data
    finally:
        await first.stop()
        await second.stop()
    assert not sim.errors


def _alice_in_both(sim: LocalDiscord) -> tuple[SimGuild, SimMember, SimMember]:
    """Alice in a server on shard 0 and, as the same person, in one on shard 1."""
    by_shard = {s: next(g for g in sim.guilds.values() if (g.id >> 22) % SHARDS == s) for s in range(SHARDS)}
    alice = by_shard[0].add_member("alice")
    alice_elsewhere = SimMember(sim, alice.user, by_shard[1])
    by_shard[1].members[alice.id] = alice_elsewhere
    return by_shard[0], alice, alice_elsewhere


async def _answer_then_delete_elsewhere(sim: LocalDiscord, guild: SimGuild, alice: SimMember,
                                        alice_elsewhere: SimMember, first: BotProcess, second: BotProcess,
                                        *, before_deleting: Callable[[], object] = lambda: None) -> SimMessage:
    """Alice answers on shard 0 (the first process), then asks the second process to forget her."""
    post = next(m for m in guild.channel("daily").messages if m.author_id == sim.bot_user.id)
    opened = alice.start_click(post, "Submit answer")
    await first.wait_for(lambda: opened.response_type is not None, "the answer form")
    alice.start_submit_modal(Reply(opened), answer="Shard the index per tenant; size the write path first")
    shown = lambda: [m for m in post.thread.messages if m.content.startswith("Answer from")]  # noqa: E731
    await first.wait_for(lambda: bool(shown()), "the answer shown in the day's thread")
    before_deleting()
    confirm = alice_elsewhere.start_slash("privacy delete")
    await second.wait_for(lambda: confirm.response_type is not None, "the confirmation")
    done = alice_elsewhere.start_click(Reply(confirm), "Delete my data")
    await second.wait_for(lambda: "deleting the 1 message" in Reply(done).text, "the deletion's summary")
    return shown()[0]


async def test_a_deletion_asked_in_one_process_deletes_what_was_posted_in_the_other_processes_servers(
        configured: tuple[LocalDiscord, Path], clock: ManualClock) -> None:
    """Any process may delete any message through REST: the one that took the request does it all."""
    sim, db = configured
    guild, alice, alice_elsewhere = _alice_in_both(sim)
    first, second = _process(sim, clock, db, "0", "shard-0"), _process(sim, clock, db, "1", "shard-1")
    await _run_until_started(sim, [first, second])
    try:
        answer = await _answer_then_delete_elsewhere(sim, guild, alice, alice_elsewhere, first, second)
        await second.wait_for(lambda: answer.deleted, "the answer deleted in the other process's server")
    finally:
        assert await first.stop() == 0 and await second.stop() == 0
    for process in (first, second):
        assert "Traceback" not in process.output()
    assert not sim.errors


async def test_a_message_out_of_reach_in_another_processes_server_is_still_reported_there(
        configured: tuple[LocalDiscord, Path], clock: ManualClock) -> None:
    """The process that took the request does not serve that server: Discord tells it the system channel."""
    sim, db = configured
    guild, alice, alice_elsewhere = _alice_in_both(sim)
    general = guild.create_text_channel("general")
    guild.system_channel_id = general.id
    first, second = _process(sim, clock, db, "0", "shard-0"), _process(sim, clock, db, "1", "shard-1")
    await _run_until_started(sim, [first, second])
    try:
        answer = await _answer_then_delete_elsewhere(
            sim, guild, alice, alice_elsewhere, first, second,
            before_deleting=lambda: guild.channel("daily").deny(sim.bot_user.id, "view_channel"))
        told = lambda: [m for m in general.messages if "could not delete" in m.content]  # noqa: E731
        await second.wait_for(lambda: bool(told()), "the moderators told where the answer is")
        assert f"/{answer.channel_id}/{answer.id}" in told()[0].content and not answer.deleted
    finally:
        assert await first.stop() == 0 and await second.stop() == 0
    assert len(told()) == 1
    # The thread, not in the second process's cache, is asked for; Discord refuses: that is the one refusal.
    [refused] = sim.errors
    assert refused.method == "GET" and refused.body["code"] == 50001
