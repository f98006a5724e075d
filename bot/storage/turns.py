"""Turns to write to the one connection: members' interactions before background jobs.

A plain lock is first come, first served, so when a thousand servers' daily posts fall due
together their bookkeeping writes queue up and a member's click that writes (a quiz pick, a
flashcard grade) waits behind all of them, past what a member should wait. Interaction writes
(see :func:`bot.storage.database.bounded_writes`) therefore take the next turn ahead of any
waiting job; among themselves, and among jobs, turns stay in arrival order. Jobs cannot
starve: members' writes are short and arrive at human pace.
"""

from __future__ import annotations

import asyncio
from collections import deque


class WriteTurns:
    """A lock with two FIFO queues, the urgent one served first."""

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._background: deque[asyncio.Future[None]] = deque()

    def locked(self) -> bool:
        return self._held

    def try_acquire(self) -> bool:
        """Take the turn at once when it is free and nobody waits (no timer, no future)."""
        if self._held or self._urgent or self._background:
            return False
        self._held = True
        return True

    async def acquire(self, *, urgent: bool = False) -> None:
        if self.try_acquire():
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._background
        queue.append(turn)
        try:
            await turn
        except BaseException:
            if turn.done() and not turn.cancelled():
                self.release()  # the turn was handed over just as the waiter gave up: pass it on
            else:
                turn.cancel()
                if turn in queue:
                    queue.remove(turn)
            raise

    def release(self) -> None:
        """Hand the turn to the next waiter (urgent first), or free the lock when nobody waits."""
        for queue in (self._urgent, self._background):
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)  # the lock stays held: it passes straight to that waiter
                    return
        self._held = False
