"""Which role a server names as its moderators, besides members with Manage Server.

Kept in ``guild_settings``; changes go to the audit log in the same transaction.
"""

from __future__ import annotations

from bot.audit import AuditLog
from bot.clock import Clock
from bot.storage import Database


class ModeratorRoles:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    async def role_of(self, guild_id: int) -> int | None:
        value = await self._db.fetchval("SELECT moderator_role_id FROM guild_settings WHERE guild_id = ?",
                                        (guild_id,))
        return int(value) if value is not None else None

    async def set_role(self, guild_id: int, actor_id: int, role_id: int | None) -> int | None:
        """Name ``role_id`` as the moderator role (``None`` clears it); returns the previous role."""
        now = int(self._clock.now().timestamp())
        async with self._db.transaction() as conn:
            cursor = await conn.execute("SELECT moderator_role_id FROM guild_settings WHERE guild_id = ?",
                                        (guild_id,))
            row = await cursor.fetchone()
            previous = row[0] if row else None
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, joined_at, moderator_role_id) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET moderator_role_id = excluded.moderator_role_id",
                (guild_id, now, role_id))
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="settings.moderator_role",
                                     old=str(previous) if previous else None, new=str(role_id) if role_id else None)
        return int(previous) if previous is not None else None
