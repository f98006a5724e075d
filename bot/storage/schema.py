"""Reading the live schema, for code that must cover every table (privacy, retention).

Going by the schema rather than a hand-kept list means a table added by a later
migration is covered the day it lands.
"""

from __future__ import annotations

import aiosqlite


def quote(identifier: str) -> str:
    """Quote a table or column name (they come from sqlite_master, never from users)."""
    return '"' + identifier.replace('"', '""') + '"'


async def tables(conn: aiosqlite.Connection) -> dict[str, dict[str, str]]:
    """Every user table: its columns and their declared types, in a stable order."""
    cursor = await conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                "ORDER BY name")
    found: dict[str, dict[str, str]] = {}
    for (name,) in await cursor.fetchall():
        info = await conn.execute(f"PRAGMA table_info({quote(name)})")
        found[name] = {row[1]: (row[2] or "").upper() for row in await info.fetchall()}
    return found
