"""A member's data: export everything stored about them, or remove it all.

Tables are found by reading the schema rather than listed by hand, so a table added by
a later migration is covered the day it lands: a column that names the member as the
subject (``user_id``, ``from_id``, ``to_id``) means the row is theirs and is deleted;
a column that only records them as the actor of something shared (``actor_id``,
``reported_by``...) is blanked to 0 so the shared record stays without their id.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.storage import Database
from bot.storage.schema import quote, tables

log = logging.getLogger(__name__)

OWNED_COLUMNS = ("user_id", "from_id", "to_id")
ACTOR_COLUMNS = ("actor_id", "target_id", "reported_by", "outcome_by", "updated_by", "created_by", "author_id",
                 "reviewer_id", "approved_by")
SKIP_TABLES = ("sqlite_sequence", "meta")
ANONYMOUS = 0


@dataclass(frozen=True)
class TableColumns:
    name: str
    owned: tuple[str, ...]
    actors: tuple[str, ...]


async def personal_tables(conn: aiosqlite.Connection) -> list[TableColumns]:
    found = []
    for name, columns in (await tables(conn)).items():
        if name in SKIP_TABLES:
            continue
        owned = tuple(c for c in OWNED_COLUMNS if c in columns)
        actors = tuple(c for c in ACTOR_COLUMNS if c in columns)
        if owned or actors:
            found.append(TableColumns(name, owned, actors))
    return found


def _where(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"{quote(c)} = :member" for c in columns)


class PrivacyService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def export(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row that names the member, by table (rows where they only acted are included too)."""
        data: dict[str, list[dict[str, Any]]] = {}
        conn = self._db.conn
        for table in await personal_tables(conn):
            columns = table.owned + table.actors
            cursor = await conn.execute(
                f"SELECT * FROM {quote(table.name)} WHERE {_where(columns)}", {"member": user_id})  # noqa: S608
            rows: list[sqlite3.Row] = list(await cursor.fetchall())
            if rows:
                data[table.name] = [dict(row) for row in rows]
        return data

    async def delete(self, user_id: int) -> dict[str, int]:
        """Remove the member from every table in one transaction; return rows changed per table."""
        changed: dict[str, int] = {}
        async with self._db.transaction() as conn:
            for table in await personal_tables(conn):
                count = 0
                if table.owned:
                    cursor = await conn.execute(
                        f"DELETE FROM {quote(table.name)} WHERE {_where(table.owned)}",  # noqa: S608
                        {"member": user_id})
                    count += max(cursor.rowcount, 0)
                for column in table.actors:
                    cursor = await conn.execute(
                        f"UPDATE {quote(table.name)} SET {quote(column)} = :anon "  # noqa: S608
                        f"WHERE {quote(column)} = :member", {"member": user_id, "anon": ANONYMOUS})
                    count += max(cursor.rowcount, 0)
                if count:
                    changed[table.name] = count
        log.info("removed member data: %s", changed)
        return changed

    async def tables_holding(self, user_id: int) -> list[str]:
        """Tables with any INTEGER column equal to the member's id (a check that nothing was missed)."""
        holding = []
        conn = self._db.conn
        for name, columns in (await tables(conn)).items():
            integers = [column for column, kind in columns.items() if kind == "INTEGER"]
            if not integers:
                continue
            where = " OR ".join(f"{quote(c)} = :member" for c in integers)
            hit = await conn.execute(f"SELECT 1 FROM {quote(name)} WHERE {where} LIMIT 1",  # noqa: S608
                                     {"member": user_id})
            if await hit.fetchone():
                holding.append(name)
        return holding
