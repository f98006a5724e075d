"""What other features read from the ``activity`` table (written by :mod:`bot.activity`, which re-exports this).

Kept apart from the writing side so each stays one job: the reads any feature may ask for, in SQL of this
table's owner rather than their own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date

from bot.storage import Database


class ActivityReads:
    """What other features read from the ``activity`` table, asked here rather than in SQL of their own.

    The table is :mod:`bot.activity`'s: how a credit is stored (its rows, keys and indexes) can then change
    there and here alone, with every reader of it in view. Nothing here writes.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    async def active_dates_since(self, guild_id: int, user_id: int, since: date) -> list[date]:
        """The member's distinct local dates with any activity here, from ``since`` on.

        The progress charts (``bot.stats``) count the member's active days per week from these."""
        rows = await self._db.fetchall(
            "SELECT DISTINCT local_date FROM activity WHERE guild_id = ? AND user_id = ? AND local_date >= ?",
            (guild_id, user_id, since.isoformat()))
        return [date.fromisoformat(r[0]) for r in rows]

    async def actions_per_day(self, guild_id: int, since: date) -> list[tuple[date, str, int]]:
        """(local date, kind, actions) summed over the server's members, from ``since`` on.

        The server's participation chart (``bot.stats``, shown by /stats) totals these per week and kind."""
        rows = await self._db.fetchall(
            "SELECT local_date, kind, SUM(count) FROM activity WHERE guild_id = ? AND local_date >= ? "
            "GROUP BY local_date, kind", (guild_id, since.isoformat()))
        return [(date.fromisoformat(r[0]), r[1], int(r[2])) for r in rows]

    async def active_days_in_month(self, guild_id: int, month: str) -> dict[int, int]:
        """Each member's number of active days in ``month`` (``YYYY-MM``, on their own local dates); members
        with none are absent.

        Role rewards (``bot.rewards``) find last month's most active member(s) from these."""
        rows = await self._db.fetchall(
            # Every ISO date of the month sorts between its 01 and its 31: one range of the (guild, date)
            # index. A function of the date, or the primary key SQLite picks to group without sorting,
            # reads every row the server ever had (a year of a large server: 3.3x slower, measured).
            "SELECT user_id, COUNT(DISTINCT local_date) AS days FROM activity INDEXED BY activity_by_date "
            "WHERE guild_id = ? "
            "AND local_date BETWEEN ? AND ? GROUP BY user_id", (guild_id, f"{month}-01", f"{month}-31"))
        return {int(r[0]): int(r[1]) for r in rows}

    async def credited_actions(self, guild_id: int, user_ids: Iterable[int]) -> dict[int, int]:
        """Each member's credited actions here so far (the sum of their rows' counts; 0 for none), in one trip.

        Role rewards (``bot.rewards``) note this when Discord says a member has left, and ask again for
        them once it has grown: they were active here since, so are back."""
        totals: dict[int, int] = await self._db.read(_credited_actions_in, guild_id, sorted(set(user_ids)))
        return totals


def _credited_actions_in(conn: sqlite3.Connection, guild_id: int, user_ids: list[int]) -> dict[int, int]:
    """One primary-key range per member, on the connection's own thread."""
    return {user_id: int(conn.execute("SELECT COALESCE(SUM(count), 0) FROM activity WHERE guild_id = ? "
                                      "AND user_id = ?", (guild_id, user_id)).fetchone()[0])
            for user_id in user_ids}
