"""Opt-in reminder DMs: one nudge on a day the member has not studied yet, at their local hour.

The scheduler runs :meth:`StreakReminders.run_due` every quarter hour (so zones with
half- and quarter-hour offsets still get their hour). A reminder is claimed for the
day before it is sent and marked sent after; a claim without its mark (the process died
in between) is finished by a later pass the same day, which looks for the DM first, so a
restart neither loses the nudge nor sends two. A member whose DMs are closed is switched
off and told why in ``/streak show``.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.errors import InvalidInput
from bot.posting import crash_point
from bot.scheduler import JobScheduler
from bot.streaks.models import FreezeCover, ProvisionalFreeze, ReminderCover, ReminderRow, StreakRow
from bot.streaks.repository import StreakRepository

log = logging.getLogger(__name__)

JOB_ID = "streaks:reminders"
DEFAULT_HOUR = 20
MIN_STREAK = 2


class DirectMessagesClosedError(Exception):
    """The member does not accept direct messages from the bot."""


class ReminderSender(Protocol):
    async def send_reminder(self, guild_id: int, user_id: int, current: int, breaks_at: datetime,
                            cover: ReminderCover | None = None) -> None:
        """DM the member; raise DirectMessagesClosedError when they do not accept DMs. With a
        :class:`FreezeCover`, missing today would spend a freeze (and ``breaks_at`` is the end of tomorrow);
        with a :class:`ProvisionalFreeze`, yesterday was missed and studying today spends a freeze on it
        (missing today too ends the streak at ``breaks_at``, today's end). The DM must say which."""

    async def find_reminder(self, guild_id: int, user_id: int, breaks_at: datetime, since: datetime) -> bool:
        """Whether today's reminder (for the streak ending at ``breaks_at``) is already in their DMs, among those
        sent ``since`` the member's day began: yesterday's may name the same end (a freeze holding the streak)."""


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The instant (UTC) the local ``day`` ends in ``zone``: the next day's midnight there."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def freeze_cover(row: StreakRow, today: date, zone: ZoneInfo) -> FreezeCover | None:
    """Whether a freeze would cover ``today`` if the member misses it: their streak lasts past today's end
    (they were active yesterday and hold a freeze). Then the reminder's deadline is tomorrow's end, and
    a member who is not told would spend a freeze without knowing it."""
    today_ends = end_of_day(today, zone)
    if row.freezes <= 0 or row.breaks_at <= today_ends.timestamp():
        return None
    return FreezeCover(row.freezes, today_ends)


def provisional_freeze(row: StreakRow, today: date, zone: ZoneInfo) -> ProvisionalFreeze | None:
    """Whether ``today`` follows a missed day a freeze holds for now (``evaluate``'s ``pending_freeze``): the
    member's last active day was the day before yesterday and they hold a freeze. The summary is written
    at their last activity and nothing has changed since, so its ``current`` and ``freezes`` are still
    today's: studying today spends one freeze on yesterday, missing today ends the streak."""
    yesterday = today - timedelta(days=1)
    if row.current <= 0 or row.freezes <= 0 or row.last_active != yesterday - timedelta(days=1):
        return None
    return ProvisionalFreeze(row.freezes, yesterday, end_of_day(today, zone))


def reminder_cover(row: StreakRow, today: date, zone: ZoneInfo) -> ReminderCover | None:
    """What today's reminder must say about freezes: that missing today would spend one (active yesterday),
    that studying today spends one on yesterday (yesterday missed), or nothing (no freeze in play)."""
    return freeze_cover(row, today, zone) or provisional_freeze(row, today, zone)


def hour_exists(day: date, hour: int, zone: ZoneInfo) -> bool:
    """Whether ``hour``:00 happens on ``day`` in ``zone`` (not inside a daylight-saving gap)."""
    wall = datetime.combine(day, time(hour), tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None)


def hour_over(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The instant (UTC) the reminder's ``hour`` of ``day`` ends in ``zone``: the quarter-hour passes send it until
    then, so a reminder switched on (or moved to this hour) later asked for it from the next day only."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC) + timedelta(hours=1)


def reminded_since(reminder: ReminderRow, today: date, day_began: datetime) -> bool:
    """Whether the member had a reminder since their ``today`` began. Asked of the instant it went out: the local
    date it was sent on is in the zone the member had then, and after a move west that date is the new zone's
    next day (which would go without), after a move east today's yesterday (today would get a second)."""
    if reminder.last_sent_at is not None:
        return reminder.last_sent_at >= day_began.timestamp()
    return reminder.last_sent_date == today.isoformat()  # sent before the instant was kept


class StreakReminders:
    def __init__(self, repo: StreakRepository, clock: Clock, scheduler: JobScheduler, sender: ReminderSender) -> None:
        self._sender = sender
        self._repo = repo
        self._clock = clock
        self._scheduler = scheduler
        self._sending: set[tuple[int, int]] = set()  # a slow pass overlapping the next quarter hour

    async def start(self) -> None:
        self._scheduler.add(JOB_ID, CronTrigger(minute="0,15,30,45", timezone=UTC), self.run_due)

    async def catch_up(self) -> None:
        """Send today's reminders whose hour came (or whose sending was interrupted) while the bot was down."""
        await self.run_due(late=True)

    async def stop(self) -> None:
        self._scheduler.remove(JOB_ID)

    async def set(self, guild_id: int, user_id: int, *, enabled: bool, hour: int | None) -> ReminderRow:
        current = await self._repo.reminder(guild_id, user_id)
        if hour is None:
            hour = current.hour if current else DEFAULT_HOUR
        if not 0 <= hour <= 23:
            raise InvalidInput(f"{hour} is not an hour of the day.", hint="Pick 0-23, e.g. `20` for 8 pm.")
        await self._repo.set_reminder(guild_id, user_id, enabled=enabled, hour=hour,
                                      now=int(self._clock.now().timestamp()))
        row = await self._repo.reminder(guild_id, user_id)
        assert row is not None
        return row

    async def run_due(self, *, late: bool = False) -> int:
        """Send every reminder whose local hour has come; return how many were sent.

        The quarter-hour passes send in the reminder's own hour; ``late`` (the pass at start-up) also
        sends today's reminders whose hour passed while the bot was down, while the day is not over."""
        now = self._clock.now()
        sent = 0
        for due in await self._repo.enabled_reminders():
            reminder, row = due.reminder, due.streak
            if not self._scheduler.owns(reminder.guild_id):  # the process serving that guild sends it
                continue
            zone = ZoneInfo(due.zone_name)
            local = now.astimezone(zone)
            today = local.date()
            interrupted = due.claimed_date == today.isoformat()  # an earlier pass died while sending it
            # On the day the clocks skip the reminder's hour (02:00 in spring), it is due from the hour after.
            any_later_hour = late or not hour_exists(today, reminder.hour, zone)
            due_now = local.hour >= reminder.hour if any_later_hour else local.hour == reminder.hour
            # Switched on after today's hour was over: the start-up pass must not send what no pass owed.
            due_now = due_now and due.set_at < hour_over(today, reminder.hour, zone).timestamp()
            day_began = end_of_day(today - timedelta(days=1), zone)
            if reminded_since(reminder, today, day_began) or (not due_now and not interrupted):
                continue
            if (row is None or row.current < MIN_STREAK or row.breaks_at <= now.timestamp()
                    or (row.last_active is not None and row.last_active >= today)):
                continue
            key = (reminder.guild_id, reminder.user_id)
            if key in self._sending:
                continue
            # Marked before the claim's wait: the start-up pass and a quarter-hour pass can run side by side, and
            # the claim lets a claim of today be taken again (a dead process's), so both would claim and send.
            self._sending.add(key)
            try:
                if not await self._repo.claim_reminder(reminder.guild_id, reminder.user_id, today,
                                                       int(day_began.timestamp())):
                    continue
                if await self._send(reminder, row.current, datetime.fromtimestamp(row.breaks_at, UTC), interrupted,
                                    reminder_cover(row, today, zone), day_began):
                    await self._repo.mark_reminder_sent(reminder.guild_id, reminder.user_id, today,
                                                        int(self._clock.now().timestamp()))
                    sent += 1
            finally:
                self._sending.discard(key)
        return sent

    async def _send(self, reminder: ReminderRow, current: int, breaks_at: datetime, interrupted: bool,
                    cover: ReminderCover | None, day_began: datetime) -> bool:
        """Send the DM (unless an interrupted attempt already did today); True when the member has it."""
        crash_point("streak-reminder.claimed")
        try:
            if interrupted and await self._sender.find_reminder(reminder.guild_id, reminder.user_id, breaks_at,
                                                                day_began):
                return True
            await self._sender.send_reminder(reminder.guild_id, reminder.user_id, current, breaks_at, cover)
            crash_point("streak-reminder.sent")
        except DirectMessagesClosedError:
            log.info("member %s has DMs closed; switching their streak reminder off", reminder.user_id)
            await self._repo.switch_off_reminder(reminder.guild_id, reminder.user_id, "dms_closed",
                                                 int(self._clock.now().timestamp()))
            return False
        except Exception:
            log.exception("could not send a streak reminder to %s", reminder.user_id)
            return False
        return True
