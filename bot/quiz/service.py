"""The daily quiz: setup, exactly-once posting and one pick per member.

The flow of :mod:`bot.posting`: the occurrence is claimed (with its question built and
stored) in one transaction; the message id is written back once Discord accepted the
post; a retry, a late claim and the start-up pass over unfinished rows look for an
earlier copy first. The close and the reveal are :mod:`bot.quiz.reveal`'s.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta

from apscheduler.triggers.date import DateTrigger

from bot.activity import ActivityService
from bot.audit import AuditLog
from bot.cards import weak_topics
from bot.clock import Clock
from bot.community import ServerContent
from bot.content import ContentStore
from bot.errors import NotConfigured, check_all
from bot.overview import ConfiguredFeature
from bot.posting import (
    crash_point,
    day_bounds,
    next_times,
    overdue,
    publish_once,
    starts_from,
    tell_moderators_once,
)
from bot.posting.clocktime import LocalDailyTrigger, next_occurrence, occurrence, owed
from bot.posting.retry import is_transient, next_attempt
from bot.posting.rotation import seed_of_cycle, state_of
from bot.quiz.claim import claim_day
from bot.quiz.jobs import JOB_PREFIX, close_jobs_of, post_job, retry_job
from bot.quiz.models import Pick, QuizOverview, QuizPost, QuizRecord, QuizSchedule, QuizStatus
from bot.quiz.picks import record_pick
from bot.quiz.publishing import QuizDeliveryFailed, QuizPublisher
from bot.quiz.repository import QuizRepository
from bot.quiz.reveal import QuizReveal
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.timezones import local_date, parse_local_time, parse_zone

log = logging.getLogger(__name__)


HARD_DAYS = timedelta(days=30)       # /quiz status names the topics members answered worst over these days:
HARD_TOPIC_SHARE = 0.6               # those with under this share right (a guess is right one time in four)


class QuizService:
    def __init__(self, db: Database, clock: Clock, content: ContentStore, scheduler: JobScheduler, audit: AuditLog,
                 activity: ActivityService, publisher: QuizPublisher, server: ServerContent | None = None) -> None:
        self.repo = QuizRepository(db)
        self._server = server or ServerContent(db, content)
        self._db = db
        self._clock = clock
        self._content = content
        self._scheduler = scheduler
        self._audit = audit
        self._activity = activity
        self.publisher = publisher
        self.reveal = QuizReveal(self.repo, clock, scheduler, publisher, self._server)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    # -- moderators ----------------------------------------------------------------------------
    async def setup(self, guild_id: int, actor_id: int, *, channel_id: int, time_text: str, zone_text: str,
                    close_hours: int = 12, reveal_now: bool = False) -> QuizOverview:
        at, zone = check_all(lambda: parse_local_time(time_text), lambda: parse_zone(zone_text))
        now = self._clock.now()
        async with self._db.transaction() as conn:
            old = await self.repo.schedule(guild_id, conn)
            cycle = await self.repo.last_cycle(conn, guild_id)  # set up again after a removal: no repeats
            await self.repo.upsert_schedule(conn, guild_id=guild_id, channel_id=channel_id,
                                            local_time=f"{at:%H:%M}", zone=zone.key, close_hours=close_hours,
                                            reveal_now=reveal_now, cycle=cycle, seed=seed_of_cycle(guild_id, cycle),
                                            actor_id=actor_id, now=now, starts_at=starts_from(now, at, zone))
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="quiz.setup",
                                     old={"channel": old.channel_id, "time": f"{old.local_time:%H:%M}",
                                          "timezone": old.zone.key} if old else None,
                                     new={"channel": channel_id, "time": f"{at:%H:%M}", "timezone": zone.key,
                                          "close_hours": close_hours, "reveal_now": reveal_now})
        await self._activity.adopt_guild_zone(guild_id, zone.key)  # a server with only a quiz dates days in it
        schedule = await self._schedule(guild_id)
        self.schedule_job(schedule)
        # As for the daily prompt: a changed schedule whose time today has passed posts today's quiz now if
        # it is not out yet (the caller does, after answering); a first setup starts with the next time.
        posts_now = old is not None and await self.today_pending(guild_id)
        return replace(await self.overview(guild_id), posts_now=posts_now)

    async def today_pending(self, guild_id: int) -> bool:
        """Whether today's time has passed in the schedule's zone without today's quiz being out (after a
        change of time, or a resume, it is then posted at once: a restart would post it too)."""
        schedule = await self._schedule(guild_id)
        now = self._clock.now()
        today = local_date(now, schedule.zone)
        if not schedule.enabled or not owed(occurrence(today, schedule.local_time, schedule.zone), now,
                                            schedule.starts_at):
            return False
        start, end = day_bounds(today, schedule.zone)
        async with self._db.transaction() as conn:
            post = await self.repo.post_between(conn, schedule.guild_id, start, end)
        return post is None or post.status not in (QuizStatus.SENT, QuizStatus.CLOSED)

    async def set_enabled(self, guild_id: int, actor_id: int, enabled: bool) -> QuizSchedule:
        await self._schedule(guild_id)
        async with self._db.transaction() as conn:
            await self.repo.set_enabled(conn, guild_id, enabled, actor_id, self._clock.now())
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id,
                                     action="quiz.resume" if enabled else "quiz.pause")
        schedule = await self._schedule(guild_id)
        self.schedule_job(schedule)
        return schedule

    async def settings_section(self, guild_id: int) -> ConfiguredFeature | None:
        """This feature's part of the settings overview."""
        schedule = await self.repo.schedule(guild_id)
        if schedule is None:
            return None
        return ConfiguredFeature(
            "Daily quiz", schedule.enabled, schedule.channel_id,
            f"{schedule.local_time:%H:%M} {schedule.zone.key} · open {schedule.close_hours} h",
            await self._next_posts(schedule, 2), position=20)

    async def overview(self, guild_id: int) -> QuizOverview:
        schedule = await self._schedule(guild_id)
        async with self._db.transaction() as conn:
            used = await self.repo.used_in_cycle(conn, guild_id, schedule.cycle)
        cards = await self._server.cards(guild_id)
        left = len(state_of(schedule.cycle, schedule.cycle_seed, list(cards), used).remaining)
        results = await self.repo.results_by_card(guild_id, local_date(self._clock.now(), schedule.zone) - HARD_DAYS)
        return QuizOverview(schedule, await self._next_posts(schedule, 3), left, await self.repo.latest(guild_id),
                            hard_topics=weak_topics(cards, results, HARD_TOPIC_SHARE))

    async def next_posts(self, guild_id: int, count: int) -> list[datetime]:
        """The next ``count`` quiz times (none when not set up or paused)."""
        schedule = await self.repo.schedule(guild_id)
        return await self._next_posts(schedule, count) if schedule is not None else []

    async def _next_posts(self, schedule: QuizSchedule, count: int) -> list[datetime]:
        """The next ``count`` quiz times, without today's once today's quiz is out (a time moved later after
        it does not post a second quiz that day)."""
        if not schedule.enabled:
            return []
        now = self._clock.now()
        async with self._db.transaction() as conn:
            post = await self.repo.post_between(conn, schedule.guild_id, *day_bounds(local_date(now, schedule.zone),
                                                                                   schedule.zone))
        served = post is not None and post.status in (QuizStatus.SENT, QuizStatus.CLOSED)
        return next_times(now, schedule.local_time, schedule.zone, count, today_served=served)

    async def _schedule(self, guild_id: int) -> QuizSchedule:
        schedule = await self.repo.schedule(guild_id)
        if schedule is None:
            raise NotConfigured("The daily quiz is not set up in this server.",
                                hint="A moderator can start it with `/quiz setup channel time timezone`.")
        return schedule

    # -- jobs ----------------------------------------------------------------------------------
    async def configured(self, guild_id: int) -> QuizSchedule:
        """The schedule, or :class:`NotConfigured` saying how to set one up."""
        return await self._schedule(guild_id)

    async def remove(self, guild_id: int, actor_id: int) -> QuizSchedule:
        """Delete the schedule and its timer; a quiz already open still closes and reveals on time."""
        schedule = await self._schedule(guild_id)
        async with self._db.transaction() as conn:
            await self.repo.delete_schedule(conn, guild_id)
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="quiz.remove",
                                     old={"channel": schedule.channel_id, "time": f"{schedule.local_time:%H:%M}",
                                          "timezone": schedule.zone.key}, new=None)
        self._scheduler.remove(post_job(guild_id))
        return schedule

    def schedule_job(self, schedule: QuizSchedule) -> None:
        trigger = LocalDailyTrigger(schedule.local_time, schedule.zone) if schedule.enabled else None
        self._scheduler.keep(post_job(schedule.guild_id), trigger, self.deliver_due, schedule.guild_id)

    async def start(self) -> None:
        """At start-up: rebuild every job from the database (posting schedules and pending closes)."""
        owns = self._scheduler.owns  # only the guilds of this process's shards
        for schedule in await self.repo.schedules():
            if owns(schedule.guild_id):
                self.schedule_job(schedule)
        for post in await self.repo.open_posts() + await self.repo.unrevealed():
            if owns(post.guild_id):
                self.reveal.schedule(post)

    def forget_guild(self, guild_id: int) -> None:
        """The bot left the server: no more quizzes (or retries) for it; the schedule stays for 30 days. An open
        quiz is not closed meanwhile: its answer could not be shown there, and would be given up on."""
        self._scheduler.remove(post_job(guild_id))
        self._scheduler.remove(retry_job(guild_id))
        self._scheduler.remove_prefix(close_jobs_of(guild_id))

    async def resume_guild(self, guild_id: int) -> None:
        """The bot was added back within the 30 days: the kept schedule runs again, today's quiz goes out now if
        its time has passed (as after the bot was down), and a quiz left open meanwhile closes and is revealed."""
        if not self._scheduler.owns(guild_id):
            return
        for post in await self.repo.open_posts() + await self.repo.unrevealed():
            if post.guild_id == guild_id:
                self.reveal.schedule(post)
        schedule = await self.repo.schedule(guild_id)
        if schedule is not None:
            self.schedule_job(schedule)
            await self.deliver_due(guild_id)

    async def stop(self) -> None:
        """Remove every quiz job of this process (posting, retries and closes)."""
        self._scheduler.remove_prefix(JOB_PREFIX)

    async def catch_up(self) -> None:
        """Once a shard is ready: post the quizzes that fell due today while the bot was down, then tell the
        moderators what a stopped process stored for them and may not have told."""
        # One server's unforeseen fault is logged and passed over: the servers after it still get their quiz.
        for schedule in await self.repo.schedules():
            if self._scheduler.owns(schedule.guild_id):
                try:
                    await self.deliver_due(schedule.guild_id)
                except Exception:
                    log.exception("could not catch up the quiz of guild %s", schedule.guild_id)
        for schedule in await self.repo.untold_notices():
            if self._scheduler.owns(schedule.guild_id) and schedule.failure_notice:
                try:
                    await self._tell_moderators_once(schedule, schedule.failure_notice)
                except Exception:
                    log.exception("could not tell the moderators of guild %s of a quiz problem", schedule.guild_id)

    async def deliver_due(self, guild_id: int, attempt: int = 0) -> QuizPost | None:
        """The scheduled entry point; a transient fault is retried within the day (see :mod:`bot.posting.retry`)."""
        try:
            return await self.deliver(guild_id)
        except Exception as error:
            if not is_transient(error):
                raise
            attempt += 1
            now = self._clock.now()
            schedule = await self._schedule_or_none(guild_id)
            window_ends = (min(next_occurrence(now, schedule.local_time, schedule.zone),
                               day_bounds(local_date(now, schedule.zone), schedule.zone)[1]) if schedule else now)
            when = next_attempt(attempt, now, window_ends)
            if when is not None:
                log.warning("quiz for guild %s hit a passing fault (%s); attempt %d at %s", guild_id, error,
                            attempt + 1, when.isoformat())
                self._scheduler.add(retry_job(guild_id), DateTrigger(run_date=when), self.deliver_due, guild_id,
                                    attempt)
            elif schedule is not None:
                await self._tell_moderators_once(schedule, f"it kept failing all day ({error})")
            return None

    async def _schedule_or_none(self, guild_id: int) -> QuizSchedule | None:
        try:
            return await self.repo.schedule(guild_id)
        except Exception:
            log.warning("could not read the quiz schedule of guild %s", guild_id)
            return None

    # -- delivery ------------------------------------------------------------------------------
    async def deliver(self, guild_id: int) -> QuizPost | None:
        """Post today's quiz if its time has come and it is not out yet; return the day's post."""
        async with self._locks[guild_id]:
            schedule = await self.repo.schedule(guild_id)
            if schedule is None:
                return None
            now = self._clock.now()
            today = local_date(now, schedule.zone)
            # First: an earlier day's quiz a crash left unrecorded is finished at start even before today's time;
            # adopted, it takes answers and closes on its own time.
            await self.reconcile(guild_id, before=day_bounds(today, schedule.zone)[0])
            due_at = occurrence(today, schedule.local_time, schedule.zone)
            if not schedule.enabled or not owed(due_at, now, schedule.starts_at):
                return None
            try:
                post, fresh = await self._claim(schedule, today, due_at, now)
                if post.status in (QuizStatus.SENT, QuizStatus.CLOSED):
                    return post
                crash_point("quiz.claimed")
                return await self._send(schedule, post, fresh)
            except QuizDeliveryFailed as failure:
                if failure.transient:
                    raise
                await self._tell_moderators_once(schedule, failure.reason)
                return None

    async def reconcile(self, guild_id: int, *, before: datetime) -> int:
        """Finish quizzes an interrupted attempt left ``claimed`` on an earlier day: adopt them or fail them."""
        unfinished = await self.repo.unfinished_before(guild_id, before)
        if not unfinished:
            return 0
        for post in unfinished:
            try:
                message_id = await self.publisher.find_published(post)
            except QuizDeliveryFailed as failure:
                if not failure.transient:
                    await self.repo.mark_failed(guild_id, post.local_date, failure.reason)
                continue
            if message_id is None:
                await self.repo.mark_failed(guild_id, post.local_date,
                                            "the attempt was interrupted before Discord took the quiz")
                continue
            await self.repo.mark_sent(guild_id, post.local_date, message_id)
            sent = await self.repo.post(guild_id, post.local_date)
            if sent is not None:
                self.reveal.schedule(sent)
        return len(unfinished)

    async def _claim(self, schedule: QuizSchedule, day: date, occurrence_at: datetime,
                     now: datetime) -> tuple[QuizPost, bool]:
        return await claim_day(self._db, self.repo, self._server, schedule, day, occurrence_at, now)

    async def _send(self, schedule: QuizSchedule, post: QuizPost, fresh: bool) -> QuizPost:
        publisher = self.publisher

        async def publish() -> int:
            opened = post if fresh else await self._reopened(post, schedule)
            return await publisher.publish(opened)

        try:
            message_id = await publish_once(fresh=fresh, late=overdue(post.occurrence_at, self._clock.now()),
                                            find_earlier=lambda: publisher.find_published(post), publish=publish)
        except QuizDeliveryFailed as failure:
            if not failure.transient:
                await self.repo.mark_failed(post.guild_id, post.local_date, failure.reason)
            raise
        await self.repo.mark_sent(post.guild_id, post.local_date, message_id)
        crash_point("quiz.recorded")
        self._scheduler.remove(retry_job(post.guild_id))
        if schedule.failure_notice:
            await self.repo.set_failure_notice(post.guild_id, None)
        sent = await self.repo.post(post.guild_id, post.local_date)
        assert sent is not None
        self.reveal.schedule(sent)
        log.info("posted quiz %d in guild %s", sent.number, sent.guild_id)
        return sent

    async def _reopened(self, post: QuizPost, schedule: QuizSchedule) -> QuizPost:
        """A retried day about to be posted for the first time (its first attempt failed or was cut short):
        open for the schedule's full hours from now, as its post will say, not for what is left of the window
        its first claim set (a quiz moved by hours after a refused post would appear already closed), and
        with the schedule's reveal rule as it is now."""
        await self.repo.reopen(post.guild_id, post.local_date,
                               self._clock.now() + timedelta(hours=schedule.close_hours), schedule.reveal_now)
        return await self.repo.post(post.guild_id, post.local_date) or post

    async def _tell_moderators_once(self, schedule: QuizSchedule, reason: str) -> None:
        await tell_moderators_once(
            schedule.guild_id, reason=reason, already_told=schedule.failure_notice, told=schedule.failure_notice_told,
            remember=self.repo.set_failure_notice, mark_told=self.repo.mark_notice_told,
            notify=self.publisher.notify_moderators,
            text=f"I could not post today's quiz: {reason}. Fix it and it goes out at the next scheduled time "
                 "(see `/quiz status`).")

    # -- members -------------------------------------------------------------------------------
    async def pick(self, guild_id: int, day: date, user_id: int, choice: int) -> Pick:
        """Record the member's first pick and its streak credit in one transaction (one trip to the database)."""
        pick, event = await record_pick(self._db, self.repo, self._activity, self._server, guild_id, day, user_id,
                                        choice, self._clock.now())
        await self._activity.announce(event)
        return pick

    async def record(self, guild_id: int, user_id: int) -> QuizRecord:
        """The quizzes here whose answer the member has seen (closed, or told at once): answered, right, latest."""
        return await self.repo.record_of(guild_id, user_id)
