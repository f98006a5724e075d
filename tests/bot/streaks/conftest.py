from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.activity import ActivityService
from bot.audit import AuditLog
from bot.clock import ManualClock
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.streaks import DirectMessagesClosedError, ReminderCover, StreakReminders, StreakService
from bot.timezones import TimezoneResolver


@dataclass
class FakeDiscord:
    """Records what the bot would have posted or DMed."""

    announcements: list[tuple[int, int, int]] = field(default_factory=list)
    reminders: list[tuple[int, int, int]] = field(default_factory=list)
    covers: list[ReminderCover | None] = field(default_factory=list)  # what each reminder said about freezes
    closed_dms: set[int] = field(default_factory=set)
    gone: set[int] = field(default_factory=set)  # members who left the server

    async def members_present(self, guild_id: int, user_ids: Sequence[int]) -> set[int]:
        return set(user_ids) - self.gone

    async def announce_milestone(self, guild_id: int, channel_id: int, user_id: int, milestone: int) -> int | None:
        self.announcements.append((channel_id, user_id, milestone))
        return 1000 + len(self.announcements)

    async def find_milestone(self, channel_id: int, user_id: int, milestone: int) -> int | None:
        found = [n for n, posted in enumerate(self.announcements) if posted == (channel_id, user_id, milestone)]
        return 1001 + found[0] if found else None

    async def send_reminder(self, guild_id: int, user_id: int, current: int, breaks_at: datetime,
                            cover: ReminderCover | None = None) -> None:
        if user_id in self.closed_dms:
            raise DirectMessagesClosedError
        self.reminders.append((guild_id, user_id, current))
        self.covers.append(cover)

    async def find_reminder(self, guild_id: int, user_id: int, breaks_at: datetime, since: datetime) -> bool:
        return any(sent[:2] == (guild_id, user_id) for sent in self.reminders)


@dataclass
class Streaks:
    db: Database
    clock: ManualClock
    activity: ActivityService
    service: StreakService
    reminders: StreakReminders
    discord: FakeDiscord
    timezones: TimezoneResolver


async def build(path: Path, start: datetime) -> Streaks:
    db = Database(path)
    await db.open()
    clock = ManualClock(start)
    timezones = TimezoneResolver(db)
    activity = ActivityService(db, clock, timezones)
    fake = FakeDiscord()
    service = StreakService(db, clock, timezones, activity, AuditLog(db, clock), JobScheduler(clock, manual=True), fake)
    service.attach()
    return Streaks(db, clock, activity, service, service.reminders, fake, timezones)


@pytest.fixture
async def streaks(tmp_path: Path) -> AsyncIterator[Streaks]:
    built = await build(tmp_path / "streaks.sqlite3", datetime(2026, 3, 2, 12, tzinfo=UTC))
    try:
        yield built
    finally:
        await built.db.close()
