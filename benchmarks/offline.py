"""A publisher for benchmarks that only prepare the database through a service, with no Discord.

Services receive their publisher when they are built. A benchmark that sets schedules up before
the bot under test starts (or reads leaderboards) never shows anything, so every call here is a
mistake in the benchmark and says so, except the leaderboards' question which members are still in the
server (all of them are).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.daily import DailyPost, Published
from bot.streaks import ReminderCover


class OfflinePublisher:
    """Implements the daily and streak publishers; refuses every call: nothing is shown offline."""

    @staticmethod
    def _refuse(what: str) -> RuntimeError:
        return RuntimeError(f"{what}: this benchmark prepares the database only and shows nothing on Discord")

    async def find_published(self, channel_id: int, post: DailyPost, since: datetime) -> Published | None:
        raise self._refuse("find_published")

    async def publish(self, channel_id: int, post: DailyPost) -> Published:
        raise self._refuse("publish")

    async def notify_moderators(self, guild_id: int, text: str) -> bool:
        raise self._refuse("notify_moderators")

    async def post_answer(self, thread_id: int, user_id: int, body: str, *, edited: bool,
                          existing_message_id: int | None, day: date | None = None, look_first: bool = False,
                          since: datetime | None = None) -> int:
        raise self._refuse("post_answer")

    async def announce_milestone(self, guild_id: int, channel_id: int, user_id: int, milestone: int) -> int | None:
        raise self._refuse("announce_milestone")

    async def find_milestone(self, channel_id: int, user_id: int, milestone: int) -> int | None:
        raise self._refuse("find_milestone")

    async def members_present(self, guild_id: int, user_ids: Sequence[int]) -> set[int]:
        """Every member the benchmark made is in its server: the boards are timed as they read."""
        return set(user_ids)

    async def send_reminder(self, guild_id: int, user_id: int, current: int, breaks_at: datetime,
                            cover: ReminderCover | None = None) -> None:
        raise self._refuse("send_reminder")

    async def find_reminder(self, guild_id: int, user_id: int, breaks_at: datetime) -> bool:
        raise self._refuse("find_reminder")
