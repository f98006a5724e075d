"""Activity: the one door through which every feature says "this member studied today".

A submitted daily answer, a flashcard review, a quiz answer and a completed mock
interview all land here, keyed on the member's *local* calendar day at the moment it
happened (their own timezone, else the guild's). Streaks are derived from these rows,
so features never touch streak state themselves. Listeners (e.g. milestone
announcements) are told after the row is committed.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.activity_reads import ActivityReads
from bot.clock import Clock, ensure_utc
from bot.storage import Database
from bot.timezones import TimezoneResolver, local_date, zone_in

log = logging.getLogger(__name__)

__all__ = ["ActivityKind", "ActivityReads", "ActivityRecorded", "ActivityService", "active_dates_in", "credit_in",
           "derived_in", "mark_underived_in", "uncount_in"]


class ActivityKind(StrEnum):
    ANSWER = "answer"
    REVIEW = "review"
    QUIZ = "quiz"
    MOCK = "mock"
    REPAIR = "repair"


@dataclass(frozen=True)
class ActivityRecorded:
    guild_id: int
    user_id: int
    kind: ActivityKind
    local_date: date
    at: datetime
    first_of_day: bool  # True when this was the member's first activity of any kind that day


Listener = Callable[[ActivityRecorded], Awaitable[None]]
# Runs on the database's thread inside the crediting transaction, so what it derives from the credit
# (a streak summary) commits with it in the same trip. Its failure is contained (see credit_in).
CommitHook = Callable[[sqlite3.Connection, ActivityRecorded], None]
# Told a guild's zone changed: what was derived from its members' local dates is derived again.
ZoneListener = Callable[[int], Awaitable[None]]


@dataclass
class _Pending:
    guild_id: int
    user_id: int
    kind: ActivityKind
    at: datetime
    future: asyncio.Future[ActivityRecorded]


class ActivityService:
    """Records activity with group commit: members acting at once share one transaction.

    Each ``await`` on aiosqlite is a hand-off to its worker thread, so a naive
    read-then-write per record costs far more than the write itself. Records that
    arrive while a batch is being written wait for the next batch, which resolves
    every member's zone, checks which days are new and upserts all rows in a handful
    of statements. Every caller still gets its own result, after the commit.
    """

    def __init__(self, db: Database, clock: Clock, timezones: TimezoneResolver) -> None:
        self._db = db
        self._clock = clock
        self._timezones = timezones
        self._listeners: list[Listener] = []
        self._hooks: list[CommitHook] = []
        self._zone_listeners: list[ZoneListener] = []
        self._pending: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def add_hook(self, hook: CommitHook) -> None:
        """Run ``hook`` inside every transaction that credits a member's first activity of their day
        (see :meth:`credit_in`): what a credit derives (a streak summary) only moves then, and a later
        credit that day is spared the hook's savepoint."""
        self._hooks.append(hook)

    def remove_hook(self, hook: CommitHook) -> None:
        if hook in self._hooks:
            self._hooks.remove(hook)

    def add_zone_listener(self, listener: ZoneListener) -> None:
        self._zone_listeners.append(listener)

    def remove_zone_listener(self, listener: ZoneListener) -> None:
        if listener in self._zone_listeners:
            self._zone_listeners.remove(listener)

    async def adopt_guild_zone(self, guild_id: int, zone: str) -> None:
        """A schedule other than the daily prompt's was set in ``zone``: a server without a timezone yet (no daily
        prompt set one) takes it, so its members' days run in the zone its moderators chose rather than in UTC.
        A server's timezone, once set, is the daily prompt's to change."""
        changed = await self._db.execute(
            "INSERT INTO guild_settings (guild_id, timezone, joined_at) VALUES (?, ?, ?) ON CONFLICT (guild_id) "
            "DO UPDATE SET timezone = excluded.timezone WHERE guild_settings.timezone IS NULL",
            (guild_id, zone, int(self._clock.now().timestamp())))
        if changed:
            await self.guild_zone_changed(guild_id)

    async def guild_zone_changed(self, guild_id: int) -> None:
        """The guild's timezone changed. Members without a zone of their own date their activity in the
        guild's, so what is derived from those dates (their streak summaries: when a streak breaks, which
        month it counts in) is derived again by whoever derives it."""
        for listener in list(self._zone_listeners):
            await listener(guild_id)

    def credit_in(self, conn: sqlite3.Connection, guild_id: int, user_id: int, kind: ActivityKind,
                  moment: datetime, repair: bool = False) -> ActivityRecorded | None:
        """The credit (:func:`credit_in`) plus what the hooks derive from it, inside the caller's transaction.

        A feature's click and everything its credit changes (a member's first activity of the day
        moves their streak summary) then commit together in one trip, instead of a second
        transaction after the first. A hook that fails is rolled back to its savepoint and logged:
        the member's action and its credit still commit, and the listener told afterwards
        derives the same thing the slow way."""
        event = credit_in(conn, guild_id, user_id, kind, moment, repair)
        if event is not None and event.first_of_day:
            self._run_hooks(conn, event)
        return event

    def uncount_in(self, conn: sqlite3.Connection, guild_id: int, user_id: int, kind: ActivityKind,
                   moment: datetime, day: date | None = None) -> None:
        """:func:`uncount_in` inside the caller's transaction (an undone flashcard grade)."""
        uncount_in(conn, guild_id, user_id, kind, moment, day)

    def withdraw_in(self, conn: sqlite3.Connection, guild_id: int, user_id: int, kind: ActivityKind,
                    moment: datetime) -> ActivityRecorded | None:
        """:func:`withdraw_in` plus what the hooks derive from a day it leaves inactive (the streak summary)."""
        event = withdraw_in(conn, guild_id, user_id, kind, moment)
        if event is not None:
            self._run_hooks(conn, event)
        return event

    async def withdraw(self, conn: aiosqlite.Connection, guild_id: int, user_id: int, kind: ActivityKind,
                       at: datetime) -> ActivityRecorded | None:
        """:meth:`withdraw_in` inside the caller's transaction; call :meth:`announce` with the result after the
        commit, so listeners derive the summary again."""
        event: ActivityRecorded | None = await conn._execute(  # noqa: SLF001 - aiosqlite's one-trip primitive
            self.withdraw_in, conn._conn, guild_id, user_id, kind, ensure_utc(at))  # noqa: SLF001
        return event

    def _run_hooks(self, conn: sqlite3.Connection, event: ActivityRecorded) -> None:
        """A first credit of the day's hooks, each in a savepoint of its own.

        A credit not every hook derived (one failed, or none is attached) marks the member underived in
        the same transaction: a crash before a listener derives it the slow way is then mended at
        start-up from the marks (:meth:`underived`), not from a read of all activity."""
        derived = bool(self._hooks)
        for hook in self._hooks:
            conn.execute("SAVEPOINT activity_hook")
            try:
                hook(conn, event)
            except Exception:
                conn.execute("ROLLBACK TO activity_hook")
                log.exception("activity hook %r failed for guild %s", hook, event.guild_id)
                derived = False
            conn.execute("RELEASE activity_hook")
        if not derived:
            mark_underived_in(conn, event.guild_id, event.user_id)

    async def record(
        self, guild_id: int, user_id: int, kind: ActivityKind, at: datetime | None = None
    ) -> ActivityRecorded:
        """Count ``kind`` for the member's local day containing ``at`` (default: now)."""
        moment = ensure_utc(at) if at is not None else self._clock.now()
        future: asyncio.Future[ActivityRecorded] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(guild_id, user_id, ActivityKind(kind), moment, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="studybot-activity-writer")
        event = await future
        await self.announce(event)
        return event

    async def announce(self, event: ActivityRecorded | None) -> None:
        """Tell listeners (streak summaries, milestones) about a credit once its transaction has committed."""
        if event is None:
            return
        for listener in self._listeners:
            try:
                await listener(event)
            except Exception:
                log.exception("activity listener %r failed for guild %s", listener, event.guild_id)

    async def credit(self, conn: aiosqlite.Connection, guild_id: int, user_id: int, kind: ActivityKind,
                     at: datetime | None = None, *, repair: bool = False) -> ActivityRecorded | None:
        """Count ``kind`` for the member's local day containing ``at``, inside the caller's transaction.

        The member's action and its streak credit then commit together or not at all: a crash
        between two transactions could otherwise keep the action and lose the day. With
        ``repair`` (a retry of an action already stored) nothing is counted twice: the credit is
        only added when it is missing, and None is returned when it was there.
        Call :meth:`announce` with the result after the commit.
        """
        moment = ensure_utc(at) if at is not None else self._clock.now()
        # The whole credit (zone, the day's kinds, the upsert) is one trip to the connection's thread.
        event: ActivityRecorded | None = await conn._execute(  # noqa: SLF001 - aiosqlite's one-trip primitive
            self.credit_in, conn._conn, guild_id, user_id, kind, moment, repair)  # noqa: SLF001
        return event

    async def _drain(self) -> None:
        while self._pending:
            await asyncio.sleep(0)  # let members acting in the same instant join this batch
            batch, self._pending = self._pending, []
            try:
                events = await self._write(batch)
            except BaseException as error:
                for pending in batch:
                    if not pending.future.done():
                        pending.future.set_exception(error)
                if not isinstance(error, Exception):
                    raise
            else:
                for pending, event in zip(batch, events, strict=True):
                    if not pending.future.done():
                        pending.future.set_result(event)

    async def _write(self, batch: list[_Pending]) -> list[ActivityRecorded]:
        """The whole batch as one transaction in one trip to the database's thread."""
        items = [(p.guild_id, p.user_id, p.kind, p.at) for p in batch]
        events: list[ActivityRecorded] = await self._db.run_transaction(self._write_in, items)
        return events

    def _write_in(self, conn: sqlite3.Connection,
                  items: list[tuple[int, int, ActivityKind, datetime]]) -> list[ActivityRecorded]:
        """Zones, which days are new and every row in a handful of statements, then the hooks per credit."""
        user_zones = _zones_in(conn, "user_settings", "user_id", {item[1] for item in items})
        guild_zones = _zones_in(conn, "guild_settings", "guild_id", {item[0] for item in items})
        days = [local_date(at, user_zones.get(user_id) or guild_zones.get(guild_id) or ZoneInfo("UTC"))
                for guild_id, user_id, _kind, at in items]
        keys = sorted({(item[0], item[1], day.isoformat()) for item, day in zip(items, days, strict=True)})
        existing: set[tuple[int, int, str]] = set()
        for chunk in _chunks(keys, 300):
            placeholders = ",".join("(?, ?, ?)" for _ in chunk)
            rows = conn.execute(
                "SELECT DISTINCT guild_id, user_id, local_date FROM activity "  # noqa: S608 - placeholders only
                f"WHERE (guild_id, user_id, local_date) IN (VALUES {placeholders})",
                [value for key in chunk for value in key])
            existing.update((row[0], row[1], row[2]) for row in rows)
        conn.executemany(
            "INSERT INTO activity (guild_id, user_id, local_date, kind, first_at, count) "
            "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (guild_id, user_id, local_date, kind) "
            "DO UPDATE SET count = count + 1",
            [(guild_id, user_id, day.isoformat(), str(kind), int(at.timestamp()))
             for (guild_id, user_id, kind, at), day in zip(items, days, strict=True)])
        events = []
        for (guild_id, user_id, kind, at), day in zip(items, days, strict=True):
            key = (guild_id, user_id, day.isoformat())
            first = key not in existing
            existing.add(key)
            event = ActivityRecorded(guild_id, user_id, kind, day, at, first)
            if first:
                self._run_hooks(conn, event)
            events.append(event)
        return events

    async def record_day(self, conn: aiosqlite.Connection, guild_id: int, user_id: int, kind: ActivityKind,
                         day: date) -> bool:
        """Count ``kind`` on an explicit local ``day`` inside the caller's transaction (moderator repairs).

        Returns False when the member already had that kind on that day. Listeners are not
        told: the caller recomputes what depends on the day once its transaction commits.
        """
        cursor = await conn.execute(
            "INSERT INTO activity (guild_id, user_id, local_date, kind, first_at, count) VALUES (?, ?, ?, ?, ?, 1) "
            "ON CONFLICT (guild_id, user_id, local_date, kind) DO NOTHING",
            (guild_id, user_id, day.isoformat(), str(kind), int(self._clock.now().timestamp())),
        )
        added = cursor.rowcount > 0
        if added:  # derived once the caller's transaction commits; until then, and after a crash, owed
            await conn.execute(MARK_UNDERIVED, (guild_id, user_id))
        return added

    async def underived(self) -> list[tuple[int, int]]:
        """(guild, member) pairs whose derived summary may lag their activity (see :meth:`_run_hooks`)."""
        rows = await self._db.fetchall("SELECT guild_id, user_id FROM activity_underived ORDER BY guild_id, user_id")
        return [(row[0], row[1]) for row in rows]

    async def active_dates(self, guild_id: int, user_id: int) -> list[date]:
        dates: list[date] = await self._db.read(active_dates_in, guild_id, user_id)
        return dates


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def active_dates_in(conn: sqlite3.Connection, guild_id: int, user_id: int) -> list[date]:
    """The member's active local days, oldest first, read on the connection's own thread."""
    rows = conn.execute("SELECT DISTINCT local_date FROM activity WHERE guild_id = ? AND user_id = ? "
                        "ORDER BY local_date", (guild_id, user_id))
    return [date.fromisoformat(row[0]) for row in rows]


