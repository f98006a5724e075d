"""Scheduled online backups of the database with retention, and what the last one was.

Retention is both a count and an age: a backup older than ``keep`` days is deleted even when
fewer than ``keep`` exist, so data a member deleted with ``/privacy delete`` is gone from every
backup within ``keep`` days, as the README and ``/privacy`` promise.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.posting import crash_point
from bot.scheduler import JobScheduler
from bot.storage import Database

log = logging.getLogger(__name__)

JOB_ID = "ops:backup"
PATTERN = "studybot-*.sqlite3"


class Backups:
    def __init__(self, db: Database, clock: Clock, scheduler: JobScheduler, folder: Path, keep: int) -> None:
        self._db = db
        self._clock = clock
        self._scheduler = scheduler
        self.folder = folder
        self.keep = keep

    async def start(self) -> None:
        """The nightly backup, run by one process per database (the one serving shard 0)."""
        if self._scheduler.shards.runs_global_jobs:
            self._scheduler.add(JOB_ID, CronTrigger(hour=3, minute=30, timezone="UTC"), self.run)

    async def catch_up(self) -> None:
        """Nothing to do at once: a night missed while the bot was down is covered by the next backup."""

    async def stop(self) -> None:
        self._scheduler.remove(JOB_ID)

    async def run(self) -> Path:
        """Copy the live database (SQLite backup API), then keep only the newest ``keep`` copies."""
        name = f"studybot-{self._clock.now():%Y%m%d-%H%M%S}.sqlite3"
        # Written under a temporary name and renamed when complete: a crash mid-copy leaves a
        # `.part` file, never a half backup that looks like the newest good one.
        partial = await self._db.backup(self.folder / f"{name}.part")
        crash_point("backup.written")
        written = partial.replace(self.folder / name)
        cutoff = self._clock.now() - timedelta(days=self.keep)
        for index, old in enumerate(self.existing()):
            taken = taken_at(old)
            if index >= self.keep or (taken is not None and taken < cutoff):
                old.unlink(missing_ok=True)
        log.info("backup written to %s", written)
        return written

    def existing(self) -> list[Path]:
        """Backups in the folder, newest first."""
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob(PATTERN), key=lambda p: p.name, reverse=True)

    def last(self) -> tuple[Path, datetime] | None:
        found = self.existing()
        if not found:
            return None
        return found[0], datetime.fromtimestamp(found[0].stat().st_mtime, UTC)


def taken_at(path: Path) -> datetime | None:
    """When a backup was taken, from its name (``studybot-YYYYMMDD-HHMMSS.sqlite3``)."""
    try:
        return datetime.strptime(path.stem.removeprefix("studybot-"), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
