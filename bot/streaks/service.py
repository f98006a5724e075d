"""Streaks as members see them: derived from activity, ranked, celebrated and nudged.

The summary row per (guild, member) is recomputed from the member's whole activity
history whenever a new day is recorded, a moderator repairs a day or the member
changes timezone, so it can never drift from what the history implies; leaderboards
read only those rows through indexes.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import weakref
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.activity import ActivityKind, ActivityRecorded, ActivityService, active_dates_in, derived_in
from bot.audit import AuditLog
from bot.clock import Clock
from bot.daily import DailyRepository
from bot.errors import InvalidInput, bounded_text
from bot.overview import ConfiguredFeature
from bot.posting import crash_point
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.streaks.boards import Leaderboards, MemberDirectory
from bot.streaks.celebrations import (
    MILESTONE_JOB_PREFIX,
    NOWHERE_TO_CELEBRATE,
    Celebrations,
    MilestoneAnnouncer,
)
from bot.streaks.heatmap import WEEKS as HEATMAP_WEEKS
from bot.streaks.heatmap import grid_start
from bot.streaks.models import LeaderboardPage, ReminderRow, Repaired, StreakProfile, StreakRow
from bot.streaks.reminders import ReminderSender, StreakReminders, end_of_day
from bot.streaks.repository import StreakRepository
from bot.streaks.rules import StreakState, day_statuses, evaluate, month_before
from bot.timezones import TimezoneResolver, local_date, zone_in

log = logging.getLogger(__name__)

REPAIR_WINDOW_DAYS = 365
MAX_REASON = 300
class StreakPublisher(MilestoneAnnouncer, ReminderSender, MemberDirectory, Protocol):
    """Everything the streak service shows or asks outside an interaction: milestones, reminders, and which
    members a leaderboard names are still in the server."""


def streak_today(active_days: list[date], now: datetime, zone: ZoneInfo) -> date:
    """The member's "today" for streaks: their local date, or their latest active day if that is later.

    A member who moves to a zone further west can find that the day they were
    active on has not begun yet where they now are. The day was recorded and
    stays theirs, so their today is taken to be that day until the calendar catches up;
    otherwise the streak would shrink until then and the stored summary used by
    leaderboards would disagree with what /streak shows.
    """
    today = local_date(now, zone)
    latest = max(active_days, default=today)
    return max(today, latest)


class StreakService(Celebrations):
    def __init__(self, db: Database, clock: Clock, timezones: TimezoneResolver, activity: ActivityService,
                 audit: AuditLog, scheduler: JobScheduler, publisher: StreakPublisher) -> None:
        self.repo = StreakRepository(db)
        self._daily = DailyRepository(db)  # the daily channel, where milestones go unless one is chosen
        self._db = db
        self._clock = clock
        self._timezones = timezones
        self._activity = activity
        self._audit = audit
        self.publisher = publisher
        self._scheduler = scheduler  # which servers' interrupted celebrations this process (or shard) finishes
        self.reminders = StreakReminders(self.repo, clock, scheduler, publisher)
        self.boards = Leaderboards(self.repo, clock, timezones, publisher)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._announcing: set[tuple[int, int, int, date]] = set()  # celebrations being posted right now
        # Summaries recomputed inside a crediting transaction, until its listener call picks them up; weak,
        # so a transaction rolled back after its credit leaves nothing behind.
        self._summarised: weakref.WeakKeyDictionary[ActivityRecorded, tuple[int, StreakState]] = (
            weakref.WeakKeyDictionary())

    async def start(self) -> None:
        """Listen for activity, schedule the reminder pass and repair summaries a crash left stale."""
        await self.boards.load()
        self.attach()
        await self.reminders.start()
        await self.reconcile()

    async def catch_up(self) -> None:
        """Finish what a crash interrupted: milestone celebrations and today's reminder DMs."""
        await self.catch_up_milestones()
        await self.reminders.catch_up()

    async def stop(self) -> None:
        self.detach()
        self._scheduler.remove_prefix(MILESTONE_JOB_PREFIX)
        await self.reminders.stop()

    async def set_reminder(self, guild_id: int, user_id: int, *, enabled: bool, hour: int | None) -> ReminderRow:
        """Switch the member's reminder DM on or off, at their local ``hour`` (20 when not given)."""
        return await self.reminders.set(guild_id, user_id, enabled=enabled, hour=hour)

    def attach(self) -> None:
        self._activity.add_hook(self._summarise_in)
        self._activity.add_listener(self.on_activity)
        self._activity.add_zone_listener(self.on_guild_zone_changed)

    def detach(self) -> None:
        self._activity.remove_hook(self._summarise_in)
        self._activity.remove_listener(self.on_activity)
        self._activity.remove_zone_listener(self.on_guild_zone_changed)

    def _now_epoch(self) -> int:
        return int(self._clock.now().timestamp())

    # -- deriving ------------------------------------------------------------------------------------

    async def recompute(self, guild_id: int, user_id: int) -> tuple[int, StreakState]:
        """Rebuild the member's summary from their history; return (previous live streak, new state).

        Reading the history and writing the summary is one transaction and one trip to the database,
        which also clears any mark that the member's summary was owed (see :meth:`reconcile`)."""
        result: tuple[int, StreakState] = await self._db.run_transaction(self._rederive_in, guild_id, user_id,
                                                                         self._clock.now())
        return result

    def _rederive_in(self, conn: sqlite3.Connection, guild_id: int, user_id: int,
                     now: datetime) -> tuple[int, StreakState]:
        derived_in(conn, guild_id, user_id)
        return self._recompute_in(conn, guild_id, user_id, now)

    def _recompute_in(self, conn: sqlite3.Connection, guild_id: int, user_id: int,
                      now: datetime) -> tuple[int, StreakState]:
        previous = self.repo.get_in(conn, guild_id, user_id)
        before = previous.current if previous and previous.breaks_at > now.timestamp() else 0
        days = active_dates_in(conn, guild_id, user_id)
        zone = zone_in(conn, guild_id, user_id)
        today = streak_today(days, now, zone)
        state = evaluate(days, today)
        breaks_at = 0
        if state.alive_until is not None:
            breaks_at = int(end_of_day(state.alive_until, zone).timestamp())
        month = state.last_active.strftime("%Y-%m") if state.last_active else ""
        month_days = sum(1 for d in days if d.strftime("%Y-%m") == month and d <= today)
        previous_month = month_before(month) if month else ""
        prev_month_days = sum(1 for d in days if d.strftime("%Y-%m") == previous_month)
        self.repo.save_in(conn, StreakRow(guild_id, user_id, state.current, state.best, state.freezes,
                                          state.last_active, state.run_start, breaks_at, month, month_days,
                                          len(days), prev_month_days, zone.key),
                          int(now.timestamp()))
        return before, state

    async def reconcile(self) -> int:
        """At start-up: recompute every summary a crash left behind its history, or computed in a zone that
        is no longer the member's (a zone change the process died during); return how many.

        The first are the members a credit marked underived in its own transaction (no hook summarised
        it there) and a repair marked until its recompute: a handful of rows, where comparing every
        summary with all activity read the whole table."""
        stale = sorted(set(await self._activity.underived()) | set(await self.repo.zone_drifted()))
        for guild_id, user_id in stale:
            await self.recompute(guild_id, user_id)
        if stale:
            log.info("recomputed %d streak summaries left stale by an interrupted run", len(stale))
        return len(stale)

    async def on_guild_zone_changed(self, guild_id: int) -> None:
        """Members who follow the guild's zone now break their streaks, get reminded and count months by
        the new one: their summaries are recomputed, after the moderator's reply (a large server has many)."""
        self._spawn(self._recompute_drifted(guild_id), name="studybot-streak-zone")

    async def _recompute_drifted(self, guild_id: int) -> None:
        drifted = await self.repo.zone_drifted(guild_id)
        for _, user_id in drifted:
            await self.recompute(guild_id, user_id)
        log.info("guild %s changed its timezone: recomputed %d streak summaries", guild_id, len(drifted))

    def _summarise_in(self, conn: sqlite3.Connection, event: ActivityRecorded) -> None:
        """A member's first activity of the day moves their summary inside the crediting transaction
        (on the database's thread), so :meth:`on_activity` needs no transaction of its own."""
        if event.first_of_day:
            self._summarised[event] = self._recompute_in(conn, event.guild_id, event.user_id, self._clock.now())

    async def on_activity(self, event: ActivityRecorded) -> None:
        summarised = self._summarised.pop(event, None)
        await self.boards.back_in(event.guild_id, event.user_id)  # active here: a member again (no trip if not gone)
        if not event.first_of_day:
            return
        # When the hook could not summarise (it failed and was rolled back alone), recompute here, in a
        # transaction of its own.
        before, state = summarised if summarised is not None else await self.recompute(event.guild_id, event.user_id)
        await self._celebrate(event.guild_id, event.user_id, before, state)

    # -- what members see ----------------------------------------------------------------------------

    async def profile(self, guild_id: int, user_id: int) -> StreakProfile:
        days = await self._activity.active_dates(guild_id, user_id)
        zone = await self._timezones.zone_for(guild_id, user_id)
        today = streak_today(days, self._clock.now(), zone)
        state = evaluate(days, today)
        end = grid_start(today) + timedelta(weeks=HEATMAP_WEEKS) - timedelta(days=1)
        statuses = day_statuses(state, days, grid_start(today), end, today)
        reminder = await self.repo.reminder(guild_id, user_id)
        return StreakProfile(user_id, zone, today, state, statuses, len(days), reminder)

    async def leaderboard(self, guild_id: int, board: str, caller_id: int, page: int = 0) -> LeaderboardPage:
        """One page of ``board`` among the server's members, and the caller's rank (see :class:`Leaderboards`)."""
        return await self.boards.page(guild_id, board, caller_id, page)

    async def scored_board(self, guild_id: int, board: str, scores: Mapping[int, int], caller_id: int, month: str,
                           page: int = 0) -> LeaderboardPage:
        """A page of a board another feature scores, among the server's members (see :meth:`Leaderboards.scored`)."""
        return await self.boards.scored(guild_id, board, scores, caller_id, month, page)

    async def set_timezone(self, user_id: int, zone_name: str | None) -> ZoneInfo | None:
        """A member's own zone; their summaries are recomputed (past days keep the dates they had)."""
        zone = await self._timezones.set_user_zone(user_id, zone_name)
        for guild_id in await self.repo.guilds_of(user_id):
            await self.recompute(guild_id, user_id)
        return zone

    # -- moderators ----------------------------------------------------------------------------------

    async def repair(self, guild_id: int, actor_id: int, user_id: int, day_text: str, reason: str) -> Repaired:
        """Mark the member's local ``day_text`` active, with an audit entry saying who and why; the result names
        the days a freeze now covers that it did not before (the freeze the repair spent)."""
        reason = bounded_text(reason, what="The reason", limit=MAX_REASON, required=True,
                              empty_hint="A repair needs a reason; say why, e.g. `bot was down on that day`.",
                              long_hint="Shorten it to a sentence.")
        try:
            day = date.fromisoformat((day_text or "").strip())
        except ValueError:
            raise InvalidInput(f"`{(day_text or '').strip()[:40] or 'empty'}` is not a date.",
                               hint="Use `YYYY-MM-DD`, for example `2026-03-14`.") from None
        zone = await self._timezones.zone_for(guild_id, user_id)
        # The streak's today, as the member sees it: after a move west their latest active day may be ahead.
        today = streak_today(await self._activity.active_dates(guild_id, user_id), self._clock.now(), zone)
        if day > today:
            raise InvalidInput(f"{day.isoformat()} has not happened yet for this member (their today is "
                               f"{today.isoformat()}).", hint="Repair a past day or today.")
        if day < today - timedelta(days=REPAIR_WINDOW_DAYS):
            raise InvalidInput(f"{day.isoformat()} is more than a year ago.", hint="Repairs reach back one year.")
        earlier = await self._refuse_a_shorter_streak(guild_id, user_id, day, zone)
        async with self._db.transaction() as conn:
            added = await self._activity.record_day(conn, guild_id, user_id, ActivityKind.REPAIR, day)
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="streak.repair",
                                     target_id=user_id, new=day.isoformat(), reason=reason)
        crash_point("repair.saved")
        if not added:
            log.info("repair of %s for %s in guild %s was already recorded", day, user_id, guild_id)
        before, state = await self.recompute(guild_id, user_id)
        await self._celebrate(guild_id, user_id, before, state)
        return Repaired(state, tuple(sorted(state.frozen_days - earlier.frozen_days)))

    async def _refuse_a_shorter_streak(self, guild_id: int, user_id: int, day: date, zone: ZoneInfo) -> StreakState:
        """A repair that would shorten the member's streak, current or best, is refused, nothing saved. It can: a
        freeze is spent on the first single missed day, so marking a day inside a gap that ended an old run makes
        the day beside it a single missed day, and the freeze the member holds is spent there, in a run that ends
        anyway, instead of on the later missed day it now covers (in the current run, or in their best one).
        Returns the streak as it is before the repair."""
        days = await self._activity.active_dates(guild_id, user_id)
        now = self._clock.now()
        now_state = evaluate(days, streak_today(days, now, zone))
        repaired = [*days, day]
        would = evaluate(repaired, streak_today(repaired, now, zone))
        for what, before, after in (("streak", now_state.current, would.current),
                                    ("best streak", now_state.best, would.best)):
            if after < before:
                raise InvalidInput(
                    f"Marking {day.isoformat()} active would shorten this member's {what} from {before} to {after} "
                    f"days: the freeze they hold would be spent on a missed day beside {day.isoformat()}, in a run "
                    f"that ends anyway, instead of the later missed day it covers now. Nothing was changed.",
                    hint="Repair the other missed days of that gap too, or leave the streak as it is.")
        return now_state

    async def settings_section(self, guild_id: int) -> ConfiguredFeature:
        """This feature's part of the settings overview: milestones are on unless switched off."""
        announce, channel_id = await self.repo.milestone_settings(guild_id)
        channel = channel_id or await self._daily_channel(guild_id)
        if announce and channel is None:  # none chosen and no daily channel to fall back on: nothing is celebrated
            return ConfiguredFeature("Streak milestones", False, None, NOWHERE_TO_CELEBRATE, position=30)
        summary = ("announced" + ("" if channel_id else " in the daily channel")) if announce else "off"
        return ConfiguredFeature("Streak milestones", announce, channel if announce else None, summary, position=30)

    async def set_announcements(self, guild_id: int, actor_id: int, *, announce: bool,
                                channel_id: int | None) -> None:
        async with self._db.transaction() as conn:
            await self.repo.set_announcements(conn, guild_id, announce=announce, channel_id=channel_id,
                                              actor_id=actor_id, now=self._now_epoch())
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="streak.announcements",
                                     new={"announce": announce, "channel_id": channel_id})
