"""Group commit: one-trip transactions that wait together ride the same trip and the same COMMIT.

A one-trip transaction (:meth:`bot.storage.Database.run_transaction`) costs a hand-off to the
connection's thread and a COMMIT to the WAL, each more than its few small statements. When
members click at once, their transactions queue for the write turn anyway; the one that gets
the turn takes the others of its class (interactions, or background jobs) along, and the thread
runs them one after another inside one ``BEGIN IMMEDIATE`` … ``COMMIT``, each in a savepoint of
its own. What each caller sees is unchanged:

- its own result or its own error: a work that fails is rolled back to its savepoint alone;
- only after the COMMIT that holds its writes, so nobody is told "saved" before it is durable;
- and a killed process leaves every transaction of the trip unwritten, as it would leave one.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Enough to share the fixed costs among a burst of clicks; small enough that the first of them
# does not wait long for the others' statements.
MAX_RIDERS = 32


@dataclass(eq=False)
class QueuedWork:
    """One caller's transaction function, waiting for a trip."""

    work: Callable[..., Any]
    args: tuple[Any, ...]
    urgent: bool
    outcome: asyncio.Future[Any] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    claimed: bool = False  # taken into a trip: its outcome will come, whatever happens to its caller's wait


class Riders:
    """The transactions waiting for the write turn, in arrival order."""

    def __init__(self) -> None:
        self._waiting: list[QueuedWork] = []

    def join(self, work: Callable[..., Any], args: tuple[Any, ...], *, urgent: bool) -> QueuedWork:
        queued = QueuedWork(work, args, urgent)
        self._waiting.append(queued)
        return queued

    def leave(self, queued: QueuedWork) -> None:
        """A caller that gave up before any trip took it along."""
        if not queued.claimed and queued in self._waiting:
            self._waiting.remove(queued)

    def board(self, leader: QueuedWork) -> list[QueuedWork]:
        """``leader`` (which holds the turn) and the waiting transactions of its class it takes along."""
        trip = [leader] + [q for q in self._waiting if q is not leader and q.urgent == leader.urgent]
        trip = trip[:MAX_RIDERS]
        for queued in trip:
            queued.claimed = True
            if queued in self._waiting:
                self._waiting.remove(queued)
        return trip


def settle(trip: list[QueuedWork], done: asyncio.Future[list[tuple[bool, Any]]]) -> None:
    """Hand each caller its outcome once the trip is over (its COMMIT made, or failed for all)."""
    if done.cancelled():
        failure: BaseException | None = asyncio.CancelledError()
    else:
        failure = done.exception()
    for index, queued in enumerate(trip):
        if queued.outcome.done():
            continue
        if failure is not None:
            queued.outcome.set_exception(failure)
            continue
        ok, value = done.result()[index]
        if ok:
            queued.outcome.set_result(value)
        else:
            queued.outcome.set_exception(value)


def run_trip(conn: sqlite3.Connection, works: list[tuple[Callable[..., Any], tuple[Any, ...]]]) -> list[tuple[bool, Any]]:
    """On the connection's thread: every work in one transaction, each in its own savepoint.

    Returns (True, result) or (False, exception) per work. An error the savepoints cannot
    contain (the COMMIT failing, a statement aborting the whole transaction) rolls everything
    back and is raised: every caller of the trip then gets it."""
    conn.execute("BEGIN IMMEDIATE")
    outcomes: list[tuple[bool, Any]] = []
    try:
        for work, args in works:
            if len(works) == 1:
                outcomes.append((True, work(conn, *args)))  # alone: the transaction is its savepoint
                break
            conn.execute("SAVEPOINT rider")
            try:
                value = work(conn, *args)
            except Exception as error:
                conn.execute("ROLLBACK TO rider")
                conn.execute("RELEASE rider")
                outcomes.append((False, error))
            else:
                conn.execute("RELEASE rider")
                outcomes.append((True, value))
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):  # never leave the connection inside a failed transaction
            conn.execute("ROLLBACK")
        raise
    return outcomes
