"""``studybot db migrate`` and ``studybot db backup PATH``."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli.common import fail, load_settings
from bot.storage import Database, DatabaseTooNew


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="database maintenance")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate = actions.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(handler=_migrate)
    backup = actions.add_parser("backup", help="copy the live database safely (SQLite online backup)")
    backup.add_argument("path", type=Path, help="file to write the copy to")
    backup.set_defaults(handler=_backup)


def _migrate(args: argparse.Namespace) -> int:
    settings = load_settings()

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

    try:
        return asyncio.run(go())
    except DatabaseTooNew as error:
        fail(str(error), 1)


def _backup(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.database_path.exists():
        fail(f"there is no database at {settings.database_path} to back up", 1)
    if args.path.resolve() == settings.database_path.resolve():
        fail("the backup path is the database itself; choose another file", 2)

    async def go() -> int:
        db = Database(settings.database_path)
        try:
            await db.open(migrate=False)
            written = await db.backup(args.path)
        finally:
            await db.close()
        print(f"backed up {settings.database_path} to {written}")
        return 0

    return asyncio.run(go())
