"""What moderators and the owner need to see at a glance: the guild's configuration, exports, health."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.admin.repository import AdminRepository
from bot.clock import Clock
from bot.overview import ConfiguredFeature, SettingsSection
from bot.storage import Database


class OverviewService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.repo = AdminRepository(db)
        self._clock = clock

    @staticmethod
    async def features(guild_id: int, sections: Iterable[SettingsSection]) -> list[ConfiguredFeature]:
        """Every feature the guild configured, with where it posts and when it next runs.

        Each feature's service writes its own section; they come out in their stated order.
        """
        found = [await section.settings_section(guild_id) for section in sections]
        return sorted((f for f in found if f is not None), key=lambda f: f.position)

    @staticmethod
    async def running_schedules(guild_id: int, sections: Iterable[SettingsSection]) -> list[str]:
        """The names of the guild's schedules that run (with upcoming times), not its on-by-default options."""
        features = await OverviewService.features(guild_id, sections)
        return [f.name for f in features if f.enabled and f.next_times]

    async def participant_ids(self, guild_id: int) -> list[int]:
        """Everyone with recorded activity here, in the export's order."""
        return await self.repo.participant_ids(guild_id)

    async def participation_csv(self, guild_id: int, names: Mapping[int, tuple[str, str]] | None = None) -> str:
        """One row per member: their name, streaks and how often they did each kind of activity (active days).

        ``names`` maps a user id to (display name, username); a member not in it is shown by id only.
        """
        rows = await self.repo.participation(guild_id)
        now = self._clock.now().timestamp()
        names = names or {}
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["member", "username", "user_id", "current_streak", "best_streak", "active_days",
                         "answer_days", "review_days", "quiz_days", "mock_days", "repaired_days", "last_active"])
        for r in rows:
            current = r.current_streak if r.breaks_at > now else 0
            shown, username = names.get(r.user_id, ("", ""))
            writer.writerow([spreadsheet_safe(shown), spreadsheet_safe(username), str(r.user_id), current,
                             r.best_streak, r.active_days, r.answer_days, r.review_days, r.quiz_days, r.mock_days,
                             r.repaired_days, r.last_active])
        return out.getvalue()


def spreadsheet_safe(text: str) -> str:
    """A name a spreadsheet will not run as a formula (``=HYPERLINK(…)`` as a display name)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def database_size(path: Path) -> int:
    """Bytes on disk, the write-ahead log included."""
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
