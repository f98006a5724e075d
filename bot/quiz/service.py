"""The daily quiz: setup, exactly-once posting, one pick per member, and the reveal at the close.

The ledger discipline of :mod:`bot.ledger`: the day is claimed (with its question built
and stored) in one transaction keyed on (guild, local date); the message id is written
back once Discord accepted the post; a retry looks for an earlier copy first. The close
is a timer stored as ``closes_at`` and rebuilt at start-up, so a restart never loses a
reveal.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from apscheduler.triggers.date import DateTrigger

from bot.activity import ActivityKind, ActivityService
from bot.audit import AuditLog
from bot.clock import Clock
from bot.community import ServerContent
from bot.content import ContentStore
from bot.daily.clocktime import LocalDailyTrigger, occurrence, upcoming
from bot.daily.rotation import cycle_seed, cycle_seed_after, state_of
from bot.errors import NotConfigured, NotFound
from bot.ledger import publish_once, tell_moderators_once
from bot.quiz.builder import build_question, question_seed
from bot.quiz.models import Pick, PickOutcome, QuizPost, QuizResults, QuizSchedule, QuizStatus
from bot.quiz.repository import QuizRepository
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.timezones import local_date, parse_local_time, parse_zone

log = logging.getLogger(__name__)


class QuizDeliveryFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class QuizPublisher(Protocol):
    async def find_published(self, post: QuizPost) -> int | None: ...
    async def publish(self, post: QuizPost, schedule: QuizSchedule) -> int: ...
    async def show_results(self, results: QuizResults) -> None: ...
    async def notify_moderators(self, guild_id: int, text: str) -> bool: ...


@dataclass(frozen=True)
class QuizOverview:
    schedule: QuizSchedule
    next_posts: list[datetime]
    left_in_cycle: int
    last: QuizPost | None


def post_job(guild_id: int) -> str:
    return f"quiz:post:{guild_id}"


def close_job(guild_id: int, day: date) -> str:
    return f"quiz:close:{guild_id}:{day:%Y%m%d}"


class QuizService:
    def __init__(self, db: Database, clock: Clock, content: ContentStore, scheduler: JobScheduler, audit: AuditLog,
                 activity: ActivityService, server: ServerContent | None = None) -> None:
        self.repo = QuizRepository(db)
        self._server = server or ServerContent(db, content)
        self._db = db
        self._clock = clock
        self._content = content
        self._scheduler = scheduler
        self._audit = audit
        self._activity = activity
        self.publisher: QuizPublisher | None = None
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    # -- moderators ----------------------------------------------------------------------------
    async def setup(self, guild_id: int, actor_id: int, *, channel_id: int, time_text: str, zone_text: str,
                    close_hours: int = 12, reveal_now: bool = False) -> QuizOverview:
        at, zone = parse_local_time(time_text), parse_zone(zone_text)
        now = self._clock.now()
        async with self._db.transaction() as conn:
            old = await self.repo.schedule(guild_id, conn)
            await self.repo.upsert_schedule(conn, guild_id=guild_id, channel_id=channel_id,
                                            local_time=f"{at:%H:%M}", zone=zone.key, close_hours=close_hours,
                                            reveal_now=reveal_now, seed=cycle_seed(guild_id, 1), actor_id=actor_id,
                                            now=now)
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="quiz.setup",
                                     old={"channel": old.channel_id, "time": f"{old.local_time:%H:%M}",
                                          "timezone": old.zone.key} if old else None,
                                     new={"channel": channel_id, "time": f"{at:%H:%M}", "timezone": zone.key,
                                          "close_hours": close_hours, "reveal_now": reveal_now})
        schedule = await self._schedule(guild_id)
        self.schedule_job(schedule)
        return await self.overview(guild_id)

    async def set_enabled(self, guild_id: int, actor_id: int, enabled: bool) -> QuizSchedule:
        await self._schedule(guild_id)
        async with self._db.transaction() as conn:
            await self.repo.set_enabled(conn, guild_id, enabled, actor_id, self._clock.now())
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id,
                                     action="quiz.resume" if enabled else "quiz.pause")
        schedule = await self._schedule(guild_id)
        self.schedule_job(schedule)
        return schedule

    async def overview(self, guild_id: int) -> QuizOverview:
        schedule = await self._schedule(guild_id)
        async with self._db.transaction() as conn:
            used = await self.repo.used_in_cycle(conn, guild_id, schedule.cycle)
        pool = list(await self._server.cards(guild_id))
        left = len(state_of(schedule.cycle, schedule.cycle_seed, pool, used).remaining)
        nexts = upcoming(self._clock.now(), schedule.local_time, schedule.zone, 3) if schedule.enabled else []
        return QuizOverview(schedule, nexts, left, await self.repo.latest(guild_id))

    async def _schedule(self, guild_id: int) -> QuizSchedule:
        schedule = await self.repo.schedule(guild_id)
        if schedule is None:
            raise NotConfigured("The daily quiz is not set up in this server.",
                                hint="A moderator can start it with `/quiz setup channel time timezone`.")
        return schedule

    # -- jobs ----------------------------------------------------------------------------------
    def schedule_job(self, schedule: QuizSchedule) -> None:
        trigger = LocalDailyTrigger(schedule.local_time, schedule.zone) if schedule.enabled else None
        self._scheduler.keep(post_job(schedule.guild_id), trigger, self.deliver, schedule.guild_id)

    async def start(self) -> None:
        """At start-up: rebuild every job from the database (posting schedules and pending closes)."""
        owns = self._scheduler.owns  # only the guilds of this process's shards
        for schedule in await self.repo.schedules():
            if owns(schedule.guild_id):
                self.schedule_job(schedule)
        for post in await self.repo.open_posts():
            if owns(post.guild_id):
                self._schedule_close(post)

    def _schedule_close(self, post: QuizPost) -> None:
        when = max(post.closes_at, self._clock.now())
        self._scheduler.add(close_job(post.guild_id, post.local_date), DateTrigger(run_date=when), self.close,
                            post.guild_id, post.local_date)

    async def catch_up(self) -> None:
        for schedule in await self.repo.schedules():
            if self._scheduler.owns(schedule.guild_id):
                await self.deliver(schedule.guild_id)

    # -- delivery ------------------------------------------------------------------------------
    async def deliver(self, guild_id: int) -> QuizPost | None:
        """Post today's quiz if its time has come and it is not out yet; return the day's post."""
        async with self._locks[guild_id]:
            schedule = await self.repo.schedule(guild_id)
            if schedule is None or not schedule.enabled:
                return None
            now = self._clock.now()
            today = local_date(now, schedule.zone)
            if occurrence(today, schedule.local_time, schedule.zone) > now:
                return None
            try:
                post, fresh = await self._claim(schedule, today, now)
                if post.status in (QuizStatus.SENT, QuizStatus.CLOSED):
                    return post
                return await self._send(schedule, post, fresh)
            except QuizDeliveryFailed as failure:
                await self._tell_moderators_once(schedule, failure.reason)
                return None

    async def _claim(self, schedule: QuizSchedule, day: date, now: datetime) -> tuple[QuizPost, bool]:
        cards = await self._server.cards(schedule.guild_id)  # every deck the server has on, its own included
        deck = tuple(cards.values())
        async with self._db.transaction() as conn:
            existing = await self.repo.post(schedule.guild_id, day, conn)
            if existing is not None:
                await self.repo.reclaim(conn, schedule.guild_id, day)
                post = await self.repo.post(schedule.guild_id, day, conn)
                assert post is not None
                return post, False
            if len(deck) < 4:
                raise QuizDeliveryFailed("the content packs hold fewer than 4 flashcards, too few for a quiz")
            cycle, seed = schedule.cycle, schedule.cycle_seed
            state = state_of(cycle, seed, [c.id for c in deck], await self.repo.used_in_cycle(
                conn, schedule.guild_id, cycle))
            if not state.remaining:
                cycle, seed = cycle + 1, cycle_seed_after(state)
                await self.repo.new_cycle(conn, schedule.guild_id, cycle, seed)
                state = state_of(cycle, seed, [c.id for c in deck], set())
            card = cards[state.remaining[0]]
            question = build_question(card, deck, question_seed(schedule.guild_id, day.isoformat()))
            number = await self.repo.count(conn, schedule.guild_id) + 1
            await self.repo.insert_claim(conn, guild_id=schedule.guild_id, day=day, number=number, cycle=cycle,
                                         question=question, channel_id=schedule.channel_id,
                                         nonce=f"q{schedule.guild_id % 10**12}{day:%Y%m%d}", now=now,
                                         closes_at=now + timedelta(hours=schedule.close_hours))
            post = await self.repo.post(schedule.guild_id, day, conn)
        assert post is not None
        return post, True

    async def _send(self, schedule: QuizSchedule, post: QuizPost, fresh: bool) -> QuizPost:
        if self.publisher is None:
            raise RuntimeError("the quiz publisher is not attached")
        try:
            publisher = self.publisher
            message_id = await publish_once(fresh=fresh, find_earlier=lambda: publisher.find_published(post),
                                            publish=lambda: publisher.publish(post, schedule))
        except QuizDeliveryFailed as failure:
            await self.repo.mark_failed(post.guild_id, post.local_date, failure.reason)
            raise
        await self.repo.mark_sent(post.guild_id, post.local_date, message_id)
        if schedule.failure_notice:
            await self.repo.set_failure_notice(post.guild_id, None)
        sent = await self.repo.post(post.guild_id, post.local_date)
        assert sent is not None
        self._schedule_close(sent)
        log.info("posted quiz %d in guild %s", sent.number, sent.guild_id)
        return sent

    async def _tell_moderators_once(self, schedule: QuizSchedule, reason: str) -> None:
        await tell_moderators_once(
            schedule.guild_id, reason=reason, already_told=schedule.failure_notice,
            remember=self.repo.set_failure_notice,
            notify=self.publisher.notify_moderators if self.publisher else None,
            text=f"I could not post today's quiz: {reason}. Fix it and it goes out at the next scheduled time "
                 "(see `/quiz status`).")

    # -- members -------------------------------------------------------------------------------
    async def pick(self, guild_id: int, day: date, user_id: int, choice: int) -> Pick:
        post = await self.repo.post(guild_id, day)
        if post is None or post.status not in (QuizStatus.SENT, QuizStatus.CLOSED):
            raise NotFound("That quiz no longer exists.")
        counted = await self.repo.pick_of(guild_id, day, user_id)
        if post.status is QuizStatus.CLOSED or self._clock.now() >= post.closes_at:
            return Pick(PickOutcome.CLOSED, counted, post)
        if counted is not None:
            return Pick(PickOutcome.ALREADY, counted, post)
        if not await self.repo.add_pick(guild_id, day, user_id, choice, self._clock.now()):
            return Pick(PickOutcome.ALREADY, await self.repo.pick_of(guild_id, day, user_id), post)
        await self._activity.record(guild_id, user_id, ActivityKind.QUIZ)
        schedule = await self.repo.schedule(guild_id)
        if schedule is not None and schedule.reveal_now:
            return Pick(PickOutcome.RIGHT if choice == post.correct else PickOutcome.WRONG, choice, post)
        return Pick(PickOutcome.LOCKED, choice, post)

    async def close(self, guild_id: int, day: date) -> QuizResults | None:
        """Close the day's quiz and reveal the answer with how many picked each option (once)."""
        if not await self.repo.close(guild_id, day, self._clock.now()):
            return None
        post = await self.repo.post(guild_id, day)
        assert post is not None
        results = QuizResults(post, await self.repo.counts(guild_id, day, len(post.options)))
        if self.publisher is not None:
            try:
                await self.publisher.show_results(results)
            except Exception:
                log.exception("could not reveal quiz %d in guild %s", post.number, guild_id)
        return results
