"""SQL for role rewards: the mappings, the grants Discord accepted, and members found gone.

Who earned what is read through the features that keep it (streaks, activity, Helpful marks)."""

from __future__ import annotations

import aiosqlite

from bot.rewards.models import Grant, RewardRow
from bot.storage import Database


class RewardRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set_reward(self, conn: aiosqlite.Connection, guild_id: int, reward: str, role_id: int, actor_id: int,
                         now: int) -> int | None:
        cursor = await conn.execute("SELECT role_id FROM role_rewards WHERE guild_id = ? AND reward = ?",
                                    (guild_id, reward))
        old = await cursor.fetchone()
        await conn.execute(
            "INSERT INTO role_rewards (guild_id, reward, role_id, actor_id, updated_at, problem) "
            "VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (guild_id, reward) DO UPDATE SET role_id = excluded.role_id, "
            "actor_id = excluded.actor_id, updated_at = excluded.updated_at, problem = NULL",
            (guild_id, reward, role_id, actor_id, now))
        return int(old[0]) if old else None

    async def clear_reward(self, conn: aiosqlite.Connection, guild_id: int, reward: str) -> int | None:
        cursor = await conn.execute("SELECT role_id FROM role_rewards WHERE guild_id = ? AND reward = ?",
                                    (guild_id, reward))
        old = await cursor.fetchone()
        await conn.execute("DELETE FROM role_rewards WHERE guild_id = ? AND reward = ?", (guild_id, reward))
        return int(old[0]) if old else None

    async def rewards(self, guild_id: int) -> list[RewardRow]:
        rows = await self.db.fetchall(
            "SELECT reward, role_id, problem FROM role_rewards WHERE guild_id = ? ORDER BY reward", (guild_id,))
        return [RewardRow(r[0], int(r[1]), r[2]) for r in rows]

    async def set_problem(self, guild_id: int, reward: str, problem: str | None) -> None:
        await self.db.execute("UPDATE role_rewards SET problem = ? WHERE guild_id = ? AND reward = ?",
                              (problem, guild_id, reward))

    async def guilds_with_rewards(self) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT guild_id FROM role_rewards UNION SELECT guild_id FROM role_grants ORDER BY guild_id")
        return [int(r[0]) for r in rows]

    async def grants(self, guild_id: int) -> list[Grant]:
        rows = await self.db.fetchall("SELECT user_id, reward, role_id, pending FROM role_grants WHERE guild_id = ?",
                                      (guild_id,))
        return [Grant(int(r[0]), r[1], int(r[2]), bool(r[3])) for r in rows]

    async def grants_of_member(self, user_id: int, conn: aiosqlite.Connection | None = None,
                               ) -> list[tuple[int, Grant]]:
        """The member's grants in every server, as (server, grant)."""
        rows = await self.db.reader(conn).fetchall(
            "SELECT guild_id, user_id, reward, role_id, pending FROM role_grants "
            "WHERE user_id = ? ORDER BY guild_id, reward", (user_id,))
        return [(int(r[0]), Grant(int(r[1]), r[2], int(r[3]), bool(r[4]))) for r in rows]

    async def mark_member_pending(self, user_id: int) -> None:
        """Make the member's grants unknown again: roles about to be taken back while the rows stay."""
        await self.db.execute("UPDATE role_grants SET pending = 1 WHERE user_id = ?", (user_id,))

    async def holders(self, guild_id: int, reward: str) -> int:
        return int(await self.db.fetchval("SELECT COUNT(*) FROM role_grants WHERE guild_id = ? AND reward = ? "
                                          "AND pending = 0", (guild_id, reward), default=0))

    async def losing(self, guild_id: int, reward: str) -> int:
        """Members holding ``reward``'s role for it and for no other reward that gives the same role: those
        the role would be taken from if ``reward`` stopped earning it."""
        return int(await self.db.fetchval(
            "SELECT COUNT(*) FROM role_grants AS g WHERE g.guild_id = ? AND g.reward = ? AND g.pending = 0 "
            "AND NOT EXISTS (SELECT 1 FROM role_grants AS other WHERE other.guild_id = g.guild_id "
            "AND other.user_id = g.user_id AND other.role_id = g.role_id AND other.reward <> g.reward)",
            (guild_id, reward), default=0))

    async def record_grant(self, guild_id: int, user_id: int, reward: str, role_id: int, now: int, *,
                           pending: bool) -> None:
        """Record a grant: ``pending`` before Discord is asked, confirmed once it gave the role."""
        await self.db.execute(
            "INSERT INTO role_grants (guild_id, user_id, reward, role_id, granted_at, pending) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id, reward) DO UPDATE SET role_id = excluded.role_id, "
            "granted_at = excluded.granted_at, pending = excluded.pending",
            (guild_id, user_id, reward, role_id, now, int(pending)))

    async def confirm_grant(self, guild_id: int, user_id: int, reward: str, role_id: int, now: int) -> bool:
        """Mark the pending grant as given; False when it is no longer recorded as asked for (the member's data was
        deleted meanwhile, or the grant forgotten): a confirmation never writes back a row that is gone."""
        return await self.db.execute(
            "UPDATE role_grants SET pending = 0, granted_at = ? WHERE guild_id = ? AND user_id = ? AND reward = ? "
            "AND role_id = ? AND pending = 1", (now, guild_id, user_id, reward, role_id)) > 0

    async def records_role(self, guild_id: int, user_id: int, role_id: int) -> bool:
        """Whether any grant of the member here still records ``role_id``."""
        return await self.db.fetchval("SELECT 1 FROM role_grants WHERE guild_id = ? AND user_id = ? AND role_id = ?",
                                      (guild_id, user_id, role_id)) is not None

    async def delete_grant(self, guild_id: int, user_id: int, reward: str) -> None:
        await self.db.execute("DELETE FROM role_grants WHERE guild_id = ? AND user_id = ? AND reward = ?",
                              (guild_id, user_id, reward))

    async def mark_gone(self, guild_id: int, user_id: int, now: int, activity_mark: int) -> None:
        """Note that Discord does not know the member here, with ``activity_mark``, their credited activity so
        far: once it has grown they were active here since, so are back."""
        await self.db.execute(
            "INSERT INTO reward_members_gone (guild_id, user_id, gone_at, activity_mark) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET gone_at = excluded.gone_at, "
            "activity_mark = excluded.activity_mark", (guild_id, user_id, now, activity_mark))

    async def gone_marks(self, guild_id: int) -> dict[int, int]:
        """Members found gone here, each with their credited activity when they were (see :meth:`mark_gone`)."""
        rows = await self.db.fetchall(
            "SELECT user_id, activity_mark FROM reward_members_gone WHERE guild_id = ?", (guild_id,))
        return {int(r[0]): int(r[1]) for r in rows}

    async def forget_gone(self, guild_id: int, user_ids: set[int]) -> None:
        await self.db.executemany("DELETE FROM reward_members_gone WHERE guild_id = ? AND user_id = ?",
                                  [(guild_id, user_id) for user_id in sorted(user_ids)])
