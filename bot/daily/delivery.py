"""Posting each guild's prompt exactly once per local date.

The ledger row for (guild, local date) is inserted in the same ``BEGIN IMMEDIATE``
transaction that picks the prompt, so only one claim can ever exist for a day. Sending
happens after the commit; the message id is written back once Discord accepted it.
Should the process die between the two, the row stays ``claimed``: the next attempt
first looks for the message in the channel, and re-sends with the same nonce so
Discord itself returns the earlier message instead of creating a second one. A run
that finds the row ``sent`` does nothing. Catch-up covers only the current local day.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import defaultdict
from datetime import date, datetime
from typing import Protocol

from bot.clock import Clock
from bot.content.models import Prompt
from bot.content.store import ContentStore
from bot.daily.clocktime import LocalDailyTrigger, occurrence
from bot.daily.models import (
    DailyPost,
    DailySchedule,
    DeliveryFailed,
    DeliveryResult,
    Outcome,
    PostRecord,
    PostStatus,
    Published,
)
from bot.daily.repository import DailyRepository
from bot.daily.rotation import cycle_seed_after, state_of
from bot.ledger import publish_once, tell_moderators_once
from bot.scheduler import JobScheduler
from bot.timezones import local_date

log = logging.getLogger(__name__)


class Publisher(Protocol):
    """The Discord side of delivery, implemented by the daily cog."""

    async def find_published(self, channel_id: int, post: DailyPost, since: datetime) -> Published | None: ...

    async def publish(self, channel_id: int, post: DailyPost) -> Published: ...

    async def notify_moderators(self, guild_id: int, text: str) -> bool: ...

    async def post_answer(self, thread_id: int, user_id: int, body: str, *, edited: bool,
                          existing_message_id: int | None, day: date | None = None) -> int: ...


def job_id(guild_id: int) -> str:
    return f"daily:post:{guild_id}"


def post_nonce(guild_id: int, day: date) -> str:
    """A nonce of at most 25 characters, the same for every attempt at one guild's day."""
    return "d" + hashlib.sha256(f"{guild_id}:{day.isoformat()}".encode()).hexdigest()[:24]


def eligible_prompts(schedule: DailySchedule, library_prompts: tuple[Prompt, ...],
                     custom: list[Prompt]) -> dict[str, Prompt]:
    """The guild's pool: pack prompts of the kinds it wants, plus its own prompts."""
    pool = {p.id: p for p in library_prompts if p.kind.value in schedule.kinds}
    pool.update({p.id: p for p in custom})
    return pool


