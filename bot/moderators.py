"""Who moderates a server besides members with Manage Server, and where the bot tells them things.

Both are kept in ``guild_settings``; changes go to the audit log in the same transaction.
"""

from __future__ import annotations

from typing import Literal

from bot.audit import AuditLog
from bot.clock import Clock
from bot.storage import Database

# A column of guild_settings a moderator sets, with the audit action that records the change. The column
# name is one of these constants, never text from a member.
Setting = Literal["moderator_role_id", "notices_channel_id"]
ACTIONS: dict[Setting, str] = {"moderator_role_id": "settings.moderator_role",
                               "notices_channel_id": "settings.notices_channel"}


class ModeratorRoles:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    async def role_of(self, guild_id: int) -> int | None:
        return await self._get(guild_id, "moderator_role_id")

    async def set_role(self, guild_id: int, actor_id: int, role_id: int | None) -> int | None:
        """Name ``role_id`` as the moderator role (``None`` clears it); returns the previous role."""
        return await self._set(guild_id, actor_id, "moderator_role_id", role_id)

    async def notices_channel_of(self, guild_id: int) -> int | None:
        """The channel the moderators chose for the bot's notices; None means the server's system channel."""
        return await self._get(guild_id, "notices_channel_id")

    async def set_notices_channel(self, guild_id: int, actor_id: int, channel_id: int | None) -> int | None:
        """Send the bot's notices to ``channel_id`` (``None``: the system channel again); returns the previous.
        A chosen channel is owed the bot's introduction, saved with the choice (see migration 0057)."""
        return await self._set(guild_id, actor_id, "notices_channel_id", channel_id, intro_owed=channel_id is not None)

    async def intros_owed(self) -> dict[int, int]:
        """Guild → the notices channel still waiting for its introduction (a process stopped before posting it)."""
        rows = await self._db.fetchall("SELECT guild_id, notices_channel_id FROM guild_settings "
                                       "WHERE notices_intro_owed = 1 AND notices_channel_id IS NOT NULL")
        return {int(guild_id): int(channel_id) for guild_id, channel_id in rows}

    async def intro_posted(self, guild_id: int, channel_id: int) -> None:
        """The introduction is in ``channel_id`` (or cannot be posted there): owed no more, unless moderators
        chose another channel meanwhile, which is owed its own."""
        await self._db.execute("UPDATE guild_settings SET notices_intro_owed = 0 WHERE guild_id = ? "
                               "AND notices_channel_id = ?", (guild_id, channel_id))

    async def _get(self, guild_id: int, column: Setting) -> int | None:
        sql = f"SELECT {column} FROM guild_settings WHERE guild_id = ?"  # noqa: S608 (a Setting constant)
        value = await self._db.fetchval(sql, (guild_id,))
        return int(value) if value is not None else None

    async def _set(self, guild_id: int, actor_id: int, column: Setting, value: int | None, *,
                   intro_owed: bool = False) -> int | None:
        now = int(self._clock.now().timestamp())
        async with self._db.transaction() as conn:
            sql = f"SELECT {column} FROM guild_settings WHERE guild_id = ?"  # noqa: S608 (a Setting constant)
            cursor = await conn.execute(sql, (guild_id,))
            row = await cursor.fetchone()
            previous = row[0] if row else None
            # Choosing where notices go also says whether an introduction is owed there; the role leaves it be.
            owed = ", notices_intro_owed = excluded.notices_intro_owed" if column == "notices_channel_id" else ""
            upsert = (f"INSERT INTO guild_settings (guild_id, joined_at, {column}, notices_intro_owed) "  # noqa: S608
                      f"VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}{owed}")
            await conn.execute(upsert, (guild_id, now, value, int(intro_owed)))
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action=ACTIONS[column],
                                     old=str(previous) if previous else None, new=str(value) if value else None)
        return int(previous) if previous is not None else None
