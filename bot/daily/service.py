"""The daily prompts service: what moderators configure and what members do with a day's post.

Every change is validated before anything is written and happens in one transaction
with its audit entry, so a bad time or zone leaves the old schedule intact.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.activity import ActivityService
from bot.audit import AuditLog
from bot.clock import Clock
from bot.content.models import Prompt
from bot.content.store import ContentStore
from bot.daily.answers import DailyAnswers
from bot.daily.custom_prompts import build_prompt
from bot.daily.delivery import DailyDelivery
from bot.daily.models import (
    ALL_KINDS,
    AnswerResult,
    DailySchedule,
    DailyStatus,
    DeliveryFailed,
    DeliveryResult,
    Outcome,
    PostRecord,
    PostStatus,
    SavedAnswer,
    StoredAnswer,
)
from bot.daily.publishing import DailyPublisher, answer_retries_of, eligible_prompts, job_id, retry_job_id
from bot.daily.repository import DailyRepository
from bot.errors import InvalidInput, NotConfigured, NotFound, check_all
from bot.overview import ConfiguredFeature
from bot.posting import starts_from
from bot.posting.rotation import cycle_seed_after, seed_of_cycle, state_of
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.timezones import parse_local_time, parse_zone

log = logging.getLogger(__name__)

CUSTOM_PROMPT_LIMIT = 500  # per guild; keeps one server from growing the table without bound


@dataclass(frozen=True)
class SetupResult:
    schedule: DailySchedule
    next_posts: list[datetime]
    # Today's time has already passed and today's post is not out (the time moved earlier than
    # now, or the schedule is new): the caller starts the delivery at once, after answering.
    posts_now: bool = False


@dataclass(frozen=True)
class Preview:
    prompt: Prompt
    when: datetime | None


class DailyService:
    def __init__(self, db: Database, clock: Clock, content: ContentStore, scheduler: JobScheduler,
                 audit: AuditLog, activity: ActivityService, publisher: DailyPublisher) -> None:
        self.repo = DailyRepository(db)
        self.clock = clock
        self.content = content
        self.audit = audit
        self.activity = activity
        self.delivery = DailyDelivery(self.repo, clock, content, scheduler, publisher)
        self.answers = DailyAnswers(self.repo, clock, content, activity, self.delivery)

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        """Keep the kind of shipped prompts posted before kinds were stored, then register the posting job
        of every server this process serves."""
        await self.fill_post_kinds()
        await self.delivery.start()

    async def fill_post_kinds(self) -> None:
        """Store with older posts the kind of their shipped prompt, while the loaded packs still have it:
        ``/archive kind:`` then keeps listing the day after a content update retires the prompt."""
        library = self.content.library
        found = {prompt_id: prompt.kind.value for prompt_id in await self.repo.prompts_without_kind()
                 if (prompt := library.prompt(prompt_id)) is not None}
        if found:
            await self.repo.set_post_kinds(found)

    async def catch_up(self) -> None:
        """Once a shard is ready: post what fell due today while the bot was down, and show the answers a
        stopped process stored but never recorded as shown (posted now, or found in the thread and adopted:
        a member's answer is never missing from the thread, and ``/privacy delete`` finds it)."""
        await self.delivery.catch_up()
        await self.answers.show_unshown()

    async def stop(self) -> None:
        await self.delivery.stop()

    def forget_guild(self, guild_id: int) -> None:
        """The bot left the server: no more posts (or retries, of a post or of showing an answer) for it; the schedule
        and the answers stay for 30 days."""
        self.delivery.scheduler.remove(job_id(guild_id))
        self.delivery.scheduler.remove(retry_job_id(guild_id))
        self.delivery.scheduler.remove_prefix(answer_retries_of(guild_id))

    async def resume_guild(self, guild_id: int) -> None:
        """The bot was added back within the 30 days: the kept schedule runs again, and today's post goes
        out now if its time has passed (as after the bot was down), so a server re-added at noon is not
        left without the day's prompt until tomorrow; answers whose showing stopped with the removal are shown."""
        if not self.delivery.scheduler.owns(guild_id):
            return
        schedule = await self.repo.schedule(guild_id)
        if schedule is not None:
            self.delivery.schedule_job(schedule)
            await self.delivery.deliver_due(guild_id)
        await self.answers.show_unshown(guild_id)

    async def deliver_due(self, guild_id: int) -> DeliveryResult:
        """Today's post, if its time has come and it is not out yet (what the job runs, on demand)."""
        return await self.delivery.deliver_due(guild_id)

    # -- configuration --------------------------------------------------------------------
    async def setup(self, guild_id: int, actor_id: int, *, channel_id: int, time_text: str, zone_text: str,
                    role_id: int | None) -> SetupResult:
        at, zone = check_all(lambda: parse_local_time(time_text), lambda: parse_zone(zone_text))
        now = self.clock.now()
        old = await self.repo.schedule(guild_id)
        async with self.repo.db.transaction() as conn:
            cycle = await self.repo.last_cycle(conn, guild_id)  # set up again after a removal: no repeats
            await self.repo.upsert_schedule(
                conn, guild_id=guild_id, channel_id=channel_id, local_time=f"{at:%H:%M}", timezone=zone.key,
                role_id=role_id, actor_id=actor_id, cycle=cycle, seed=seed_of_cycle(guild_id, cycle), now=now,
                starts_at=starts_from(now, at, zone))
            await self.audit.record(
                conn, guild_id=guild_id, actor_id=actor_id, action="daily.setup",
                old=_describe(old) if old else None,
                new={"channel": channel_id, "time": f"{at:%H:%M}", "timezone": zone.key, "role": role_id})
        schedule = await self._require(guild_id)
        self.delivery.schedule_job(schedule)
        if old is None or old.zone != zone:  # the server's zone: members without their own date days in it
            await self.activity.guild_zone_changed(guild_id)
        # A changed schedule whose time today has already passed: today's post goes out now if it is
        # not out yet. A first setup starts with the next occurrence instead.
        posts_now = old is not None and schedule.enabled and await self.delivery.today_pending(schedule)
        return SetupResult(schedule, await self.delivery.next_posts(schedule, 3), posts_now)

    async def configured(self, guild_id: int) -> DailySchedule:
        """The schedule, or :class:`NotConfigured` saying how to set one up."""
        return await self._require(guild_id)

    async def remove(self, guild_id: int, actor_id: int) -> DailySchedule:
        """Delete the schedule and its timer; posts, answers and the rotation history stay."""
        schedule = await self._require(guild_id)
        async with self.repo.db.transaction() as conn:
            await self.repo.delete_schedule(conn, guild_id)
            await self.audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="daily.remove",
                                    old=_describe(schedule), new=None)
        self.delivery.scheduler.remove(job_id(guild_id))
        return schedule

    async def set_enabled(self, guild_id: int, actor_id: int, enabled: bool) -> DailySchedule:
        schedule = await self._require(guild_id)
        if schedule.enabled != enabled:
            async with self.repo.db.transaction() as conn:
                await self.repo.update_schedule(conn, guild_id, actor_id, self.clock.now(), enabled=int(enabled))
                await self.audit.record(conn, guild_id=guild_id, actor_id=actor_id,
                                        action="daily.resume" if enabled else "daily.pause",
                                        old=schedule.enabled, new=enabled)
        schedule = await self._require(guild_id)
        self.delivery.schedule_job(schedule)
        return schedule

    async def today_pending(self, guild_id: int) -> bool:
        """Whether today's time has passed without today's post (after ``/daily resume`` it is then posted at
        once, as a restart would post it)."""
        schedule = await self._require(guild_id)
        return schedule.enabled and await self.delivery.today_pending(schedule)

    async def set_kinds(self, guild_id: int, actor_id: int, kinds: Iterable[str]) -> DailySchedule:
        wanted = sorted({k.strip().lower() for k in kinds if k.strip()})
        unknown = [k for k in wanted if k not in ALL_KINDS]
        if not wanted or unknown:
            raise InvalidInput(
                f"Unknown prompt kind: {', '.join(unknown)}." if unknown else "Choose at least one kind.",
                hint=f"Pick from {', '.join(ALL_KINDS)}.")
        schedule = await self._require(guild_id)
        if not eligible_prompts(frozenset(wanted), self.content.library, *await self.repo.pool_sources(guild_id)):
            raise InvalidInput("No prompt in this server's decks that are on has those kinds.",
                               hint="Add another kind, or switch a deck on with `/content decks`.")
        async with self.repo.db.transaction() as conn:
            await self.repo.update_schedule(conn, guild_id, actor_id, self.clock.now(), kinds=",".join(wanted))
            await self.audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="daily.kinds",
                                    old=",".join(sorted(schedule.kinds)), new=",".join(wanted))
        return await self._require(guild_id)

    async def add_prompt(self, guild_id: int, actor_id: int, *, kind: str, difficulty: str, title: str,
                         scenario: str, constraints: str, follow_ups: str, rubric: str) -> Prompt:
        """Validate a moderator's own prompt against the pack's model and limits, then store it. No schedule is
        needed: the server's own prompts serve practice and mock interviews too, and a later setup posts them."""
        now = self.clock.now()
        async with self.repo.db.transaction() as conn:
            count = await self.repo.count_custom(conn, guild_id)
            if count >= CUSTOM_PROMPT_LIMIT:
                raise InvalidInput(f"This server already has {CUSTOM_PROMPT_LIMIT} prompts of its own.",
                                   hint="That is the most a server can add.")
            number = await self.repo.next_custom_number(conn, guild_id)
            prompt = build_prompt(f"custom-{guild_id}-{number}", kind=kind, difficulty=difficulty, title=title,
                                  scenario=scenario, constraints=constraints, follow_ups=follow_ups, rubric=rubric)
            await self.repo.add_custom(conn, guild_id, prompt, actor_id, now)
            await self.audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="daily.add-prompt",
                                    new={"id": prompt.id, "title": prompt.title})
        return prompt

    # -- what moderators look at ----------------------------------------------------------
    async def settings_section(self, guild_id: int) -> ConfiguredFeature | None:
        """This feature's part of the settings overview."""
        schedule = await self.repo.schedule(guild_id)
        if schedule is None:
            return None
        return ConfiguredFeature(
            "Daily prompts", schedule.enabled, schedule.channel_id,
            f"{schedule.local_time:%H:%M} {schedule.zone.key}" + (" · role pinged" if schedule.role_id else ""),
            await self.delivery.next_posts(schedule, 2), position=10)

    async def next_posts(self, guild_id: int, count: int) -> list[datetime]:
        """The next ``count`` post times (none when not set up or paused)."""
        schedule = await self.repo.schedule(guild_id)
        return await self.delivery.next_posts(schedule, count) if schedule is not None else []

    async def status(self, guild_id: int) -> DailyStatus:
        schedule = await self._require(guild_id)
        pool = eligible_prompts(schedule.kinds, self.content.library, *await self.repo.pool_sources(guild_id))
        async with self.repo.db.transaction() as conn:
            used = await self.repo.used_in_cycle(conn, guild_id, schedule.cycle)
        state = state_of(schedule.cycle, schedule.cycle_seed, pool, used)
        upcoming_ids = state.upcoming(1)
        return DailyStatus(
            schedule=schedule,
            next_posts=await self.delivery.next_posts(schedule, 3),
            remaining_in_cycle=len(state.remaining), cycle_size=len(state.order), low_warning=state.low,
            last_post=await self.repo.latest_post(guild_id, status=PostStatus.SENT),
            last_failure=await self._last_failure(guild_id),
            next_prompt=pool.get(upcoming_ids[0]) if upcoming_ids else None,
            problems=[schedule.failure_notice] if schedule.failure_notice else [],
        )

    async def _last_failure(self, guild_id: int) -> PostRecord | None:
        latest = await self.repo.latest_post(guild_id)
        return latest if latest and latest.status is PostStatus.FAILED else None

    async def preview(self, guild_id: int) -> Preview:
        status = await self.status(guild_id)
        if status.next_prompt is None:
            raise NotFound("There is no prompt to preview.",
                           hint="Widen the kinds with `/daily kinds`, or switch a deck on with `/content decks`.")
        return Preview(status.next_prompt, status.next_posts[0] if status.next_posts else None)

    async def skip(self, guild_id: int, actor_id: int) -> tuple[Prompt, Prompt | None]:
        """Use up the next prompt so the following one is posted instead; returns (skipped, next)."""
        schedule = await self._require(guild_id)
        pool = eligible_prompts(schedule.kinds, self.content.library, *await self.repo.pool_sources(guild_id))
        now = self.clock.now()
        async with self.repo.db.transaction() as conn:
            state = state_of(schedule.cycle, schedule.cycle_seed, pool,
                             await self.repo.used_in_cycle(conn, guild_id, schedule.cycle))
            if not state.remaining:  # used up: the next cycle begins here, as the next post would begin it
                cycle, seed = schedule.cycle + 1, cycle_seed_after(state)
                await self.repo.update_schedule(conn, guild_id, actor_id, now, cycle=cycle, cycle_seed=seed)
                schedule = replace(schedule, cycle=cycle, cycle_seed=seed)
                state = state_of(cycle, seed, pool, set())
            if len(state.remaining) <= 1:
                raise InvalidInput("Only one prompt is left in this cycle, so there is nothing to skip to.",
                                   hint="It will be posted next; the cycle then starts again with a new order.")
            skipped, following = state.remaining[0], state.remaining[1]
            await self.repo.add_skip(conn, guild_id, schedule.cycle, skipped, actor_id, now)
            await self.audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="daily.skip", old=skipped,
                                    new=following)
        return pool[skipped], pool.get(following)

    async def post_now(self, guild_id: int, actor_id: int) -> DeliveryResult:
        await self._require(guild_id)
        try:
            result = await self.delivery.deliver(guild_id, manual=True)
        except DeliveryFailed as failure:
            if not failure.transient:
                raise
            result = DeliveryResult(Outcome.FAILED, None, f"{failure.reason}; try again in a minute")
        async with self.repo.db.transaction() as conn:
            await self.audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="daily.post-now",
                                    new=str(result.outcome))
        return result

    # -- members --------------------------------------------------------------------------
    async def post_for(self, guild_id: int, day: date) -> tuple[PostRecord, Prompt]:
        """The sent post and its prompt (see :meth:`DailyAnswers.post_for`: cached, as every click starts here)."""
        return await self.answers.post_for(guild_id, day)

    async def submit_answer(self, guild_id: int, day: date, user_id: int, body: str) -> AnswerResult:
        """Store the answer first (that is what the member is told), then show it in the thread."""
        return await self.answers.show_answer(await self.answers.save_answer(guild_id, day, user_id, body))

    async def save_answer(self, guild_id: int, day: date, user_id: int, body: str) -> SavedAnswer:
        return await self.answers.save_answer(guild_id, day, user_id, body)

    async def show_answer(self, saved: SavedAnswer, *, look_first: bool = False) -> AnswerResult:
        return await self.answers.show_answer(saved, look_first=look_first)

    async def answer_of(self, guild_id: int, day: date, user_id: int) -> StoredAnswer | None:
        return await self.repo.answer(guild_id, day, user_id)

    async def rubric_for(self, guild_id: int, day: date, user_id: int) -> Prompt:
        _record, prompt = await self.post_for(guild_id, day)
        if await self.repo.answer(guild_id, day, user_id) is None:
            raise InvalidInput("The rubric opens once you have submitted your answer.",
                               hint="Press **Submit answer** first; then the rubric is yours.")
        return prompt

    async def _require(self, guild_id: int) -> DailySchedule:
        schedule = await self.repo.schedule(guild_id)
        if schedule is None:
            raise NotConfigured("Daily prompts are not set up in this server yet.",
                                hint="A moderator can run `/daily setup channel time timezone`.")
        return schedule


def _describe(schedule: DailySchedule) -> dict[str, object]:
    return {"channel": schedule.channel_id, "time": f"{schedule.local_time:%H:%M}",
            "timezone": schedule.zone.key, "role": schedule.role_id, "enabled": schedule.enabled}
