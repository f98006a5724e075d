"""Storage: migrations, the newer-version guard, transactions and backups on real SQLite files."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.storage import LATEST_VERSION, Database, DatabaseTooNew, Migration, load_migrations
from bot.storage.database import BUSY_TIMEOUT_MS, bounded_writes


async def open_db(path: Path) -> Database:
    db = Database(path)
    await db.open()
    return db


async def test_migrates_an_empty_file_to_the_latest_version(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "fresh.sqlite3")
    try:
        assert await db.user_version() == LATEST_VERSION
        tables = {row[0] for row in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"guild_settings", "user_settings", "audit_log", "activity", "meta"} <= tables
    finally:
        await db.close()


async def test_pragmas_are_set(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "p.sqlite3")
    try:
        assert (await db.fetchval("PRAGMA journal_mode")).lower() == "wal"
        assert await db.fetchval("PRAGMA foreign_keys") == 1
        assert await db.fetchval("PRAGMA busy_timeout") == BUSY_TIMEOUT_MS  # bounded: see bounded_writes
        assert await db.fetchval("PRAGMA synchronous") == 1  # NORMAL
    finally:
        await db.close()


async def test_rerunning_migrations_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "again.sqlite3"
    db = await open_db(path)
    await db.execute("INSERT INTO guild_settings (guild_id, joined_at) VALUES (?, ?)", (1, 0))
    await db.close()
    db = await open_db(path)
    try:
        assert await db.migrate() == LATEST_VERSION
        assert await db.fetchval("SELECT COUNT(*) FROM guild_settings") == 1
    finally:
        await db.close()


async def test_migrations_another_process_applied_meanwhile_are_not_applied_again(tmp_path: Path) -> None:
    """Shard processes sharing one file each run `studybot db migrate` as they start, at the same moment."""
    path = tmp_path / "shared.sqlite3"
    other = Database(path)
    await other.open(migrate=False)

    class Behind(Database):
        """Reads the schema version just before the other process applies every migration."""

        async def user_version(self) -> int:
            version = await super().user_version()
            if await other.user_version() == 0:
                await other.migrate()
            return version

    db = Behind(path)
    await db.open(migrate=False)
    try:
        assert await db.migrate() == LATEST_VERSION
        assert await db.fetchval("SELECT COUNT(*) FROM sqlite_master WHERE name = 'guild_settings'") == 1
    finally:
        await db.close()
        await other.close()


async def test_a_migration_waits_for_a_slow_one_another_process_is_applying(tmp_path: Path) -> None:
    """Shard processes upgraded together each run `studybot db migrate` at start (deploy/studybot@.service). On a
    large database one migration (an index over a big table) holds the file for seconds; the other process must
    wait for it rather than stop with "locked" (status 3, which the unit does not restart on)."""
    path = tmp_path / "upgraded.sqlite3"
    db = Database(path)
    await db.open(migrate=False)
    await db.migrate(load_migrations()[:-1])
    await db.close()
    held = threading.Event()

    def slow_migration_elsewhere() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        threading.Event().wait(BUSY_TIMEOUT_MS / 1000 * 2)  # the other process's migration, still running
        conn.execute("COMMIT")
        conn.close()

    other = threading.Thread(target=slow_migration_elsewhere)
    other.start()
    held.wait()
    db = Database(path)
    try:
        await db.open()
        assert await db.user_version() == LATEST_VERSION
        assert await db.fetchval("PRAGMA busy_timeout") == BUSY_TIMEOUT_MS  # members' writes stay bounded
    finally:
        await db.close()
        other.join()


async def test_a_file_that_cannot_be_opened_leaves_no_worker_thread_behind(tmp_path: Path) -> None:
    """A database (or backup) path SQLite cannot open, such as one in a folder the bot may not write or behind a link
    to a volume that is not mounted: the one line `studybot db migrate` prints was followed by a traceback
    ("Event loop is closed") from aiosqlite's thread, still finishing once the command's loop had closed."""
    unmounted = tmp_path / "unmounted" / "studybot.sqlite3"
    (tmp_path / "live.sqlite3").symlink_to(unmounted)
    (tmp_path / "copy.sqlite3").symlink_to(unmounted)
    before = connection_threads()
    with pytest.raises(sqlite3.OperationalError, match="unable to open"):
        await Database(tmp_path / "live.sqlite3").open()
    assert connection_threads() - before == set()
    db = await open_db(tmp_path / "fine.sqlite3")
    own = connection_threads() - before
    try:
        with pytest.raises(sqlite3.OperationalError, match="unable to open"):
            await db.backup(tmp_path / "copy.sqlite3")
        assert connection_threads() - before - own == set()
    finally:
        await db.close()


def connection_threads() -> set[threading.Thread]:
    """aiosqlite's worker threads still running (one per connection until it is closed)."""
    return {t for t in threading.enumerate() if t.is_alive() and "_connection_worker_thread" in t.name}


