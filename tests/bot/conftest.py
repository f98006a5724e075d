"""A fresh, migrated SQLite file for the tests of the services and repositories under ``bot/``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "studybot.sqlite3")
    await database.open()
    try:
        yield database
    finally:
        await database.close()
