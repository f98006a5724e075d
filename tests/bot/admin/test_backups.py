"""Nightly backups: what is kept, for how long, and which is the last."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.admin.backups import Backups, taken_at
from bot.clock import ManualClock
from bot.scheduler import JobScheduler
from bot.storage import Database

START = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)


async def nightly(tmp_path: Path) -> tuple[Database, ManualClock, Backups, Path]:
    db = Database(tmp_path / "studybot.sqlite3")
    await db.open()
    await db.execute("INSERT INTO user_settings (user_id, timezone) VALUES (?, ?)", (424242424242424242, "UTC"))
    clock = ManualClock(START)
    folder = tmp_path / "backups"
    return db, clock, Backups(db, clock, JobScheduler(clock, manual=True), folder, keep=7), folder


async def test_a_backup_a_crash_left_under_its_temporary_name_is_gone_within_the_kept_days(tmp_path: Path) -> None:
    """A stop between writing ``studybot-….sqlite3.part`` and renaming it (the ``backup.written`` crash point)
    leaves a complete copy of the database under the temporary name; no later night ever deletes it."""
    db, clock, backups, folder = await nightly(tmp_path)
    try:
        first = await backups.run()
        left = first.with_name(first.name + ".4242-1.part")  # what a crash at "backup.written" leaves
        shutil.copyfile(first, left)
        first.unlink()
        for _ in range(10):  # ten more nights, past the 7 days a member's deleted data may stay in a backup
            clock.set(clock.now() + timedelta(days=1))
            await backups.run()
        older = [p.name for p in folder.iterdir() if p.name < f"studybot-{clock.now() - timedelta(days=7):%Y%m%d}"]
        assert older == [], f"copies of the database older than 7 days are still in the backup folder: {older}"
    finally:
        await db.close()


async def test_a_backup_named_by_hand_in_the_backup_folder_is_the_hosts_own(tmp_path: Path) -> None:
    """`studybot db backup backups/studybot-before-upgrade.sqlite3` writes a file the nightly pattern matches; sorted
    by name it once stayed "the newest" for ever (so /studybot-owner health named it as the last backup) and took
    one of the kept places. A dated backup made by hand is counted and expires like a nightly one."""
    db, clock, backups, folder = await nightly(tmp_path)
    try:
        by_hand = await db.backup(folder / "studybot-before-upgrade.sqlite3")
        dated = await db.backup(folder / f"studybot-{clock.now() - timedelta(hours=1):%Y%m%d-%H%M%S}.sqlite3")
        for _ in range(10):
            clock.set(clock.now() + timedelta(days=1))
            newest = await backups.run()
        last = backups.last()
        assert last is not None and last[0] == newest, f"health shows {last[0].name if last else None} as the last"
        assert by_hand.exists() and by_hand not in backups.existing()  # the host's own file, left alone
        assert not dated.exists() and len(backups.existing()) == 7  # ten nights later: the newest seven
    finally:
        await db.close()


async def test_backups_past_the_kept_days_go_also_on_nights_the_copy_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A night whose copy cannot be written (a full disk, a folder the host can no longer write to) must not
    keep older copies, which hold what members deleted since, past the 7 days /privacy delete promises."""
    db, clock, backups, folder = await nightly(tmp_path)

    async def disk_full(destination: Path) -> Path:  # the copy begins, then the disk fills up
        await asyncio.to_thread(destination.write_bytes, b"SQLite format 3\x00")
        raise sqlite3.OperationalError("database or disk is full")

    try:
        await backups.run()
        monkeypatch.setattr(db, "backup", disk_full)
        for _ in range(10):
            clock.set(clock.now() + timedelta(days=1))
            with pytest.raises(sqlite3.OperationalError):
                await backups.run()
        cutoff = clock.now() - timedelta(days=7)
        older = [p.name for p in backups.existing() if (taken := taken_at(p)) is not None and taken < cutoff]
        assert older == [], f"copies older than 7 days are still in the backup folder: {older}"
        assert not list(folder.glob("*.part"))
    finally:
        await db.close()


async def test_the_nightly_backup_leaves_a_copy_made_by_hand_that_is_still_being_written(tmp_path: Path) -> None:
    """`studybot db backup` into the backup folder as the nightly one runs: its `.part` is not a crash's leftover,
    and deleting it made the copy made by hand fail at its rename."""
    db, clock, backups, folder = await nightly(tmp_path)
    try:
        folder.mkdir()
        writing = folder / f"studybot-{clock.now() - timedelta(minutes=2):%Y%m%d-%H%M%S}.sqlite3.part"
        writing.write_bytes(b"being written")
        await backups.run()
        assert writing.exists(), "the nightly backup deleted a copy still being written"
        clock.set(clock.now() + timedelta(days=1))
        await backups.run()
        assert not writing.exists(), "a .part left for a day is a crash's leftover"
    finally:
        await db.close()


async def test_two_processes_backing_up_the_same_night_each_write_a_whole_copy(tmp_path: Path) -> None:
    """Two processes serving one database without shards both hold shard 0, so both run the 03:30 backup.
    They wrote through one `.part` name: one renamed the other's copy away while SQLite was still writing it,
    and the other's night failed (or left a copy written through a journal that no longer fit its file)."""
    db, clock, backups, folder = await nightly(tmp_path)
    other = Database(db.path)
    await other.open()
    try:
        second = Backups(other, clock, JobScheduler(clock, manual=True), folder, keep=7)
        written = await asyncio.gather(backups.run(), second.run())
        assert all(path.exists() for path in written)
        for path in written:
            with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as copy:
                assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                assert copy.execute("SELECT COUNT(*) FROM user_settings").fetchone()[0] == 1
        assert not list(folder.glob("*.part*"))
    finally:
        await other.close()
        await db.close()


async def test_a_copy_kept_aside_by_a_restore_is_gone_within_the_kept_days(tmp_path: Path) -> None:
    """`studybot db restore` keeps the database it replaced as `<database>.before-restore-<time>`: a whole copy,
    with every member who deleted their data since. It expires as a nightly backup does, so /privacy delete's
    "gone from every backup within the days kept" holds for it too; a file of another name there is the host's."""
    db, clock, backups, _ = await nightly(tmp_path)
    try:
        live = tmp_path / "studybot.sqlite3"
        aside = await db.backup(live.with_name(f"{live.name}.before-restore-{clock.now():%Y%m%d-%H%M%S}"))
        again = await db.backup(live.with_name(f"{aside.name}-2"))  # a second restore in the same second
        later = await db.backup(live.with_name(f"{live.name}.before-restore-"
                                               f"{clock.now() + timedelta(days=5):%Y%m%d-%H%M%S}"))
        mine = await db.backup(live.with_name(f"{live.name}.before-restore-notes"))
        for _ in range(8):
            clock.set(clock.now() + timedelta(days=1))
            await backups.run()
        assert not aside.exists() and not again.exists(), "a copy older than the kept days is still beside it"
        assert later.exists() and mine.exists()
    finally:
        await db.close()
