"""Helpers for the fault tests that run the bot in its own process."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from bot.localdiscord.process import BotProcess


async def wait_for(predicate: Callable[[], bool], what: str, bot: BotProcess, limit_seconds: float = 20) -> None:
    await bot.wait_for(predicate, what, limit_seconds)


def query(db_path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()