async def test_a_newer_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    db = Database(path)
    with pytest.raises(DatabaseTooNew, match="Upgrade studybot"):
        await db.open()
    assert not db.is_open


async def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    db = Database(tmp_path / "broken.sqlite3")
    await db.open(migrate=False)
    broken = [Migration(1, "half", "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);")]
    try:
        with pytest.raises(sqlite3.OperationalError):
            await db.migrate(broken)
        assert await db.user_version() == 0
        assert await db.fetchval("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'") == 0
    finally:
        await db.close()


async def test_a_transaction_that_raises_leaves_nothing_behind(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "tx.sqlite3")
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO guild_settings (guild_id, joined_at) VALUES (1, 0)")
                await conn.execute("INSERT INTO user_settings (user_id, timezone) VALUES (2, 'UTC')")
                raise RuntimeError("boom")
        assert await db.fetchval("SELECT COUNT(*) FROM guild_settings") == 0
        assert await db.fetchval("SELECT COUNT(*) FROM user_settings") == 0
    finally:
        await db.close()


async def test_concurrent_read_modify_write_transactions_do_not_lose_updates(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "race.sqlite3")
    await db.execute("INSERT INTO meta (key, value) VALUES ('n', '0')")

    async def increment() -> None:
        async with db.transaction() as conn:
            cursor = await conn.execute("SELECT value FROM meta WHERE key = 'n'")
            (value,) = await cursor.fetchone()
            await asyncio.sleep(0)  # give other coroutines every chance to interleave
            await conn.execute("UPDATE meta SET value = ? WHERE key = 'n'", (str(int(value) + 1),))

    try:
        await asyncio.gather(*(increment() for _ in range(20)))
        assert await db.fetchval("SELECT value FROM meta WHERE key = 'n'") == "20"
    finally:
        await db.close()


async def test_a_one_trip_transaction_commits_what_it_wrote_and_returns_its_result(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "one.sqlite3")

    def add_two(conn: sqlite3.Connection, first: int, second: int) -> int:
        conn.execute("INSERT INTO user_settings (user_id, timezone) VALUES (?, 'UTC')", (first,))
        conn.execute("INSERT INTO user_settings (user_id, timezone) VALUES (?, 'UTC')", (second,))
        return int(conn.execute("SELECT COUNT(*) FROM user_settings").fetchone()[0])

    try:
        assert await db.run_transaction(add_two, 1, 2) == 2
        assert await db.fetchval("SELECT COUNT(*) FROM user_settings") == 2
        assert not db.conn._conn.in_transaction  # noqa: SLF001 - the connection is left outside any transaction
    finally:
        await db.close()


async def test_a_one_trip_transaction_that_raises_leaves_nothing_behind(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "one-fails.sqlite3")

    def half_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO user_settings (user_id, timezone) VALUES (1, 'UTC')")
        conn.execute("INSERT INTO user_settings (user_id, timezone) VALUES (1, 'UTC')")  # the same key: refused

    try:
        with pytest.raises(sqlite3.IntegrityError):
            await db.run_transaction(half_then_fail)
        assert await db.fetchval("SELECT COUNT(*) FROM user_settings") == 0
        assert await db.run_transaction(lambda conn: conn.execute("SELECT 1").fetchone()[0]) == 1  # usable again
    finally:
        await db.close()


