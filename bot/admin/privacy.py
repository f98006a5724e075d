"""A member's data: export everything stored about them, or remove it all and leave no trace.

What each column means is classified in :mod:`bot.admin.personal_data` (a test keeps that
classification complete against the live schema). Deletion then, in one transaction:
deletes the member's own rows, sets their id to 0 where they only acted on something shared,
replaces mentions of them in free text, and queues the messages the bot posted on their behalf
for deletion on Discord. Afterwards the WAL is checkpointed and truncated; with
``secure_delete`` on, the freed pages hold zeros, so neither the database file nor its WAL
keeps the member's id or words. Backups made before the deletion expire on their own schedule
(see :mod:`bot.admin.backups`).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from bot.admin.personal_data import needs_classification, rule_for
from bot.clock import Clock
from bot.storage import Database
from bot.storage.schema import quote, tables

log = logging.getLogger(__name__)

ANONYMOUS = 0
FORMER_MEMBER = "@former member"

# Messages the bot posted on a member's behalf (or that carry their words): (channel id, message id).
POSTED_FOR_MEMBER = (
    "SELECT p.thread_id, a.thread_message_id FROM daily_answers a JOIN daily_posts p "
    "ON p.guild_id = a.guild_id AND p.local_date = a.local_date "
    "WHERE a.user_id = :member AND a.thread_message_id IS NOT NULL AND p.thread_id IS NOT NULL",
    "SELECT message_channel_id, message_id FROM mock_feedback WHERE (from_id = :member OR to_id = :member) "
    "AND message_id IS NOT NULL AND message_channel_id IS NOT NULL",
    "SELECT queue_channel_id, queue_message_id FROM suggestions WHERE author_id = :member "
    "AND queue_message_id IS NOT NULL AND queue_channel_id IS NOT NULL",
    # A milestone announcement names the member; older rows fall back to today's announcement channel.
    "SELECT COALESCE(m.channel_id, s.channel_id, d.channel_id), m.message_id FROM streak_milestones m "
    "LEFT JOIN streak_settings s ON s.guild_id = m.guild_id LEFT JOIN daily_schedule d ON d.guild_id = m.guild_id "
    "WHERE m.user_id = :member AND m.message_id IS NOT NULL "
    "AND COALESCE(m.channel_id, s.channel_id, d.channel_id) IS NOT NULL",
)


@dataclass
class TablePlan:
    """How one table is treated: rows naming the member in ``subjects`` go, ``actors`` become 0,
    ``texts`` lose mentions of them."""

    name: str
    subjects: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Deletion:
    changed: dict[str, int]
    messages_queued: int


class Unclassified(RuntimeError):
    """A column that can hold a member's id or words has no privacy classification."""


async def plans(conn: aiosqlite.Connection) -> list[TablePlan]:
    """The plan for every table, from the live schema; refuses to run with unclassified columns."""
    found: list[TablePlan] = []
    missing: list[str] = []
    for name, columns in (await tables(conn)).items():
        if name == "sqlite_sequence":
            continue
        plan = TablePlan(name)
        for column, declared in columns.items():
            if not needs_classification(column, declared):
                continue
            rule = rule_for(name, column)
            if rule is None:
                missing.append(f"{name}.{column}")
                continue
            {"subject": plan.subjects, "actor": plan.actors, "text": plan.texts}.get(rule.role, []).append(column)
        found.append(plan)
    if missing:
        raise Unclassified(f"no privacy classification for {', '.join(missing)}")
    return found


def mention_patterns(user_id: int) -> list[str]:
    return [f"<@!{user_id}>", f"<@{user_id}>", str(user_id)]


def _mentions(columns: list[str]) -> str:
    return " OR ".join(f"instr(CAST({quote(c)} AS TEXT), :bare) > 0" for c in columns)


def _equals(columns: list[str]) -> str:
    return " OR ".join(f"{quote(c)} = :member" for c in columns)


