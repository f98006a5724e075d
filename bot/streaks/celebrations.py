"""Streak milestones celebrated in the server: claimed in the crediting transaction, posted, recorded.

A mixin of :class:`bot.streaks.service.StreakService`, kept apart because a celebration has its own exactly-once
steps (each a crash point), retries when Discord fails for a moment, a start-up catch-up, and a pause while its
server has removed the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock
from bot.daily import DailyRepository
from bot.posting import crash_point
from bot.posting.retry import is_transient, next_attempt
from bot.scheduler import JobScheduler
from bot.streaks.repository import StreakRepository
from bot.streaks.rules import StreakState, crossed_milestones

log = logging.getLogger(__name__)

# A celebration Discord failed to take for a moment is tried again for this long (later, only a restart's
# catch-up still posts it, within two days).
MILESTONE_RETRY_WINDOW = timedelta(hours=6)
MILESTONE_JOB_PREFIX = "streaks:milestone:"
NOWHERE_TO_CELEBRATE = ("not celebrated: they go to the daily channel, and there is none; choose a channel with "
                        "`/streak-admin announcements on channel`")


def milestone_job(guild_id: int, user_id: int, milestone: int, run_start: date) -> str:
    """Another attempt at a celebration Discord failed to take."""
    return f"{MILESTONE_JOB_PREFIX}{guild_id}:{user_id}:{milestone}:{run_start.isoformat()}"


class CelebrationFailed(Exception):
    """Discord failed to take a celebration for a moment (a server error, a rate limit): worth another try."""

    transient = True


class MilestoneAnnouncer(Protocol):
    async def announce_milestone(self, guild_id: int, channel_id: int, user_id: int, milestone: int) -> int | None:
        """Post the celebration in ``guild_id``'s channel; return the message id, or None if it could not be
        posted. Discord failing for a moment, or listing the server as unavailable (its channels are then out of
        sight, not gone), raises :class:`CelebrationFailed`: it is tried again."""

    async def find_milestone(self, channel_id: int, user_id: int, milestone: int) -> int | None:
        """The id of a celebration already posted (before a crash), or None."""



class Celebrations:
    """Posting the milestones a member's streak crosses, once each."""

    repo: StreakRepository
    publisher: MilestoneAnnouncer
    _daily: DailyRepository
    _clock: Clock
    _scheduler: JobScheduler
    _tasks: set[asyncio.Task[Any]]
    _announcing: set[tuple[int, int, int, date]]

    def _now_epoch(self) -> int:
        raise NotImplementedError

    async def _celebrate(self, guild_id: int, user_id: int, before: int, state: StreakState) -> None:
        reached = crossed_milestones(before, state.current)
        if not reached or state.run_start is None:
            return
        channel_id = await self._announcement_channel(guild_id)
        for milestone in reached:
            if not await self.repo.claim_milestone(guild_id, user_id, milestone, state.run_start, self._now_epoch(),
                                                   channel_id, state.last_active):
                continue
            if channel_id is not None:
                self._spawn(self._announce(guild_id, user_id, milestone, state.run_start, channel_id))

    async def _announcement_channel(self, guild_id: int) -> int | None:
        """Where milestones go: the configured channel, else the daily channel; None when switched off."""
        announce, channel_id = await self.repo.milestone_settings(guild_id)
        if not announce:
            return None
        return channel_id or await self._daily_channel(guild_id)

    async def _daily_channel(self, guild_id: int) -> int | None:
        schedule = await self._daily.schedule(guild_id)
        return schedule.channel_id if schedule is not None else None

    async def catch_up_milestones(self) -> int:
        """After a restart: claim milestones a crash left unclaimed and post claimed ones never recorded.

        A celebration may have reached Discord before the process died, so it is looked for in its
        channel before it is posted. Only milestones from the last two days are caught up: a
        celebration days late would be noise. Only the servers of the shard starting are looked at: the
        others' channels are not known here yet (or at all, in another process's servers). Returns how
        many were handed to the publisher.
        """
        owns = self._scheduler.owns
        for guild_id, user_id, milestone, run_start in await self.repo.unclaimed_milestones(self._now_epoch()):
            if owns(guild_id):
                channel_id = await self._announcement_channel(guild_id)
                await self.repo.claim_milestone(guild_id, user_id, milestone, run_start, self._now_epoch(),
                                                channel_id)
        return await self._announce_unannounced(owns)

    async def _announce_unannounced(self, owns: Callable[[int], bool]) -> int:
        """Post the claimed celebrations of the last two days in the servers ``owns`` that never reached their
        channel (looked for first); return how many were handed to the publisher."""
        since = self._now_epoch() - 2 * 86_400
        pending = [row for row in await self.repo.unannounced_milestones(since) if owns(row[0])]
        for guild_id, user_id, milestone, run_start, channel_id in pending:
            await self._announce(guild_id, user_id, milestone, run_start, channel_id, look_first=True)
        return len(pending)

    def forget_guild(self, guild_id: int) -> None:
        """The bot left the guild: a celebration waiting for another try waits for it to come back, when its
        channels are in sight again (tried now, it would find none and be given up)."""
        self._scheduler.remove_prefix(f"{MILESTONE_JOB_PREFIX}{guild_id}:")

    async def resume_guild(self, guild_id: int) -> None:
        """The guild added the bot back: celebrations of the last two days it missed are posted there now."""
        await self._announce_unannounced(lambda other: other == guild_id)

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str = "studybot-streak-milestone") -> None:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _announce(self, guild_id: int, user_id: int, milestone: int, run_start: date, channel_id: int,
                        look_first: bool = False, attempt: int = 0, until: datetime | None = None) -> None:
        """Claimed, posted, recorded: each step a crash point, so a restart neither loses nor repeats it.

        ``look_first`` after a restart or a failed attempt (Discord may have taken the message it did not
        confirm). Discord failing for a moment is tried again after a pause, ``until`` the retry window ends."""
        key = (guild_id, user_id, milestone, run_start)
        if key in self._announcing:
            return
        self._announcing.add(key)
        try:
            crash_point("milestone.claimed")
            message_id = await self.publisher.find_milestone(channel_id, user_id, milestone) if look_first \
                else None
            if message_id is None:
                message_id = await self.publisher.announce_milestone(guild_id, channel_id, user_id, milestone)
                crash_point("milestone.announced")
            if message_id is not None:
                await self.repo.set_milestone_message(guild_id, user_id, milestone, run_start, channel_id, message_id)
        except Exception as error:
            log.exception("could not announce a %d-day streak in guild %s", milestone, guild_id)
            now = self._clock.now()
            until = until or now + MILESTONE_RETRY_WINDOW
            when = next_attempt(attempt + 1, now, until) if is_transient(error) else None
            if when is not None:
                self._scheduler.add(milestone_job(*key), DateTrigger(run_date=when), self._announce, guild_id,
                                    user_id, milestone, run_start, channel_id, True, attempt + 1, until)
        finally:
            self._announcing.discard(key)
