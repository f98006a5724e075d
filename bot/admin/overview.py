"""What moderators and the owner need to see at a glance: the guild's configuration, exports, health."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.mock.repository import PairingRepository
from bot.posting.clocktime import upcoming
from bot.storage import Database
from bot.timezones import parse_local_time


@dataclass(frozen=True)
class ConfiguredFeature:
    name: str
    enabled: bool
    channel_id: int | None
    summary: str
    next_times: list[datetime] = field(default_factory=list)


class OverviewService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def features(self, guild_id: int) -> list[ConfiguredFeature]:
        """Every feature the guild configured, with where it posts and when it next runs."""
        now = self._clock.now()
        found: list[ConfiguredFeature] = []
        daily = await self._db.fetchone("SELECT * FROM daily_schedule WHERE guild_id = ?", (guild_id,))
        if daily:
            zone, at = ZoneInfo(daily["timezone"]), parse_local_time(daily["local_time"])
            found.append(ConfiguredFeature(
                "Daily prompts", bool(daily["enabled"]), daily["channel_id"],
                f"{daily['local_time']} {daily['timezone']}" + (" · role pinged" if daily["role_id"] else ""),
                upcoming(now, at, zone, 2) if daily["enabled"] else []))
        quiz = await self._db.fetchone("SELECT * FROM quiz_schedule WHERE guild_id = ?", (guild_id,))
        if quiz:
            zone, at = ZoneInfo(quiz["timezone"]), parse_local_time(quiz["local_time"])
            found.append(ConfiguredFeature(
                "Daily quiz", bool(quiz["enabled"]), quiz["channel_id"],
                f"{quiz['local_time']} {quiz['timezone']} · open {quiz['close_hours']} h",
                upcoming(now, at, zone, 2) if quiz["enabled"] else []))
        streak = await self._db.fetchone("SELECT announce, channel_id FROM streak_settings WHERE guild_id = ?",
                                         (guild_id,))
        announce = streak is None or bool(streak["announce"])
        channel = (streak["channel_id"] if streak and streak["channel_id"] else daily["channel_id"] if daily else None)
        found.append(ConfiguredFeature(
            "Streak milestones", announce, channel if announce else None,
            "announced" + ("" if streak and streak["channel_id"] else " in the daily channel") if announce else "off"))
        mock = await PairingRepository(self._db).schedule(guild_id)
        if mock:
            found.append(ConfiguredFeature("Mock interviews", mock.enabled, mock.channel_id, mock.describe,
                                           mock.next_rounds(now, 2)))
        return found

    async def participant_ids(self, guild_id: int) -> list[int]:
        """Everyone with recorded activity here, in the export's order."""
        rows = await self._db.fetchall(
            "SELECT DISTINCT user_id FROM activity WHERE guild_id = ? ORDER BY user_id", (guild_id,))
        return [int(r[0]) for r in rows]

    async def participation_csv(self, guild_id: int, names: Mapping[int, tuple[str, str]] | None = None) -> str:
        """One row per member: their name, streaks and how often they did each kind of activity (active days).

        ``names`` maps a user id to (display name, username); a member not in it is shown by id only.
        """
        rows = await self._db.fetchall(
            "SELECT a.user_id, SUM(a.kind = 'answer'), SUM(a.kind = 'review'), SUM(a.kind = 'quiz'), "
            "SUM(a.kind = 'mock'), SUM(a.kind = 'repair'), COUNT(DISTINCT a.local_date), MAX(a.local_date), "
            "COALESCE(s.current, 0), COALESCE(s.best, 0), COALESCE(s.breaks_at, 0) "
            "FROM activity a LEFT JOIN streaks s ON s.guild_id = a.guild_id AND s.user_id = a.user_id "
            "WHERE a.guild_id = ? GROUP BY a.user_id ORDER BY a.user_id", (guild_id,))
        now = self._clock.now().timestamp()
        names = names or {}
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["member", "username", "user_id", "current_streak", "best_streak", "active_days",
                         "answer_days", "review_days", "quiz_days", "mock_days", "repaired_days", "last_active"])
        for r in rows:
            current = r[8] if r[10] > now else 0
            shown, username = names.get(int(r[0]), ("", ""))
            writer.writerow([spreadsheet_safe(shown), spreadsheet_safe(username), str(r[0]), current, r[9], r[6],
                             r[1], r[2], r[3], r[4], r[5], r[7]])
        return out.getvalue()


def spreadsheet_safe(text: str) -> str:
    """A name a spreadsheet will not run as a formula (``=HYPERLINK(…)`` as a display name)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def database_size(path: Path) -> int:
    """Bytes on disk, the write-ahead log included."""
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
