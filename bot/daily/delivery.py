"""Posting each guild's prompt exactly once per occurrence, through the shared flow of :mod:`bot.posting`.

The ledger row is inserted in the same ``BEGIN IMMEDIATE`` transaction that picks the
prompt, so only one claim can ever exist for an occurrence; whether today's occurrence
is served is read from the instants of earlier posts in the schedule's current zone, so
moving the schedule to another zone or time neither repeats nor drops a post. Sending
happens after the commit; the message id is written back once Discord accepted it.
A row left ``claimed`` by a crash is finished on the next firing or start, whatever its
day: the channel is searched for the post (adopted when found, the row marked failed
when not). Transient faults (a locked database, Discord's 5xx) are retried with growing
pauses until the next occurrence is due; then the moderators are told once.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import defaultdict
from datetime import date, datetime, timedelta

from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock
from bot.content.models import Prompt
from bot.content.store import ContentStore
from bot.daily.models import (
    DailyPost,
    DailySchedule,
    DeliveryFailed,
    DeliveryResult,
    Outcome,
    PostRecord,
    PostStatus,
)
from bot.daily.publishing import (
    JOB_PREFIX,
    NO_PROMPT_LEFT,
    RETRY_PREFIX,
    DailyPublisher,
    eligible_prompts,
    job_id,
    post_nonce,
    retry_job_id,
)
from bot.daily.repository import DailyRepository
from bot.posting import (
    crash_point,
    day_bounds,
    free_label,
    next_times,
    overdue,
    publish_once,
    tell_moderators_once,
)
from bot.posting.clocktime import LocalDailyTrigger, next_occurrence, occurrence, owed
from bot.posting.retry import is_transient, next_attempt, storage_problem
from bot.posting.rotation import cycle_seed_after, state_of
from bot.scheduler import JobScheduler
from bot.timezones import local_date

log = logging.getLogger(__name__)


class DailyDelivery:
    def __init__(self, repo: DailyRepository, clock: Clock, content: ContentStore, scheduler: JobScheduler,
                 publisher: DailyPublisher) -> None:
        self.repo = repo
        self.clock = clock
        self.content = content
        self.scheduler = scheduler
        self.publisher = publisher
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    # -- jobs -----------------------------------------------------------------------------
    def schedule_job(self, schedule: DailySchedule) -> None:
        trigger = LocalDailyTrigger(schedule.local_time, schedule.zone) if schedule.enabled else None
        self.scheduler.keep(job_id(schedule.guild_id), trigger, self.deliver_due, schedule.guild_id)

    async def start(self) -> None:
        """Register the posting job of every server this process serves (other shards' processes do theirs)."""
        schedules = [s for s in await self.repo.schedules() if self.scheduler.owns(s.guild_id)]
        for schedule in schedules:
            self.schedule_job(schedule)
        log.info("scheduled daily prompts for %d guilds", len(schedules))

    async def stop(self) -> None:
        """Remove every posting job and pending retry of this process."""
        self.scheduler.remove_prefix(JOB_PREFIX)
        self.scheduler.remove_prefix(RETRY_PREFIX)

    async def catch_up(self) -> list[DeliveryResult]:
        """After start-up: finish interrupted rows, then deliver every post that fell due today while away, then
        tell the moderators what a stopped process stored for them and may not have told."""
        results = []
        # One server's unforeseen fault is logged and passed over: it must not cost the servers after it their
        # day's post, nor their moderators a notice a stop kept from them.
        for schedule in await self.repo.schedules():
            if self.scheduler.owns(schedule.guild_id):  # other processes catch up their own shards
                try:
                    results.append(await self.deliver_due(schedule.guild_id))
                except Exception:
                    log.exception("could not catch up the daily post of guild %s", schedule.guild_id)
        posted = sum(result.outcome is Outcome.POSTED for result in results)
        if posted:
            log.info("caught up %d daily posts missed earlier today", posted)
        for schedule in await self.repo.untold_notices():
            if self.scheduler.owns(schedule.guild_id) and schedule.failure_notice:
                try:
                    await self._tell_moderators_once(schedule, schedule.failure_notice)
                except Exception:
                    log.exception("could not tell the moderators of guild %s of a daily problem", schedule.guild_id)
        return results

    # -- delivery -------------------------------------------------------------------------
    async def deliver_due(self, guild_id: int, attempt: int = 0) -> DeliveryResult:
        """The scheduled entry point: today's post if its time has come and it is not out yet.

        A transient fault schedules another attempt (see :mod:`bot.posting.retry`) instead of
        losing the day; once the next occurrence is near, moderators are told once.
        """
        try:
            return await self.deliver(guild_id, manual=False)
        except Exception as error:
            if not is_transient(error):
                raise
            return await self._retry_later(guild_id, attempt + 1, error)

    async def _retry_later(self, guild_id: int, attempt: int, error: BaseException) -> DeliveryResult:
        reason = _describe_fault(error)
        now = self.clock.now()
        schedule = None
        try:
            schedule = await self.repo.schedule(guild_id)
        except Exception:
            log.warning("could not read the daily schedule of guild %s to plan a retry", guild_id)
        # The occurrence's window: until the next one is due, and within its own local day (a day
        # whose post never went out is not posted on a later one).
        window_ends = (min(next_occurrence(now, schedule.local_time, schedule.zone),
                           day_bounds(local_date(now, schedule.zone), schedule.zone)[1]) if schedule
                       else now + timedelta(hours=1))
        when = next_attempt(attempt, now, window_ends)
        if when is not None:
            log.warning("daily post for guild %s hit a passing fault (%s); attempt %d at %s", guild_id, reason,
                        attempt + 1, when.isoformat())
            self.scheduler.add(retry_job_id(guild_id), DateTrigger(run_date=when), self.deliver_due, guild_id,
                               attempt)
            return DeliveryResult(Outcome.RETRYING, None, reason)
        log.error("daily post for guild %s gave up after %d attempts: %s", guild_id, attempt, reason)
        if schedule is not None:
            await self._report(schedule, f"it kept failing all day ({reason})")
        return DeliveryResult(Outcome.FAILED, None, reason)

    async def _report(self, schedule: DailySchedule, reason: str) -> None:
        """Tell moderators once; when even remembering that fails (the database again), tell them anyway."""
        try:
            await self._tell_moderators_once(schedule, reason)
        except Exception:
            await self.publisher.notify_moderators(schedule.guild_id, _notice(reason))

    async def deliver(self, guild_id: int, *, manual: bool) -> DeliveryResult:
        async with self._locks[guild_id]:
            schedule = await self.repo.schedule(guild_id)
            if schedule is None:
                return DeliveryResult(Outcome.NOT_CONFIGURED)
            now = self.clock.now()
            today = local_date(now, schedule.zone)
            # First: an earlier day's post a crash left unrecorded is adopted at start even before today's time.
            await self.reconcile(schedule, before=day_bounds(today, schedule.zone)[0])
            if not schedule.enabled and not manual:
                return DeliveryResult(Outcome.PAUSED)
            due_at = occurrence(today, schedule.local_time, schedule.zone)
            if not manual and not owed(due_at, now, schedule.starts_at):
                return DeliveryResult(Outcome.NOT_DUE)
            try:
                record, fresh = await self._claim(schedule, today, min(due_at, now), now)
            except DeliveryFailed as failure:
                await self._tell_moderators_once(schedule, failure.reason)
                return DeliveryResult(Outcome.FAILED, None, failure.reason)
            if record.status is PostStatus.SENT:
                return DeliveryResult(Outcome.ALREADY_POSTED, record)
            crash_point("daily.claimed")
            schedule = await self.repo.schedule(guild_id) or schedule  # a new cycle may have begun
            return await self._send(schedule, record, fresh)

    async def today_pending(self, schedule: DailySchedule) -> bool:
        """Whether today's time has passed in the schedule's zone without today's post being made."""
        now = self.clock.now()
        today = local_date(now, schedule.zone)
        if not owed(occurrence(today, schedule.local_time, schedule.zone), now, schedule.starts_at):
            return False
        return not await self._served(schedule, today)

    async def next_posts(self, schedule: DailySchedule, count: int) -> list[datetime]:
        """The next ``count`` post times. Today's is left out once today's post is out: a time moved later
        after it does not post a second prompt that day."""
        if not schedule.enabled:
            return []
        now = self.clock.now()
        served = await self._served(schedule, local_date(now, schedule.zone))
        return next_times(now, schedule.local_time, schedule.zone, count, today_served=served)

    async def _served(self, schedule: DailySchedule, day: date) -> bool:
        start, end = day_bounds(day, schedule.zone)
        async with self.repo.db.transaction() as conn:
            served = await self.repo.post_between(conn, schedule.guild_id, start, end)
        return served is not None and served.status is PostStatus.SENT

    async def reconcile(self, schedule: DailySchedule, *, before: datetime) -> int:
        """Finish rows an interrupted attempt left ``claimed`` for an earlier day: adopt the post or fail the row.

        A row stuck in ``claimed`` would make its buttons say the prompt is unavailable and,
        for ever after, leave the numbering unsure; Discord knows whether the post was made.
        """
        unfinished = await self.repo.unfinished_before(schedule.guild_id, before)
        if not unfinished:
            return 0
        finished = 0
        for record in unfinished:
            try:
                post = await self.render(schedule, record)
                found = await self.publisher.find_published(
                    record.channel_id, post, min(record.claimed_at, record.occurrence_at))
            except DeliveryFailed as failure:
                if failure.transient:
                    continue
                await self.repo.mark_failed(schedule.guild_id, record.local_date, failure.reason)
                finished += 1
                continue
            if found is not None:
                await self.repo.mark_sent(schedule.guild_id, record.local_date, found.message_id, found.thread_id,
                                          self.clock.now())
                log.info("adopted day %d of guild %s, interrupted before it was recorded", record.day_number,
                         schedule.guild_id)
            else:
                await self.repo.mark_failed(schedule.guild_id, record.local_date,
                                            "the attempt was interrupted before Discord took the post")
                log.info("day %d of guild %s was interrupted before it reached Discord; marked failed",
                         record.day_number, schedule.guild_id)
            finished += 1
        return finished

    async def _claim(self, schedule: DailySchedule, day: date, occurrence_at: datetime,
                     now: datetime) -> tuple[PostRecord, bool]:
        """Return the row serving local ``day``, inserting it (with the day's prompt) when there is none.

        One transaction and one trip to the database: when a thousand servers' posts fall due
        together, each claim holds the write turn for one short function, not for the round trips
        of eight statements, so a member's click that writes waits behind little."""
        result: tuple[PostRecord, bool] = await self.repo.db.run_transaction(
            self._claim_in, schedule, day, occurrence_at, now)
        return result

    def _claim_in(self, conn: sqlite3.Connection, schedule: DailySchedule, day: date, occurrence_at: datetime,
                  now: datetime) -> tuple[PostRecord, bool]:
        repo = self.repo
        start, end = day_bounds(day, schedule.zone)
        existing = repo.post_between_in(conn, schedule.guild_id, start, end)
        if existing is not None:
            if existing.status is not PostStatus.SENT:
                repo.reclaim_in(conn, schedule.guild_id, existing.local_date, schedule.channel_id)
                if existing.status is PostStatus.FAILED:
                    # Never on Discord, so it takes the rotation as it is now: its prompt counts as unposted,
                    # so /daily preview showed it and /daily skip may have used it up since.
                    cycle, pool, remaining = self._rotation_in(conn, schedule, now)
                    pick = existing.prompt_id if existing.prompt_id in remaining else remaining[0]
                    repo.repick_in(conn, schedule.guild_id, existing.local_date, cycle, pool[pick])
                existing = repo.post_in(conn, schedule.guild_id, existing.local_date)
            assert existing is not None
            return existing, False
        cycle, pool, remaining = self._rotation_in(conn, schedule, now)
        day_number = repo.post_count_in(conn, schedule.guild_id) + 1
        label = free_label(day, repo.labels_in(conn, schedule.guild_id, day))
        repo.insert_claim_in(
            conn, guild_id=schedule.guild_id, day=label, day_number=day_number, cycle=cycle,
            prompt_id=remaining[0], prompt_kind=pool[remaining[0]].kind.value,
            prompt_data=pool[remaining[0]].model_dump_json(), channel_id=schedule.channel_id,
            nonce=post_nonce(schedule.guild_id, label), now=now, occurrence_at=occurrence_at)
        record = repo.post_in(conn, schedule.guild_id, label)
        assert record is not None
        return record, True

    def _rotation_in(self, conn: sqlite3.Connection, schedule: DailySchedule,
                     now: datetime) -> tuple[int, dict[str, Prompt], list[str]]:
        """The rotation's cycle, the prompts in it and those not yet posted, first next; a cycle used up
        starts the next one here."""
        repo = self.repo
        custom, decks_off = repo.pool_sources_in(conn, schedule.guild_id)
        pool = eligible_prompts(schedule.kinds, self.content.library, custom, decks_off)
        if not pool:
            raise DeliveryFailed(NO_PROMPT_LEFT)
        cycle, seed = schedule.cycle, schedule.cycle_seed
        state = state_of(cycle, seed, pool, repo.used_in_cycle_in(conn, schedule.guild_id, cycle))
        if not state.remaining:
            cycle, seed = cycle + 1, cycle_seed_after(state)
            repo.update_schedule_in(conn, schedule.guild_id, schedule.updated_by, now, cycle=cycle, cycle_seed=seed)
            state = state_of(cycle, seed, pool, set())
            log.info("guild %s starts prompt cycle %d", schedule.guild_id, cycle)
        return cycle, pool, state.remaining

    async def render(self, schedule: DailySchedule, record: PostRecord) -> DailyPost:
        # Plain reads, both in one trip: waiting for the write lock here would queue every guild's send behind
        # every other guild's claim when a thousand are due at once (the first post would leave only after the
        # last claim).
        (custom, decks_off), used = await self.repo.db.read(self._render_reads_in, schedule.guild_id, record.cycle)
        pool = eligible_prompts(schedule.kinds, self.content.library, custom, decks_off)
        # A prompt removed since the claim is sent as claimed: the day may be on Discord with it already.
        prompt = (pool.get(record.prompt_id) or self.prompt(record.prompt_id, custom)
                  or await self.repo.posted_prompt(record.guild_id, record.local_date))
        if prompt is None:
            raise DeliveryFailed(f"the prompt `{record.prompt_id}` is no longer in any content pack")
        state = state_of(record.cycle, schedule.cycle_seed, pool, used)
        return DailyPost(
            guild_id=schedule.guild_id, local_date=record.local_date, day_number=record.day_number,
            prompt=prompt, role_id=schedule.role_id, nonce=record.nonce,
            remaining_in_cycle=len(state.remaining), low_warning=state.low,
        )

    def _render_reads_in(self, conn: sqlite3.Connection, guild_id: int,
                         cycle: int) -> tuple[tuple[list[Prompt], frozenset[str]], set[str]]:
        return self.repo.pool_sources_in(conn, guild_id), self.repo.used_in_cycle_in(conn, guild_id, cycle)

    async def start_thread(self, record: PostRecord, prompt: Prompt) -> int:
        """Start and record the thread of a sent post that went without one (Create Public Threads was missing
        when it went out and may be granted since), so answers are shown where the post says; its id."""
        current = await self.repo.post(record.guild_id, record.local_date)
        if current is not None and current.thread_id is not None:  # another answer started it a moment ago
            return current.thread_id
        thread_id = await self.publisher.start_thread(record, prompt)
        crash_point("answer.thread-started")
        await self.repo.set_thread(record.guild_id, record.local_date, thread_id)
        return thread_id

    def prompt(self, prompt_id: str, custom: list[Prompt]) -> Prompt | None:
        return self.content.library.prompt(prompt_id) or next((p for p in custom if p.id == prompt_id), None)

    async def _send(self, schedule: DailySchedule, record: PostRecord, fresh: bool) -> DeliveryResult:
        try:
            post = await self.render(schedule, record)
            publisher = self.publisher
            since = min(record.claimed_at, record.occurrence_at)
            published = await publish_once(
                fresh=fresh, late=overdue(record.occurrence_at, self.clock.now()),
                find_earlier=lambda: publisher.find_published(schedule.channel_id, post, since),
                publish=lambda: publisher.publish(schedule.channel_id, post))
        except DeliveryFailed as failure:
            if failure.transient:
                raise  # the row stays claimed; the retry looks for what this attempt may have sent
            await self.repo.mark_failed(schedule.guild_id, record.local_date, failure.reason)
            await self._tell_moderators_once(schedule, failure.reason)
            log.warning("daily post for guild %s on %s failed: %s", schedule.guild_id, record.local_date,
                        failure.reason)
            updated = await self.repo.post(schedule.guild_id, record.local_date)
            return DeliveryResult(Outcome.FAILED, updated, failure.reason)
        updated = await self.repo.mark_sent(schedule.guild_id, record.local_date, published.message_id,
                                            published.thread_id, self.clock.now())
        crash_point("daily.recorded")
        self.scheduler.remove(retry_job_id(schedule.guild_id))
        if published.problems:
            await self._tell_moderators_once(schedule, "; ".join(published.problems))
        elif schedule.failure_notice:
            await self.repo.set_failure_notice(schedule.guild_id, None)
        log.info("posted day %d (%s) in guild %s", record.day_number, record.prompt_id, schedule.guild_id)
        return DeliveryResult(Outcome.POSTED, updated)

    async def _tell_moderators_once(self, schedule: DailySchedule, reason: str) -> None:
        await tell_moderators_once(
            schedule.guild_id, reason=reason, already_told=schedule.failure_notice, told=schedule.failure_notice_told,
            remember=self.repo.set_failure_notice, mark_told=self.repo.mark_notice_told,
            notify=self.publisher.notify_moderators, text=_notice(reason))


def _notice(reason: str) -> str:
    return (f"I could not deliver today's study prompt: {reason}. "
            "Fix it, then use `/daily post-now` (details in `/daily status`).")


def _describe_fault(error: BaseException) -> str:
    problem = storage_problem(error)
    if problem is not None:
        return f"the database was {problem}"
    return getattr(error, "reason", None) or type(error).__name__
