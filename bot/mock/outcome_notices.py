"""What the members of an interview are told after its outcome: the pauses no-shows bring and their lifting, and
the ask to a reporter to withdraw a report the absent member disputes.

A mixin of :class:`bot.mock.outcomes.Outcomes`, kept apart because these messages have their own retries (Discord
failing for a moment) and start-up catch-ups, while the outcome itself is one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock
from bot.mock.jobs import dispute_job, pause_job
from bot.mock.models import Group
from bot.mock.outcome_repository import OutcomeRepository
from bot.mock.publisher import MockPublisher, ShareFailed
from bot.mock.repository import PairingRepository
from bot.posting import crash_point
from bot.posting.retry import next_attempt
from bot.scheduler import JobScheduler

log = logging.getLogger(__name__)

# Each retry of a pause DM Discord failed to take may come this long after the last: then at each start.
PAUSE_RETRY_WINDOW = timedelta(hours=1)


class OutcomeNotices:
    """The DMs an outcome leads to, each told once, tried again after a pause when Discord fails for a moment."""

    repo: PairingRepository
    publisher: MockPublisher
    outcomes_repo: OutcomeRepository
    _clock: Clock
    _scheduler: JobScheduler

    async def ask_reporters(self, group_id: int, absent_id: int, reporters: list[int], attempt: int = 0) -> None:
        """Ask each member who reported ``absent_id`` absent to withdraw it, since they say they met; once per
        reporter and group however often the button is pressed (the press records whom to ask). Called after
        the member has their answer, and at each start for an ask a crash lost (their DMs are read first). One
        Discord failed to take for a moment stays unasked and is tried again after a pause."""
        group = await self.repo.group(group_id)
        round_ = await self.repo.round(group.round_id) if group is not None else None
        for reporter in reporters:
            if group is not None and round_ is not None:
                try:
                    await self.publisher.ask_to_withdraw(round_, group, reporter, absent_id)
                except ShareFailed as error:  # failing for a moment: left unasked, tried again after a pause
                    self._ask_later(group, absent_id, reporter, error, attempt)
                    continue
                crash_point("mock.dispute-asked")
            await self.outcomes_repo.mark_dispute_asked(group_id, absent_id, reporter)

    def _ask_later(self, group: Group, absent_id: int, reporter: int, error: ShareFailed, attempt: int) -> None:
        """Ask ``reporter`` again after a pause growing with ``attempt``, for a while; then at the next start."""
        now = self._clock.now()
        when = next_attempt(attempt + 1, now, now + PAUSE_RETRY_WINDOW) if error.transient else None
        log.info("could not ask member %s about a disputed report of group %s (%s); %s", reporter, group.id, error,
                 f"again at {when:%H:%M:%S}" if when else "again at the next start")
        if when is not None:
            self._scheduler.add(dispute_job(group.guild_id, group.id, absent_id, reporter), DateTrigger(run_date=when),
                                self._ask_again, group.id, absent_id, reporter, attempt + 1)

    async def _ask_again(self, group_id: int, absent_id: int, reporter: int, attempt: int) -> None:
        """A retry's job: the ask, unless it was made meanwhile or the report is gone (withdrawn)."""
        if any((group, absent, by) == (group_id, absent_id, reporter)
               for _, group, absent, by in await self.outcomes_repo.unasked_disputes()):
            await self.ask_reporters(group_id, absent_id, [reporter], attempt)

    async def ask_unasked_reporters(self, owns: Callable[[int], bool]) -> None:
        """After connecting: ask the reporters a crash left unasked whether the member they reported did come."""
        for guild_id, group_id, absent_id, reporter in await self.outcomes_repo.unasked_disputes():
            if owns(guild_id):
                try:
                    await self.ask_reporters(group_id, absent_id, [reporter])
                except Exception:
                    log.exception("could not ask member %s of guild %s about a disputed report", reporter, guild_id)

    async def tell_resumed(self, guild_id: int, user_ids: list[int], *, fresh: bool = True) -> None:
        """DM members whose no-show pause was lifted because a report was withdrawn, once each (as
        :meth:`tell_paused`)."""
        for user_id in user_ids:
            if await self._tell_pause_change(guild_id, user_id, None, fresh):
                crash_point("mock.resume-told")
                await self.outcomes_repo.mark_pause_told(guild_id, user_id)

    async def tell_paused(self, guild_id: int, user_ids: list[int], *, fresh: bool = True,
                          reason: str = "no-show") -> None:
        """DM members just paused, once each: for missing twice (called after the reporter has been answered), or
        for never answering their pairings (``reason`` "silent", after the round that paused them); unless
        ``fresh``, at a start for a pause a crash left untold (their DMs are read first)."""
        for user_id in user_ids:
            if await self._tell_pause_change(guild_id, user_id, reason, fresh):
                crash_point("mock.pause-told")
                await self.outcomes_repo.mark_pause_told(guild_id, user_id)

    async def _tell_pause_change(self, guild_id: int, user_id: int, reason: str | None, fresh: bool,
                                 attempt: int = 0) -> bool:
        """The DM of a pause (``reason``) or of its lifting (None); whether it went. One Discord failed to take for
        a moment stays untold and is tried again after a pause (the member's DMs read first), for a while, then
        at the next start."""
        try:
            if reason is None:
                await self.publisher.tell_resumed(user_id, fresh=fresh)
            else:
                await self.publisher.tell_paused(user_id, fresh=fresh, reason=reason)
        except ShareFailed as error:
            now = self._clock.now()
            when = next_attempt(attempt + 1, now, now + PAUSE_RETRY_WINDOW) if error.transient else None
            if when is None:
                raise
            self._scheduler.add(pause_job(guild_id, user_id), DateTrigger(run_date=when), self._tell_pause_again,
                                guild_id, user_id, attempt + 1)
            return False
        return True

    async def _tell_pause_again(self, guild_id: int, user_id: int, attempt: int) -> None:
        """A retry's job: the member's pause change as it stands now, unless they were told meanwhile."""
        untold = [why for guild, user, why in await self.outcomes_repo.untold_pause_changes()
                  if (guild, user) == (guild_id, user_id)]
        if untold and await self._tell_pause_change(guild_id, user_id, untold[0], False, attempt):
            await self.outcomes_repo.mark_pause_told(guild_id, user_id)

    async def tell_untold_pauses(self, owns: Callable[[int], bool]) -> None:
        """After connecting: tell the members a crash left paused, or no longer paused, without a word."""
        for guild_id, user_id, reason in await self.outcomes_repo.untold_pause_changes():
            if owns(guild_id):
                try:
                    if reason is None:
                        await self.tell_resumed(guild_id, [user_id], fresh=False)
                    else:
                        await self.tell_paused(guild_id, [user_id], fresh=False, reason=reason)
                except Exception:
                    log.exception("could not tell member %s of guild %s of their pause", user_id, guild_id)
