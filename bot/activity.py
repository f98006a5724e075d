"""Activity: the one door through which every feature says "this member studied today".

A submitted daily answer, a flashcard review, a quiz answer and a completed mock
interview all land here, keyed on the member's *local* calendar day at the moment it
happened (their own timezone, else the guild's). Streaks are derived from these rows,
so features never touch streak state themselves. Listeners (e.g. milestone
announcements) are told after the row is committed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.clock import Clock, ensure_utc
from bot.storage import Database
from bot.timezones import TimezoneResolver, local_date

log = logging.getLogger(__name__)


class ActivityKind(StrEnum):
    ANSWER = "answer"
    REVIEW = "review"
    QUIZ = "quiz"
    MOCK = "mock"
    REPAIR = "repair"


@dataclass(frozen=True)
class ActivityRecorded:
    guild_id: int
    user_id: int
    kind: ActivityKind
    local_date: date
    at: datetime
    first_of_day: bool  # True when this was the member's first activity of any kind that day


Listener = Callable[[ActivityRecorded], Awaitable[None]]


class ActivityService:
    def __init__(self, db: Database, clock: Clock, timezones: TimezoneResolver) -> None:
        self._db = db
        self._clock = clock
        self._timezones = timezones
        self._listeners: list[Listener] = []

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def record(
        self, guild_id: int, user_id: int, kind: ActivityKind, at: datetime | None = None
    ) -> ActivityRecorded:
        """Count ``kind`` for the member's local day containing ``at`` (default: now)."""
        moment = ensure_utc(at) if at is not None else self._clock.now()
        zone = await self._timezones.zone_for(guild_id, user_id)
        day = local_date(moment, zone)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT 1 FROM activity WHERE guild_id = ? AND user_id = ? AND local_date = ? LIMIT 1",
                (guild_id, user_id, day.isoformat()),
            )
            first = await cursor.fetchone() is None
            await conn.execute(
                "INSERT INTO activity (guild_id, user_id, local_date, kind, first_at, count) "
                "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (guild_id, user_id, local_date, kind) "
                "DO UPDATE SET count = count + 1",
                (guild_id, user_id, day.isoformat(), str(kind), int(moment.timestamp())),
            )
        event = ActivityRecorded(guild_id, user_id, kind, day, moment, first)
        for listener in self._listeners:
            try:
                await listener(event)
            except Exception:
                log.exception("activity listener %r failed for guild %s", listener, guild_id)
        return event

    async def active_dates(self, guild_id: int, user_id: int) -> list[date]:
        rows = await self._db.fetchall(
            "SELECT DISTINCT local_date FROM activity WHERE guild_id = ? AND user_id = ? ORDER BY local_date",
            (guild_id, user_id),
        )
        return [date.fromisoformat(row[0]) for row in rows]