class DailyDelivery:
    def __init__(self, repo: DailyRepository, clock: Clock, content: ContentStore, scheduler: JobScheduler) -> None:
        self.repo = repo
        self.clock = clock
        self.content = content
        self.scheduler = scheduler
        self.publisher: Publisher | None = None
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    # -- jobs -----------------------------------------------------------------------------
    def schedule_job(self, schedule: DailySchedule) -> None:
        trigger = LocalDailyTrigger(schedule.local_time, schedule.zone) if schedule.enabled else None
        self.scheduler.keep(job_id(schedule.guild_id), trigger, self.deliver_due, schedule.guild_id)

    async def schedule_all(self) -> int:
        schedules = [s for s in await self.repo.schedules() if self.scheduler.owns(s.guild_id)]
        for schedule in schedules:
            self.schedule_job(schedule)
        return len(schedules)

    async def catch_up(self) -> list[DeliveryResult]:
        """After start-up: deliver every post that fell due earlier today while the bot was away."""
        results = []
        for schedule in await self.repo.schedules():
            if self.scheduler.owns(schedule.guild_id):  # other processes catch up their own shards
                results.append(await self.deliver_due(schedule.guild_id))
        return results

    # -- delivery -------------------------------------------------------------------------
    async def deliver_due(self, guild_id: int) -> DeliveryResult:
        """The scheduled entry point: today's post if its time has come and it is not out yet."""
        return await self.deliver(guild_id, manual=False)

    async def deliver(self, guild_id: int, *, manual: bool) -> DeliveryResult:
        async with self._locks[guild_id]:
            schedule = await self.repo.schedule(guild_id)
            if schedule is None:
                return DeliveryResult(Outcome.NOT_CONFIGURED)
            if not schedule.enabled and not manual:
                return DeliveryResult(Outcome.PAUSED)
            now = self.clock.now()
            today = local_date(now, schedule.zone)
            if not manual and occurrence(today, schedule.local_time, schedule.zone) > now:
                return DeliveryResult(Outcome.NOT_DUE)
            try:
                record, fresh = await self._claim(schedule, today, now)
            except DeliveryFailed as failure:
                await self._tell_moderators_once(schedule, failure.reason)
                return DeliveryResult(Outcome.FAILED, None, failure.reason)
            if record.status is PostStatus.SENT:
                return DeliveryResult(Outcome.ALREADY_POSTED, record)
            schedule = await self.repo.schedule(guild_id) or schedule  # a new cycle may have begun
            return await self._send(schedule, record, fresh)

    async def _claim(self, schedule: DailySchedule, day: date, now: datetime) -> tuple[PostRecord, bool]:
        """Return the day's ledger row, inserting it (with the day's prompt) when there is none."""
        async with self.repo.db.transaction() as conn:
            existing = await self.repo.post(schedule.guild_id, day, conn)
            if existing is not None:
                if existing.status is not PostStatus.SENT:
                    await self.repo.reclaim(conn, schedule.guild_id, day, schedule.channel_id)
                    existing = await self.repo.post(schedule.guild_id, day, conn)
                assert existing is not None
                return existing, False
            pool = eligible_prompts(schedule, self.content.library.prompts,
                                    await self.repo.custom_prompts(schedule.guild_id, conn))
            if not pool:
                raise DeliveryFailed("no prompt matches the kinds this server chose; widen them with /daily kinds")
            cycle, seed = schedule.cycle, schedule.cycle_seed
            state = state_of(cycle, seed, pool, await self.repo.used_in_cycle(conn, schedule.guild_id, cycle))
            if not state.remaining:
                cycle, seed = cycle + 1, cycle_seed_after(state)
                await self.repo.update_schedule(conn, schedule.guild_id, schedule.updated_by, now,
                                                cycle=cycle, cycle_seed=seed)
                state = state_of(cycle, seed, pool, set())
                log.info("guild %s starts prompt cycle %d", schedule.guild_id, cycle)
            day_number = await self.repo.post_count(conn, schedule.guild_id) + 1
            await self.repo.insert_claim(
                conn, guild_id=schedule.guild_id, day=day, day_number=day_number, cycle=cycle,
                prompt_id=state.remaining[0], channel_id=schedule.channel_id,
                nonce=post_nonce(schedule.guild_id, day), now=now)
            record = await self.repo.post(schedule.guild_id, day, conn)
        assert record is not None
        return record, True

    async def render(self, schedule: DailySchedule, record: PostRecord) -> DailyPost:
        custom = await self.repo.custom_prompts(schedule.guild_id)
        pool = eligible_prompts(schedule, self.content.library.prompts, custom)
        prompt = pool.get(record.prompt_id) or self.prompt(record.prompt_id, custom)
        if prompt is None:
            raise DeliveryFailed(f"the prompt `{record.prompt_id}` is no longer in any content pack")
        async with self.repo.db.transaction() as conn:
            used = await self.repo.used_in_cycle(conn, schedule.guild_id, record.cycle)
        state = state_of(record.cycle, schedule.cycle_seed, pool, used)
        return DailyPost(
            guild_id=schedule.guild_id, local_date=record.local_date, day_number=record.day_number,
            prompt=prompt, role_id=schedule.role_id, nonce=record.nonce,
            remaining_in_cycle=len(state.remaining), low_warning=state.low,
        )

    def prompt(self, prompt_id: str, custom: list[Prompt]) -> Prompt | None:
        return self.content.library.prompt(prompt_id) or next((p for p in custom if p.id == prompt_id), None)

    async def _send(self, schedule: DailySchedule, record: PostRecord, fresh: bool) -> DeliveryResult:
        if self.publisher is None:
            raise RuntimeError("the daily publisher is not attached")
        try:
            post = await self.render(schedule, record)
            publisher = self.publisher
            published = await publish_once(
                fresh=fresh,
                find_earlier=lambda: publisher.find_published(schedule.channel_id, post, record.claimed_at),
                publish=lambda: publisher.publish(schedule.channel_id, post))
        except DeliveryFailed as failure:
            await self.repo.mark_failed(schedule.guild_id, record.local_date, failure.reason)
            await self._tell_moderators_once(schedule, failure.reason)
            log.warning("daily post for guild %s on %s failed: %s", schedule.guild_id, record.local_date,
                        failure.reason)
            updated = await self.repo.post(schedule.guild_id, record.local_date)
            return DeliveryResult(Outcome.FAILED, updated, failure.reason)
        await self.repo.mark_sent(schedule.guild_id, record.local_date, published.message_id,
                                  published.thread_id, self.clock.now())
        if published.problems:
            await self._tell_moderators_once(schedule, "; ".join(published.problems))
        elif schedule.failure_notice:
            await self.repo.set_failure_notice(schedule.guild_id, None)
        log.info("posted day %d (%s) in guild %s", record.day_number, record.prompt_id, schedule.guild_id)
        updated = await self.repo.post(schedule.guild_id, record.local_date)
        return DeliveryResult(Outcome.POSTED, updated)

    async def _tell_moderators_once(self, schedule: DailySchedule, reason: str) -> None:
        await tell_moderators_once(
            schedule.guild_id, reason=reason, already_told=schedule.failure_notice,
            remember=self.repo.set_failure_notice,
            notify=self.publisher.notify_moderators if self.publisher else None,
            text=f"I could not deliver today's study prompt: {reason}. "
                 "Fix it, then use `/daily post-now` (details in `/daily status`).")
