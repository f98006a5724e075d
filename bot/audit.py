"""The audit log: who changed which setting or took which moderator action, and when.

Writers pass their open transaction so the audit row commits (or rolls back) with
the change it describes; a change is never recorded without its audit entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.clock import Clock
from bot.storage import Database


@dataclass(frozen=True)
class AuditEntry:
    id: int
    guild_id: int
    actor_id: int
    action: str
    target_id: int | None
    old_value: str | None
    new_value: str | None
    reason: str | None
    created_at: datetime


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


class AuditLog:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def record(
        self,
        conn: aiosqlite.Connection,
        *,
        guild_id: int,
        actor_id: int,
        action: str,
        target_id: int | None = None,
        old: Any = None,
        new: Any = None,
        reason: str | None = None,
    ) -> None:
        """Append an entry inside the caller's transaction ``conn``."""
        await conn.execute(
            "INSERT INTO audit_log (guild_id, actor_id, action, target_id, old_value, new_value, reason, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, actor_id, action, target_id, _text(old), _text(new), reason,
             int(self._clock.now().timestamp())),
        )

    async def recent(self, guild_id: int, *, limit: int = 25, offset: int = 0) -> list[AuditEntry]:
        rows = await self._db.fetchall(
            "SELECT * FROM audit_log WHERE guild_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return [
            AuditEntry(
                id=row["id"], guild_id=row["guild_id"], actor_id=row["actor_id"], action=row["action"],
                target_id=row["target_id"], old_value=row["old_value"], new_value=row["new_value"],
                reason=row["reason"], created_at=datetime.fromtimestamp(row["created_at"], UTC),
            )
            for row in rows
        ]
