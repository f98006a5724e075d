"""Scheduled online backups of the database with retention, and what the last one was."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
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

    def schedule(self) -> None:
        self._scheduler.add(JOB_ID, CronTrigger(hour=3, minute=30, timezone="UTC"), self.run)

    async def run(self) -> Path:
        """Copy the live database (SQLite backup API), then keep only the newest ``keep`` copies."""
        name = f"studybot-{self._clock.now():%Y%m%d-%H%M%S}.sqlite3"
        written = await self._db.backup(self.folder / name)
        for old in self.existing()[self.keep:]:
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
