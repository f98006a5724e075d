"""Feedback on daily answers: Helpful marks, a moderator's best answer, and the day's close.

Members mark answers in the day's thread as Helpful (once per answer, never their own).
A day closes 24 hours after its post: the most helpful answers (and the best answer, if a
moderator picked one) are highlighted once in the thread and their authors told. Marks
received count on the member's profile and on a monthly Contributors board, where the
month is the server's own (as for the streak boards).

The close is claimed in the database before the highlight is sent and its message id is
kept afterwards; an attempt interrupted in between first looks for the highlight it may
already have sent, so a restart never posts it twice.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Protocol

from apscheduler.triggers.cron import CronTrigger

from bot.audit import AuditLog
from bot.clock import Clock
from bot.daily import DailyRepository, PostStatus
from bot.errors import InvalidInput, NotFound
from bot.feedback.models import ClosablePost, Highlight, MarkResult, RankedAnswer
from bot.feedback.repository import FeedbackRepository
from bot.posting import crash_point, publish_once
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.timezones import TimezoneResolver, local_date

log = logging.getLogger(__name__)

CLOSE_AFTER = timedelta(hours=24)
CLOSE_LOOKBACK = timedelta(days=3)   # days older than this when first seen are closed without a highlight
HIGHLIGHTS = 3
# Answers tied for the last place are all highlighted, up to this many lines: a line with its link is about
# 140 characters, and the highlight must stay a single message within Discord's 2,000.
MOST_HIGHLIGHTED = 10
JOB_ID = "feedback:close"
CONTRIBUTORS = "helpful"


class HighlightRefused(Exception):
    """The day's thread will not take the highlight (gone, or closed to the bot): trying again every quarter
    hour would only collect refusals, so the day closes without it."""


class TellFailed(Exception):
    """Discord failed for a moment to take an author's DM (a server error, a rate limit): unlike a refusal
    (closed DMs), it may well go through later, so the day stays untold and the next pass tells them."""


class FeedbackPublisher(Protocol):
    async def find_highlight(self, thread_id: int, header: str) -> int | None: ...
    async def post_highlight(self, thread_id: int, text: str) -> int:
        """The highlight's message id; raises :class:`HighlightRefused` where the thread will not take it."""
    async def tell_author(self, guild_id: int, user_id: int, text: str) -> None:
        """DM the author; raises :class:`TellFailed` when Discord failed to take it for a moment."""


def highlight_header(day_number: int) -> str:
    return f"🌟 **Day {day_number} has closed.**"


def places(top: list[RankedAnswer]) -> list[int]:
    """The place of each of ``top`` (most marked first): one more than the answers with more marks, so answers
    with as many marks share a place, as ties do on the leaderboards, whichever was submitted first."""
    return [1 + sum(other.marks > answer.marks for other in top) for answer in top]


def jump(guild_id: int, thread_id: int, message_id: int | None) -> str:
    return f" · [answer](https://discord.com/channels/{guild_id}/{thread_id}/{message_id})" if message_id else ""


