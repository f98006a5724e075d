"""A daily service on a real SQLite file with a stand-in Discord that de-duplicates nonces as Discord does."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from bot.activity import ActivityService
from bot.audit import AuditLog
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.content.models import Prompt
from bot.daily import DailyPost, DailyService, DeliveryFailed, PostRecord, Published
from bot.scheduler import JobScheduler
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from bot.timezones import TimezoneResolver

GUILD = 1001
MOD = 7


@dataclass
class FakeDiscord:
    """Keeps every post 'sent' to it; a repeated nonce returns the earlier message, as ``enforce_nonce`` does."""

    sent: list[DailyPost] = field(default_factory=list)
    by_nonce: dict[str, int] = field(default_factory=dict)
    answers: dict[int, str] = field(default_factory=dict)
    refuse: str | None = None
    down: bool = False  # Discord answering 5xx: a passing fault
    notices: list[str] = field(default_factory=list)
    ids: itertools.count = field(default_factory=lambda: itertools.count(5000))

    async def publish(self, channel_id: int, post: DailyPost) -> Published:
        if self.refuse:
            raise DeliveryFailed(self.refuse)
        if self.down:
            raise DeliveryFailed("Discord could not take the post right now (503)", transient=True)
        if post.nonce not in self.by_nonce:
            self.sent.append(post)
            self.by_nonce[post.nonce] = next(self.ids)
        return Published(self.by_nonce[post.nonce], self.by_nonce[post.nonce])

    async def find_published(self, channel_id: int, post: DailyPost, since: datetime) -> Published | None:
        message_id = self.by_nonce.get(post.nonce)
        return Published(message_id, message_id) if message_id else None

    async def notify_moderators(self, guild_id: int, text: str, look_first: bool = False) -> bool:
        if look_first and text in self.notices:  # posted before a restart: found, not posted again
            return True
        self.notices.append(text)
        return True

    async def start_thread(self, record: PostRecord, prompt: Prompt) -> int:
        assert record.message_id is not None
        return record.message_id

    async def post_answer(self, thread_id: int, user_id: int, body: str, *, edited: bool,
                          existing_message_id: int | None, day: date | None = None, look_first: bool = False,
                          since: datetime | None = None) -> int:
        message_id = existing_message_id or next(self.ids)
        self.answers[message_id] = body
        return message_id


def build_service(db: Database, clock: ManualClock, discord: FakeDiscord) -> DailyService:
    content = ContentStore.load(SHIPPED_CONTENT_DIR)
    service = DailyService(db, clock, content, JobScheduler(clock, manual=True), AuditLog(db, clock),
                           ActivityService(db, clock, TimezoneResolver(db)), discord)
    return service


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))


@pytest.fixture
def discord_stub() -> FakeDiscord:
    return FakeDiscord()


@pytest.fixture
async def service(db: Database, clock: ManualClock, discord_stub: FakeDiscord) -> DailyService:
    built = build_service(db, clock, discord_stub)
    await built.setup(GUILD, MOD, channel_id=55, time_text="09:00", zone_text="Europe/Berlin", role_id=None)
    return built
