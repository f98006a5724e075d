"""Write path: activity recorded through the real service versus raw sqlite3, one transaction per row.

The bound is plain ``sqlite3`` on the same schema and pragmas inserting the same rows,
each in its own transaction. The service runs as it does in production: many members
acting at once (concurrent coroutines) on one aiosqlite connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Result
from bot.activity import ActivityKind, ActivityService
from bot.clock import ManualClock
from bot.storage import Database
from bot.timezones import TimezoneResolver

GUILD = 1


def _rows(count: int, members: int) -> list[tuple[int, datetime]]:
    start = datetime(2026, 3, 2, 12, tzinfo=UTC)
    return [(1000 + i % members, start + timedelta(days=i // members)) for i in range(count)]


def _raw(path: Path, rows: list[tuple[int, datetime]]) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    began = time.perf_counter()
    for user_id, moment in rows:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO activity (guild_id, user_id, local_date, kind, first_at, count) VALUES (?, ?, ?, ?, ?, 1) "
            "ON CONFLICT (guild_id, user_id, local_date, kind) DO UPDATE SET count = count + 1",
            (GUILD, user_id, moment.date().isoformat(), "answer", int(moment.timestamp())),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return elapsed


async def _service(path: Path, rows: list[tuple[int, datetime]], concurrency: int) -> tuple[float, int]:
    db = Database(path)
    await db.open()
    service = ActivityService(db, ManualClock(rows[0][1]), TimezoneResolver(db))
    queue = list(rows)

    async def worker() -> None:
        while queue:
            user_id, moment = queue.pop()
            await service.record(GUILD, user_id, ActivityKind.ANSWER, at=moment)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    stored = await db.fetchval("SELECT SUM(count) FROM activity")
    await db.close()
    return elapsed, int(stored or 0)


async def run(quick: bool = False) -> Result:
    count, members = (300, 30) if quick else (5000, 500)
    rows = _rows(count, members)
    with tempfile.TemporaryDirectory() as tmp:
        raw_path = Path(tmp) / "raw.sqlite3"
        db = Database(raw_path)
        await db.open()  # same schema and indexes as the service writes to
        await db.close()
        raw_seconds = _raw(raw_path, rows)
        service_seconds, stored = await _service(Path(tmp) / "service.sqlite3", rows, concurrency=50)
        sequential_seconds, _ = await _service(Path(tmp) / "sequential.sqlite3", rows, concurrency=1)
    if stored != count:
        raise AssertionError(f"write path lost activity: stored {stored} of {count}")
    raw_rate, service_rate = count / raw_seconds, count / service_seconds
    ratio = service_rate / raw_rate
    return Result(
        name="Write path (activity service ÷ raw sqlite3)",
        figure=f"{ratio:.2f}× ({service_rate:,.0f} vs {raw_rate:,.0f} rows/s)",
        target="≥ 0.5×",
        met=ratio >= 0.5,
        details=[
            f"{count:,} activity rows for {members} members; service with 50 concurrent members, raw sqlite3 "
            "one transaction per row.",
            f"One member at a time through the service: {count / sequential_seconds:,.0f} rows/s "
            f"({count / sequential_seconds / raw_rate:.2f}× raw).",
        ],
    )
