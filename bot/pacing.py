"""Pacing the bot's own REST traffic under Discord's global limit (50 requests a second).

discord.py only reacts to a global 429: when a thousand guilds are due in the same
minute, every delivery would fire at once, most would be refused, and all would wait
and retry together. Scheduled fan-out (daily posts, quizzes, pairing threads) instead
takes a token from this bucket before each request, so requests leave at a steady
rate just under the limit and almost none are refused. Interaction responses are
exempt from the global limit and do not use it.

The bucket has two lanes. A request a member's own action causes (the answer shown in its
thread after the form) would otherwise queue behind every post of a fan-out already waiting,
up to a minute for a thousand servers; it takes the member lane instead (:func:`members_first`,
set once per interaction), which the bucket serves ahead of scheduled traffic, each lane in
arrival order. The rate over both lanes together stays the same.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import deque
from collections.abc import Callable

DISCORD_GLOBAL_LIMIT = 50  # requests a second, per bot

_member_lane: contextvars.ContextVar[bool] = contextvars.ContextVar("member_lane", default=False)


def members_first() -> None:
    """From here on in this task (an interaction handler), requests take the member lane."""
    _member_lane.set(True)


def scheduled_lane() -> None:
    """From here on in this task (a scheduled job), requests take the scheduled lane, whatever context
    the job's task was copied from (APScheduler starts a job from the context that last set its timer,
    which may be an interaction's)."""
    _member_lane.set(False)


class RequestPacer:
    """A token bucket: ``rate`` tokens a second, up to ``burst`` saved for quiet moments."""

    def __init__(self, rate: float, *, burst: float | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        # A sliding second may hold the saved burst plus a second of refill: keep the sum within the limit.
        self.burst = burst if burst is not None else max(1.0, min(5.0, DISCORD_GLOBAL_LIMIT - rate))
        self._monotonic = monotonic
        self._tokens = self.burst
        self._stamp = monotonic()
        self._members: deque[asyncio.Future[None]] = deque()
        self._scheduled: deque[asyncio.Future[None]] = deque()
        self._drainer: asyncio.Task[None] | None = None  # hands out tokens while anyone waits

    def _refill(self) -> None:
        now = self._monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self) -> None:
        """Wait until a request may be sent: the member lane first, each lane in arrival order."""
        if self._drainer is None:
            self._refill()
            if self._tokens >= 1:  # nobody waits and a token is saved: go now
                self._tokens -= 1
                return
        turn = asyncio.get_running_loop().create_future()
        (self._members if _member_lane.get() else self._scheduled).append(turn)
        if self._drainer is None:
            self._drainer = asyncio.ensure_future(self._drain())
        await turn

    def _next_waiter(self) -> asyncio.Future[None] | None:
        for lane in (self._members, self._scheduled):
            while lane:
                turn = lane.popleft()
                if not turn.done():  # a cancelled waiter gives up its place
                    return turn
        return None

    async def _drain(self) -> None:
        try:
            while self._members or self._scheduled:
                self._refill()
                if self._tokens < 1:
                    delay = (1 - self._tokens) / self.rate
                    await asyncio.sleep(delay)
                    self._refill()
                turn = self._next_waiter()
                if turn is None:
                    break
                self._tokens -= 1
                turn.set_result(None)
        finally:
            self._drainer = None
            for lane in (self._members, self._scheduled):  # only left when the drain itself was cancelled
                while lane:
                    lane.popleft().cancel()