class FeedbackService:
    def __init__(self, db: Database, clock: Clock, timezones: TimezoneResolver, scheduler: JobScheduler,
                 audit: AuditLog, publisher: FeedbackPublisher) -> None:
        self.repo = FeedbackRepository(db)
        self.daily = DailyRepository(db)  # the days posted and their answers, read through daily's interface
        self._db = db
        self._clock = clock
        self._timezones = timezones
        self._scheduler = scheduler
        self._audit = audit
        self.publisher = publisher

    async def start(self) -> None:
        self._scheduler.add(JOB_ID, CronTrigger(minute="5,20,35,50", timezone="UTC"), self.close_due)

    async def catch_up(self) -> None:
        """Nothing to do at once: the quarter-hourly pass closes every day that fell due while down."""

    async def stop(self) -> None:
        self._scheduler.remove(JOB_ID)

    def _now(self) -> int:
        return int(self._clock.now().timestamp())

    async def _month(self, guild_id: int) -> str:
        return local_date(self._clock.now(), await self._timezones.guild_zone(guild_id)).strftime("%Y-%m")

    async def mark_helpful(self, guild_id: int, day: date, author_id: int, marker_id: int) -> MarkResult:
        """Count ``marker_id``'s Helpful mark on ``author_id``'s answer for ``day``, once."""
        if await self.daily.answer(guild_id, day, author_id) is None:
            raise NotFound("That answer is no longer there.", hint="It may have been removed by its author.")
        if author_id == marker_id:
            raise InvalidInput("You cannot mark your own answer as helpful.",
                               hint="Read the others' answers and mark the ones that taught you something.")
        if await self.is_closed(guild_id, day):
            raise InvalidInput("That day has closed, so its Helpful marks are final.",
                               hint="Today's thread is open for marks.")
        if not await self.repo.add_mark(guild_id, day, author_id, marker_id, await self._month(guild_id),
                                        self._now()):
            raise InvalidInput("You already marked this answer as helpful; each member counts once.")
        return MarkResult(await self.repo.marks_on(guild_id, day, author_id))

    async def marks_on(self, guild_id: int, day: date, author_id: int) -> int:
        return await self.repo.marks_on(guild_id, day, author_id)

    async def choose_best(self, guild_id: int, day: date, author_id: int, actor_id: int) -> int | None:
        """A moderator's pick of the day's best answer; returns the author it replaced, if any."""
        if await self.daily.post(guild_id, day) is None:
            raise NotFound(f"There was no daily post on {day.isoformat()}.", hint="Give the date as YYYY-MM-DD.")
        if await self.daily.answer(guild_id, day, author_id) is None:
            raise NotFound(f"<@{author_id}> did not answer the prompt of {day.isoformat()}.",
                           hint="Pick a member who answered that day.")
        async with self._db.transaction() as conn:
            previous = await self.repo.set_best(conn, guild_id, day, author_id, actor_id, self._now())
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="daily.best_answer",
                                     target_id=author_id,
                                     old={"day": day.isoformat(), "member": previous} if previous else None,
                                     new={"day": day.isoformat(), "member": author_id})
        return previous

    async def day_from(self, guild_id: int, text: str | None) -> date:
        """The local date a moderator named (YYYY-MM-DD), else the latest day with a post."""
        if text is None:
            latest = await self.daily.latest_post(guild_id, status=PostStatus.SENT)
            if latest is None:
                raise NotFound("There has been no daily post here yet.", hint="Pick a best answer once one is out.")
            return latest.local_date
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise InvalidInput(f"`{text.strip()[:40]}` is not a date.", hint="Write it as YYYY-MM-DD, e.g. 2026-03-02.") from None

    async def is_closed(self, guild_id: int, day: date) -> bool:
        """Whether ``day`` was already closed in this server. A day whose close fell more than
        :data:`CLOSE_LOOKBACK` into a time the bot was not running is closed too, without a highlight:
        one posted days late would only interrupt newer threads, but its marks must stop all the same."""
        stale = self._clock.now() - CLOSE_AFTER - CLOSE_LOOKBACK
        return await self.repo.is_closed(guild_id, day, int(stale.timestamp()))

    async def received(self, guild_id: int, user_id: int) -> tuple[int, int]:
        """Helpful marks the member received here: (ever, this month)."""
        return await self.repo.received(guild_id, user_id, await self._month(guild_id))

    async def contributors(self, guild_id: int) -> tuple[str, dict[int, int]]:
        """This month's Contributors scores (Helpful marks received) and the month: the streak boards rank them
        among the members still in the server (``StreakService.scored_board``)."""
        month = await self._month(guild_id)
        return month, await self.repo.contributor_scores(guild_id, month)

    # -- closing a day -----------------------------------------------------------------------------------

    async def close_due(self) -> int:
        """Close every day whose post is at least 24 hours old; return how many highlights were posted.

        Only the days of this process's guilds: with the shards split over processes, each runs this
        pass, and the process serving a guild is the one that closes its days."""
        now = self._clock.now()
        posted = 0
        for post in await self.repo.closable(int((now - CLOSE_AFTER).timestamp()),
                                             int((now - CLOSE_AFTER - CLOSE_LOOKBACK).timestamp())):
            if not self._scheduler.owns(post.guild_id):
                continue
            try:
                posted += await self._close(post)
            except Exception:
                log.exception("could not close day %s of guild %s", post.local_date, post.guild_id)
        return posted

    async def highlight(self, guild_id: int, day: date, day_number: int) -> Highlight:
        top = await self.repo.ranked_answers(guild_id, day, HIGHLIGHTS, MOST_HIGHLIGHTED)
        return Highlight(guild_id, day, day_number, top, await self.repo.best(guild_id, day))

    def render(self, found: Highlight, thread_id: int) -> str:
        lines = [highlight_header(found.day_number)]
        if found.top:
            lines.append("Most helpful answers, as marked by the members:")
            for place, answer in zip(places(found.top), found.top, strict=True):
                medal = ("🥇", "🥈", "🥉")[place - 1]
                marks = "1 Helpful mark" if answer.marks == 1 else f"{answer.marks} Helpful marks"
                lines.append(f"{medal} <@{answer.user_id}> · {marks}"
                             f"{jump(found.guild_id, thread_id, answer.thread_message_id)}")
        if found.best is not None:
            lines.append(f"🏅 Best answer, picked by the moderators: <@{found.best}>")
        lines.append("Thank you to everyone who answered and read.")
        return "\n".join(lines)

    async def _close(self, post: ClosablePost) -> int:
        fresh = await self.repo.claim_close(post.guild_id, post.local_date, self._now())
        if not fresh and not post.claimed:
            return 0  # another attempt claimed it just now
        found = await self.highlight(post.guild_id, post.local_date, post.day_number)
        if not found.top and found.best is None:
            await self.repo.record_close(post.guild_id, post.local_date, 0)
            await self.repo.authors_told(post.guild_id, post.local_date)  # nobody to tell
            return 0
        crash_point("highlight.claimed")
        publisher = self.publisher
        header = highlight_header(post.day_number)
        try:
            message_id = await publish_once(
                fresh=fresh, find_earlier=lambda: publisher.find_highlight(post.thread_id, header),
                publish=lambda: publisher.post_highlight(post.thread_id, self.render(found, post.thread_id)))
        except HighlightRefused as refused:
            log.warning("day %s of guild %s closes without its highlight: %s", post.local_date, post.guild_id,
                        refused)
            message_id = 0  # closed, nothing shown: the authors still hear of their marks
        await self.repo.record_close(post.guild_id, post.local_date, message_id)
        crash_point("highlight.recorded")
        # Told by whichever attempt gets here, not only the one that claimed: the publisher reads each
        # author's DMs first, so an author told just before a crash (or a moment's failure) is not told again.
        try:
            await self._tell_authors(found, highlighted=message_id != 0)
        except TellFailed as failure:
            log.info("day %s of guild %s: %s; the next pass tells its authors", post.local_date,
                     post.guild_id, failure)
            return 1
        await self.repo.authors_told(post.guild_id, post.local_date)
        return 1

    async def _tell_authors(self, found: Highlight, *, highlighted: bool = True) -> None:
        told: set[int] = set()
        shown = " It is highlighted in the day's thread." if highlighted else ""
        for place, answer in zip(places(found.top), found.top, strict=True):
            marks = "1 member" if answer.marks == 1 else f"{answer.marks} members"
            await self._tell(found.guild_id, answer.user_id, told,
                             f"🌟 Your answer to Day {found.day_number} was the #{place} most helpful: {marks} "
                             f"marked it Helpful.{shown}")
        if found.best is not None:
            await self._tell(found.guild_id, found.best, told,
                             f"🏅 The moderators picked your answer to Day {found.day_number} as the best "
                             f"answer.{shown}")

    async def _tell(self, guild_id: int, user_id: int, told: set[int], text: str) -> None:
        if user_id in told and "moderators" not in text:
            return
        told.add(user_id)
        try:
            await self.publisher.tell_author(guild_id, user_id, text)
        except TellFailed:
            raise
        except Exception:
            log.info("could not tell member %s about their highlighted answer", user_id, exc_info=True)
