"""Whether a studybot process is serving a database file, so ``studybot db restore`` can refuse to pull the
file from under it.

Each running bot holds a shared lock on ``<database>.in-use`` for as long as it runs (several shard
processes share one file, so they share the lock), and so do ``studybot db migrate`` and ``studybot db backup``
while they work; a restore takes the lock exclusively, without waiting.
The operating system drops a lock with the process that held it, so a bot killed outright never leaves the
file "in use". Where the platform has no ``fcntl`` (Windows), nothing is checked and the README's "stop the
bot first" is the only guard.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


class InUse(RuntimeError):
    """Another process holds the database file in a way this one must not share."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".in-use")


@contextmanager
def _locked(database: Path, mode: int) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path(database), "a+b")  # closed below, once the lock is released
    except OSError as error:  # a folder the bot may not write: the database's own errors say more
        log.warning("could not open %s (%s); running without the in-use check", lock_path(database), error)
        yield
        return
    with handle:
        try:
            fcntl.flock(handle.fileno(), mode | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise InUse(str(database)) from error
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextmanager
def serving(database: Path) -> Iterator[None]:
    """Held by a running bot; :class:`InUse` while a restore replaces the file."""
    with _locked(database, fcntl.LOCK_SH if fcntl is not None else 0):
        yield


@contextmanager
def exclusive(database: Path) -> Iterator[None]:
    """Held by a restore; :class:`InUse` while any bot serves the file."""
    with _locked(database, fcntl.LOCK_EX if fcntl is not None else 0):
        yield
