"""The database locked by another process, read-only or full: posts are retried, members are told plainly
that nothing was recorded, and nothing was."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.admin.privacy import PrivacyService
from bot.error_handler import describe_error
from bot.localdiscord import BotHarness, SimChannel, SimMember
from bot.posting.retry import BACKOFF, next_attempt
from tests.cogs.test_cards import button
from tests.cogs.test_daily import posts, setup_daily
from tests.cogs.test_privacy import seven_day_announcement

pytestmark = pytest.mark.faults


@contextmanager
def locked(db_path: Path) -> Iterator[None]:
    """Another process holding the write lock, as a backup tool or a second bot would."""
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


async def test_a_post_due_while_the_database_is_locked_goes_out_once_the_lock_is_gone(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    with locked(harness.db_path):
        await harness.advance_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        assert posts(daily) == []
        assert harness.core.scheduler.has(f"daily:retry:{harness.guild.id}")
    await harness.advance(minutes=1)
    assert len(posts(daily)) == 1
    await harness.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1


async def test_a_post_due_while_the_database_is_read_only_goes_out_once_it_is_writable_again(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """SQLite answers "attempt to write a readonly database" when the file or its folder cannot be written
    (a remount, a full volume switched read-only). ``query_only`` gives the bot's own connection exactly
    that answer; file permissions cannot, because the tests may run as root, who ignores them."""
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    await harness.core.db.conn.execute("PRAGMA query_only = ON")
    await harness.advance_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert posts(daily) == []
    assert harness.core.scheduler.has(f"daily:retry:{harness.guild.id}")
    await harness.core.db.conn.execute("PRAGMA query_only = OFF")
    await harness.advance(minutes=1)
    assert len(posts(daily)) == 1
    await harness.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1


async def test_a_grade_while_the_database_is_locked_says_nothing_was_recorded_and_records_nothing(
        harness: BotHarness, alice: SimMember) -> None:
    first = await alice.slash("cards study")
    back = await alice.click(first, "Reveal")
    with locked(harness.db_path):
        reply = await alice.click(back, button(back, "Good"))
    assert "nothing was recorded" in reply.text and "busy" in reply.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews") == 0
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM activity") == 0


@pytest.mark.parametrize(("error", "words"), [
    ("attempt to write a readonly database", "read-only"),
    ("database or disk is full", "storage is full"),
    ("database is locked", "busy"),
    ("disk I/O error", "could not be reached"),
])
def test_each_storage_fault_has_its_own_member_message(error: str, words: str) -> None:
    message, unexpected = describe_error(sqlite3.OperationalError(error))
    assert words in message and "nothing was recorded" in message and not unexpected


def test_retries_stop_when_the_next_occurrence_is_near() -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert next_attempt(1, now, now + BACKOFF[0] * 2) == now + BACKOFF[0]
    assert next_attempt(1, now, now + BACKOFF[0]) is None
    assert next_attempt(50, now, now + BACKOFF[-1] * 2) == now + BACKOFF[-1]


async def test_a_privacy_deletion_left_queued_while_the_database_is_read_only_is_finished_once_it_is_writable(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """The process that took the member's request stopped before Discord; this one's quarter-hourly pass meets
    a database it cannot write, so it cannot claim the message: it waits, fails nothing, and the next pass
    after the database is writable again deletes it."""
    announcement = await seven_day_announcement(harness, mod, alice, harness.guild.channel("general"))
    await PrivacyService(harness.core.db, harness.core.clock).delete(alice.id)  # in the other process
    await harness.core.db.conn.execute("PRAGMA query_only = ON")
    await harness.advance(minutes=15)
    assert not announcement.deleted and harness.core.scheduler.failures == []
    await harness.core.db.conn.execute("PRAGMA query_only = OFF")
    await harness.advance(minutes=15)
    assert announcement.deleted
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0