async def test_one_trip_transactions_do_not_lose_updates_and_wait_their_turn(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "one-race.sqlite3")
    await db.execute("INSERT INTO meta (key, value) VALUES ('n', '0')")

    def increment(conn: sqlite3.Connection) -> None:
        (value,) = conn.execute("SELECT value FROM meta WHERE key = 'n'").fetchone()
        conn.execute("UPDATE meta SET value = ? WHERE key = 'n'", (str(int(value) + 1),))

    async def slow_increment() -> None:
        async with db.transaction() as conn:
            cursor = await conn.execute("SELECT value FROM meta WHERE key = 'n'")
            (value,) = await cursor.fetchone()
            await asyncio.sleep(0)
            await conn.execute("UPDATE meta SET value = ? WHERE key = 'n'", (str(int(value) + 1),))

    try:
        await asyncio.gather(*(slow_increment() if i % 2 else db.run_transaction(increment) for i in range(20)))
        assert await db.fetchval("SELECT value FROM meta WHERE key = 'n'") == "20"
    finally:
        await db.close()


async def test_a_one_trip_transaction_inside_an_interaction_waits_a_bounded_time(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "one-bounded.sqlite3")
    held = asyncio.Event()
    release = asyncio.Event()

    async def hold() -> None:
        async with db.transaction():
            held.set()
            await release.wait()

    async def interaction() -> None:
        bounded_writes(0.05)
        await db.run_transaction(lambda conn: conn.execute("INSERT INTO meta (key, value) VALUES ('x', '1')"))

    holder = asyncio.create_task(hold())
    try:
        await held.wait()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await asyncio.create_task(interaction())
    finally:
        release.set()
        await holder
        await db.close()


async def _held(db: Database) -> tuple[asyncio.Task[None], asyncio.Event]:
    """Another writer holding the turn until the returned event is set, so transactions queue behind it."""
    held, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with db.transaction():
            held.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await held.wait()
    return holder, release


async def _queued(db: Database, count: int) -> None:
    """Let tasks just created reach the write turn's queue (each needs a few loop turns to get there)."""
    for _ in range(10 * count):
        await asyncio.sleep(0)


async def test_transactions_waiting_together_share_one_trip_and_each_gets_its_own_outcome(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "group.sqlite3")
    trips = 0
    in_thread = db._in_thread

    async def counted(function: object, *args: object) -> object:
        nonlocal trips
        trips += 1
        return await in_thread(function, *args)  # type: ignore[arg-type]

    db._in_thread = counted  # type: ignore[method-assign]

    def insert(conn: sqlite3.Connection, n: int) -> int:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"k{n}", str(n)))
        if n == 3:
            raise ValueError("member 3's work fails")
        return n * 10

    try:
        holder, release = await _held(db)
        pending = [asyncio.create_task(db.run_transaction(insert, n)) for n in range(8)]
        await _queued(db, len(pending))
        release.set()
        await holder
        outcomes = await asyncio.gather(*pending, return_exceptions=True)
        assert outcomes[:3] == [0, 10, 20] and outcomes[4:] == [40, 50, 60, 70]
        assert isinstance(outcomes[3], ValueError)  # its own error, and only its own
        keys = {row[0] for row in await db.fetchall("SELECT key FROM meta WHERE key LIKE 'k%'")}
        assert keys == {f"k{n}" for n in range(8)} - {"k3"}  # its write was rolled back alone
        assert trips == 1  # eight transactions, one hand-off to the thread and one COMMIT
    finally:
        await db.close()


