"""SQL for running a server: the participation export, and the per-table statements of privacy requests.

Privacy statements are built from the live schema (table and column names come from
``sqlite_master`` and are quoted); every value is a parameter.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

import aiosqlite

from bot.admin.models import OwedDeletion, ParticipationRow, TablePlan
from bot.storage import Database
from bot.storage.schema import quote, tables

# The queued messages a process may claim: no other process holds them, or its claim ran out.
CLAIMABLE = ("SELECT guild_id, channel_id, message_id, refused_since FROM pending_message_deletions "
             "WHERE claimed_by IS NULL OR claimed_by = ? OR claimed_until <= ? ORDER BY queued_at, message_id")

# Messages the bot posted on a member's behalf (or that carry their words): (channel, message, server) ids.
POSTED_FOR_MEMBER = (
    "SELECT p.thread_id, a.thread_message_id, a.guild_id FROM daily_answers a JOIN daily_posts p "
    "ON p.guild_id = a.guild_id AND p.local_date = a.local_date "
    "WHERE a.user_id = :member AND a.thread_message_id IS NOT NULL AND p.thread_id IS NOT NULL",
    "SELECT message_channel_id, message_id, guild_id FROM mock_feedback "
    "WHERE (from_id = :member OR to_id = :member) AND message_id IS NOT NULL AND message_channel_id IS NOT NULL",
    "SELECT queue_channel_id, queue_message_id, guild_id FROM suggestions WHERE author_id = :member "
    "AND queue_message_id IS NOT NULL AND queue_channel_id IS NOT NULL",
    # A milestone announcement names the member; older rows fall back to today's announcement channel.
    "SELECT COALESCE(m.channel_id, s.channel_id, d.channel_id), m.message_id, m.guild_id "
    "FROM streak_milestones m "
    "LEFT JOIN streak_settings s ON s.guild_id = m.guild_id LEFT JOIN daily_schedule d ON d.guild_id = m.guild_id "
    "WHERE m.user_id = :member AND m.message_id IS NOT NULL "
    "AND COALESCE(m.channel_id, s.channel_id, d.channel_id) IS NOT NULL",
)


def _mentions(columns: list[str]) -> str:
    return " OR ".join(f"instr(CAST({quote(c)} AS TEXT), :bare) > 0" for c in columns)


def _equals(columns: list[str]) -> str:
    return " OR ".join(f"{quote(c)} = :member" for c in columns)


def _member(user_id: int) -> dict[str, Any]:
    return {"member": user_id, "bare": str(user_id)}


class AdminRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def participant_ids(self, guild_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT DISTINCT user_id FROM activity WHERE guild_id = ? ORDER BY user_id", (guild_id,))
        return [int(r[0]) for r in rows]

    async def participation(self, guild_id: int) -> list[ParticipationRow]:
        """Per member: days with each kind of activity, active days, last active date and their streak."""
        rows = await self.db.fetchall(
            "SELECT a.user_id, SUM(a.kind = 'answer'), SUM(a.kind = 'review'), SUM(a.kind = 'quiz'), "
            "SUM(a.kind = 'mock'), SUM(a.kind = 'repair'), COUNT(DISTINCT a.local_date), MAX(a.local_date), "
            "COALESCE(s.current, 0), COALESCE(s.best, 0), COALESCE(s.breaks_at, 0) "
            "FROM activity a LEFT JOIN streaks s ON s.guild_id = a.guild_id AND s.user_id = a.user_id "
            "WHERE a.guild_id = ? GROUP BY a.user_id ORDER BY a.user_id", (guild_id,))
        return [ParticipationRow(*r) for r in rows]


class PrivacyRepository:
    """One statement per table and treatment; the caller decides which, and in which transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    async def columns(conn: aiosqlite.Connection) -> dict[str, dict[str, str]]:
        """Every table with its columns and declared types, from the live schema."""
        return await tables(conn)

    async def rows_naming(self, plan: TablePlan, user_id: int) -> list[dict[str, Any]]:
        """Rows of ``plan``'s table that name the member, record them acting, or mention them."""
        conditions = [c for c in (_equals(plan.subjects + plan.actors), _mentions(plan.texts)) if c]
        if not conditions:
            return []
        cursor = await self.db.conn.execute(
            f"SELECT * FROM {quote(plan.name)} WHERE {' OR '.join(conditions)}", _member(user_id))  # noqa: S608
        rows: list[sqlite3.Row] = list(await cursor.fetchall())
        return [dict(row) for row in rows]

    @staticmethod
    async def delete_rows_of(conn: aiosqlite.Connection, plan: TablePlan, user_id: int) -> int:
        cursor = await conn.execute(
            f"DELETE FROM {quote(plan.name)} WHERE {_equals(plan.subjects)}", _member(user_id))  # noqa: S608
        return max(cursor.rowcount, 0)

    @staticmethod
    async def replace_id(conn: aiosqlite.Connection, table: str, column: str, user_id: int, by: int) -> int:
        cursor = await conn.execute(
            f"UPDATE {quote(table)} SET {quote(column)} = :anon "  # noqa: S608
            f"WHERE {quote(column)} = :member", {**_member(user_id), "anon": by})
        return max(cursor.rowcount, 0)

    @staticmethod
    async def blank_said(conn: aiosqlite.Connection, table: str, column: str, by: str, user_id: int) -> int:
        """Blank the text in ``column`` of the rows whose ``by`` column names the member: their own words."""
        cursor = await conn.execute(
            f"UPDATE {quote(table)} SET {quote(column)} = NULL "  # noqa: S608
            f"WHERE {quote(by)} = :member AND {quote(column)} IS NOT NULL", _member(user_id))
        return max(cursor.rowcount, 0)

    @staticmethod
    async def replace_text(conn: aiosqlite.Connection, table: str, column: str, patterns: list[str],
                           mention_by: str, bare_by: str) -> int:
        """Replace the legacy and plain mention in ``patterns`` by ``mention_by`` and the bare id by ``bare_by``."""
        legacy, mention, bare = patterns
        cursor = await conn.execute(
            f"UPDATE {quote(table)} SET {quote(column)} = "  # noqa: S608
            f"replace(replace(replace({quote(column)}, :legacy, :former), :mention, :former), :bare, :anon) "
            f"WHERE instr({quote(column)}, :bare) > 0",
            {"legacy": legacy, "mention": mention, "bare": bare, "former": mention_by, "anon": bare_by})
        return max(cursor.rowcount, 0)

    @staticmethod
    async def queue_posted_messages(conn: aiosqlite.Connection, user_id: int, now: int) -> int:
        """Queue for deletion on Discord every message the bot posted for the member; return how many."""
        queued = 0
        for query in POSTED_FOR_MEMBER:
            for channel_id, message_id, guild_id in await (await conn.execute(query, _member(user_id))).fetchall():
                await conn.execute("INSERT OR IGNORE INTO pending_message_deletions (message_id, channel_id, "
                                   "guild_id, queued_at) VALUES (?, ?, ?, ?)",
                                   (message_id, channel_id, guild_id, now))
                queued += 1
        return queued

    async def checkpoint(self) -> bool:
        """Move every page into the main file and truncate the WAL, so the old row images are gone; whether it
        could (another process reading the database holds the WAL back).

        The pragma answers with a row, which is read: a statement left with a row unread stays in progress,
        and the next write transaction on the shared connection would fail to commit."""
        async with self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
            row = await cursor.fetchone()
        return row is not None and not row[0]

    async def claim_messages(self, claimant: str, now: int, until: int, limit: int,
                             owns: Callable[[int], bool] | None = None) -> list[OwedDeletion]:
        """Claim for ``claimant`` until ``until`` the oldest ``limit`` messages still owed that no other process
        holds (its claim passed, or it is ``claimant``'s own from before a restart), or only those of the servers
        ``owns`` (a message without a server counts as server 0's). One write transaction, so two processes
        never claim the same message; filtered before the limit, as the queue is short. An empty queue (the
        usual case of the quarter-hourly pass) is found by a read alone: no write, which a database locked by
        another process or read-only for the moment would refuse."""
        if not self._claimable(await self.db.fetchall(CLAIMABLE, (claimant, now)), limit, owns):
            return []
        async with self.db.transaction() as conn:
            mine = self._claimable(await (await conn.execute(CLAIMABLE, (claimant, now))).fetchall(), limit, owns)
            await conn.executemany("UPDATE pending_message_deletions SET claimed_by = ?, claimed_until = ? "
                                   "WHERE message_id = ?", [(claimant, until, row[2]) for row in mine])
        return [OwedDeletion(None if r[0] is None else int(r[0]), int(r[1]), int(r[2]),
                             None if r[3] is None else int(r[3])) for r in mine]

    async def renew_claim(self, claimant: str, until: int, message_ids: list[int]) -> set[int]:
        """Extend ``claimant``'s claim on these messages to ``until``; the ids it still held (and now holds).
        One statement, so a claim is never extended for a message another process took meanwhile."""
        marks = ", ".join("?" * len(message_ids))
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE pending_message_deletions SET claimed_until = ? WHERE claimed_by = ? "  # noqa: S608
                f"AND message_id IN ({marks}) RETURNING message_id", (until, claimant, *message_ids))
            return {int(row[0]) for row in await cursor.fetchall()}

    @staticmethod
    def _claimable(rows: Iterable[sqlite3.Row], limit: int, owns: Callable[[int], bool] | None) -> list[sqlite3.Row]:
        return [row for row in rows if owns is None or owns(row[0] or 0)][:limit]

    async def message_gone(self, message_id: int) -> None:
        await self.db.execute("DELETE FROM pending_message_deletions WHERE message_id = ?", (message_id,))

    async def refused(self, message_id: int, now: int) -> int | None:
        """Record ``now`` as the first refusal to delete the message unless one is recorded; when Discord
        first refused (None when the message has left the queue meanwhile)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute("UPDATE pending_message_deletions SET refused_since = "
                                        "COALESCE(refused_since, ?) WHERE message_id = ? RETURNING refused_since",
                                        (now, message_id))
            rows = list(await cursor.fetchall())  # read to the end: a running statement would block the COMMIT
        return int(rows[0][0]) if rows else None

    async def holds(self, table: str, columns: list[str], user_id: int) -> bool:
        """Whether any column of ``table`` equals the member's id or any text contains it."""
        where = " OR ".join(f"{quote(c)} = :member OR instr(CAST({quote(c)} AS TEXT), :bare) > 0" for c in columns)
        hit = await self.db.conn.execute(f"SELECT 1 FROM {quote(table)} WHERE {where} LIMIT 1",  # noqa: S608
                                         _member(user_id))
        return await hit.fetchone() is not None
