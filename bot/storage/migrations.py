"""Numbered SQL migrations, applied in order and recorded in ``PRAGMA user_version``.

Each feature adds a file ``NNNN_name.sql`` in ``bot/storage/migrations/``. Numbers
are unique and only ever grow; the database records the highest one applied, so a
file is never applied twice and a newer file is applied exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """Read the shipped migration files, sorted and checked for duplicate numbers."""
    folder = resources.files("bot.storage") / "migrations"
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for before, after in zip(found, found[1:], strict=False):
        if before.version == after.version:
            raise RuntimeError(
                f"two migrations share number {after.version:04d}: "
                f"{before.name}.sql and {after.name}.sql"
            )
    return found


LATEST_VERSION = load_migrations()[-1].version
