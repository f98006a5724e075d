"""The start-up pass of the quiz: one server's unforeseen failure does not stop the others'."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.activity import ActivityService
from bot.audit import AuditLog
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.quiz import QuizService
from bot.quiz.models import QuizPost, QuizResults
from bot.scheduler import JobScheduler
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from bot.timezones import TimezoneResolver

BROKEN, FINE, PAUSED = 1001, 1002, 1003
MOD = 7


class Publisher:
    """Keeps what it was asked to show; posting to the ``BROKEN`` server fails in a way nobody foresaw."""

    def __init__(self) -> None:
        self.posted: list[int] = []
        self.notices: list[tuple[int, str]] = []

    async def find_published(self, post: QuizPost) -> int | None:
        return None

    async def publish(self, post: QuizPost) -> int:
        if post.guild_id == BROKEN:
            raise RuntimeError("unforeseen")
        self.posted.append(post.guild_id)
        return 5000 + len(self.posted)

    async def show_results(self, results: QuizResults) -> None:
        return None

    async def notify_moderators(self, guild_id: int, text: str, look_first: bool = False) -> bool:
        self.notices.append((guild_id, text))
        return True


def build(db: Database, clock: ManualClock, publisher: Publisher) -> QuizService:
    return QuizService(db, clock, ContentStore.load(SHIPPED_CONTENT_DIR), JobScheduler(clock, manual=True),
                       AuditLog(db, clock), ActivityService(db, clock, TimezoneResolver(db)), publisher)


async def test_one_servers_unforeseen_failure_does_not_stop_the_others_catch_up(db: Database) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    publisher = Publisher()
    service = build(db, clock, publisher)
    for guild_id in (BROKEN, FINE, PAUSED):
        await service.setup(guild_id, MOD, channel_id=guild_id + 50, time_text="09:00", zone_text="UTC")
    await service.repo.set_failure_notice(PAUSED, "I am missing Send Messages in #quiz")  # ...and a stop
    await service.set_enabled(PAUSED, MOD, False)
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    await build(db, clock, publisher).catch_up()
    assert publisher.posted == [FINE]
    assert [(guild, "I am missing Send Messages in #quiz" in text) for guild, text in publisher.notices] == [
        (PAUSED, True)]
