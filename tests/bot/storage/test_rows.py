"""The shared row helpers: an upsert keeps insert-only columns, and ``one`` converts at most one row."""

from __future__ import annotations

from pathlib import Path

from bot.storage import Database, from_iso_date, one, upsert


async def test_upsert_updates_every_column_but_the_key_and_the_insert_only_ones(tmp_path: Path) -> None:
    db = Database(tmp_path / "rows.db")
    await db.open(migrate=False)
    try:
        await db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT, created INTEGER)")
        sql = upsert("t", ("k", "v", "created"), ("k",), insert_only=("created",))
        await db.execute(sql, (1, "first", 100))
        await db.execute(sql, (1, "second", 200))
        assert tuple(await db.fetchone("SELECT k, v, created FROM t") or ()) == (1, "second", 100)
        assert await one(db, "SELECT v FROM t WHERE k = ?", (1,), lambda row: row[0].upper()) == "SECOND"
        assert await one(db, "SELECT v FROM t WHERE k = ?", (2,), lambda row: row[0]) is None
    finally:
        await db.close()


def test_iso_dates_read_back_or_stay_empty() -> None:
    assert from_iso_date(None) is None
    assert from_iso_date("") is None
    assert str(from_iso_date("2026-03-09")) == "2026-03-09"
