"""A study service on a fresh database, at a fixed moment, over the shipped content."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.activity import ActivityService
from bot.cards.service import StudyService
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from bot.timezones import TimezoneResolver

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
CONTENT = ContentStore.load(SHIPPED_CONTENT_DIR)


@pytest.fixture
def study(db: Database) -> StudyService:
    clock = ManualClock(NOW)
    timezones = TimezoneResolver(db)
    return StudyService(db, clock, CONTENT, timezones, ActivityService(db, clock, timezones))
