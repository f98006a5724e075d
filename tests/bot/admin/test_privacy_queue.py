"""The queue of messages owed to privacy deletions, split between the processes that resume it at start."""

from __future__ import annotations

from bot.admin import OwedDeletion
from bot.admin.privacy import PrivacyService
from bot.storage import Database

EVEN, ODD = 1000, 1001  # two servers, served by different processes in these tests


async def queue(db: Database, *rows: tuple[int | None, int, int]) -> None:
    for guild_id, channel_id, message_id in rows:
        await db.execute("INSERT INTO pending_message_deletions (message_id, channel_id, guild_id, queued_at) "
                         "VALUES (?, ?, ?, ?)", (message_id, channel_id, guild_id, message_id))


async def test_each_process_is_given_only_its_own_servers_messages_and_shard_zero_those_without_one(
        db: Database) -> None:
    await queue(db, (EVEN, 10, 1), (ODD, 11, 2), (None, 12, 3), (EVEN, 10, 4))
    service = PrivacyService(db)
    even = await service.pending_messages(owns=lambda guild_id: guild_id % 2 == 0)  # server 0 is even
    odd = await service.pending_messages(owns=lambda guild_id: guild_id % 2 == 1)
    assert even == [OwedDeletion(EVEN, 10, 1), OwedDeletion(None, 12, 3), OwedDeletion(EVEN, 10, 4)]
    assert odd == [OwedDeletion(ODD, 11, 2)]
    assert [owed.message_id for owed in await service.pending_messages()] == [1, 2, 3, 4]


async def test_the_limit_counts_only_the_processes_own_messages(db: Database) -> None:
    """Another process's backlog never fills a batch, or this process would stop with its own still queued."""
    await queue(db, *((ODD, 11, n) for n in range(1, 6)), (EVEN, 10, 6))
    service = PrivacyService(db)
    assert await service.pending_messages(limit=2, owns=lambda guild_id: guild_id == EVEN) == [
        OwedDeletion(EVEN, 10, 6)]
