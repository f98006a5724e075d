"""The queue of messages owed to privacy deletions: split between the processes that resume it at start,
and claimed batch by batch so that two processes never work through the same messages."""

from __future__ import annotations

from datetime import timedelta

from bot.admin import OwedDeletion
from bot.admin.privacy import CLAIM_LEASE, REFUSALS_FOR, PrivacyService
from bot.clock import ManualClock
from bot.storage import Database

EVEN, ODD = 1000, 1001  # two servers, served by different processes in these tests


def even(guild_id: int) -> bool:
    return guild_id % 2 == 0  # server 0 (messages without a server) is even


async def queue(db: Database, *rows: tuple[int | None, int, int]) -> None:
    for guild_id, channel_id, message_id in rows:
        await db.execute("INSERT INTO pending_message_deletions (message_id, channel_id, guild_id, queued_at) "
                         "VALUES (?, ?, ?, ?)", (message_id, channel_id, guild_id, message_id))


async def test_each_process_is_given_only_its_own_servers_messages_and_shard_zero_those_without_one(
        db: Database) -> None:
    await queue(db, (EVEN, 10, 1), (ODD, 11, 2), (None, 12, 3), (EVEN, 10, 4))
    service = PrivacyService(db, ManualClock())
    assert await service.claim_messages("0/2", owns=even) == [
        OwedDeletion(EVEN, 10, 1), OwedDeletion(None, 12, 3), OwedDeletion(EVEN, 10, 4)]
    assert await service.claim_messages("1/2", owns=lambda guild_id: not even(guild_id)) == [
        OwedDeletion(ODD, 11, 2)]


async def test_the_limit_counts_only_the_processes_own_messages(db: Database) -> None:
    """Another process's backlog never fills a batch, or this process would stop with its own still queued."""
    await queue(db, *((ODD, 11, n) for n in range(1, 6)), (EVEN, 10, 6))
    service = PrivacyService(db, ManualClock())
    assert await service.claim_messages("0/2", limit=2, owns=even) == [OwedDeletion(EVEN, 10, 6)]


async def test_a_batch_another_process_holds_is_left_to_it_until_its_claim_runs_out(db: Database) -> None:
    """A process starting while another works through a member's request would otherwise delete the same
    messages, and tell the moderators twice about one neither can reach."""
    await queue(db, (EVEN, 10, 1), (ODD, 11, 2), (EVEN, 10, 3))
    clock = ManualClock()
    service = PrivacyService(db, clock)
    assert [owed.message_id for owed in await service.claim_messages("all/auto", limit=2)] == [1, 2]
    assert [owed.message_id for owed in await service.claim_messages("0/2", owns=even)] == [3]
    clock.advance(CLAIM_LEASE - timedelta(seconds=1))
    assert [owed.message_id for owed in await service.claim_messages("0/2", owns=even)] == [3]  # 1: the other's
    clock.advance(timedelta(seconds=1))  # the other process stopped: what it held is free again
    assert [owed.message_id for owed in await service.claim_messages("0/2", owns=even)] == [1, 3]


async def test_a_process_restarted_with_the_same_shards_takes_back_what_it_held_at_once(db: Database) -> None:
    await queue(db, (EVEN, 10, 1), (ODD, 11, 2))
    service = PrivacyService(db, ManualClock())
    await service.claim_messages("all/auto")
    assert [owed.message_id for owed in await service.claim_messages("all/auto")] == [1, 2]
    assert await service.claim_messages("1/2") == []


async def test_a_message_deleted_leaves_the_queue_whoever_held_it(db: Database) -> None:
    await queue(db, (EVEN, 10, 1), (EVEN, 10, 2))
    service = PrivacyService(db, ManualClock())
    await service.claim_messages("all/auto")
    await service.message_gone(1)
    assert [owed.message_id for owed in await service.claim_messages("all/auto")] == [2]


async def test_the_next_write_after_a_members_deletion_commits(db: Database) -> None:
    """The deletion ends with a checkpoint on the shared connection, whose answer must be read: left unread,
    the next write (a member's answer or review, or this queue's own bookkeeping) failed to commit."""
    await PrivacyService(db, ManualClock()).delete(5)
    await queue(db, (EVEN, 10, 1))
    assert await db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 1


async def test_a_batch_renewed_once_half_its_claim_is_spent_stays_its_own_past_the_first_lease(db: Database) -> None:
    """Discord's pace can stretch a batch; without renewing, another process would take what is left."""
    await queue(db, (EVEN, 10, 1), (EVEN, 10, 2))
    clock = ManualClock()
    service = PrivacyService(db, clock)
    claimed_at = clock.now()
    batch = await service.claim_messages("all/auto")
    clock.advance(CLAIM_LEASE / 2 - timedelta(seconds=1))
    assert not service.renewal_due(claimed_at)
    clock.advance(timedelta(seconds=1))
    assert service.renewal_due(claimed_at)
    assert await service.renew_claim("all/auto", batch[1:]) == {2}
    clock.advance(CLAIM_LEASE / 2 + timedelta(seconds=1))  # past the first lease, inside the renewed one
    assert [owed.message_id for owed in await service.claim_messages("0/2", owns=even)] == [1]


async def test_a_claim_that_ran_out_and_was_taken_is_not_renewed(db: Database) -> None:
    await queue(db, (EVEN, 10, 1), (EVEN, 10, 2))
    clock = ManualClock()
    service = PrivacyService(db, clock)
    batch = await service.claim_messages("all/auto")
    clock.advance(CLAIM_LEASE)
    assert [owed.message_id for owed in await service.claim_messages("0/2", owns=even, limit=1)] == [1]
    assert await service.renew_claim("all/auto", batch) == {2}
    holders = await db.fetchall("SELECT message_id, claimed_by FROM pending_message_deletions ORDER BY message_id")
    assert [tuple(row) for row in holders] == [(1, "0/2"), (2, "all/auto")]


async def test_a_message_discord_refused_to_delete_for_a_day_since_its_first_refusal_is_given_up(
        db: Database) -> None:
    await queue(db, (EVEN, 10, 1))
    clock = ManualClock()
    service = PrivacyService(db, clock)

    async def refused_this_pass() -> bool:  # each pass claims anew (the earlier claim is this process's own)
        [owed] = await service.claim_messages("all/auto")
        return await service.refused(owed)

    assert not await refused_this_pass()
    clock.advance(REFUSALS_FOR - timedelta(seconds=1))
    assert not await refused_this_pass()  # counted from the first refusal, not from the last
    clock.advance(timedelta(seconds=1))
    assert await refused_this_pass()
    await service.message_gone(1)
    assert not await service.refused(OwedDeletion(EVEN, 10, 1))  # deleted meanwhile: nothing to give up


async def test_only_the_first_refusal_is_written(db: Database) -> None:
    await queue(db, (EVEN, 10, 1))
    clock = ManualClock()
    service = PrivacyService(db, clock)
    [owed] = await service.claim_messages("all/auto")
    assert owed.refused_since is None
    await service.refused(owed)
    [owed] = await service.claim_messages("all/auto")
    assert owed.refused_since == int(clock.now().timestamp())
    writes = db.conn.total_changes
    clock.advance(timedelta(hours=1))
    assert not await service.refused(owed)
    assert db.conn.total_changes == writes
