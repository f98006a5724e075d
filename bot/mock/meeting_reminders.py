"""The reminders of an agreed interview: stored timers, each sent exactly once.

A confirmation stores its version's reminders in the same transaction as the agreed time
(:mod:`bot.mock.meetings`); here they become timers, and each is claimed in the database
before it is sent and marked once Discord has it. A restart rebuilds the timers of the
unsent ones, and a reminder an earlier process claimed but never marked is looked for
before it is sent again. A moved or cancelled interview leaves its old reminders
unsendable: their version no longer matches, or the meeting has begun; a group that
already reported meeting gets none.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol
from zoneinfo import ZoneInfo

from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock
from bot.mock.agreement import REMINDERS
from bot.mock.meeting_repository import Meeting, MeetingRepository, Reminder
from bot.mock.models import Group, Round, staying_in
from bot.mock.repository import PairingRepository
from bot.posting import crash_point
from bot.posting.retry import is_transient, next_attempt
from bot.scheduler import JobScheduler

log = logging.getLogger(__name__)


class ReminderPublisher(Protocol):
    async def remind(self, round_: Round, group: Group, meeting: Meeting, user_id: int, zone: ZoneInfo,
                     kind: str) -> None: ...
    async def find_reminder(self, group: Group, meeting: Meeting, user_id: int, kind: str) -> bool: ...


async def member_zone(pairing: PairingRepository, guild_id: int, user_id: int) -> ZoneInfo:
    """The zone a member signed up with (times are shown to them in it); UTC without a sign-up."""
    signup = await pairing.signup(guild_id, user_id)
    return ZoneInfo(signup.timezone) if signup else ZoneInfo("UTC")


class MeetingReminders:
    def __init__(self, clock: Clock, scheduler: JobScheduler, repo: MeetingRepository, pairing: PairingRepository,
                 publisher: ReminderPublisher) -> None:
        self._clock, self._scheduler = clock, scheduler
        self.repo, self.pairing, self.publisher = repo, pairing, publisher
        self._in_flight: set[str] = set()  # a timer rebuilt while its reminder is being sent
        # Set by the round flow: whether a group's interview is still on once the round's members who left the
        # server are found (one left alone is called off), asked before a reminder names them as partners.
        self.still_on: Callable[[int], Awaitable[bool]] | None = None

    def schedule(self, reminder: Reminder) -> None:
        self._scheduler.add(reminder.job_id, DateTrigger(run_date=max(reminder.due_at, self._clock.now())),
                            self.send, reminder)

    async def send(self, reminder: Reminder, attempt: int = 0) -> bool:
        """Send one stored reminder exactly once: claim, send, mark sent.

        A reminder an earlier process claimed but never marked may already be on Discord: it is
        looked for first and only marked sent when found. A reminder whose meeting has begun, moved
        or been cancelled is not sent at all. One Discord failed to take for a moment stays claimed and
        is tried again after a pause (so looked for first), until the interview begins.
        """
        if reminder.job_id in self._in_flight:
            return False
        self._in_flight.add(reminder.job_id)
        try:
            return await self._send(reminder)
        except Exception as error:
            begins = reminder.due_at + dict(REMINDERS)[reminder.kind]
            when = next_attempt(attempt + 1, self._clock.now(), begins) if is_transient(error) else None
            if when is None:
                raise
            log.warning("reminder %s met a passing fault (%s); attempt %d at %s", reminder.job_id, error,
                        attempt + 2, when.isoformat())
            self._scheduler.add(reminder.job_id, DateTrigger(run_date=when), self.send, reminder, attempt + 1)
            return False
        finally:
            self._in_flight.discard(reminder.job_id)

    async def _send(self, reminder: Reminder) -> bool:
        meeting = await self.repo.meeting(reminder.group_id)
        now = self._clock.now()
        if meeting is None or meeting.starts_at is None or meeting.starts_at <= now:
            return False
        if self.still_on is not None and not await self.still_on(reminder.group_id):
            return False  # called off: a partner left the server, and the member who stayed was told instead
        group = await self.pairing.group(reminder.group_id)
        round_ = await self.pairing.round(group.round_id) if group else None
        if group is None or round_ is None or group.outcome == "met":
            return False  # a group that already met (earlier than agreed, say) has no interview left to remind of
        # A member found gone from the server gets no reminder, and the others' reminders do not name them.
        group = staying_in(group, await self.pairing.departed_from(group.id))
        if not group.has(reminder.user_id):
            return False
        earlier_attempt = await self.repo.was_claimed(reminder)
        if not await self.repo.claim_reminder(reminder, now):
            return False
        crash_point("reminder.claimed")
        if earlier_attempt and await self.publisher.find_reminder(group, meeting, reminder.user_id, reminder.kind):
            log.info("reminder %s was sent before a restart; not sending it again", reminder.job_id)
        else:
            zone = await member_zone(self.pairing, group.guild_id, reminder.user_id)
            await self.publisher.remind(round_, group, meeting, reminder.user_id, zone, reminder.kind)
            crash_point("reminder.sent")
        await self.repo.mark_reminder_sent(reminder, self._clock.now())
        return True
