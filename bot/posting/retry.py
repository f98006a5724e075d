"""Transient faults in scheduled jobs, and when to try again.

A job that meets ``database is locked`` (another process holding the file, a backup
tool), a disk I/O error or Discord's 5xx and timeouts would otherwise lose its
occurrence until the next day. Such faults are retried with growing pauses, but only
within the occurrence's window: a post that can no longer go out before the next one
is due is reported to the moderators once, instead.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta

# Pauses before the 1st, 2nd, ... retry; the last one repeats.
BACKOFF: tuple[timedelta, ...] = (timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2),
                                  timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=15))

_TRANSIENT_SQLITE = ("database is locked", "database table is locked", "disk i/o error", "database is busy",
                     "unable to open database file")


def storage_problem(error: BaseException) -> str | None:
    """A short name for a storage fault members and logs can read, or None when it is something else."""
    if not isinstance(error, sqlite3.Error):
        return None
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return "locked"
    if "readonly" in text or "read-only" in text:
        return "read-only"
    if "full" in text:
        return "full"
    if "disk i/o" in text or "unable to open" in text:
        return "unavailable"
    return None


def is_transient(error: BaseException) -> bool:
    """Faults that pass by themselves: worth another attempt a little later."""
    if getattr(error, "transient", False):
        return True
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return True
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        return any(part in text for part in _TRANSIENT_SQLITE) or "full" in text or "readonly" in text
    return False


def next_attempt(attempt: int, now: datetime, window_ends: datetime) -> datetime | None:
    """When retry number ``attempt`` (1 = the first retry) runs, or None once the window has passed."""
    pause = BACKOFF[min(attempt, len(BACKOFF)) - 1]
    when = now + pause
    return when if when < window_ends else None
