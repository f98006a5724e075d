"""The database handle every service shares.

aiosqlite runs each connection on one worker thread; two coroutines interleaving
read-then-write on one connection lose updates silently. So all writes go through
:meth:`Database.transaction` or :meth:`Database.run_transaction`, which take this process's
write turn and use ``BEGIN IMMEDIATE`` (taking the write lock up front, so another process
cannot make us fail mid-way). Reads outside a transaction see committed data only, thanks to WAL.

Each hand-off to the worker thread costs far more CPU than a small indexed statement, so the
paths members click on (and the daily fan-out's bookkeeping) run their whole transaction as one
synchronous function on that thread (:meth:`Database.run_transaction`, :meth:`Database.read`,
:meth:`Reader.run`): one trip, however many statements.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.storage.group_commit import QueuedWork, Riders, run_trip, settle
from bot.storage.migrations import Migration, load_migrations
from bot.storage.turns import WriteTurns

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")

# How long one write may wait for the file (another process holding it); a scheduled job meeting
# the limit retries later. Interactions also bound their wait behind this process's own writers
# (see :func:`bounded_writes`), so a member gets a clear "nothing was recorded" well inside
# Discord's 3 seconds instead of "This interaction failed".
BUSY_TIMEOUT_MS = 1000
# How long a migration waits for the file instead. Shard processes started together each migrate as they start,
# and on a large database one migration (an index over a big table) holds the file for seconds: the others wait
# for it rather than stop. Kept under systemd's default start timeout (90 s), which the unit's migrate runs in.
MIGRATION_BUSY_TIMEOUT_MS = 60_000
INTERACTION_WRITE_QUEUE_SECONDS = 1.5

_write_queue_limit: contextvars.ContextVar[float | None] = contextvars.ContextVar("write_queue_limit", default=None)


def bounded_writes(seconds: float = INTERACTION_WRITE_QUEUE_SECONDS) -> None:
    """From here on in this task (an interaction handler), a write waits at most ``seconds`` for its turn."""
    _write_queue_limit.set(seconds)


def job_writes() -> None:
    """From here on in this task (a scheduled job), writes wait their turn behind members' writes, without
    a bound, whatever context the job's task was copied from (see :func:`bot.pacing.scheduled_lane`)."""
    _write_queue_limit.set(None)


