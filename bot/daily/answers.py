"""Members' answers to a day's post: the post they answer (cached, as every click starts there), the answer
stored with its streak credit, and shown in the day's discussion thread, exactly once, however Discord or the
process fails in between.

Split from :mod:`bot.daily.service` (which keeps the moderators' side and delegates here) so each stays one job.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import date, datetime, timedelta
from weakref import WeakValueDictionary

from apscheduler.triggers.date import DateTrigger

from bot.activity import ActivityKind, ActivityRecorded, ActivityService
from bot.clock import Clock
from bot.content.models import Prompt
from bot.content.store import ContentStore
from bot.daily.delivery import DailyDelivery
from bot.daily.models import (
    ANSWER_LIMIT,
    AnswerResult,
    DeliveryFailed,
    PostRecord,
    PostStatus,
    SavedAnswer,
    StoredAnswer,
)
from bot.daily.publishing import answer_retry_job_id
from bot.daily.repository import DailyRepository
from bot.errors import NotFound, bounded_text
from bot.posting import crash_point
from bot.posting.retry import next_attempt

log = logging.getLogger(__name__)

SENT_POST_CACHE = 2048  # sent posts never change (a thread id aside, set before anyone can click)
UNSHOWN_LOOKBACK = timedelta(days=2)  # answers still unshown at start-up are looked for this far back
# An answer Discord failed to take for a moment is tried again after pauses for this long; then at a start.
ANSWER_RETRY_WINDOW = timedelta(hours=1)


class DailyAnswers:
    def __init__(self, repo: DailyRepository, clock: Clock, content: ContentStore, activity: ActivityService,
                 delivery: DailyDelivery) -> None:
        self.repo = repo
        self.clock = clock
        self.content = content
        self.activity = activity
        self.delivery = delivery
        self._sent_posts: dict[tuple[int, date, str, int | None], asyncio.Future[tuple[PostRecord, Prompt]]] = {}
        # (guild, day, member) -> the showing of that answer; (guild, day, None) -> the start of that post's thread.
        # Kept while someone holds or waits for it, so as many as the answers being shown at once.
        self._turns: WeakValueDictionary[tuple[int, date, int | None], asyncio.Lock] = WeakValueDictionary()

    async def show_unshown(self, guild_id: int | None = None) -> None:
        """At start-up: show the answers a stopped process stored but never recorded as shown (posted now, or
        found in the thread and adopted: a member's answer is never missing from the thread, and ``/privacy
        delete`` finds it); with ``guild_id``, that server's only (it added the bot back)."""
        for answer, thread_id in await self.repo.unshown_answers(self.clock.now() - UNSHOWN_LOOKBACK):
            if self.delivery.scheduler.owns(answer.guild_id) and guild_id in (None, answer.guild_id):
                result = await self.show_answer(SavedAnswer(answer, answer.edited_at is not None, thread_id),
                                                look_first=True)
                if not result.thread_posted:
                    log.info("answer of %s on %s still not shown: %s", answer.user_id, answer.local_date,
                             result.problem)

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
        answer = saved.answer
        async with self._turn((answer.guild_id, answer.local_date, answer.user_id)):
            result, thread_id = await self._show(saved, look_first, attempt)
        if saved.thread_id is None and thread_id is not None:
            # This answer started the thread (shown in it or not yet): the answers saved before it go there now,
            # not only after a restart. Each takes its own turn, so this one's is given back first.
            await self._show_earlier(answer, thread_id)
        return result

    def _turn(self, key: tuple[int, date, int | None]) -> asyncio.Lock:
        """One at a time in this process (the one serving the server): the showings of one answer, as the member's
        own, another member's answer that started the thread, a retry and a start-up pass may each show it; and
        the starts of one post's thread."""
        lock = self._turns.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._turns[key] = lock
        return lock

    async def _show(self, saved: SavedAnswer, look_first: bool, attempt: int) -> tuple[AnswerResult, int | None]:
        """:meth:`show_answer` in the answer's turn, with the thread it went to, if any. The answer is read again
        first: another showing may have shown it (or recorded its message) while this one waited."""
        current = await self.repo.unshown_answer(saved.answer.guild_id, saved.answer.local_date,
                                                 saved.answer.user_id)
        if current is None:  # shown meanwhile, as it stands now
            return AnswerResult(saved.answer, saved.edited, True), None
        answer, edited = current, saved.edited or current.edited_at is not None
        thread_id: int | None = saved.thread_id
        try:
            thread_id = thread_id or await self._start_thread(answer.guild_id, answer.local_date)
            message_id = await self.delivery.publisher.post_answer(
                thread_id, answer.user_id, answer.body, edited=edited,
                existing_message_id=answer.thread_message_id, day=answer.local_date, look_first=look_first,
                since=answer.submitted_at)
        except DeliveryFailed as failure:
            retrying = failure.transient and self._show_later(answer, attempt + 1)
            return AnswerResult(answer, edited, False, failure.reason, retrying), thread_id
        crash_point("answer.posted")
        await self.repo.mark_answer_shown(answer, message_id)
        crash_point("answer.shown")
        return AnswerResult(answer, edited, True), thread_id

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
        """The thread a post went without, started now (once: answers given together wait for the first to start
        it, then find it recorded); the post's cached row is read again after it."""
        async with self._turn((guild_id, day, None)):
            record, prompt = await self.post_for(guild_id, day)
            thread_id = await self.delivery.start_thread(record, prompt)
        self._sent_posts = {key: post for key, post in self._sent_posts.items() if key[:2] != (guild_id, day)}
        return thread_id