async def test_a_trip_whose_commit_fails_fails_every_transaction_in_it(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "group-fail.sqlite3")
    await db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    await db.execute("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))")

    def insert(conn: sqlite3.Connection, n: int) -> None:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"k{n}", str(n)))

    def break_the_commit(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA defer_foreign_keys = ON")  # checked at COMMIT, past any savepoint
        conn.execute("INSERT INTO child (parent_id) VALUES (42)")

    try:
        holder, release = await _held(db)
        pending = [asyncio.create_task(db.run_transaction(insert, n)) for n in range(3)]
        pending.append(asyncio.create_task(db.run_transaction(break_the_commit)))
        await _queued(db, len(pending))
        release.set()
        await holder
        outcomes = await asyncio.gather(*pending, return_exceptions=True)
        assert all(isinstance(o, sqlite3.IntegrityError) for o in outcomes)
        assert await db.fetchval("SELECT COUNT(*) FROM meta WHERE key LIKE 'k%'") == 0
        assert await db.fetchval("SELECT COUNT(*) FROM child") == 0
        assert await db.run_transaction(insert, 9) is None  # the connection is usable again
    finally:
        await db.close()


async def test_a_member_whose_wait_runs_out_while_a_trip_carries_their_write_is_told_its_outcome(
        tmp_path: Path) -> None:
    """Taken along by another member's trip, the write commits: its caller must not hear "nothing was recorded"."""
    db = await open_db(tmp_path / "group-bounded.sqlite3")
    in_thread = threading.Event()
    finish = threading.Event()

    def slow(conn: sqlite3.Connection) -> str:
        conn.execute("INSERT INTO meta (key, value) VALUES ('slow', '1')")
        in_thread.set()
        finish.wait(10)
        return "slow"

    def quick(conn: sqlite3.Connection) -> str:
        conn.execute("INSERT INTO meta (key, value) VALUES ('quick', '1')")
        return "quick"

    async def member(work: object, limit: float) -> str:
        bounded_writes(limit)
        return str(await db.run_transaction(work))  # type: ignore[arg-type]

    try:
        holder, release = await _held(db)
        first = asyncio.create_task(member(slow, 5))
        second = asyncio.create_task(member(quick, 0.05))
        await _queued(db, 2)
        release.set()
        await holder
        await asyncio.to_thread(in_thread.wait, 10)  # the trip carrying both is on the thread
        waiting = db._write_turns._urgent
        for _ in range(500):  # the second member's 0.05 s wait for the turn runs out meanwhile: it leaves the queue
            if not waiting:
                break
            await asyncio.sleep(0.01)
        assert not waiting and not second.done()  # out of the queue, still waiting for the trip's outcome
        finish.set()
        assert await first == "slow" and await second == "quick"
        assert await db.fetchval("SELECT COUNT(*) FROM meta WHERE key IN ('slow', 'quick')") == 2
    finally:
        finish.set()
        await db.close()


async def test_backup_is_a_working_database(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "live.sqlite3")
    await db.execute("INSERT INTO guild_settings (guild_id, timezone, joined_at) VALUES (7, 'Asia/Tokyo', 0)")
    copy = await db.backup(tmp_path / "backups" / "copy.sqlite3")
    await db.close()
    restored = await open_db(copy)
    try:
        assert await restored.fetchval("SELECT timezone FROM guild_settings WHERE guild_id = 7") == "Asia/Tokyo"
        assert await restored.fetchval("PRAGMA integrity_check") == "ok"
    finally:
        await restored.close()


async def test_a_backup_read_by_another_program_grows_nothing_beside_it(tmp_path: Path) -> None:
    """A backup is a file on its own: read-only by a backup checker or the sqlite3 shell, it must not leave
    -wal and -shm files in the backup folder, as a copy still marked WAL like the live file does."""
    db = await open_db(tmp_path / "live.sqlite3")
    copy = await db.backup(tmp_path / "backups" / "copy.sqlite3")
    await db.close()
    reader = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    try:
        assert reader.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        reader.close()
    assert [p.name for p in copy.parent.iterdir()] == [copy.name]


def test_shipped_migrations_have_unique_increasing_numbers() -> None:
    versions = [m.version for m in load_migrations()]
    assert versions == sorted(set(versions))
    assert versions[0] == 1