class PrivacyService:
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock

    async def export(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row of every classified table that names the member, acts on them or mentions them."""
        data: dict[str, list[dict[str, Any]]] = {}
        conn = self._db.conn
        params = {"member": user_id, "bare": str(user_id)}
        for plan in await plans(conn):
            conditions = [c for c in (_equals(plan.subjects + plan.actors), _mentions(plan.texts)) if c]
            if not conditions:
                continue
            cursor = await conn.execute(
                f"SELECT * FROM {quote(plan.name)} WHERE {' OR '.join(conditions)}", params)  # noqa: S608
            rows: list[sqlite3.Row] = list(await cursor.fetchall())
            if rows:
                data[plan.name] = [dict(row) for row in rows]
        return data

    async def delete(self, user_id: int) -> Deletion:
        """Remove the member everywhere in one transaction, then checkpoint the WAL."""
        changed: dict[str, int] = {}
        params = {"member": user_id, "bare": str(user_id)}
        now = int(self._clock.now().timestamp()) if self._clock else 0
        async with self._db.transaction() as conn:
            queued = await self._queue_posted_messages(conn, params, now)
            for plan in await plans(conn):
                count = 0
                if plan.subjects:
                    cursor = await conn.execute(
                        f"DELETE FROM {quote(plan.name)} WHERE {_equals(plan.subjects)}", params)  # noqa: S608
                    count += max(cursor.rowcount, 0)
                for column in plan.actors:
                    cursor = await conn.execute(
                        f"UPDATE {quote(plan.name)} SET {quote(column)} = :anon "  # noqa: S608
                        f"WHERE {quote(column)} = :member", {**params, "anon": ANONYMOUS})
                    count += max(cursor.rowcount, 0)
                for column in plan.texts:
                    count += await self._scrub(conn, plan.name, column, user_id)
                if count:
                    changed[plan.name] = count
        await self._checkpoint()
        log.info("removed member data: %s; %d messages to delete on Discord", changed, queued)
        return Deletion(changed, queued)

    @staticmethod
    async def _queue_posted_messages(conn: aiosqlite.Connection, params: dict[str, Any], now: int) -> int:
        queued = 0
        for query in POSTED_FOR_MEMBER:
            for channel_id, message_id in await (await conn.execute(query, params)).fetchall():
                await conn.execute("INSERT OR IGNORE INTO pending_message_deletions (message_id, channel_id, "
                                   "queued_at) VALUES (?, ?, ?)", (message_id, channel_id, now))
                queued += 1
        return queued

    @staticmethod
    async def _scrub(conn: aiosqlite.Connection, table: str, column: str, user_id: int) -> int:
        """Replace mentions of the member (and their bare id) in one text column."""
        legacy, mention, bare = mention_patterns(user_id)
        cursor = await conn.execute(
            f"UPDATE {quote(table)} SET {quote(column)} = "  # noqa: S608
            f"replace(replace(replace({quote(column)}, :legacy, :former), :mention, :former), :bare, :anon) "
            f"WHERE instr({quote(column)}, :bare) > 0",
            {"legacy": legacy, "mention": mention, "bare": bare, "former": FORMER_MEMBER, "anon": str(ANONYMOUS)})
        return max(cursor.rowcount, 0)

    async def _checkpoint(self) -> None:
        """Move every page into the main file and truncate the WAL, so the old row images are gone."""
        await self._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def pending_messages(self, limit: int = 100) -> list[tuple[int, int]]:
        rows = await self._db.fetchall("SELECT channel_id, message_id FROM pending_message_deletions "
                                       "ORDER BY queued_at, message_id LIMIT ?", (limit,))
        return [(int(r[0]), int(r[1])) for r in rows]

    async def message_gone(self, message_id: int) -> None:
        await self._db.execute("DELETE FROM pending_message_deletions WHERE message_id = ?", (message_id,))

    async def tables_holding(self, user_id: int) -> list[str]:
        """Tables where any column equals the member's id or any text contains it (nothing missed)."""
        holding = []
        conn = self._db.conn
        for name, columns in (await tables(conn)).items():
            where = " OR ".join(f"{quote(c)} = :member OR instr(CAST({quote(c)} AS TEXT), :bare) > 0"
                                for c in columns)
            hit = await conn.execute(f"SELECT 1 FROM {quote(name)} WHERE {where} LIMIT 1",  # noqa: S608
                                     {"member": user_id, "bare": str(user_id)})
            if await hit.fetchone():
                holding.append(name)
        return holding