class Reader:
    """Reads on one connection: the caller's, inside its transaction, or the shared one.

    A repository method that may run inside a caller's transaction takes ``conn=None`` and
    reads through ``db.reader(conn)``, so the choice is written once, here.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """The first row, in one trip to the connection's thread (a cursor would take three)."""
        row: sqlite3.Row | None = await self.conn._execute(_first_row, self.conn._conn, sql, params)  # noqa: SLF001
        return row

    async def fetchval(self, sql: str, params: Params = (), default: Any = None) -> Any:
        """The first column of the first row (a count, an id), or ``default`` when there is no row."""
        row = await self.fetchone(sql, params)
        return row[0] if row is not None else default

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(sqlite3_connection, *args)`` on this connection's thread, in one trip: a repository's
        synchronous statements, used alone or inside :meth:`Database.run_transaction`."""
        result: T = await self.conn._execute(work, self.conn._conn, *args)  # noqa: SLF001
        return result


class DatabaseTooNew(RuntimeError):
    """The file was written by a newer studybot; running older code on it could corrupt it."""


class Database:
    """One aiosqlite connection to one SQLite file, opened by the bot's ``setup_hook``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._write_turns = WriteTurns()
        self._riders = Riders()

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open; call await db.open() first")
        return self._conn

    async def open(self, *, migrate: bool = True) -> None:
        """Connect, set pragmas and bring the schema up to date."""
        if self._conn is not None:
            return
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = await _connect(self.path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows are overwritten with zeros, so a privacy deletion leaves no readable remains.
            await conn.execute("PRAGMA secure_delete=ON")
            self._conn = conn
            if migrate:
                await self.migrate()
        except BaseException:
            self._conn = None
            await conn.close()
            raise

    async def close(self) -> None:
        """Close the connection; its worker thread would otherwise keep the process alive."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def user_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self, migrations: list[Migration] | None = None) -> int:
        """Apply pending migrations in order, each in its own transaction; return the version."""
        migrations = migrations if migrations is not None else load_migrations()
        latest = migrations[-1].version if migrations else 0
        current = await self.user_version()
        if current > latest:
            raise DatabaseTooNew(
                f"{self.path} is at schema version {current}, but this studybot only knows "
                f"{latest}. Upgrade studybot (or restore a backup made by this version)."
            )
        pending = [m for m in migrations if m.version > current]
        if not pending:
            return current
        await self.conn.execute(f"PRAGMA busy_timeout={MIGRATION_BUSY_TIMEOUT_MS}")
        try:
            await self._apply(pending)
        finally:
            await self.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return await self.user_version()

    async def _apply(self, pending: list[Migration]) -> None:
        """Apply ``pending`` in order, each in its own transaction, skipping any another process applied meanwhile."""
        for migration in pending:
            async with self._write_turn():
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    # Shard processes sharing the file migrate as they start, together: another may have applied
                    # this one since the version was read, so the version read under the write lock decides.
                    if await self.user_version() >= migration.version:
                        await self.conn.execute("ROLLBACK")
                        continue
                    log.info("applying migration %04d_%s", migration.version, migration.name)
                    for statement in _split_sql(migration.sql):
                        await self.conn.execute(statement)
                    # PRAGMA cannot take parameters; the value is an int we computed.
                    await self.conn.execute(f"PRAGMA user_version = {int(migration.version)}")
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                await self.conn.execute("COMMIT")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Serialized write transaction: all or nothing, never interleaved with another.

        Inside an interaction (:func:`bounded_writes`) waiting behind this process's other writers
        is bounded too: past the limit it fails as SQLite does when another process holds the file.
        """
        async with self._write_turn():
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            try:
                await conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):  # never leave the connection inside a failed transaction
                    await conn.execute("ROLLBACK")
                raise

    @asynccontextmanager
    async def _write_turn(self) -> AsyncIterator[None]:
        """This process's turn to write: inside an interaction (:func:`bounded_writes`) bounded in time and
        ahead of background jobs (:class:`WriteTurns`)."""
        if not self._write_turns.try_acquire():
            limit = _write_queue_limit.get()
            try:
                async with asyncio.timeout(limit):
                    await self._write_turns.acquire(urgent=limit is not None)
            except TimeoutError:
                raise sqlite3.OperationalError("database is locked (this process's writers are queued)") from None
        try:
            yield
        finally:
            self._write_turns.release()

    async def _in_thread(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(sqlite3_connection, *args)`` on the connection's own thread, as one trip."""
        conn = self.conn
        return await conn._execute(function, conn._conn, *args)  # noqa: SLF001 - aiosqlite's one-trip primitive

    async def run_transaction(self, work: Callable[..., T], *args: Any) -> T:
        """Run ``work(sqlite3_connection, *args)`` as one write transaction, in ONE trip to the connection's thread.

        The same turn, ordering and bounded wait as :meth:`transaction`, and the same all or nothing
        (``BEGIN IMMEDIATE`` … ``COMMIT``, ``ROLLBACK`` on any error; a killed process leaves nothing
        half-written). What differs is the cost: a transaction of ten statements written with
        :meth:`transaction` makes a dozen hand-offs to the thread, each far dearer than a small
        statement, where this makes one; and transactions that wait for the turn together share
        one trip and one COMMIT (:mod:`bot.storage.group_commit`). ``work`` is synchronous and must
        not touch the event loop; it may read what it needs, decide and write, and returns what the
        caller needs to know."""
        mine = self._riders.join(work, args, urgent=_write_queue_limit.get() is not None)
        try:
            async with self._write_turn():
                if not mine.claimed:
                    await self._trip(mine)
        except sqlite3.OperationalError:
            if not mine.claimed:  # the bounded wait ran out before any trip took it: nothing was written
                self._riders.leave(mine)
                raise
            # A trip took it along while its caller waited for the turn: that trip's outcome is the answer.
        except BaseException:
            if mine.claimed:  # cancelled: the trip still settles it; nobody will read the outcome
                mine.outcome.add_done_callback(_observed)
            self._riders.leave(mine)
            raise
        result: T = await asyncio.shield(mine.outcome)
        return result

    async def _trip(self, leader: QueuedWork) -> None:
        """Holding the turn: run ``leader`` and the transactions waiting with it, then settle each."""
        trip = self._riders.board(leader)
        done = asyncio.ensure_future(self._in_thread(run_trip, [(q.work, q.args) for q in trip]))
        done.add_done_callback(functools.partial(settle, trip))
        # Hold the turn until the COMMIT; the trip settles its riders even if this caller is cancelled.
        await asyncio.wait([done])

    async def read(self, work: Callable[..., T], *args: Any) -> T:
        """Run ``work(sqlite3_connection, *args)``, a function of several reads, in one trip to the thread.

        Outside a transaction each statement sees what was committed when it ran (WAL), as the
        same reads made one by one would; with no hand-off between them, nothing can run between
        them on this connection either."""
        result: T = await self._in_thread(work, *args)
        return result

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement in its own transaction; return the rows changed.

        The whole transaction (BEGIN IMMEDIATE, the statement, COMMIT) is one trip to the
        connection's thread, shared with the transactions waiting beside it
        (:meth:`run_transaction`): each trip costs far more CPU than a small statement itself."""
        return int(await self.run_transaction(_rows_changed, sql, params))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    def reader(self, conn: aiosqlite.Connection | None = None) -> Reader:
        """Reads on the caller's connection when it passes one (inside its transaction), else on the shared one."""
        return Reader(conn if conn is not None else self.conn)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return await self.reader().fetchall(sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        return await self.reader().fetchone(sql, params)

    async def fetchval(self, sql: str, params: Params = (), default: Any = None) -> Any:
        return await self.reader().fetchval(sql, params, default)

    async def backup(self, destination: Path | str) -> Path:
        """Copy the live database with SQLite's online backup API (safe while running)."""
        destination = Path(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        target = await _connect(destination)
        try:
            async with self._write_turn():
                await self.conn.backup(target)
            # The copy carries the live file's WAL mark; a backup is a file on its own, so it is made an
            # ordinary one: opened later (to check or restore it) it grows no -wal and -shm files beside it.
            await target.execute("PRAGMA journal_mode=DELETE")
        finally:
            await target.close()
        return destination


async def _connect(path: Path, **options: Any) -> aiosqlite.Connection:
    """``aiosqlite.connect``, waiting on a failure (a folder the bot may not write) for aiosqlite's worker thread to
    stop: left to finish on its own, it wakes after a command's ``asyncio.run`` has closed the loop and prints a
    traceback ("Event loop is closed") under the command's one line."""
    connection = aiosqlite.connect(path, **options)
    try:
        return await connection
    except BaseException:
        # The thread is the connection itself before aiosqlite 0.22, and held as ``_thread`` since; either way it
        # has been told to stop and only needs the loop alive while it says so.
        worker = getattr(connection, "_thread", connection)
        if isinstance(worker, threading.Thread) and worker.is_alive():
            await asyncio.to_thread(worker.join)
        raise


def _first_row(conn: sqlite3.Connection, sql: str, params: Params) -> sqlite3.Row | None:
    cursor = conn.execute(sql, params)
    try:
        row: sqlite3.Row | None = cursor.fetchone()
        return row
    finally:
        cursor.close()


def _observed(outcome: asyncio.Future[Any]) -> None:
    """Mark an outcome nobody awaits any more as seen, so asyncio does not report it as lost."""
    if not outcome.cancelled():
        outcome.exception()


def _rows_changed(conn: sqlite3.Connection, sql: str, params: Params) -> int:
    return conn.execute(sql, params).rowcount


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements with SQLite's own completeness check.

    ``executescript`` would commit implicitly and break the all-or-nothing migration.
    """
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not buffer.strip().startswith("--"):
        statements.append(buffer.strip())
    return statements
