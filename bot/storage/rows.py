"""Rows to models and models to rows, spelled the same way in every repository.

``upsert`` writes the "insert, or update every column but the key" statement from the column
names, so a new column is added in one place instead of in three lists; ``one`` reads at most
one row and hands it to the model's converter.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Sequence
from typing import TypeVar

from bot.storage.database import Database, Params, Reader
from bot.storage.schema import quote

Model = TypeVar("Model")


def upsert(table: str, columns: Sequence[str], key: Sequence[str], *, insert_only: Sequence[str] = ()) -> str:
    """``INSERT INTO table (columns) VALUES (?, …) ON CONFLICT (key) DO UPDATE SET c = excluded.c, …``.

    Every column that is neither part of ``key`` nor ``insert_only`` (such as a creation time) is
    updated. Table and column names are this code's own constants, never user input (and quoted).
    Written once per shape: the click paths write the same few rows over and over.
    """
    return _upsert(table, tuple(columns), tuple(key), tuple(insert_only))


@functools.lru_cache(maxsize=256)
def _upsert(table: str, columns: tuple[str, ...], key: tuple[str, ...], insert_only: tuple[str, ...]) -> str:
    updated = [c for c in columns if c not in key and c not in insert_only]
    names = ", ".join(quote(c) for c in columns)
    slots = ", ".join("?" for _ in columns)
    changes = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in updated)
    return (f"INSERT INTO {quote(table)} ({names}) VALUES ({slots}) "  # noqa: S608
            f"ON CONFLICT ({', '.join(quote(c) for c in key)}) DO UPDATE SET {changes}")


async def one(reader: Database | Reader, sql: str, params: Params, model: Callable[[sqlite3.Row], Model]
              ) -> Model | None:
    """The model of the first row ``sql`` returns, or None when it returns none."""
    row = await reader.fetchone(sql, params)
    return model(row) if row is not None else None


# Guilds the bot has not left, as the database knows it (``guild_settings.left_at``, set when the bot is
# removed and cleared when it is added again). A feature's start-up reads its schedules through this, so a
# restart within the 30 days a left guild's data is kept does not bring back that guild's posts.
IN_PRESENT_GUILD = "guild_id NOT IN (SELECT guild_id FROM guild_settings WHERE left_at IS NOT NULL)"
