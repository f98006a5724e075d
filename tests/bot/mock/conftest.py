"""A fresh, migrated SQLite file for the mock repositories' tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "mock.sqlite3")
    await database.open()
    try:
        yield database
    finally:
        await database.close()
