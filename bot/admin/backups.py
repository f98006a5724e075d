"""Scheduled online backups of the database with retention, and what the last one was.

Retention is both a count and an age: a backup older than ``keep`` days is deleted even when
fewer than ``keep`` exist, so data a member deleted with ``/privacy delete`` is gone from every
backup within ``keep`` days, as the README and ``/privacy`` promise. The copy ``studybot db restore``
keeps of the database it replaced is one too, and is deleted at the same age.
"""

from __future__ import annotations

import glob
import itertools
import logging
import os
import re
import time
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
# ``studybot-YYYYMMDD-HHMMSS.sqlite3``; a further copy made by hand in the same second is numbered ``-2``…
DATED = re.compile(r"studybot-(\d{8}-\d{6})(?:-(\d+))?\.sqlite3")
# ``<database>.before-restore-YYYYMMDD-HHMMSS``, numbered ``-2``… after one kept the same second (bot/cli/db.py).
ASIDE = re.compile(r"\.before-restore-(\d{8}-\d{6})(?:-\d+)?")
# A `.part` younger than this may be a copy still being written (`studybot db backup` into the backup folder
# as the nightly one runs): only older ones are leftovers of a crash.
PART_IN_PROGRESS = timedelta(hours=1)
# Which copy of this process a `.part` is: with the process id, its temporary name is its own (Backups.run).
_COPIES = itertools.count(1)


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
        # Written under a temporary name and renamed when complete: a crash mid-copy leaves a `.part` file,
        # never a half backup that looks like the newest good one. The name is this copy's own: two processes
        # without shards both hold shard 0 and both back up at 03:30, and through one name each would write,
        # rename or delete the other's copy mid-way. The one renamed last is the night's backup, a whole copy.
        partial = self.folder / f"{name}.{os.getpid()}-{next(_COPIES)}.part"
        try:
            await self._db.backup(partial)
            crash_point("backup.written")
            written = partial.replace(self.folder / name)
        except BaseException:
            partial.unlink(missing_ok=True)  # this night's own copy, cut short
            raise
        finally:
            # Also on a night the copy fails (a full disk, a folder no longer writable): the older copies hold
            # what members deleted since, and /privacy delete promises it leaves every backup within the days kept.
            self._expire()
        log.info("backup written to %s", written)
        return written

    def _expire(self) -> None:
        """Delete the copies past the newest ``keep`` or older than ``keep`` days, and every leftover ``.part``."""
        # A copy a crash left under its temporary name is complete but never renamed: it would hold a member's
        # deleted data past the kept days. A `.part` that is not a leftover is a copy still being written:
        # made by hand, or another process's night.
        for stale in self.folder.glob(PATTERN + "*.part"):
            if self._leftover(stale):
                stale.unlink(missing_ok=True)
        cutoff = self._clock.now() - timedelta(days=self.keep)
        for index, (taken, old) in enumerate(self._dated()):
            if index >= self.keep or taken < cutoff:
                old.unlink(missing_ok=True)
        for taken, old in self._kept_aside():
            if taken < cutoff:
                old.unlink(missing_ok=True)

    def _kept_aside(self) -> list[tuple[datetime, Path]]:
        """The copies `studybot db restore` kept of the databases it replaced, beside the file (the real one when
        the database path is a link): whole databases, so they expire with the backups."""
        live = self._db.path.resolve()
        found = []
        for path in live.parent.glob(f"{glob.escape(live.name)}.before-restore-*"):
            match = ASIDE.fullmatch(path.name[len(live.name):])
            if match is None:
                continue  # a name of the host's own
            try:
                found.append((datetime.strptime(match[1], "%Y%m%d-%H%M%S").replace(tzinfo=UTC), path))
            except ValueError:
                continue
        return found

    def _leftover(self, part: Path) -> bool:
        """Whether a ``.part`` is older than :data:`PART_IN_PROGRESS`: by the time in its name, or for a name of
        the host's own, by its last write."""
        copied_to = part.with_name(part.name.partition(".sqlite3")[0] + ".sqlite3")
        taken = taken_at(copied_to)
        if taken is not None:
            return self._clock.now() - taken > PART_IN_PROGRESS
        try:
            return time.time() - part.lstat().st_mtime > PART_IN_PROGRESS.total_seconds()
        except OSError:
            return False

    def existing(self) -> list[Path]:
        """The dated backups in the folder (nightly, or made by hand into the folder), newest first. A file named
        otherwise (``studybot db backup backups/before-upgrade.sqlite3``) is the host's own: never counted,
        deleted or reported as the last backup, whatever its name sorts as."""
        return [path for _, path in self._dated()]

    def _dated(self) -> list[tuple[datetime, Path]]:
        if not self.folder.is_dir():
            return []
        stamped = sorted(((stamp, path) for path in self.folder.glob(PATTERN)
                          if (stamp := _stamp(path)) is not None), reverse=True)
        return [(taken, path) for (taken, _number), path in stamped]

    def last(self) -> tuple[Path, datetime] | None:
        found = self.existing()
        if not found:
            return None
        return found[0], datetime.fromtimestamp(found[0].stat().st_mtime, UTC)


def taken_at(path: Path) -> datetime | None:
    """When a backup was taken, from its name (``studybot-YYYYMMDD-HHMMSS.sqlite3``, or numbered after it)."""
    stamp = _stamp(path)
    return stamp[0] if stamp is not None else None


def _stamp(path: Path) -> tuple[datetime, int] | None:
    """When a backup was taken and which copy of that second it is (the first is 1), from its name."""
    match = DATED.fullmatch(path.name)
    if match is None:
        return None
    try:
        taken = datetime.strptime(match[1], "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return taken, int(match[2] or 1)