MARK_UNDERIVED = "INSERT OR IGNORE INTO activity_underived (guild_id, user_id) VALUES (?, ?)"


def mark_underived_in(conn: sqlite3.Connection, guild_id: int, user_id: int) -> None:
    """Note that the member's derived summary may lag their activity, inside the crediting transaction."""
    conn.execute(MARK_UNDERIVED, (guild_id, user_id))


def derived_in(conn: sqlite3.Connection, guild_id: int, user_id: int) -> None:
    """The member's summary was derived from all their activity, inside the transaction that wrote it."""
    conn.execute("DELETE FROM activity_underived WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))


def credit_in(conn: sqlite3.Connection, guild_id: int, user_id: int, kind: ActivityKind, moment: datetime,
              repair: bool = False) -> ActivityRecorded | None:
    """:meth:`ActivityService.credit` as statements on the connection's own thread, inside the caller's
    transaction (see :meth:`bot.storage.Database.run_transaction`); ``moment`` is in UTC."""
    day = local_date(moment, zone_in(conn, guild_id, user_id))
    key = day.isoformat()
    kinds_that_day = {row[0] for row in conn.execute(
        "SELECT kind FROM activity WHERE guild_id = ? AND user_id = ? AND local_date = ?", (guild_id, user_id, key))}
    if repair and (str(kind) in kinds_that_day or _credited_near(conn, guild_id, user_id, kind, moment)):
        return None
    conn.execute(
        "INSERT INTO activity (guild_id, user_id, local_date, kind, first_at, count) VALUES (?, ?, ?, ?, ?, 1) "
        "ON CONFLICT (guild_id, user_id, local_date, kind) DO UPDATE SET count = count + 1",
        (guild_id, user_id, key, str(kind), int(moment.timestamp())))
    return ActivityRecorded(guild_id, user_id, ActivityKind(kind), day, moment, not kinds_that_day)


def uncount_in(conn: sqlite3.Connection, guild_id: int, user_id: int, kind: ActivityKind, moment: datetime,
               day: date | None = None) -> None:
    """Take back one ``kind`` action counted for the day ``moment`` had (an undone grade: its review is gone), so
    the server's participation counts what is stored. The day's row stays, at 0 at the least: the member did act
    that day, and their streak keeps it. ``day`` is the date the action was credited on, when the caller kept it:
    after a timezone change, ``moment``'s date in the member's zone is another day, which never counted it."""
    if day is None:
        day = local_date(moment, zone_in(conn, guild_id, user_id))
    conn.execute("UPDATE activity SET count = count - 1 WHERE guild_id = ? AND user_id = ? AND local_date = ? "
                 "AND kind = ? AND count > 0", (guild_id, user_id, day.isoformat(), str(kind)))


def withdraw_in(conn: sqlite3.Connection, guild_id: int, user_id: int, kind: ActivityKind,
                moment: datetime) -> ActivityRecorded | None:
    """Take back a ``kind`` credit given for something the member did not do (an interview credited as met, then
    reported as one they missed). Unlike :func:`uncount_in` (an undone grade: the member did act that day), a day
    that only this credit made active is active no more: its row goes, and the event returned (None when the day
    stays active) has the hooks and listeners derive the member's summary again from what is left."""
    day = local_date(moment, zone_in(conn, guild_id, user_id)).isoformat()
    conn.execute("UPDATE activity SET count = count - 1 WHERE guild_id = ? AND user_id = ? AND local_date = ? "
                 "AND kind = ? AND count > 0", (guild_id, user_id, day, str(kind)))
    removed = conn.execute(
        "DELETE FROM activity WHERE guild_id = ? AND user_id = ? AND local_date = ? AND kind = ? AND count <= 0 "
        "AND NOT EXISTS (SELECT 1 FROM activity o WHERE o.guild_id = activity.guild_id AND o.user_id = "
        "activity.user_id AND o.local_date = activity.local_date AND o.kind <> activity.kind)",
        (guild_id, user_id, day, str(kind))).rowcount
    return ActivityRecorded(guild_id, user_id, ActivityKind(kind), date.fromisoformat(day), moment, True) \
        if removed else None


def _credited_near(conn: sqlite3.Connection, guild_id: int, user_id: int, kind: ActivityKind, moment: datetime) -> bool:
    """Whether ``kind`` is credited on any date ``moment`` can have in some timezone (its UTC date and the days
    either side). A repair asks so: the member may have changed timezone since ``moment`` was credited, and the
    date their current zone gives it then finds no credit and would invent a day they never studied. A repair
    this declines leaves a credit missing, never one too many."""
    utc_day = moment.astimezone(UTC).date()
    return conn.execute(
        "SELECT 1 FROM activity WHERE guild_id = ? AND user_id = ? AND kind = ? AND local_date BETWEEN ? AND ? "
        "LIMIT 1", (guild_id, user_id, str(kind), (utc_day - timedelta(days=1)).isoformat(),
                    (utc_day + timedelta(days=1)).isoformat())).fetchone() is not None


def _zones_in(conn: sqlite3.Connection, table: str, column: str, ids: set[int]) -> dict[int, ZoneInfo]:
    """Timezone preferences for ``ids`` from ``table`` (a fixed name from this module, never user input)."""
    found: dict[int, ZoneInfo] = {}
    for chunk in _chunks(sorted(ids), 500):
        placeholders = ",".join("?" for _ in chunk)
        rows = conn.execute(
            f"SELECT {column}, timezone FROM {table} WHERE {column} IN ({placeholders}) "  # noqa: S608
            "AND timezone IS NOT NULL",
            chunk,
        )
        found.update({row[0]: ZoneInfo(row[1]) for row in rows})
    return found
