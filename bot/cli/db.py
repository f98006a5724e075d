"""``studybot db migrate``, ``studybot db backup [FILE|FOLDER]`` and ``studybot db restore FILE``.

A restore never loses the file it replaces: the current database is copied aside first, and the
backup is checked (SQLite's integrity check, a studybot schema this version can run) before anything
is touched, and an older backup is migrated to the current schema at once.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.cli.common import Status, check_database_file, explain_database_error, fail, load_settings
from bot.storage import LATEST_VERSION, Database
from bot.storage.in_use import InUse, exclusive, serving

BACKUP_NAME = "studybot-{:%Y%m%d-%H%M%S}.sqlite3"
# A further copy made into the same folder within the same second: numbered from 2, dated all the same.
NUMBERED_BACKUP_NAME = "studybot-{:%Y%m%d-%H%M%S}-{}.sqlite3"


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="database maintenance: migrate, backup, restore")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate = actions.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(handler=_migrate)
    backup = actions.add_parser("backup", help="copy the live database safely, also while the bot runs")
    backup.add_argument("path", type=Path, nargs="?",
                        help="file to write, or a folder to write a dated copy into (default: STUDYBOT_BACKUP_DIR)")
    backup.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    backup.set_defaults(handler=_backup)
    restore = actions.add_parser("restore", help="replace the database with a checked backup (stop the bot first)")
    restore.add_argument("path", type=Path, help="backup file to restore")
    restore.set_defaults(handler=_restore)


def _now() -> datetime:
    return datetime.now(UTC)


def _migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    args.database_path = settings.database_path
    check_database_file(settings.database_path)

    async def go() -> int:
        db = Database(settings.database_path)
        try:
            await db.open(migrate=False)
            before = await db.user_version()
            after = await db.migrate()
        finally:
            await db.close()
        print(f"{settings.database_path}: schema version {before} -> {after}")
        return 0

    # Held as a running bot holds it: the unit's migrate step must not open (and write the schema into) a file
    # a restore is replacing, nor may a restore replace the file while a migration writes it.
    try:
        with serving(settings.database_path):
            return asyncio.run(go())
    except InUse:
        fail(f"a restore is replacing {settings.database_path}; migrate again once `studybot db restore` has "
             "finished", Status.DATABASE)


def backup_target(given: Path | None, default_folder: Path, taken: datetime) -> tuple[Path, bool]:
    """The file a backup goes to (``given`` itself, or a dated name in a folder), and whether it is dated."""
    target = given if given is not None else default_folder
    if target.is_dir() or given is None or str(given).endswith(("/", "\\")):
        return target / BACKUP_NAME.format(taken), True
    return target, False


def claim_dated(first: Path, taken: datetime) -> tuple[Path, Path]:
    """``first`` (a dated name) or the next numbered one that no other copy has or is writing, and its
    ``.part``, created here so that no other copy can take the name while this one is written.

    Copies made into one folder within the same second (a script's two steps, the nightly backup and a
    shell's) share a dated name: the second one was refused as if the host had chosen the name, and two
    running together deleted, wrote and renamed one ``.part``."""
    first.parent.mkdir(parents=True, exist_ok=True)
    target, number = first, 1
    while True:
        partial = target.with_name(target.name + ".part")
        if not target.exists() and _create(partial):
            if not target.exists():
                return target, partial
            partial.unlink()  # that copy was completed between the look and the claim
        number += 1
        target = first.with_name(NUMBERED_BACKUP_NAME.format(taken, number))


def _create(path: Path) -> bool:
    """Create ``path`` empty (SQLite writes a copy into it as into a new database); False if it exists."""
    try:
        path.open("xb").close()
    except FileExistsError:  # another copy is being written under this name
        return False
    return True


def _backup(args: argparse.Namespace) -> int:
    settings = load_settings()
    source = settings.database_path
    args.database_path = source
    check_database_file(source, must_exist=True, writable=False)
    taken = _now()
    target, dated = backup_target(args.path, settings.backup_dir, taken)
    if target.exists() and target.resolve() == source.resolve():
        fail("the backup path is the database itself; choose another file", Status.CONFIGURATION)
    if target.exists() and not dated and not args.force:
        fail(f"{target} already exists; choose another name, give a folder, or pass --force", Status.FILE)
    if target.parent.exists() and not target.parent.is_dir():
        fail(f"{target.parent} is a file, not a folder", Status.FILE)

    # Written beside the target and moved over it when complete: a file --force replaces is never opened as a
    # database (SQLite would refuse a file that is not one, and blame the live database for it), and a copy
    # cut short leaves the old file as it was.
    if dated:
        target, partial = claim_dated(target, taken)
    else:
        partial = target.with_name(target.name + ".part")
        partial.unlink(missing_ok=True)
    copying = False

    async def go() -> Path:
        nonlocal copying
        db = Database(source)
        try:
            await db.open(migrate=False)
            copying = True
            return await db.backup(partial)
        finally:
            await db.close()

    # Held as a running bot holds it: a restore must not move another file over the database (and remove its -wal)
    # while this copy reads it, nor may a copy start in the middle of a restore and read a file half replaced.
    try:
        with serving(source):
            written = asyncio.run(go()).replace(target)
    except InUse:
        _discard(partial)
        fail(f"a restore is replacing {source}; back up again once `studybot db restore` has finished",
             Status.DATABASE)
    except BaseException as error:
        _discard(partial)  # a copy cut short (a full disk, Ctrl-C) leaves nothing beside the file asked for
        # Past opening the database, what fails is writing the copy (a lock is still the database's, said as such).
        if copying and isinstance(error, sqlite3.Error | OSError) and not _locked(error):
            fail(f"could not write the backup {target} ({error}); {source} is unchanged and no partial copy "
                 "was left", Status.DATABASE)
        raise
    print(f"backed up {source} to {written}")
    return 0


def _locked(error: BaseException) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def inspect_backup(path: Path) -> int:
    """The backup's schema version, after SQLite's integrity check; stops with a reason if unusable."""
    check_database_file(path, must_exist=True, writable=False, backup=True)
    try:
        with _reading(path, f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
            verdict = conn.execute("PRAGMA integrity_check").fetchall()
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as error:
        fail(explain_database_error(path, error), Status.DATABASE)
    if verdict != [("ok",)]:
        fail(f"{path} fails SQLite's integrity check ({verdict[0][0]}); choose another backup", Status.DATABASE)
    if version == 0:
        fail(f"{path} holds no studybot data (schema version 0); choose another backup", Status.DATABASE)
    if version > LATEST_VERSION:
        fail(f"{path} is at schema version {version}, newer than this studybot ({LATEST_VERSION}); "
             "upgrade studybot first", Status.DATABASE)
    return version


@contextmanager
def _reading(path: Path, *connect: Any, **options: Any) -> Iterator[sqlite3.Connection]:
    """A connection to the file at ``path`` that leaves its folder as it was found. A copy of a WAL database
    (as backups were made before they were made ordinary files) is opened in WAL mode, and SQLite creates -wal
    and -shm files beside it that a read-only connection leaves behind: the backup folder fills with them."""
    made = [extra for extra in (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
            if not extra.exists()]
    try:
        with closing(sqlite3.connect(*connect, **options)) as conn:
            yield conn
    finally:
        for extra in made:  # only read through: nothing in them
            extra.unlink(missing_ok=True)


def _copy(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (it reads a live file's WAL as well)."""
    with _reading(source, source) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _discard(path: Path) -> None:
    """Remove a copy that is not to be kept, with the journal files SQLite may have left beside it."""
    for part in (path, *(path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm"))):
        part.unlink(missing_ok=True)


def _upgrade(path: Path) -> int:
    """Bring the database at ``path`` to the current schema; its version after."""
    async def go() -> int:
        db = Database(path)
        try:
            await db.open(migrate=True)
            return await db.user_version()
        finally:
            await db.close()

    return asyncio.run(go())


def _restore(args: argparse.Namespace) -> int:
    settings = load_settings()
    live = settings.database_path
    args.database_path = live
    check_database_file(live)
    if args.path.exists() and live.exists() and args.path.resolve() == live.resolve():
        fail("that file is the live database itself; give a backup file", Status.CONFIGURATION)
    version = inspect_backup(args.path)
    # A link (to the database on a data volume) is followed: the file it points to is replaced and the link stays,
    # where the -wal and -shm files SQLite keeps beside the real file are too. The lock stays where the bot takes it.
    target = live.resolve() if live.is_symlink() else live
    try:
        with exclusive(live):
            return _put_in_place(args.path, target, version, settings.backup_keep)
    except InUse:
        fail(f"studybot is running with {live}; stop every studybot process using it (each shard) and let a "
             "`studybot db backup` finish, then restore again. Nothing was changed", Status.DATABASE)


def _aside_name(live: Path) -> Path:
    """Where the database a restore replaces is kept: dated, and numbered after a copy kept the same second.
    Two restores within one second (a script run twice) wrote the second one's copy over the first's, and
    the database as it was before both, the one copy of it, was gone."""
    first = live.with_name(f"{live.name}.before-restore-{_now():%Y%m%d-%H%M%S}")
    aside, number = first, 1
    while aside.exists():  # a restore holds the database exclusively: no other one picks a name meanwhile
        number += 1
        aside = first.with_name(f"{first.name}-{number}")
    return aside


def _put_in_place(backup: Path, live: Path, version: int, keep_days: int) -> int:
    """Copy ``backup`` over ``live`` (the current file kept aside), then bring it to the current schema."""
    aside = _aside_name(live) if live.exists() else None
    # Both copies are made before the live file is touched, and the backup is moved over it only when complete:
    # a copy cut short (a full disk, Ctrl-C) leaves the live database as it was, never a half-written file that
    # the next start would migrate as if it were a new, empty database.
    incoming = live.with_name(f"{live.name}.restoring")
    live.parent.mkdir(parents=True, exist_ok=True)
    _discard(incoming)
    try:
        _copy(backup, incoming)
        if aside is not None:
            _copy(live, aside)
    except (sqlite3.Error, OSError, KeyboardInterrupt) as error:
        _discard(incoming)
        if aside is not None:
            _discard(aside)
        if isinstance(error, KeyboardInterrupt):
            raise
        fail(f"could not copy {backup} into place ({error}); {live} is unchanged", Status.DATABASE)
    # The copy is migrated before it replaces anything: a file whose schema the migrations cannot bring up to date
    # (another program's database that has a schema version too) is refused with the live database still in place,
    # rather than left as the live file, on which the bot could not start.
    try:
        after = _upgrade(incoming)
    except (sqlite3.Error, KeyboardInterrupt) as error:
        _discard(incoming)
        if aside is not None:
            _discard(aside)
        if isinstance(error, KeyboardInterrupt):
            raise
        fail(f"could not bring {backup} to this version's schema ({error}); unless the disk is full, it is not a "
             f"studybot backup: choose another. {live} is unchanged", Status.DATABASE)
    for extra in (live.with_name(live.name + "-wal"), live.with_name(live.name + "-shm")):
        extra.unlink(missing_ok=True)  # an old WAL must never be replayed onto the restored file
    incoming.replace(live)
    # It holds what members deleted since: the nightly backup deletes it with the backups (bot/admin/backups.py).
    kept = (f"; the database it replaced is kept as {aside} for {keep_days} days, as backups are" if aside
            else "")
    upgraded = f", upgraded from schema version {version} to {after}" if after != version else ""
    print(f"restored {backup} to {live}{upgraded}{kept}. Start the bot again.")
    return 0
