"""The daily prompts service: what moderators configure and what members do with a day's post.

Every change is validated before anything is written and happens in one transaction
with its audit entry, so a bad time or zone leaves the old schedule intact.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from apscheduler.triggers.date import DateTrigger

from bot.activity import ActivityKind, ActivityRecorded, ActivityService
from bot.audit import AuditLog
from bot.clock import Clock
from bot.content.models import Prompt
from bot.content.store import ContentStore
from bot.daily.custom_prompts import build_prompt
from bot.daily.delivery import (
    DailyDelivery,
    DailyPublisher,
    answer_retry_job_id,
    eligible_prompts,
    job_id,
    retry_job_id,
)
from bot.daily.models import (
    ALL_KINDS,
    ANSWER_LIMIT,
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
from bot.daily.repository import DailyRepository
from bot.errors import InvalidInput, NotConfigured, NotFound, bounded_text, check_all
from bot.overview import ConfiguredFeature
from bot.posting import crash_point, starts_from
from bot.posting.retry import next_attempt
from bot.posting.rotation import cycle_seed_after, seed_of_cycle, state_of
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.timezones import parse_local_time, parse_zone

log = logging.getLogger(__name__)

SENT_POST_CACHE = 2048  # sent posts never change (a thread id aside, set before anyone can click)
CUSTOM_PROMPT_LIMIT = 500  # per guild; keeps one server from growing the table without bound
UNSHOWN_LOOKBACK = timedelta(days=2)  # answers still unshown at start-up are looked for this far back
# An answer Discord failed to take for a moment is tried again after pauses for this long; then at a start.
ANSWER_RETRY_WINDOW = timedelta(hours=1)


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
        self._sent_posts: dict[tuple[int, date, str, int | None], asyncio.Future[tuple[PostRecord, Prompt]]] = {}

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
        for answer, thread_id in await self.repo.unshown_answers(self.clock.now() - UNSHOWN_LOOKBACK):
            if self.delivery.scheduler.owns(answer.guild_id):
                result = await self.show_answer(SavedAnswer(answer, answer.edited_at is not None, thread_id),
                                                look_first=True)
                if not result.thread_posted:
                    log.info("answer of %s on %s still not shown: %s", answer.user_id, answer.local_date,
                             result.problem)

    async def stop(self) -> None:
        await self.delivery.stop()

    def forget_guild(self, guild_id: int) -> None:
        """The bot left the server: no more posts (or retries) for it; the schedule stays for 30 days."""
        self.delivery.scheduler.remove(job_id(guild_id))
        self.delivery.scheduler.remove(retry_job_id(guild_id))

    async def resume_guild(self, guild_id: int) -> None:
        """The bot was added back within the 30 days: the kept schedule runs again, and today's post goes
        out now if its time has passed (as after the bot was down), so a server re-added at noon is not
        left without the day's prompt until tomorrow."""
        schedule = await self.repo.schedule(guild_id)
        if schedule is not None and self.delivery.scheduler.owns(guild_id):
            self.delivery.schedule_job(schedule)
            await self.delivery.deliver_due(guild_id)

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
        """The sent post and its prompt; cached, because every click on a post starts here.

        The cache holds one shared future per post, so the burst of clicks that follows a
        post (hundreds of members at once) reads the post once, not once per click; the key holds the
        server's content version, so a prompt of its own edited since shows its new hints and rubric.
        A failed read is not cached: the next click tries again."""
        key = (guild_id, day, self.content.library.version, await self.repo.content_version(guild_id))
        pending = self._sent_posts.get(key)
        if pending is None:
            if len(self._sent_posts) >= SENT_POST_CACHE:
                self._sent_posts.pop(next(iter(self._sent_posts)))
            pending = asyncio.ensure_future(self._load_post(guild_id, day))
            self._sent_posts[key] = pending
            pending.add_done_callback(lambda done: self._forget_failed(key, done))
        return await asyncio.shield(pending)

    def _forget_failed(self, key: tuple[int, date, str, int | None], done: asyncio.Future[tuple[PostRecord, Prompt]]) -> None:
        if (done.cancelled() or done.exception() is not None) and self._sent_posts.get(key) is done:
            del self._sent_posts[key]

    async def _load_post(self, guild_id: int, day: date) -> tuple[PostRecord, Prompt]:
        record = await self.repo.post(guild_id, day)
        if record is None or record.status is not PostStatus.SENT:
            raise NotFound("That daily prompt is not available.", hint="Use the buttons on a posted prompt.")
        # Removing the schedule keeps past posts and their answers (its confirmation says so): a post's
        # buttons work without one, and without the deck of its prompt switched on.
        custom = await self.repo.custom_prompts(guild_id, decks_off_too=True)
        # A prompt removed since (``/content remove``, or a content update) is read as it was posted.
        prompt = self.delivery.prompt(record.prompt_id, custom) or await self.repo.posted_prompt(guild_id, day)
        if prompt is None:
            raise NotFound("That prompt was removed from the content packs.",
                           hint="Today's post has a current one.")
        return record, prompt

    async def submit_answer(self, guild_id: int, day: date, user_id: int, body: str) -> AnswerResult:
        """Store the answer first (that is what the member is told), then show it in the thread."""
        return await self.show_answer(await self.save_answer(guild_id, day, user_id, body))

    async def save_answer(self, guild_id: int, day: date, user_id: int, body: str) -> SavedAnswer:
        """Store the answer and its streak credit (one transaction, one trip to the database).

        The member can be told it is saved, and where it will appear, before it is shown there."""
        text = bounded_text(body, what="Your answer", limit=ANSWER_LIMIT, required=True,
                            empty_hint="Write a few sentences, then submit again.",
                            long_hint="Shorten it, or post the rest in the discussion thread.")
        record, _prompt = await self.post_for(guild_id, day)
        answer, edited, credit = await self.repo.db.run_transaction(self._save_in, guild_id, day, user_id, text,
                                                                    self.clock.now())
        crash_point("answer.saved")
        await self.activity.announce(credit)
        return SavedAnswer(answer, edited, record.thread_id)

    def _save_in(self, conn: sqlite3.Connection, guild_id: int, day: date, user_id: int, text: str,
                 now: datetime) -> tuple[StoredAnswer, bool, ActivityRecorded | None]:
        answer, edited = DailyRepository.save_answer_in(conn, guild_id, day, user_id, text, now)
        # The answer and its streak credit commit together; a re-submission adds the credit only
        # when an earlier version of the answer was stored without it.
        credit = self.activity.credit_in(conn, guild_id, user_id, ActivityKind.ANSWER, answer.submitted_at,
                                         repair=edited)
        return answer, edited, credit

    async def show_answer(self, saved: SavedAnswer, *, look_first: bool = False,
                          attempt: int = 0) -> AnswerResult:
        """Show a saved answer in the day's discussion thread (edited in place when it replaced one);
        ``look_first`` when an interrupted attempt may have shown it already. Discord failing for a moment
        (a server error, a rate limit, a timeout) is no refusal: the answer is tried again after a pause."""
        answer, edited = saved.answer, saved.edited
        thread_id: int | None = saved.thread_id
        try:
            thread_id = thread_id or await self._start_thread(answer.guild_id, answer.local_date)
            message_id = await self.delivery.publisher.post_answer(
                thread_id, answer.user_id, answer.body, edited=edited,
                existing_message_id=answer.thread_message_id, day=answer.local_date, look_first=look_first)
        except DeliveryFailed as failure:
            retrying = failure.transient and self._show_later(answer, attempt + 1)
            if saved.thread_id is None and thread_id is not None:
                # The thread is started though this answer is not in it yet: the retry finds the thread
                # recorded, so the answers saved before it go there now, not only after a restart.
                await self._show_earlier(answer, thread_id)
            return AnswerResult(answer, edited, False, failure.reason, retrying)
        crash_point("answer.posted")
        await self.repo.mark_answer_shown(answer, message_id)
        crash_point("answer.shown")
        if saved.thread_id is None:
            await self._show_earlier(answer, thread_id)
        return AnswerResult(answer, edited, True)

    async def _show_earlier(self, starter: StoredAnswer, thread_id: int) -> None:
        """Answers saved while the post had no thread belong in the thread ``starter``'s answer started, not only
        after a restart; each is looked for first, as another member's answer may have shown it meanwhile."""
        for earlier in await self.repo.answers(starter.guild_id, starter.local_date):
            if earlier.thread_message_id is None and earlier.user_id != starter.user_id:
                await self.show_answer(SavedAnswer(earlier, earlier.edited_at is not None, thread_id), look_first=True)

    def _show_later(self, answer: StoredAnswer, attempt: int) -> bool:
        """Show ``answer`` again after a pause growing with ``attempt``, for a while after it was saved
        (then at the next start); whether a retry is planned."""
        now = self.clock.now()
        when = next_attempt(attempt, now, (answer.edited_at or answer.submitted_at) + ANSWER_RETRY_WINDOW)
        if when is None:
            log.info("answer of %s on %s still not shown; again at the next start", answer.user_id,
                     answer.local_date)
            return False
        self.delivery.scheduler.add(answer_retry_job_id(answer.guild_id, answer.local_date, answer.user_id),
                                    DateTrigger(run_date=when), self._show_again, answer.guild_id,
                                    answer.local_date, answer.user_id, attempt)
        return True

    async def _show_again(self, guild_id: int, day: date, user_id: int, attempt: int) -> None:
        """A retry's job: the answer as it stands now, unless it was shown meanwhile (a re-submission). The
        failed attempt may have reached Discord, so the thread is looked at first."""
        answer = await self.repo.unshown_answer(guild_id, day, user_id)
        record = await self.repo.post(guild_id, day)
        if answer is not None and record is not None:
            await self.show_answer(SavedAnswer(answer, answer.edited_at is not None, record.thread_id),
                                   look_first=True, attempt=attempt)

    async def _start_thread(self, guild_id: int, day: date) -> int:
        """The thread a post went without, started now; the post's cached row is read again after it."""
        record, prompt = await self.post_for(guild_id, day)
        thread_id = await self.delivery.start_thread(record, prompt)
        self._sent_posts = {key: post for key, post in self._sent_posts.items() if key[:2] != (guild_id, day)}
        return thread_id

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
