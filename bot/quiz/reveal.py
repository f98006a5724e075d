"""The close of a day's quiz and the reveal of its answer, each exactly once.

The close is a timer stored as ``closes_at`` and rebuilt at start-up; the reveal that follows
it is recorded separately (``revealed_at``), so a crash between the close and the edit, or an
edit Discord refused for a moment, is revealed again instead of lost.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock
from bot.community import ServerContent
from bot.posting import crash_point
from bot.posting.retry import next_attempt
from bot.quiz.jobs import close_job
from bot.quiz.models import QuizPost, QuizResults, QuizStatus
from bot.quiz.picks import answer_source
from bot.quiz.publishing import QuizDeliveryFailed, QuizPublisher
from bot.quiz.repository import QuizRepository
from bot.scheduler import JobScheduler

log = logging.getLogger(__name__)

REVEAL_WINDOW = timedelta(hours=24)  # a reveal Discord keeps refusing is retried this long, then reported


class QuizReveal:
    """Closes each quiz on its timer and shows the answer once, retrying what Discord refuses for a while."""

    def __init__(self, repo: QuizRepository, clock: Clock, scheduler: JobScheduler, publisher: QuizPublisher,
                 server: ServerContent) -> None:
        self.repo = repo
        self._clock = clock
        self._scheduler = scheduler
        self._publisher = publisher
        self._server = server

    def schedule(self, post: QuizPost, when: datetime | None = None, attempt: int = 0) -> None:
        """Close ``post`` at its time (at once when that has passed, as after a restart)."""
        when = when or max(post.closes_at, self._clock.now())
        self._scheduler.add(close_job(post.guild_id, post.local_date), DateTrigger(run_date=when), self.close,
                            post.guild_id, post.local_date, attempt)

    async def close(self, guild_id: int, day: date, attempt: int = 0) -> QuizResults | None:
        """Close the day's quiz and reveal the answer with how many picked each option (once).

        The close and the reveal are two steps recorded apart: a reveal that a crash or Discord
        interrupted is made again at start-up or after a pause, never lost and never repeated.
        """
        if await self.repo.close(guild_id, day, self._clock.now()):
            crash_point("quiz.closed")
        post = await self.repo.post(guild_id, day)
        if post is None or post.status is not QuizStatus.CLOSED or post.revealed_at is not None:
            return None
        results = QuizResults(post, await self.repo.counts(guild_id, day, len(post.options)),
                              await answer_source(self._server, post.card_id))
        try:
            await self._publisher.show_results(results)
        except QuizDeliveryFailed as failure:
            if failure.transient and self._retry(post, attempt + 1):
                return None
            log.warning("could not reveal quiz %d in guild %s: %s", post.number, guild_id, failure.reason)
            await self._tell_moderators(post, failure.reason)
        await self.repo.mark_revealed(guild_id, day, self._clock.now())
        crash_point("quiz.revealed")
        return results

    async def _tell_moderators(self, post: QuizPost, reason: str) -> None:
        """The answer is given up on, so the members who picked never see it: only a moderator can fix what kept
        it from them. Looked for first, so a stop before the reveal is recorded does not tell them twice."""
        try:
            await self._publisher.notify_moderators(
                post.guild_id, f"I could not show the answer of quiz #{post.number} ({post.local_date:%a %d %b}): "
                               f"{reason}, so the members do not see its answer or how many picked each option.",
                look_first=True)
        except Exception:
            log.exception("could not tell the moderators of guild %s of a quiz reveal", post.guild_id)

    def _retry(self, post: QuizPost, attempt: int) -> bool:
        when = next_attempt(attempt, self._clock.now(), post.closes_at + REVEAL_WINDOW)
        if when is None:
            return False
        self.schedule(post, when, attempt)
        return True
